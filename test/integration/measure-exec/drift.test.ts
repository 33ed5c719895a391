import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { measureDrift } from '../../../src/measure/drift.js';
import { makeInputs } from '../../../src/measure/inputs.js';
import { instantiate, selectRuntime, type Executable, type HostTensor } from '../../../src/runtimes/index.js';
import { loadAsTfjs } from '../../../src/formats/index.js';
import type { TfjsLoadedModel } from '../../../src/model/types.js';
import { corpusModel } from '../../helpers/corpus.js';

/** float32 → nearest float16 (round half to even on the 13 dropped mantissa bits) → float32. Normal range only. */
function roundToHalf(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Uint32Array(f.buffer);
  const b = bits[0] ?? 0;
  const lsb = (b >>> 13) & 1;
  bits[0] = ((b + 0x0fff + lsb) & ~0x1fff) >>> 0;
  return f[0] ?? 0;
}

/** A copy of `model` whose float32 weights hold only float16-representable values. */
function halfRounded(model: TfjsLoadedModel): TfjsLoadedModel {
  const data = model.artifacts.weightData;
  if (!(data instanceof ArrayBuffer)) throw new Error('expected one weight buffer');
  const copy = data.slice(0);
  let offset = 0;
  for (const spec of model.artifacts.weightSpecs ?? []) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'float32' && !spec.quantization) {
      const values = new Float32Array(copy, offset, count);
      for (let i = 0; i < count; i++) values[i] = roundToHalf(values[i] ?? 0);
    }
    offset += count * 4;
  }
  return { ...model, artifacts: { ...model.artifacts, weightData: copy } };
}

let original: Executable;
let rounded: Executable;
let samples: HostTensor[][];

beforeAll(async () => {
  await selectRuntime('wasm');
  const model = await loadAsTfjs(corpusModel('human-gender').path);
  original = await instantiate(model);
  rounded = await instantiate(halfRounded(model));
  samples = [1, 2, 3, 4].map((seed) => makeInputs(original.inputs, { seed, batch: 2 }));
});

afterAll(() => {
  original.dispose();
  rounded.dispose();
});

test('the half-rounding helper matches float16 spacing', () => {
  expect(roundToHalf(1 + 2 ** -11)).toBe(1); // a tie rounds to even
  expect(roundToHalf(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
  expect(roundToHalf(0.1)).toBeCloseTo(0.0999755859375, 12);
});

test('human-gender: float32 against a float16-rounded copy drifts a little, never zero', async () => {
  const start = tf.memory().numTensors;
  const drift = await measureDrift(original, rounded, samples);
  expect(tf.memory().numTensors).toBe(start);
  expect(drift.samples).toBe(4);
  expect(drift.maxAbsError).toBeGreaterThan(0);
  expect(drift.maxAbsError).toBeLessThan(0.02);
  expect(drift.rmse).toBeGreaterThan(0);
  expect(drift.rmse).toBeLessThanOrEqual(drift.maxAbsError);
  expect(drift.cosine).toBeLessThan(1);
  expect(drift.cosine).toBeGreaterThan(0.999);
  // The gender head is a 2-way softmax: top-1 over 4 samples × batch 2 = 8 rows.
  expect(drift.top1Agreement).toBeGreaterThanOrEqual(7 / 8);
  expect(drift.outputs).toHaveLength(1);
  expect(drift.outputs?.[0]).toMatchObject({ kind: 'classification', kindFrom: 'inferred' });
  // Worst per-sample cosine is never above the median.
  expect(drift.cosine).toBeLessThanOrEqual(drift.cosineMedian ?? Number.NaN);
});

test('the same drift on cpu and on wasm within float noise', async () => {
  const onWasm = await measureDrift(original, rounded, samples);
  await selectRuntime('cpu');
  const model = await loadAsTfjs(corpusModel('human-gender').path);
  const a = await instantiate(model);
  const b = await instantiate(halfRounded(model));
  try {
    const onCpu = await measureDrift(a, b, samples);
    expect(onCpu.maxAbsError).toBeCloseTo(onWasm.maxAbsError, 4);
    expect(onCpu.cosine).toBeCloseTo(onWasm.cosine ?? Number.NaN, 6);
  } finally {
    a.dispose();
    b.dispose();
    await selectRuntime('wasm');
  }
});
