import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import type { AgreementResult } from '../../../src/measure/agreement.js';
import { benchmarkModel, compareModels } from '../../../src/measure/latency/benchmark.js';
import { runtimeMemory, selectRuntime, type TfjsModel } from '../../../src/runtimes/index.js';
import { kernelWasmLacks } from '../../helpers/graph-artifacts.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

// What benchmarkModel and compareModels pass on and report beyond the timing itself: the custom-layers module and
// the pinned runtime given to the load, the runtime each side ran on and its fallback warnings (a graph whose op
// wasm has no kernel for), and the output agreement of the two sides. Real tiny models, a fake clock.

/** Layers artifacts of a dense layer from `inputShape` (batch first; `null` = any) to 4 units. */
async function denseArtifacts(inputShape: readonly (number | null)[], seed: number, name = 'dense'): Promise<tf.io.ModelArtifacts> {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 4, batchInputShape: [...inputShape], kernelInitializer: tf.initializers.glorotUniform({ seed }), name })],
  });
  const saved = await layersModelArtifacts(model);
  model.dispose();
  return saved;
}

const layers = async (path: string, inputShape: readonly (number | null)[], seed = 1, name = 'dense'): Promise<TfjsModel> => ({
  format: 'layers',
  artifacts: await denseArtifacts(inputShape, seed, name),
  path,
});

/** A model of two inputs, [n, 3] and [n, `width`], concatenated into a dense layer. */
async function twoInputs(path: string, width = 2): Promise<TfjsModel> {
  const a = tf.input({ shape: [3], name: 'a' });
  const b = tf.input({ shape: [width], name: 'b' });
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(joined) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: out });
  const saved = await layersModelArtifacts(model);
  model.dispose();
  return { format: 'layers', artifacts: saved, path };
}

/** The same artifacts with every bias value shifted by `delta`: every output moves by exactly `delta`. */
function biasShifted(model: TfjsModel, delta: number, path: string): TfjsModel {
  const { artifacts } = model;
  const data = artifacts.weightData;
  if (!(data instanceof ArrayBuffer) || !artifacts.weightSpecs) throw new Error('expected one weight buffer');
  const out = data.slice(0);
  let offset = 0;
  for (const spec of artifacts.weightSpecs) {
    const count = spec.shape.reduce((n, d) => n * d, 1);
    if (spec.name.endsWith('/bias')) {
      const bias = new Float32Array(out, offset, count);
      for (let i = 0; i < count; i++) bias[i] = (bias[i] ?? 0) + delta;
    }
    offset += count * 4;
  }
  return { format: 'layers', artifacts: { ...artifacts, weightData: out }, path };
}

const einsum: TfjsModel = { format: 'graph', artifacts: kernelWasmLacks(), path: '/models/einsum/model.json' };

/** A clock that advances 1 ms every time it is read. */
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 1);
}

const quick = { warmupRuns: 1, warmupMs: 0, minRuns: 2, minMs: 0, profileOps: 0 };
const fallback = (path: string): RegExp =>
  new RegExp(`^${path}: runtime "wasm" cannot run this model \\(Kernel 'Einsum' not registered .*\\); it ran on cpu instead`);

describe('on a runtime that lacks a kernel', () => {
  beforeAll(async () => {
    await selectRuntime('wasm');
  });
  afterAll(async () => {
    await selectRuntime('cpu');
  });

  it('benchmarkModel reports the runtime it fell back to and says so; pinned, it fails instead', async () => {
    const stats = await benchmarkModel(einsum, quick, { now: tickingClock() });
    expect(stats.runtime).toMatchObject({ name: 'cpu', backend: 'cpu' });
    expect(stats.warnings).toHaveLength(1);
    expect(stats.warnings[0]).toMatch(fallback(einsum.path));
    expect((await benchmarkModel(einsum, { ...quick, pinned: false }, { now: tickingClock() })).runtime.name).toBe('cpu');
    await expect(benchmarkModel(einsum, { ...quick, pinned: true }, { now: tickingClock() })).rejects.toThrow(MeasureError);
    await expect(benchmarkModel(einsum, { ...quick, pinned: true }, { now: tickingClock() })).rejects.toThrow(
      /runtime "wasm" cannot run this model: Kernel 'Einsum' not registered for backend 'wasm'\. The runtime is pinned/,
    );
  });

  it('compareModels reports what each side ran on, and the warnings of both sides in order', async () => {
    const dense = await layers('/models/dense.json', [null, 3]);
    const baseFalls = await compareModels(einsum, dense, { ...quick, minRuns: 2 }, { now: tickingClock() });
    expect([baseFalls.runtimes.baseline.name, baseFalls.runtimes.candidate.name]).toEqual(['cpu', 'wasm']);
    expect(baseFalls.runtime.name).toBe('wasm');
    expect(baseFalls.warnings).toEqual([expect.stringMatching(fallback(einsum.path))]);

    const candFalls = await compareModels(dense, einsum, quick, { now: tickingClock() });
    expect([candFalls.runtimes.baseline.name, candFalls.runtimes.candidate.name]).toEqual(['wasm', 'cpu']);
    expect(candFalls.runtime.name).toBe('cpu');
    expect(candFalls.warnings).toEqual([expect.stringMatching(fallback(einsum.path))]);

    const other = { ...einsum, path: '/models/einsum-2/model.json' };
    const both = await compareModels(einsum, other, quick, { now: tickingClock() });
    expect(both.warnings).toEqual([expect.stringMatching(fallback(einsum.path)), expect.stringMatching(fallback(other.path))]);

    await expect(compareModels(dense, einsum, { ...quick, pinned: true }, { now: tickingClock() })).rejects.toThrow(/The runtime is pinned/);
  });
});

describe('custom-layers', () => {
  beforeAll(async () => {
    await selectRuntime('cpu');
  });

  it('the module is loaded before either entry point loads a model', async () => {
    const model = await layers('/models/dense.json', [null, 3]);
    const customLayers = '/nonexistent/custom-layers.js';
    const missing = /custom-layers module \/nonexistent\/custom-layers\.js does not exist/;
    const before = runtimeMemory().numTensors;
    await expect(benchmarkModel(model, { ...quick, customLayers }, { now: tickingClock() })).rejects.toThrow(missing);
    await expect(compareModels(model, model, { ...quick, customLayers }, { now: tickingClock() })).rejects.toThrow(missing);
    expect(runtimeMemory().numTensors).toBe(before);
  });
});

describe('compareModels agreement', () => {
  beforeAll(async () => {
    await selectRuntime('cpu');
  });

  const agreementOf = async (baseline: TfjsModel, candidate: TfjsModel, options = {}): Promise<AgreementResult | string | undefined> =>
    (await compareModels(baseline, candidate, { ...quick, agreement: true, ...options }, { now: tickingClock() })).agreement;

  it('absent unless asked for', async () => {
    const model = await layers('/models/dense.json', [null, 3]);
    const result = await compareModels(model, model, quick, { now: tickingClock() });
    expect('agreement' in result).toBe(false);
  });

  it('the two sides on the same inputs: a bias moved by 0.25 moves every output by 0.25', async () => {
    const base = await layers('/models/dense.json', [null, 3]);
    const same = await agreementOf(base, base);
    expect(same).toMatchObject({ pairs: [{ elements: 4, maxAbsDiff: 0 }], unmatched: [] });
    const moved = await agreementOf(base, biasShifted(base, 0.25, '/models/moved.json'));
    if (typeof moved !== 'object') throw new Error(`expected an agreement, got ${String(moved)}`);
    expect(moved.pairs).toHaveLength(1);
    expect(moved.pairs[0]?.elements).toBe(4);
    expect(moved.pairs[0]?.maxAbsDiff).toBeCloseTo(0.25, 6);
    expect(moved.unmatched).toEqual([]);
    // The batch the A/B ran with, 4 rows: each row's outputs move alike.
    const batched = await agreementOf(base, biasShifted(base, 0.25, '/models/moved.json'), { batch: 4 });
    expect(batched).toMatchObject({ pairs: [{ elements: 16 }] });
  });

  it('the inputs come from the seed and the configured shapes, which each side gets for its own inputs', async () => {
    const base = await layers('/models/dense.json', [null, 3]);
    const other = await layers('/models/other.json', [null, 3], 9);
    const diff = async (options: object): Promise<number | undefined> => {
      const a = await agreementOf(base, other, options);
      return typeof a === 'object' ? a.pairs[0]?.maxAbsDiff : undefined;
    };
    const seed3 = await diff({ seed: 3 });
    expect(seed3).toBeGreaterThan(0);
    expect(await diff({ seed: 3 })).toBe(seed3);
    expect(await diff({ seed: 4 })).not.toBe(seed3);
    // Both sides take dense_input: each gets the shape, 5 rows of 4 outputs.
    expect(await agreementOf(base, other, { inputShapes: { dense_input: [5, 3] } })).toMatchObject({ pairs: [{ elements: 20 }] });
  });

  it.each([
    { what: 'another width', candidate: (): Promise<TfjsModel> => layers('/models/wide.json', [null, 5], 2, 'wide'), shapes: '?×5' },
    { what: 'a fixed batch the inputs do not have', candidate: (): Promise<TfjsModel> => layers('/models/two.json', [2, 3], 2, 'two'), shapes: '2×3' },
    { what: 'two inputs where the baseline has one', candidate: (): Promise<TfjsModel> => twoInputs('/models/two-inputs.json'), shapes: '?×3, ?×2' },
  ])('inputs that do not fit the candidate: why it was not measured ($what)', async ({ candidate, shapes }) => {
    const base = await layers('/models/dense.json', [null, 3]);
    expect(await agreementOf(base, await candidate())).toBe(`the inputs differ (baseline ?×3, candidate ${shapes})`);
  });

  it('a baseline of two inputs: a candidate of one, or of two where only the first fits, is not compared', async () => {
    const base = await twoInputs('/models/two-inputs.json');
    expect(await agreementOf(base, await layers('/models/dense.json', [null, 3]))).toBe('the inputs differ (baseline ?×3, ?×2, candidate ?×3)');
    expect(await agreementOf(base, await twoInputs('/models/other.json', 4))).toBe('the inputs differ (baseline ?×3, ?×2, candidate ?×3, ?×4)');
    expect(await agreementOf(base, await twoInputs('/models/same.json'))).toMatchObject({ pairs: [{ elements: 4 }], unmatched: [] });
  });

  it('a candidate of a fixed batch that the baseline inputs have is compared', async () => {
    const base = await layers('/models/dense.json', [null, 3]);
    const fixed = { ...base, artifacts: await denseArtifacts([2, 3], 1), path: '/models/fixed.json' };
    expect(await agreementOf(base, fixed, { batch: 2 })).toMatchObject({ pairs: [{ elements: 8, maxAbsDiff: 0 }], unmatched: [] });
  });

  it('leaves no tensor behind', async () => {
    const base = await layers('/models/dense.json', [null, 3]);
    const before = runtimeMemory().numTensors;
    await agreementOf(base, biasShifted(base, 1, '/models/moved.json'));
    expect(runtimeMemory().numTensors).toBe(before);
  });
});

describe('a candidate that fails to load', () => {
  beforeAll(async () => {
    await selectRuntime('cpu');
  });

  it('fails with the load error, and the loaded baseline and the failed candidate leave nothing behind', async () => {
    const base = await layers('/models/dense.json', [null, 3]);
    const data = base.artifacts.weightData;
    if (!(data instanceof ArrayBuffer)) throw new Error('expected one weight buffer');
    const short: TfjsModel = { ...base, artifacts: { ...base.artifacts, weightData: data.slice(0, 8) }, path: '/models/short.json' };
    const before = runtimeMemory().numTensors;
    await expect(compareModels(base, short, quick, { now: tickingClock() })).rejects.toThrow(MeasureError);
    await expect(compareModels(base, short, quick, { now: tickingClock() })).rejects.toThrow(/\/models\/short\.json/);
    expect(runtimeMemory().numTensors).toBe(before);
  });
});
