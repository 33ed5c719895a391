import { describe, expect, test } from 'vitest';
import { parseCount, parseDuration, parsePercent, parseSize } from '../../../src/config/units.js';
import { formatValue } from '../../../src/format.js';

describe('units', () => {
  test.each([
    { what: 'megabytes are 1000²', input: '5 MB', expected: 5_000_000 },
    { what: 'mebibytes are 1024²', input: '5 MiB', expected: 5 * 1024 * 1024 },
    { what: 'kilobytes', input: '512 KB', expected: 512_000 },
    { what: 'kibibytes', input: '512KiB', expected: 524_288 },
    { what: 'bare number is bytes', input: 1234, expected: 1234 },
    { what: 'decimal', input: '1.5 GB', expected: 1_500_000_000 },
    { what: 'case-insensitive', input: '4 mb', expected: 4_000_000 },
  ])('parseSize: $what', ({ input, expected }) => {
    expect(parseSize(input)).toEqual({ ok: true, value: expected });
  });

  test.each([{ input: '5 MX' }, { input: 'five MB' }, { input: -1 }, { input: '' }, { input: true }])('parseSize rejects $input', ({ input }) => {
    expect(parseSize(input).ok).toBe(false);
  });

  test.each([
    { input: '40 ms', expected: 40 },
    { input: '1.5 s', expected: 1500 },
    { input: '250us', expected: 0.25 },
  ])('parseDuration $input', ({ input, expected }) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: expected });
  });

  test('a duration needs its unit', () => {
    expect(parseDuration(40)).toEqual({ ok: false, expected: 'a duration like "40 ms" or "1.5 s"' });
    expect(parseDuration('fast').ok).toBe(false);
  });

  test.each([
    { input: '10%', expected: 0.1 },
    { input: '99.5%', expected: 0.995 },
    { input: 0.2, expected: 0.2 },
  ])('parsePercent $input', ({ input, expected }) => {
    const parsed = parsePercent(input);
    expect(parsed.ok && parsed.value).toBeCloseTo(expected, 12);
  });

  test('percent rejects numbers above 1 and missing %', () => {
    expect(parsePercent(10).ok).toBe(false);
    expect(parsePercent('10').ok).toBe(false);
  });

  test.each([
    { input: '600 M', expected: 600e6 },
    { input: '1.2G', expected: 1.2e9 },
    { input: 42, expected: 42 },
    { input: '3k', expected: 3000 },
  ])('parseCount $input', ({ input, expected }) => {
    expect(parseCount(input)).toEqual({ ok: true, value: expected });
  });

  test.each([
    { unit: 'bytes', value: 300_000, expected: '300 KB' },
    { unit: 'bytes', value: 1_234_567, expected: '1.23 MB' },
    { unit: 'bytes', value: 999, expected: '999 B' },
    { unit: 'ms', value: 12.345, expected: '12.35 ms' },
    { unit: 'ms', value: 0.25, expected: '250 µs' },
    { unit: 'fraction', value: 0.1, expected: '10.0%' },
    { unit: 'fraction', value: 0.9987, expected: '99.87%' },
    { unit: 'count', value: 600e6, expected: '600 M' },
    { unit: 'count', value: 20_890_000, expected: '20.89 M' },
    { unit: 'number', value: 0.9999654, expected: '0.999965' },
    { unit: 'number', value: 0.0001234, expected: '1.23e-4' },
  ] as const)('formatValue $unit $value', ({ unit, value, expected }) => {
    expect(formatValue(unit, value)).toBe(expected);
  });
});
