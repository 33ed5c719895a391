import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenedRows, l1PerLastAxis, sliceAxis, topIndices } from '../../../src/compress/slice.js';

/** The value at a multi-index of a row-major tensor: the slow way, for a reference. */
function at(data: Float32Array, shape: readonly number[], index: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * (shape[d] ?? 1) + (index[d] ?? 0);
  return data[flat] ?? Number.NaN;
}

/** Every multi-index of `shape`, row-major. */
function indices(shape: readonly number[]): number[][] {
  return shape.reduce<number[][]>((all, size) => all.flatMap((prefix) => Array.from({ length: size }, (_, i) => [...prefix, i])), [[]]);
}

describe('sliceAxis', () => {
  it.each([
    { what: 'rows of a matrix', shape: [3, 2], axis: 0, keep: [0, 2], expected: [0, 1, 4, 5], shapeOut: [2, 2] },
    { what: 'columns of a matrix', shape: [3, 2], axis: 1, keep: [1], expected: [1, 3, 5], shapeOut: [3, 1] },
    { what: 'the middle axis', shape: [2, 3, 2], axis: 1, keep: [0, 2], expected: [0, 1, 4, 5, 6, 7, 10, 11], shapeOut: [2, 2, 2] },
    { what: 'nothing kept', shape: [2, 3], axis: 1, keep: [], expected: [], shapeOut: [2, 0] },
    { what: 'a vector', shape: [4], axis: 0, keep: [1, 3], expected: [1, 3], shapeOut: [2] },
  ])('$what', ({ shape, axis, keep, expected, shapeOut }) => {
    const data = Float32Array.from({ length: shape.reduce((n, d) => n * d, 1) }, (_, i) => i);
    const out = sliceAxis(data, shape, axis, keep);
    expect([...out.data]).toEqual(expected);
    expect(out.shape).toEqual(shapeOut);
    // The input is left as it was.
    expect([...data]).toEqual(Array.from({ length: data.length }, (_, i) => i));
  });

  it('every kept element is the element at the same index with the axis index mapped through keep', () => {
    const case_ = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
      .chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          axis: fc.integer({ min: 0, max: shape.length - 1 }),
          seed: fc.integer(),
        }),
      )
      .chain(({ shape, axis, seed }) =>
        fc.record({
          shape: fc.constant(shape),
          axis: fc.constant(axis),
          seed: fc.constant(seed),
          keep: fc.uniqueArray(fc.integer({ min: 0, max: (shape[axis] ?? 1) - 1 })).map((k) => [...k].sort((a, b) => a - b)),
        }),
      );
    fc.assert(
      fc.property(case_, ({ shape, axis, seed, keep }) => {
        const data = Float32Array.from({ length: shape.reduce((n, d) => n * d, 1) }, (_, i) => (i * 7919 + seed) % 1000);
        const out = sliceAxis(data, shape, axis, keep);
        expect(out.shape).toEqual(shape.map((d, i) => (i === axis ? keep.length : d)));
        expect(out.data.length).toBe(out.shape.reduce((n, d) => n * d, 1));
        for (const index of indices(out.shape)) {
          const source = index.map((v, d) => (d === axis ? (keep[v] ?? -1) : v));
          expect(at(out.data, out.shape, index)).toBe(at(data, shape, source));
        }
      }),
    );
  });
});

describe('l1PerLastAxis', () => {
  it('sums absolute values per index of the last axis', () => {
    // A [2, 3] kernel: channels 0, 1, 2.
    expect([...l1PerLastAxis(Float32Array.from([1, -2, 3, -4, 5, -6]), 3)]).toEqual([5, 7, 9]);
    expect([...l1PerLastAxis(Float32Array.from([-1.5]), 1)]).toEqual([1.5]);
    expect([...l1PerLastAxis(new Float32Array(0), 2)]).toEqual([0, 0]);
  });
});

describe('topIndices', () => {
  it.each([
    { what: 'the largest, ascending', scores: [1, 5, 3, 4], count: 2, expected: [1, 3] },
    { what: 'ties keep the lower index', scores: [2, 2, 2, 1], count: 2, expected: [0, 1] },
    { what: 'a tie at the cut', scores: [3, 1, 1, 0], count: 2, expected: [0, 1] },
    { what: 'all of them', scores: [0, 1], count: 5, expected: [0, 1] },
    { what: 'none', scores: [1, 2], count: 0, expected: [] },
    { what: 'many ties keep the lowest indices', scores: Array.from({ length: 24 }, () => 1), count: 3, expected: [0, 1, 2] },
    { what: 'negative scores', scores: [-1, -3, -2], count: 1, expected: [0] },
  ])('$what', ({ scores, count, expected }) => {
    expect(topIndices(Float64Array.from(scores), count)).toEqual(expected);
  });
});

describe('flattenedRows', () => {
  it('keeps every row whose channel (row mod channels) is kept, in order', () => {
    // Flatten of [h, w, 3] → rows 0..5 are pixel 0 ch 0,1,2, pixel 1 ch 0,1,2.
    expect(flattenedRows(6, 3, [0, 2])).toEqual([0, 2, 3, 5]);
    expect(flattenedRows(4, 2, [1])).toEqual([1, 3]);
    expect(flattenedRows(4, 2, [])).toEqual([]);
    expect(flattenedRows(3, 1, [0])).toEqual([0, 1, 2]);
  });
});
