import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { makeInputs } from '../../../src/measure/inputs.js';
import { loadModel } from '../../../src/formats/index.js';
import { runOnHost } from '../../../src/runtimes/host.js';
import { RUNTIMES, RUNTIME_NAMES, instantiate, runtimeMemory, selectRuntime } from '../../../src/runtimes/index.js';
import { corpusModel } from '../../helpers/corpus.js';

test('the registry has one runtime per name a config can give, under its own name', () => {
  expect(Object.keys(RUNTIMES)).toEqual([...RUNTIME_NAMES]);
  for (const [name, runtime] of Object.entries(RUNTIMES)) expect(runtime.name).toBe(name);
});

test('a tfjs Executable: inputs placed once on the runtime, runs read every output back, memory and profile', async () => {
  await selectRuntime('cpu');
  const exec = await instantiate(await loadModel(corpusModel('human-gender').path));
  try {
    const host = makeInputs(exec.inputs, { seed: 4 });
    const before = runtimeMemory().numTensors;
    const placed = exec.place(host);
    // The input lives on the runtime until the caller disposes it; runs leave nothing behind.
    expect(exec.memory().numTensors).toBe(before + 1);
    const first = await exec.run(placed);
    const second = await exec.run(placed);
    expect(exec.memory().numTensors).toBe(before + 1);
    expect(second.map((o) => Array.from(o.data))).toEqual(first.map((o) => Array.from(o.data)));
    expect(first.map((o) => o.name)).toEqual(exec.outputs);
    const profile = await exec.profile(async () => {
      await exec.run(placed);
    });
    expect(profile.kernels.length).toBeGreaterThan(0);
    expect(profile.peakBytes).toBeGreaterThan(0);
    await expect(exec.profile(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    // A failed profiled run must not leave every later kernel profiled.
    expect(tf.engine().state.profiling).toBe(false);
    placed.dispose();
    expect(exec.memory().numTensors).toBe(before);
    expect((await runOnHost(exec, host)).map((o) => Array.from(o.data))).toEqual(first.map((o) => Array.from(o.data)));
    expect(exec.memory().numTensors).toBe(before);
  } finally {
    exec.dispose();
  }
});
