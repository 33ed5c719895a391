import { describe, expect, test } from 'vitest';
import { AB_ICON, budgetChangeText, deltaCell, latencyComparisonText, renderNote, STATUS_ICON, statusCell, VERDICT_ICON } from '../../../src/report/cells.js';
import type { MetricResult } from '../../../src/report/types.js';
import { formatBytes, formatMs, formatValue } from '../../../src/format.js';
import { isTfliteModelFile } from '../../../src/formats/tflite/identifier.js';
import { parseNote } from '../../../src/note.js';

const metric = (over: Partial<MetricResult>): MetricResult => ({
  key: 'size',
  unit: 'bytes',
  value: 1000,
  direction: 'max',
  status: 'pass',
  message: 'ok',
  ...over,
});

describe('budget edits in words', () => {
  test.each([
    { what: 'added', c: { key: 'size', unit: 'bytes', to: 4e6 }, expected: '✏️ `size` budget added in this PR: 4 MB' },
    { what: 'removed', c: { key: 'latency.p90', unit: 'ms', from: 40 }, expected: '✏️ `latency.p90` budget removed in this PR (was 40 ms)' },
    { what: 'raised', c: { key: 'size', unit: 'bytes', from: 5e6, to: 6e6 }, expected: '✏️ `size` budget raised 5 MB → 6 MB in this PR' },
    { what: 'lowered', c: { key: 'size', unit: 'bytes', from: 6e6, to: 5e6 }, expected: '✏️ `size` budget lowered 6 MB → 5 MB in this PR' },
    { what: 'raised from 0', c: { key: 'size', unit: 'bytes', from: 0, to: 1000 }, expected: '✏️ `size` budget raised 0 B → 1 KB in this PR' },
    { what: 'lowered to 0', c: { key: 'size', unit: 'bytes', from: 1000, to: 0 }, expected: '✏️ `size` budget lowered 1 KB → 0 B in this PR' },
    {
      what: 'a limit not measured',
      c: { key: 'size', unit: 'bytes', from: Number.NaN, to: 1000 },
      expected: '✏️ `size` budget lowered not measured → 1 KB in this PR',
    },
    { what: 'neither side (a hand-edited artifact)', c: { key: 'size', unit: 'bytes' }, expected: '✏️ `size` budget lowered ? → ? in this PR' },
  ] as const)('$what', ({ c, expected }) => {
    expect(budgetChangeText(c, ' in this PR')).toBe(expected);
  });
});

describe('deltas at zero and in the direction of the metric', () => {
  test.each([
    { what: 'a floor metric that rose is better', m: metric({ unit: 'number', direction: 'min', value: 0.5, base: 0.25 }), expected: '🔽 +0.25 (+100.0%)' },
    { what: 'a ceiling metric that fell is better', m: metric({ value: 500, base: 1000 }), expected: '🔽 −500 B (−50.0%)' },
    { what: 'a tiny rise is a rise', m: metric({ unit: 'number', value: 1e-6, base: 0 }), expected: '🔺 +1.00e-6' },
  ])('$what', ({ m, expected }) => {
    expect(deltaCell(m)).toBe(expected);
  });
});

test('latency A/B against the base branch', () => {
  expect(latencyComparisonText({ against: 'base', ratio: 0.9, ci: [0.85, 0.95], confidence: 0.9, threshold: 0.05, verdict: 'faster' })).toEqual({
    against: 'the base branch',
    result: '🟢 faster, median 0.90× (90% CI 0.85× – 0.95×; allowed +5%)',
  });
});

test('every icon is its own symbol', () => {
  expect(VERDICT_ICON).toEqual({ pass: '✅', warn: '⚠️', fail: '❌', error: '💥' });
  expect(STATUS_ICON).toEqual({ pass: '✅', warn: '⚠️', fail: '❌', 'no-budget': '➖' });
  expect(AB_ICON).toEqual({ faster: '🟢', same: '⚪', slower: '🔴', inconclusive: '❔' });
  expect(statusCell('no-budget')).toBe('➖ no-budget');
});

test.each([
  { input: '12. x', expected: '12\\. x' },
  { input: '3) x', expected: '3\\) x' },
  { input: '  - x', expected: '  \\- x' },
  { input: '2024 was', expected: '2024 was' },
])('a note that starts like a list or heading: $input', ({ input, expected }) => {
  expect(renderNote(input)).toBe(expected);
});

describe('format at its edges', () => {
  test.each([
    [9999, '10 KB'],
    [10_000, '10 KB'],
    [12_345, '12.3 KB'],
    [9_999_999, '10 MB'],
    [12_345_678, '12.3 MB'],
    [1000, '1 KB'],
  ])('%d bytes → %s', (bytes, expected) => expect(formatBytes(bytes)).toBe(expected));

  test.each([
    [99.994, '99.99 ms'],
    [100, '100 ms'],
    [100.4, '100 ms'],
  ])('%d ms → %s', (ms, expected) => expect(formatMs(ms)).toBe(expected));

  test.each([
    [0.99, '0.99'],
    [0.995, '0.995'],
    [1, '1'],
    [-0.9999, '-0.9999'],
    [0.999943, '0.999943'],
  ])('the number %d → %s', (value, expected) => expect(formatValue('number', value)).toBe(expected));

  test('no unit formats a plain number', () => {
    expect(formatValue(undefined, 1234.5678)).toBe('1235');
  });
});

test('a .tflite path, in any case (no file there: the name decides)', () => {
  expect(isTfliteModelFile('models/face.TFLite', '/nonexistent/face.TFLite')).toBe(true);
  expect(isTfliteModelFile('models/face.tflite.json', '/nonexistent/face.tflite.json')).toBe(false);
  expect(isTfliteModelFile('tflite/model.json', '/nonexistent/model.json')).toBe(false);
});

test('parseNote: an empty note has no part; an empty code span is one', () => {
  expect(parseNote('')).toEqual([]);
  expect(parseNote('a ``')).toEqual([
    { kind: 'text', text: 'a ' },
    { kind: 'code', text: '' },
  ]);
  expect(parseNote('`x` b')).toEqual([
    { kind: 'code', text: 'x' },
    { kind: 'text', text: ' b' },
  ]);
  expect(parseNote('a\\b')).toEqual([{ kind: 'text', text: 'a\\b' }]);
  // A code span opened at the very end is an empty code part.
  expect(parseNote('see `')).toEqual([
    { kind: 'text', text: 'see ' },
    { kind: 'code', text: '' },
  ]);
});
