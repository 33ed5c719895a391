import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { measureDrift } from '../../../src/measure/drift.js';
import { makeInputs } from '../../../src/measure/inputs.js';
import { instantiate, selectRuntime } from '../../../src/runtimes/index.js';
import { runOnHost } from '../../../src/runtimes/host.js';
import { loadModel } from '../../../src/formats/index.js';
import { corpusModel } from '../../helpers/corpus.js';

/** Corpus models, the input shapes they need, and what the run must show. */
const cases = [
  { id: 'human-gender', shapes: {}, async: false, outputs: [[1, 2]] },
  { id: 'esrgan-slim-x2', shapes: { LR: [1, 32, 32, 3] }, async: false, outputs: [[1, 64, 64, 3]] },
  { id: 'pixelator', shapes: { up_sampling2d_UpSampling2D1_input: [1, 8, 8, 3] }, async: false, outputs: [[1, 32, 32, 3]] },
  { id: 'human-rvm', shapes: { src: [1, 32, 32, 3] }, async: true, outputs: undefined },
] as const;

let tensorsAtStart = 0;
beforeAll(async () => {
  await selectRuntime('cpu');
});
beforeEach(() => {
  tensorsAtStart = tf.memory().numTensors;
});
afterEach(() => {
  // Every run and drift disposes what it made: the leak check the latency loop relies on.
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

describe.each(['wasm', 'cpu'] as const)('on %s', (runtimeName) => {
  test.each(cases)('$id runs and has zero drift against itself', async ({ id, shapes, async, outputs }) => {
    const runtime = await selectRuntime(runtimeName);
    const model = await loadModel(corpusModel(id).path);
    const exec = await instantiate(model);
    const inputs = makeInputs(exec.inputs, { seed: 7, shapes });
    try {
      const shaped = await runOnHost(exec, inputs);
      expect(shaped?.length).toBe(exec.outputs.length);
      if (outputs) expect(shaped?.map((o) => o.shape)).toEqual(outputs);
      for (const o of shaped ?? []) expect(o.data.length).toBe(o.shape.reduce((a, b) => a * b, 1));
      expect(exec.async).toBe(async);
      expect(exec.runtime).toEqual(runtime);
      expect(exec.warnings).toEqual([]);

      const drift = await measureDrift(exec, exec, [inputs]);
      expect(drift).toMatchObject({ maxAbsError: 0, rmse: 0, samples: 1 });
      // Every metric that applies to an output is perfect against itself.
      expect(drift.outputs).toHaveLength(exec.outputs.length);
      for (const o of drift.outputs ?? []) {
        if (o.cosine !== undefined) expect(o.cosine).toBeCloseTo(1, 12);
        if (o.top1Agreement !== undefined) expect(o.top1Agreement).toBe(1);
        if (o.psnr !== undefined) expect(o.psnr).toBe(Infinity);
        if (o.keypointError !== undefined) expect(o.keypointError).toBe(0);
      }
    } finally {
      exec.dispose();
    }
  });
});

test('human-handtrack (loops, NMS) runs through executeAsync on wasm', async () => {
  await selectRuntime('wasm');
  const exec = await instantiate(await loadModel(corpusModel('human-handtrack').path));
  const inputs = makeInputs(exec.inputs, { seed: 5, shapes: { 'input_tensor:0': [1, 32, 32, 3] } });
  try {
    expect(exec.inputs).toEqual([{ name: 'input_tensor:0', dtype: 'int32', shape: [1, null, null, 3] }]);
    const out = await runOnHost(exec, inputs);
    expect(exec.async).toBe(true);
    expect(out).toHaveLength(8);
    expect((await measureDrift(exec, exec, [inputs])).maxAbsError).toBe(0);
  } finally {
    exec.dispose();
  }
});

test('human-rvm scalar inputs get documented values, the recurrent states too', async () => {
  await selectRuntime('cpu');
  const exec = await instantiate(await loadModel(corpusModel('human-rvm').path));
  const inputs = makeInputs(exec.inputs, { seed: 1, shapes: { src: [1, 32, 32, 3] } });
  try {
    const ratio = exec.inputs.findIndex((s) => s.name.startsWith('downsample_ratio'));
    expect(exec.inputs[ratio]).toMatchObject({ unknownRank: true, dtype: 'float32' });
    expect(inputs[ratio]?.shape).toEqual([]);
    expect(inputs[ratio]?.data[0]).toBe(0.25);
  } finally {
    exec.dispose();
  }
});

describe('human-facemesh-attention: int32 BatchMatMul that wasm lacks', () => {
  test('falls back to cpu with a warning, and leaves wasm active for other models', async () => {
    await selectRuntime('wasm');
    const exec = await instantiate(await loadModel(corpusModel('human-facemesh-attention').path));
    const inputs = makeInputs(exec.inputs, { seed: 3 });
    try {
      expect(exec.runtime.name).toBe('wasm');
      const first = await runOnHost(exec, inputs);
      expect(exec.runtime.name).toBe('cpu');
      expect(exec.warnings).toHaveLength(1);
      expect(exec.warnings?.[0]).toMatch(/runtime "wasm" cannot run this model \(BatchMatMul.*ran on cpu instead/);
      expect(tf.getBackend()).toBe('wasm');
      // Later runs go straight to cpu and agree with the first.
      const second = await runOnHost(exec, inputs);
      expect(second.map((o) => Array.from(o.data))).toEqual(first.map((o) => Array.from(o.data)));
      expect(exec.warnings).toHaveLength(1);
      expect(tf.getBackend()).toBe('wasm');
      // Drift of the fallen-back model against a wasm copy of the same weights: only float noise between backends.
      const onWasm = await instantiate(await loadModel(corpusModel('human-facemesh-attention').path), { pinned: false });
      try {
        const drift = await measureDrift(exec, onWasm, [inputs]);
        expect(onWasm.runtime.name).toBe('cpu');
        expect(drift.maxAbsError).toBeLessThan(1e-2);
        for (const o of drift.outputs ?? []) if (o.cosine !== undefined) expect(o.cosine).toBeGreaterThan(0.9999);
      } finally {
        onWasm.dispose();
      }
    } finally {
      exec.dispose();
    }
  });

  test('fails clearly when the runtime is pinned', async () => {
    await selectRuntime('wasm');
    const exec = await instantiate(await loadModel(corpusModel('human-facemesh-attention').path), { pinned: true });
    const inputs = makeInputs(exec.inputs, { seed: 3 });
    try {
      const failure = runOnHost(exec, inputs);
      await expect(failure).rejects.toThrow(MeasureError);
      await expect(failure).rejects.toThrow(/runtime "wasm" cannot run this model: BatchMatMul.*pinned; use runtime: cpu/);
    } finally {
      exec.dispose();
    }
  });
});
