import { describe, expect, test } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { argmax, cosineOf, inferOutputKind, keypointDistances, psnrOf } from '../../../src/measure/drift-kinds.js';
import { describeOutputs, measureDrift } from '../../../src/measure/drift.js';
import type { Executable, OutputValue } from '../../../src/runtimes/index.js';

/**
 * An Executable that returns fixed outputs, ignoring its inputs: drift arithmetic without a model. Unshaped outputs
 * carry no shape, as a runtime that cannot say one would return them.
 */
function fixed(outputs: readonly { shape: number[]; values: number[] }[], shaped = true): Pick<Executable, 'place' | 'run'> {
  const values: OutputValue[] = outputs.map((o, i) => ({ name: `out${i}`, shape: shaped ? o.shape : [], data: Float32Array.from(o.values) }));
  return {
    place: (host) => ({ host, dispose: () => undefined }),
    run: () => Promise.resolve(values),
  };
}

const one = [[]] as const;

describe('inferOutputKind', () => {
  test.each([
    { what: 'softmax rows', shape: [2, 3], values: [0.2, 0.5, 0.3, 0.1, 0.1, 0.8], expected: 'classification' },
    { what: 'logits', shape: [1, 3], values: [2, -1, 0.5], expected: 'embedding' },
    { what: 'one number per sample', shape: [1, 1], values: [0.4], expected: 'regression' },
    { what: 'a batch of numbers', shape: [3], values: [1, 2, 3], expected: 'regression' },
    { what: 'RGB image', shape: [1, 16, 16, 3], values: [], expected: 'image' },
    { what: 'one-channel mask', shape: [1, 32, 32, 1], values: [], expected: 'image' },
    { what: 'pose heatmaps', shape: [1, 64, 48, 17], values: [], expected: 'heatmap' },
    { what: 'keypoint coordinates', shape: [1, 1, 17, 3], values: [], expected: 'regression' },
  ])('$what → $expected', ({ shape, values, expected }) => {
    expect(inferOutputKind(shape, values)).toBe(expected);
  });
});

describe('inferOutputKind at its edges', () => {
  test.each([
    { what: '8×8 is spatial', shape: [1, 8, 8, 3], expected: 'image' },
    { what: '7×8 is not', shape: [1, 7, 8, 3], expected: 'regression' },
    { what: '4 channels are an image', shape: [1, 8, 8, 4], expected: 'image' },
    { what: '5 channels are heatmaps', shape: [1, 8, 8, 5], expected: 'heatmap' },
  ])('$what', ({ shape, expected }) => {
    expect(inferOutputKind(shape, [])).toBe(expected);
  });

  test.each([
    { what: 'a row summing to 1 within 1e-3', values: [0.3, 0.7009], expected: 'classification' },
    { what: 'a row summing to 1.002', values: [0.3, 0.702], expected: 'embedding' },
    { what: 'a negative score', values: [-0.1, 1.1], expected: 'embedding' },
    { what: 'every row must be a distribution', values: [0.5, 0.5, 0.9, 0.9], expected: 'embedding' },
  ])('$what', ({ values, expected }) => {
    expect(inferOutputKind([values.length / 2, 2], values)).toBe(expected);
  });
});

describe('per-sample metric helpers', () => {
  test('argmax takes the first of equal values, and follows a stride', () => {
    expect(argmax([1, 3, 3, 2], 0, 4)).toBe(1);
    expect(argmax([9, 0, 1, 5, 2, 7], 1, 3, 2)).toBe(2); // values 0, 5, 7 at indices 1, 3, 5
  });

  test('cosine of a slice; non-finite values agree only when they match', () => {
    expect(cosineOf([9, 1, 0, 9], [9, 2, 0, 9], 1, 2)).toBeCloseTo(2 / Math.sqrt(4), 12);
    expect(cosineOf([1, 0], [-1, 0], 0, 2)).toBe(-1);
    expect(cosineOf([Number.NaN], [Number.NaN], 0, 1)).toBe(1);
    expect(cosineOf([Infinity], [1], 0, 1)).toBe(0);
  });

  test('PSNR: 20 dB for an error of a tenth of the range; a constant original counts its range as 1', () => {
    expect(psnrOf([0, 2], [0.2, 2.2], 0, 2, 2)).toBeCloseTo(20, 9);
    expect(psnrOf([5, 5], [5.1, 5.1], 0, 2, 0)).toBeCloseTo(20, 9);
    expect(psnrOf([0, 1], [0, Number.NaN], 0, 2, 1)).toBe(-Infinity);
  });

  test('keypoint distances are Euclidean in pixels, per keypoint', () => {
    // 3 × 4 map, one keypoint: (0, 0) against (2, 3) → √(4 + 9).
    const a = [1, ...new Array<number>(11).fill(0)];
    const b = [...new Array<number>(11).fill(0), 1];
    expect(keypointDistances(a, b, 0, 3, 4, 1)).toEqual([Math.hypot(2, 3)]);
  });
});

describe('measureDrift', () => {
  test('identical outputs: no error, cosine 1, full agreement', async () => {
    const a = fixed([{ shape: [2, 3], values: [0.1, 0.7, 0.2, 0.5, 0.3, 0.2] }]);
    expect(await measureDrift(a, a, [[], []])).toMatchObject({ maxAbsError: 0, rmse: 0, cosine: 1, top1Agreement: 1, samples: 2 });
  });

  test('worked example: errors, RMSE, per-sample cosine and top-1 over rows of the last dim', async () => {
    const a = fixed([{ shape: [2, 2], values: [1, 0, 0, 1] }]);
    const b = fixed([{ shape: [2, 2], values: [1, 0, 0.6, 0.4] }]);
    const drift = await measureDrift(a, b, one);
    expect(drift.maxAbsError).toBeCloseTo(0.6, 6);
    expect(drift.rmse).toBeCloseTo(Math.sqrt((0.36 + 0.36) / 4), 6);
    // Row 1 is unchanged (cosine 1); row 2 turned: 0.4 / √(0.36 + 0.16).
    expect(drift.cosine).toBeCloseTo(0.4 / Math.sqrt(0.52), 6);
    expect(drift.cosineMedian).toBeCloseTo(0.4 / Math.sqrt(0.52), 6);
    expect(drift.top1Agreement).toBe(0.5);
    expect(drift.outputs?.[0]).toMatchObject({ kind: 'classification', kindFrom: 'inferred' });
  });

  test('each output gets the metrics of its kind: a one-number output has no cosine that cannot fail', async () => {
    const a = fixed([
      { shape: [1, 1], values: [0.5] },
      { shape: [1, 3], values: [0, 1, 0] },
    ]);
    const b = fixed([
      { shape: [1, 1], values: [0.594] },
      { shape: [1, 3], values: [0, 1, 0] },
    ]);
    const drift = await measureDrift(a, b, one);
    expect(drift.maxAbsError).toBeCloseTo(0.094, 6);
    const [age, classes] = drift.outputs ?? [];
    expect(Object.keys(age ?? {}).sort()).toEqual(['kind', 'kindFrom', 'maxAbsError', 'name', 'rmse']);
    expect(age).toMatchObject({ name: 'out0', kind: 'regression', kindFrom: 'inferred' });
    expect(age?.rmse).toBeCloseTo(0.094, 6);
    expect([classes]).toEqual([
      { name: 'out1', kind: 'classification', kindFrom: 'inferred', maxAbsError: 0, rmse: 0, cosine: 1, cosineMedian: 1, top1Agreement: 1 },
    ]);
    // The model-level cosine comes from the vector output only.
    expect(drift.cosine).toBe(1);
    const scalarOnly = await measureDrift(fixed([{ shape: [1, 1], values: [0.5] }]), fixed([{ shape: [1, 1], values: [0.594] }]), one);
    expect(scalarOnly.cosine).toBeUndefined();
    expect(scalarOnly.top1Agreement).toBeUndefined();
  });

  test('max-abs error over several outputs with error is the largest, not their sum', async () => {
    const a = fixed([
      { shape: [1, 2], values: [1, 2] },
      { shape: [1, 2], values: [3, 4] },
    ]);
    const b = fixed([
      { shape: [1, 2], values: [1.3, 2] },
      { shape: [1, 2], values: [3, 4.5] },
    ]);
    const drift = await measureDrift(a, b, one);
    expect(drift.maxAbsError).toBeCloseTo(0.5, 6);
    expect(drift.outputs?.map((o) => Number(o.maxAbsError.toFixed(6)))).toEqual([0.3, 0.5]);
  });

  test('cosine is judged per sample: one sample drifting badly shows, however similar the rest', async () => {
    const good = [10, 20, 30, 40];
    const a = fixed([{ shape: [4, 4], values: [...good, ...good, ...good, 0.1, 0, 0, 0] }]);
    const b = fixed([{ shape: [4, 4], values: [...good, ...good, ...good, -0.1, 0, 0, 0] }]);
    const drift = await measureDrift(a, b, one);
    // Flattened into one vector the cosine would be 0.99999…; the fourth sample points the other way.
    expect(drift.cosine).toBeCloseTo(-1, 9);
    expect(drift.cosineMedian).toBe(1);
    expect(drift.outputs?.[0]?.kind).toBe('embedding');
  });

  test('an image output gets PSNR, not a top-1 over its colour channels', async () => {
    const pixels = Array.from({ length: 8 * 8 * 3 }, (_, i) => i / 191);
    const a = fixed([{ shape: [1, 8, 8, 3], values: pixels }]);
    const b = fixed([{ shape: [1, 8, 8, 3], values: pixels.map((v) => v + 0.01) }]);
    const drift = await measureDrift(a, b, one);
    // Range 1, MSE 1e-4: 10 · log10(1 / 1e-4) = 40 dB.
    expect(drift.psnr).toBeCloseTo(40, 3);
    expect(drift.top1Agreement).toBeUndefined();
    expect(drift.cosine).toBeUndefined();
    expect((await measureDrift(a, a, one)).psnr).toBe(Infinity);
  });

  test('a heatmap output gets the spatial argmax distance in pixels per keypoint', async () => {
    // [1, 8, 8, 2]: keypoint 0 peaks at (2, 3) in the original and at (2, 5) in the candidate; keypoint 1 at (6, 1) in both.
    const map = (peaks: [number, number][]): number[] => {
      const v = new Array<number>(8 * 8 * 2).fill(0);
      peaks.forEach(([y, x], k) => (v[(y * 8 + x) * 2 + k] = 1));
      return v;
    };
    const a = fixed([
      {
        shape: [1, 8, 8, 2],
        values: map([
          [2, 3],
          [6, 1],
        ]),
      },
    ]);
    const b = fixed([
      {
        shape: [1, 8, 8, 2],
        values: map([
          [2, 5],
          [6, 1],
        ]),
      },
    ]);
    // Two channels would read as an image: the config says what it is.
    const drift = await measureDrift(a, b, one, { out0: 'heatmap' });
    expect(drift.keypointError).toBe(2);
    expect(drift.outputs?.[0]).toMatchObject({ kind: 'heatmap', kindFrom: 'config', keypointError: 2, keypointErrorMean: 1 });
    expect(drift.top1Agreement).toBeUndefined();
  });

  test('outputs: in the config overrides the inferred kind; an unknown output name is refused with the real names', async () => {
    const logits = fixed([{ shape: [1, 3], values: [2, 5, -1] }]);
    const other = fixed([{ shape: [1, 3], values: [2, 1, 6] }]);
    expect((await measureDrift(logits, other, one)).top1Agreement).toBeUndefined();
    const drift = await measureDrift(logits, other, one, { out0: 'classification' });
    expect(drift.top1Agreement).toBe(0);
    expect(drift.outputs?.[0]).toMatchObject({ kind: 'classification', kindFrom: 'config' });
    await expect(measureDrift(logits, other, one, { out1: 'image' })).rejects.toThrow('outputs: "out1" is not an output of the model; its outputs are "out0"');
  });

  test('the report lists every output with its kind and the metrics that apply to it', async () => {
    const a = fixed([
      { shape: [1, 1], values: [0.5] },
      { shape: [1, 3], values: [0.2, 0.5, 0.3] },
    ]);
    const b = fixed([
      { shape: [1, 1], values: [0.594] },
      { shape: [1, 3], values: [0.2, 0.4, 0.4] },
    ]);
    expect(describeOutputs(await measureDrift(a, b, one, { out0: 'regression' }))).toEqual([
      'accuracy of output "out0" (regression): max abs error 0.094, RMSE 0.094',
      'accuracy of output "out1" (classification, inferred; set `outputs:` to change): max abs error 0.1, RMSE 0.08165, top-1 100.0%, cosine worst 0.9733 / median 0.9733',
    ]);
  });

  test('no classifier-like output: top-1 is absent; without runShaped too', async () => {
    const a = fixed([{ shape: [4], values: [1, 2, 3, 4] }].map((o) => ({ ...o, shape: [4, 1] })));
    expect((await measureDrift(a, a, one)).top1Agreement).toBeUndefined();
    const unshaped = fixed([{ shape: [2, 2], values: [1, 0, 0, 1] }], false);
    expect((await measureDrift(unshaped, unshaped, one)).top1Agreement).toBeUndefined();
  });

  test('zero vectors: both zero → cosine 1; one zero → cosine 0', async () => {
    const zero = fixed([{ shape: [1, 2], values: [0, 0] }]);
    const some = fixed([{ shape: [1, 2], values: [0, 1] }]);
    expect((await measureDrift(zero, zero, one)).cosine).toBe(1);
    expect((await measureDrift(zero, some, one)).cosine).toBe(0);
  });

  test('NaN or Inf on one side only is an unbounded error; matching ones are agreement', async () => {
    const a = fixed([{ shape: [3], values: [NaN, Infinity, 1] }]);
    const same = fixed([{ shape: [3], values: [NaN, Infinity, 1] }]);
    const finite = fixed([{ shape: [3], values: [0, 0, 1] }]);
    expect((await measureDrift(a, same, one)).maxAbsError).toBe(0);
    expect((await measureDrift(a, finite, one)).maxAbsError).toBe(Infinity);
  });

  test.each([
    { what: 'no samples', b: fixed([{ shape: [1], values: [1] }]), inputs: [], message: /at least one input sample/ },
    { what: 'another output count', b: fixed([]), inputs: one, message: /have 1 and 0 outputs/ },
    {
      what: 'another output size',
      b: fixed([{ shape: [2], values: [1, 2] }]),
      inputs: one,
      message: /output "out0" has 1 values in the original and 2 in the candidate/,
    },
  ])('refuses $what', async ({ b, inputs, message }) => {
    const a = fixed([{ shape: [1], values: [1] }]);
    await expect(measureDrift(a, b, inputs)).rejects.toThrow(MeasureError);
    await expect(measureDrift(a, b, inputs)).rejects.toThrow(message);
  });
});
