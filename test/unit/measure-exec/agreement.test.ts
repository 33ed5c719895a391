import { expect, test } from 'vitest';
import { outputAgreement } from '../../../src/measure/agreement.js';

const out = (name: string, values: number[]) => ({ name, shape: [1, values.length], data: Float32Array.from(values) });

test('outputs pair by name first, else by a unique element count; each pair gets max abs diff and cosine', () => {
  const result = outputAgreement(
    [out('landmarks', [1, 2, 3]), out('flag', [0.5]), out('mask', [0, 0, 1, 1])],
    [out('Identity_1', [0.25]), out('Identity', [1, 2, 3.5]), out('mask', [0, 0, 1, 0.5]), out('extra', [9, 9])],
  );
  expect(result.pairs.map(({ cosine: _, ...p }) => p)).toEqual([
    { baseline: 'landmarks', candidate: 'Identity', elements: 3, maxAbsDiff: 0.5 },
    { baseline: 'flag', candidate: 'Identity_1', elements: 1, maxAbsDiff: 0.25 },
    { baseline: 'mask', candidate: 'mask', elements: 4, maxAbsDiff: 0.5 },
  ]);
  const cosines = result.pairs.map((p) => p.cosine ?? NaN);
  expect(cosines[0]).toBeCloseTo((1 + 4 + 10.5) / Math.sqrt(14 * 17.25), 10);
  expect(cosines[1]).toBe(1);
  expect(cosines[2]).toBeCloseTo(1.5 / Math.sqrt(2 * 1.25), 10);
  expect(result.unmatched).toEqual(['candidate extra [1×2]']);
});

test('two outputs of one size are paired only by name, never by guess; an all-zero side has no cosine', () => {
  const result = outputAgreement([out('a', [1, 2]), out('b', [0, 0])], [out('x', [1, 2]), out('b', [3, 4])]);
  expect(result.pairs).toEqual([{ baseline: 'b', candidate: 'b', elements: 2, maxAbsDiff: 4 }]);
  expect(result.unmatched).toEqual(['baseline a [1×2]', 'candidate x [1×2]']);
});
