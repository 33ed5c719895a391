import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { makeInputs } from '../../../../src/measure/inputs.js';
import { runLatencyLoop } from '../../../../src/measure/latency/loop.js';
import { runOnHost } from '../../../../src/runtimes/host.js';
import { litertRuntime } from '../../../../src/runtimes/litert/index.js';
import { corpusModel } from '../../../helpers/corpus.js';

it('LiteRT behind the Runtime interface: host inputs in, named and shaped outputs out, timed by the latency loop', async () => {
  const info = await litertRuntime.start({});
  expect(info).toMatchObject({ name: 'litert', backend: 'relaxed-simd', threads: 1 });
  expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  const m = corpusModel('mediapipe-face-short');
  const exec = await litertRuntime.instantiate({ bytes: readFileSync(m.path), path: m.path }, info, {});
  try {
    expect(exec.inputs).toEqual([{ name: expect.any(String) as string, dtype: 'float32', shape: [1, 128, 128, 3] }]);
    const host = makeInputs(exec.inputs, { seed: 1 });
    const out = await runOnHost(exec, host);
    expect(out.map((o) => o.shape)).toEqual([
      [1, 896, 16],
      [1, 896, 1],
    ]);
    expect(out.map((o) => o.name)).toEqual(exec.outputs);
    for (const o of out) expect(o.data.length).toBe(o.shape.reduce((a, b) => a * b, 1));
    // Other inputs, other outputs: the numbers come from the graph.
    const other = await runOnHost(exec, makeInputs(exec.inputs, { seed: 2 }));
    expect(other[1]?.data).not.toEqual(out[1]?.data);

    expect(() => exec.place([])).toThrow(/takes 1 input\(s\), got 0/);
    const placed = exec.place(host);
    try {
      const stats = await runLatencyLoop(exec, placed, { warmupRuns: 1, warmupMs: 0, minRuns: 3, minMs: 0, profileOps: 0 });
      expect(stats.samplesMs).toHaveLength(3);
      expect(stats.memory.peakTensorBytes).toBe(0);
    } finally {
      placed.dispose();
    }
  } finally {
    exec.dispose();
  }
});
