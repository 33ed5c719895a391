import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { benchmarkModel, compareModels } from '../../../src/measure/latency/benchmark.js';
import { runtimeMemory, selectRuntime, type TfjsModel } from '../../../src/runtimes/index.js';

// benchmarkModel and compareModels on a real (tiny) layers model on the cpu runtime, with a fake clock that moves
// 1 ms per reading: what each entry point loads, times, counts and cleans up, independent of the machine.

async function tinyModel(path: string, inputs: number, seed: number, name = 'dense'): Promise<TfjsModel> {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 4, inputShape: [inputs], kernelInitializer: tf.initializers.glorotUniform({ seed }), name })],
  });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      saved = artifacts;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } });
    }),
  );
  model.dispose();
  if (!saved) throw new Error('the tiny model was not saved');
  return { format: 'layers', artifacts: saved, path };
}

/** A clock that advances 1 ms every time it is read. */
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 1);
}

const quick = { warmupRuns: 2, warmupMs: 0, minRuns: 8, minMs: 0, profileOps: 0 };

describe('benchmarkModel', () => {
  beforeAll(async () => {
    await selectRuntime('cpu');
  });

  it('times the load, runs the loop on the placed inputs and leaves no tensor behind', async () => {
    const model = await tinyModel('/models/tiny.json', 3, 1);
    const before = runtimeMemory().numTensors;
    const stats = await benchmarkModel(model, quick, { now: tickingClock() });
    // The load reads the clock twice (one tick apart); every timed run is 1 ms on this clock.
    expect(stats.loadMs).toBe(1);
    expect(stats.samplesMs).toHaveLength(8);
    expect(stats.warmupRuns).toBe(2);
    expect(stats.runtime).toMatchObject({ name: 'cpu', backend: 'cpu' });
    expect(stats.warnings).toEqual([]);
    expect(stats.options.model).toBe('/models/tiny.json');
    // Only this model's tensors: its kernel and bias (4·3 + 4 floats) and its input (1·3), at least.
    expect(stats.memory.peakTensorBytes).toBeGreaterThanOrEqual((12 + 4 + 3) * 4);
    expect(stats.memory.leakedTensors).toBe(0);
    expect(runtimeMemory().numTensors).toBe(before);
  });

  it("counts only its own model's tensors, not those other models hold", async () => {
    const model = await tinyModel('/models/tiny.json', 3, 1);
    const alone = await benchmarkModel(model, quick, { now: tickingClock() });
    const other = tf.zeros([1000]);
    try {
      const beside = await benchmarkModel(model, quick, { now: tickingClock() });
      expect(beside.memory.peakTensorBytes).toBe(alone.memory.peakTensorBytes);
    } finally {
      other.dispose();
    }
  });

  it('makes the inputs from the configured shape, batch and seed', async () => {
    const model = await tinyModel('/models/tiny.json', 3, 1);
    const batch1 = await benchmarkModel(model, { ...quick, batch: 1 }, { now: tickingClock() });
    const batch64 = await benchmarkModel(model, { ...quick, batch: 64 }, { now: tickingClock() });
    // 63 more input rows (3 floats each) and output rows (4 floats) alive at the peak.
    expect(batch64.memory.peakTensorBytes - batch1.memory.peakTensorBytes).toBeGreaterThanOrEqual(63 * 3 * 4);
    const shaped = await benchmarkModel(model, { ...quick, inputShapes: { dense_input: [32, 3] } }, { now: tickingClock() });
    expect(shaped.memory.peakTensorBytes - batch1.memory.peakTensorBytes).toBeGreaterThanOrEqual(31 * 3 * 4);
    await expect(benchmarkModel(model, { ...quick, inputShapes: { nope: [1, 3] } }, { now: tickingClock() })).rejects.toThrow(/nope/);
  });

  it('a model that cannot run is a MeasureError naming it, and is disposed', async () => {
    const model = await tinyModel('/models/tiny.json', 3, 1);
    const before = runtimeMemory().numTensors;
    await expect(benchmarkModel(model, { ...quick, inputShapes: { dense_input: [1, 5] } }, { now: tickingClock() })).rejects.toThrow(MeasureError);
    expect(runtimeMemory().numTensors).toBe(before);
  });
});

describe('compareModels', () => {
  beforeAll(async () => {
    await selectRuntime('cpu');
  });

  it('loads both sides, times them in rounds, and reports each load and the runtime', async () => {
    const baseline = await tinyModel('/models/base.json', 3, 1);
    const candidate = await tinyModel('/models/head.json', 3, 2);
    const before = runtimeMemory().numTensors;
    const result = await compareModels(baseline, candidate, { warmupRuns: 1, warmupMs: 0, minRuns: 6, minMs: 0, seed: 3 }, { now: tickingClock() });
    expect(result.rounds).toBe(6);
    expect(result.baselineMs).toHaveLength(6);
    expect(result.candidateMs).toHaveLength(6);
    expect(result.loadMs).toEqual({ baseline: 1, candidate: 1 });
    expect(result.runtime).toMatchObject({ name: 'cpu' });
    expect(result.warnings).toEqual([]);
    expect(runtimeMemory().numTensors).toBe(before);
  });

  it('gives each side the configured shapes of its own inputs', async () => {
    const baseline = await tinyModel('/models/base.json', 3, 1);
    // The candidate's input has another name and width: each side takes the shape named for it.
    const renamed = await tinyModel('/models/head.json', 5, 2, 'wide');
    const result = await compareModels(
      baseline,
      renamed,
      { warmupRuns: 1, warmupMs: 0, minRuns: 2, minMs: 0, inputShapes: { dense_input: [2, 3], wide_input: [2, 5] } },
      { now: tickingClock() },
    );
    expect(result.rounds).toBe(2);
    // A shape named for neither side is reported, not ignored.
    await expect(
      compareModels(
        baseline,
        renamed,
        { warmupRuns: 1, warmupMs: 0, minRuns: 2, minMs: 0, inputShapes: { dense_input: [2, 3], nope: [1] } },
        { now: tickingClock() },
      ),
    ).rejects.toThrow(/nope/);
  });

  it('a candidate that fails to run is a MeasureError, and both sides and their inputs are disposed', async () => {
    const baseline = await tinyModel('/models/base.json', 3, 1);
    const candidate = await tinyModel('/models/head.json', 5, 2, 'wide');
    const before = runtimeMemory().numTensors;
    // The candidate is fed a row of 3 where it takes 5.
    await expect(
      compareModels(
        baseline,
        candidate,
        { warmupRuns: 1, warmupMs: 0, minRuns: 2, minMs: 0, inputShapes: { dense_input: [1, 3], wide_input: [1, 3] } },
        { now: tickingClock() },
      ),
    ).rejects.toThrow(MeasureError);
    expect(runtimeMemory().numTensors).toBe(before);
  });
});
