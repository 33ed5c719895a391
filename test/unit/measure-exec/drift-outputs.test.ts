import { describe, expect, test } from 'vitest';
import { describeOutputs, measureDrift, type DriftResult, type OutputDrift } from '../../../src/measure/drift.js';
import type { Executable, HostTensor, OutputValue } from '../../../src/runtimes/index.js';

/** One output of a fake model: its shape and values. */
interface Out {
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

/**
 * A fake model whose outputs depend on the sample: input sample k (a one-value tensor holding k) gets
 * `samples[k]`, named out0, out1, … Drift arithmetic over several samples without a model.
 */
function bySample(samples: readonly (readonly Out[])[]): Pick<Executable, 'place' | 'run'> {
  return {
    place: (host) => ({ host, dispose: () => undefined }),
    run: (placed) => {
      const k = placed.host[0]?.data[0] ?? 0;
      const outs = samples[k] ?? [];
      return Promise.resolve(outs.map((o, i): OutputValue => ({ name: `out${i}`, shape: o.shape, data: Float32Array.from(o.values) })));
    },
  };
}

/** The same outputs for every sample. */
const fixed = (...outs: Out[]): Pick<Executable, 'place' | 'run'> => bySample([outs]);

/** `count` input samples for {@link bySample}: sample k holds k. */
const samples = (count: number): HostTensor[][] => Array.from({ length: count }, (_, k) => [{ dtype: 'float32', shape: [1], data: Float32Array.of(k) }]);

const one = samples(1);

/** `count` values evenly spaced from `from` to `to`, both included. */
const ramp = (count: number, from: number, to: number): number[] => Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1));

/** A one-hot heatmap `[h, w, k]` with keypoint k at `peaks[k]` = [y, x]. */
function heatmap(h: number, w: number, peaks: readonly (readonly [number, number])[]): number[] {
  const v = new Array<number>(h * w * peaks.length).fill(0);
  peaks.forEach(([y, x], k) => (v[(y * w + x) * peaks.length + k] = 1));
  return v;
}

/** The keys an output has besides the five every kind has. */
const extraKeys = (o: OutputDrift | undefined): string[] =>
  Object.keys(o ?? {})
    .filter((k) => !['name', 'kind', 'kindFrom', 'maxAbsError', 'rmse'].includes(k))
    .sort();

describe('elementwise errors with non-finite values', () => {
  test('matching NaN and infinities agree; the RMSE counts them but sums only the finite differences', async () => {
    const drift = await measureDrift(fixed({ shape: [4], values: [NaN, Infinity, 1, 5] }), fixed({ shape: [4], values: [NaN, Infinity, 3, 5] }), one);
    expect(drift.maxAbsError).toBe(2);
    // √((0 + 0 + 2² + 0) / 4): the two agreeing non-finite elements count, with a difference of 0.
    expect(drift.rmse).toBe(1);
    expect(drift.outputs?.[0]?.rmse).toBe(1);
  });

  test.each([
    { what: 'NaN against a number', a: [NaN, 1], b: [0, 1] },
    { what: 'a number against NaN', a: [0, 1], b: [NaN, 1] },
    { what: 'NaN against an infinity', a: [NaN, 1], b: [Infinity, 1] },
    { what: 'opposite infinities', a: [-Infinity, 1], b: [Infinity, 1] },
  ])('$what is an unbounded error, and adds nothing to the RMSE', async ({ a, b }) => {
    const drift = await measureDrift(fixed({ shape: [2], values: a }), fixed({ shape: [2], values: b }), one);
    expect(drift.maxAbsError).toBe(Infinity);
    expect(drift.rmse).toBe(0);
  });
});

describe('the metrics of each kind, over samples and batch rows', () => {
  test('several samples: max abs error and RMSE over every element of every sample', async () => {
    const a = bySample([[{ shape: [1, 2], values: [1, 2] }], [{ shape: [1, 2], values: [3, 4] }]]);
    const b = bySample([[{ shape: [1, 2], values: [1, 2.5] }], [{ shape: [1, 2], values: [2, 4] }]]);
    const drift = await measureDrift(a, b, samples(2));
    expect(drift.samples).toBe(2);
    expect(drift.maxAbsError).toBe(1);
    expect(drift.rmse).toBeCloseTo(Math.sqrt((0.25 + 1) / 4), 12);
  });

  test('a classification of width 1 (configured) has a cosine per sample but no top-1 to agree on', async () => {
    const a = fixed({ shape: [2, 1], values: [0.5, 0.2] });
    const b = fixed({ shape: [2, 1], values: [0.4, -0.1] });
    const drift = await measureDrift(a, b, one, { out0: 'classification' });
    expect(extraKeys(drift.outputs?.[0])).toEqual(['cosine', 'cosineMedian']);
    // Row 1 keeps its sign (cosine 1), row 2 flips it (−1); the median of two is the lower one.
    expect(drift.outputs?.[0]).toMatchObject({ kind: 'classification', cosine: -1, cosineMedian: -1 });
    expect(drift.top1Agreement).toBeUndefined();
    expect('top1Agreement' in drift).toBe(false);
  });

  test('an output with no values: no cosine, PSNR or keypoint figure that could be NaN, and an RMSE of 0', async () => {
    const outs = [
      { shape: [1, 0], values: [] },
      { shape: [1, 0], values: [] },
      { shape: [0, 8, 8, 2], values: [] },
    ];
    const drift = await measureDrift(fixed(...outs), fixed(...outs), one, { out0: 'embedding', out1: 'image', out2: 'heatmap' });
    expect(drift.outputs?.map(extraKeys)).toEqual([[], [], ['keypointError', 'keypointErrorMean']]);
    expect(drift.outputs?.map((o) => o.rmse)).toEqual([0, 0, 0]);
    expect(drift.outputs?.[2]).toMatchObject({ keypointError: 0, keypointErrorMean: 0 });
    expect(drift).toMatchObject({ maxAbsError: 0, rmse: 0, keypointError: 0 });
    expect(Object.keys(drift).sort()).toEqual(['keypointError', 'maxAbsError', 'outputs', 'rmse', 'samples']);
  });

  test('a model of regression outputs only: the model-level figures of other kinds are absent, not undefined', async () => {
    const drift = await measureDrift(fixed({ shape: [1, 1], values: [1] }), fixed({ shape: [1, 1], values: [1.5] }), one);
    expect(Object.keys(drift).sort()).toEqual(['maxAbsError', 'outputs', 'rmse', 'samples']);
  });

  test('heatmap metrics only for a 4-d heatmap output; a 4-d regression output has none', async () => {
    const map = heatmap(8, 8, [
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    const moved = heatmap(8, 8, [
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [0, 5],
    ]);
    const a = fixed({ shape: [1, 8, 8, 5], values: map }, { shape: [1, 4], values: [0, 1, 0, 0] });
    const b = fixed({ shape: [1, 8, 8, 5], values: moved }, { shape: [1, 4], values: [0, 0, 1, 0] });
    expect((await measureDrift(a, a, one)).outputs?.[0]?.kind).toBe('heatmap');
    const asRegression = await measureDrift(a, b, one, { out0: 'regression', out1: 'heatmap' });
    expect(asRegression.outputs?.map(extraKeys)).toEqual([[], []]);
    expect(asRegression.keypointError).toBeUndefined();
    expect((await measureDrift(a, b, one)).outputs?.[0]).toMatchObject({ kind: 'heatmap', keypointError: 5, keypointErrorMean: 1 });
  });

  test('heatmaps in a batch of 2: each row is one sample of [h, w, k], laid out one after the other', async () => {
    const a = heatmap(8, 8, [
      [2, 3],
      [6, 1],
    ]).concat(
      heatmap(8, 8, [
        [0, 0],
        [7, 7],
      ]),
    );
    const b = heatmap(8, 8, [
      [2, 5],
      [6, 1],
    ]).concat(
      heatmap(8, 8, [
        [3, 4],
        [7, 7],
      ]),
    );
    const drift = await measureDrift(fixed({ shape: [2, 8, 8, 2], values: a }), fixed({ shape: [2, 8, 8, 2], values: b }), one, { out0: 'heatmap' });
    // Distances 2 and 0 in row 1; 5 (3 down, 4 across) and 0 in row 2.
    expect(drift.outputs?.[0]).toMatchObject({ keypointError: 5, keypointErrorMean: 7 / 4 });
    expect(drift.keypointError).toBe(5);
  });

  test('PSNR per batch row against the range of the original over every row; the worst row is the figure', async () => {
    // Row 1 spans [0, 1], row 2 [−1, 0]: the range is 2. Errors 0.02 and 0.2: 10·log10(4 / 4e−4) = 40 dB and 20 dB.
    const rowA = ramp(64, 0, 1);
    const rowB = ramp(64, -1, 0);
    const a = fixed({ shape: [2, 8, 8, 1], values: [...rowA, ...rowB] });
    const b = fixed({ shape: [2, 8, 8, 1], values: [...rowA.map((v) => v + 0.02), ...rowB.map((v) => v - 0.2)] });
    const drift = await measureDrift(a, b, one);
    expect(drift.outputs?.[0]?.kind).toBe('image');
    expect(drift.psnr).toBeCloseTo(20, 4);
    expect(drift.outputs?.[0]?.psnr).toBeCloseTo(20, 4);
  });

  test('PSNR over several samples: the range comes from every sample of the original', async () => {
    const rowA = ramp(64, 0, 1);
    const rowB = ramp(64, -1, 0);
    const a = bySample([[{ shape: [1, 8, 8, 1], values: rowA }], [{ shape: [1, 8, 8, 1], values: rowB }]]);
    const b = bySample([[{ shape: [1, 8, 8, 1], values: rowA.map((v) => v + 0.02) }], [{ shape: [1, 8, 8, 1], values: rowB.map((v) => v + 0.02) }]]);
    // Range 2 over both samples, an error of 0.02 everywhere: 40 dB (a range of 1 would give 34 dB).
    expect((await measureDrift(a, b, samples(2))).psnr).toBeCloseTo(40, 4);
  });
});

describe('model-level figures are the worst over the outputs', () => {
  test('lowest cosine, cosine median, top-1 and PSNR; largest keypoint distance', async () => {
    const image = ramp(64, 0, 1);
    const a = fixed(
      { shape: [3, 2], values: [1, 0, 0, 1, 1, 0] },
      { shape: [1, 2], values: [1, 0] },
      { shape: [1, 8, 8, 1], values: image },
      { shape: [1, 8, 8, 1], values: image },
      {
        shape: [1, 8, 8, 2],
        values: heatmap(8, 8, [
          [0, 0],
          [1, 1],
        ]),
      },
      {
        shape: [1, 8, 8, 2],
        values: heatmap(8, 8, [
          [0, 0],
          [1, 1],
        ]),
      },
    );
    const b = fixed(
      { shape: [3, 2], values: [1, 0, 0.6, 0.4, 1, 0] },
      { shape: [1, 2], values: [0.2, 0.8] },
      { shape: [1, 8, 8, 1], values: image.map((v) => v + 0.1) },
      { shape: [1, 8, 8, 1], values: image.map((v) => v + 0.01) },
      {
        shape: [1, 8, 8, 2],
        values: heatmap(8, 8, [
          [0, 1],
          [1, 1],
        ]),
      },
      {
        shape: [1, 8, 8, 2],
        values: heatmap(8, 8, [
          [3, 4],
          [1, 1],
        ]),
      },
    );
    const drift = await measureDrift(a, b, one, { out4: 'heatmap', out5: 'heatmap' });
    const tilted = 0.2 / Math.sqrt(0.68); // out1: [1, 0] against [0.2, 0.8]
    expect(drift.outputs?.map((o) => o.kind)).toEqual(['classification', 'classification', 'image', 'image', 'heatmap', 'heatmap']);
    // out0: rows 1, 0.5547, 1 → worst 0.5547, median 1, top-1 2/3; out1: worst = median = 0.2425, top-1 0.
    expect(drift.outputs?.[0]).toMatchObject({ cosineMedian: 1, top1Agreement: 2 / 3 });
    expect(drift.outputs?.[0]?.cosine).toBeCloseTo(0.4 / Math.sqrt(0.52), 6);
    expect(drift.cosine).toBeCloseTo(tilted, 6);
    expect(drift.cosineMedian).toBeCloseTo(tilted, 6);
    expect(drift.top1Agreement).toBe(0);
    // 20 dB and 40 dB.
    expect(drift.psnr).toBeCloseTo(20, 4);
    expect(drift.keypointError).toBe(5);
  });

  test('the top-1 of the worst classification output, wherever it is in the list', async () => {
    const a = fixed({ shape: [1, 2], values: [1, 0] }, { shape: [2, 2], values: [1, 0, 0, 1] });
    const b = fixed({ shape: [1, 2], values: [0.4, 0.6] }, { shape: [2, 2], values: [1, 0, 0, 1] });
    expect((await measureDrift(a, b, one)).top1Agreement).toBe(0);
    expect((await measureDrift(b, a, one)).top1Agreement).toBe(0);
  });
});

test('unknown output names: every one listed, in the plural, with every real name', async () => {
  const model = fixed({ shape: [1], values: [1] }, { shape: [1], values: [2] });
  await expect(measureDrift(model, model, one, { logits: 'classification', mask: 'image' })).rejects.toThrow(
    'outputs: "logits", "mask" are not outputs of the model; its outputs are "out0", "out1"',
  );
});

describe('describeOutputs', () => {
  const base = { maxAbsError: 0, rmse: 0, samples: 1 } as const;
  const output = (o: Partial<OutputDrift>): DriftResult => ({
    ...base,
    outputs: [{ name: 'y', kind: 'regression', kindFrom: 'config', maxAbsError: 0, rmse: 0, ...o }],
  });

  test('no per-output figures (a report from before they existed): no lines', () => {
    expect(describeOutputs(base)).toEqual([]);
  });

  test.each([
    {
      what: 'PSNR in dB to one decimal',
      o: { kind: 'image', psnr: 19.96 },
      line: 'accuracy of output "y" (image): max abs error 0, RMSE 0, PSNR worst 20.0 dB',
    },
    {
      what: 'an identical image',
      o: { kind: 'image', psnr: Infinity },
      line: 'accuracy of output "y" (image): max abs error 0, RMSE 0, PSNR worst ∞ (identical)',
    },
    {
      what: 'keypoint distances in pixels',
      o: { kind: 'heatmap', keypointError: 5, keypointErrorMean: 1.75 },
      line: 'accuracy of output "y" (heatmap): max abs error 0, RMSE 0, keypoints worst 5.0 px / mean 1.75 px',
    },
    {
      what: 'keypoints without a mean (an older report) show a mean of 0',
      o: { kind: 'heatmap', keypointError: 2 },
      line: 'accuracy of output "y" (heatmap): max abs error 0, RMSE 0, keypoints worst 2.0 px / mean 0.00 px',
    },
    {
      what: 'a cosine median apart from the worst',
      o: { kind: 'embedding', cosine: 0.5, cosineMedian: 0.987654 },
      line: 'accuracy of output "y" (embedding): max abs error 0, RMSE 0, cosine worst 0.5 / median 0.9877',
    },
    {
      what: 'a cosine without a median (an older report) shows the worst as the median',
      o: { kind: 'embedding', cosine: 0.25 },
      line: 'accuracy of output "y" (embedding): max abs error 0, RMSE 0, cosine worst 0.25 / median 0.25',
    },
    {
      what: 'an unbounded error, and 4 significant digits',
      o: { maxAbsError: Infinity, rmse: 0.000123456 },
      line: 'accuracy of output "y" (regression): max abs error Infinity, RMSE 0.0001235',
    },
  ] as const)('$what', ({ o, line }) => {
    expect(describeOutputs(output(o))).toEqual([line]);
  });

  test('measured image and heatmap outputs, in output order', async () => {
    const image = ramp(64, 0, 1);
    const a = fixed(
      { shape: [1, 8, 8, 1], values: image },
      {
        shape: [1, 8, 8, 5],
        values: heatmap(8, 8, [
          [0, 0],
          [1, 1],
          [2, 2],
          [3, 3],
          [4, 4],
        ]),
      },
    );
    const b = fixed(
      { shape: [1, 8, 8, 1], values: image.map((v) => v + 0.01) },
      {
        shape: [1, 8, 8, 5],
        values: heatmap(8, 8, [
          [0, 0],
          [1, 1],
          [2, 2],
          [3, 3],
          [7, 0],
        ]),
      },
    );
    const [imageLine, heatmapLine] = describeOutputs(await measureDrift(a, b, one));
    expect(imageLine).toMatch(
      /^accuracy of output "out0" \(image, inferred; set `outputs:` to change\): max abs error 0\.01, RMSE 0\.01, PSNR worst 40\.0 dB$/,
    );
    // (4, 4) → (7, 0): √(9 + 16) = 5; the mean over 5 keypoints is 1.
    expect(heatmapLine).toMatch(/keypoints worst 5\.0 px \/ mean 1\.00 px$/);
  });
});
