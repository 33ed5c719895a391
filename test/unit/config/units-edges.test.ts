import { describe, expect, test } from 'vitest';
import { parseCount, parseDuration, parseNumber, parsePercent, parseSize } from '../../../src/config/units.js';
import { formatBytes, formatCount, formatMs, formatValue } from '../../../src/format.js';

// The edges of every unit: where one branch hands over to the next, exponents, and values that only look right.
describe('parsing at the edges', () => {
  test.each([
    { what: 'an exponent', parse: parseSize, input: '1.5e3 KB', expected: 1_500_000 },
    { what: 'a negative exponent', parse: parseSize, input: '2e-1 KB', expected: 200 },
    { what: 'a leading dot', parse: parseDuration, input: '.25 s', expected: 250 },
    { what: 'a two-digit exponent', parse: parseCount, input: '1e12', expected: 1e12 },
    { what: 'minutes', parse: parseDuration, input: '2 min', expected: 120_000 },
    { what: 'a percentage with an exponent', parse: parsePercent, input: '1e1%', expected: 0.1 },
    { what: 'a numeric string', parse: parseNumber, input: ' -1e-2 ', expected: -0.01 },
    { what: 'a number', parse: parseNumber, input: 0.5, expected: 0.5 },
  ])('$what', ({ parse, input, expected }) => {
    const parsed = parse(input);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.value).toBeCloseTo(expected, 9);
  });

  // A list of one string reads as that string to String(); none of them is a value.
  test.each([
    { parse: parseSize, input: ['5 MB'], expected: 'a size like "5 MB", "512 KiB" or a number of bytes' },
    { parse: parseDuration, input: ['40 ms'], expected: 'a duration like "40 ms" or "1.5 s"' },
    { parse: parsePercent, input: ['10%'], expected: 'a percentage like "10%"' },
    { parse: parsePercent, input: true, expected: 'a percentage like "10%"' },
    { parse: parseCount, input: ['600 M'], expected: 'a count like "600 M", "1.2 G" or a plain number' },
    { parse: parseCount, input: true, expected: 'a count like "600 M", "1.2 G" or a plain number' },
    { parse: parseCount, input: 'x', expected: 'a count like "600 M", "1.2 G" or a plain number' },
    { parse: parseNumber, input: [5], expected: 'a number like 0.01' },
    { parse: parseNumber, input: true, expected: 'a number like 0.01' },
    { parse: parseNumber, input: null, expected: 'a number like 0.01' },
    { parse: parseNumber, input: 'abc', expected: 'a number like 0.01' },
    { parse: parseNumber, input: '0x10', expected: 'a number like 0.01' },
    { parse: parseNumber, input: Infinity, expected: 'a number like 0.01' },
  ])('refuses $input', ({ parse, input, expected }) => {
    expect(parse(input)).toEqual({ ok: false, expected });
  });
});

describe('formatting at the edges', () => {
  test.each([
    { value: 999, expected: '999 B' },
    { value: 1000, expected: '1 KB' },
    { value: 1234, expected: '1.23 KB' },
    { value: 12_345, expected: '12.3 KB' },
    { value: 999_949, expected: '999.9 KB' },
    { value: 1e6, expected: '1 MB' },
    { value: 1_500_000, expected: '1.5 MB' },
    { value: 12_345_678, expected: '12.3 MB' },
    { value: 1e9, expected: '1 GB' },
    { value: 1.5e9, expected: '1.5 GB' },
    { value: -2500, expected: '-2.5 KB' },
  ])('formatBytes($value)', ({ value, expected }) => {
    expect(formatBytes(value)).toBe(expected);
  });

  test.each([
    { value: 0.5, expected: '500 µs' },
    { value: 1, expected: '1 ms' },
    { value: 1.5, expected: '1.5 ms' },
    { value: 99.5, expected: '99.5 ms' },
    { value: 250, expected: '250 ms' },
    { value: 9999, expected: '9999 ms' },
    { value: 10_000, expected: '10.0 s' },
    { value: 12_345, expected: '12.3 s' },
  ])('formatMs($value)', ({ value, expected }) => {
    expect(formatMs(value)).toBe(expected);
  });

  test.each([
    { value: 999, expected: '999' },
    { value: 1000, expected: '1 k' },
    { value: 1500, expected: '1.5 k' },
    { value: 1e6, expected: '1 M' },
    { value: 2.5e6, expected: '2.5 M' },
    { value: 1e9, expected: '1 G' },
    { value: 2.5e9, expected: '2.5 G' },
  ])('formatCount($value)', ({ value, expected }) => {
    expect(formatCount(value)).toBe(expected);
  });

  test.each([
    { unit: 'number', value: Infinity, expected: 'Infinity' },
    { unit: 'bytes', value: NaN, expected: 'NaN' },
    { unit: 'fraction', value: 0.5, expected: '50.0%' },
    { unit: 'fraction', value: 0.99, expected: '99.0%' },
    { unit: 'fraction', value: 0.995, expected: '99.50%' },
    { unit: 'fraction', value: 1, expected: '100.0%' },
    { unit: 'number', value: 0, expected: '0' },
    { unit: 'number', value: 1e-3, expected: '0.001' },
    { unit: 'number', value: 5e-4, expected: '5.00e-4' },
    { unit: 'number', value: 123_456, expected: '123500' },
    { unit: 'number', value: 1e6, expected: '1.00e+6' },
    { unit: 'number', value: 0.123456, expected: '0.1235' },
    { unit: 'number', value: 0.999943, expected: '0.999943' },
    { unit: 'number', value: -0.9995, expected: '-0.9995' },
    { unit: 'count', value: 1500, expected: '1.5 k' },
    { unit: 'ms', value: 1.5, expected: '1.5 ms' },
  ] as const)('formatValue($unit, $value)', ({ unit, value, expected }) => {
    expect(formatValue(unit, value)).toBe(expected);
  });
});
