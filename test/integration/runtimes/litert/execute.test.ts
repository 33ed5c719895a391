import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileTflite } from '../../../../src/runtimes/litert/execute.js';
import { loadLiteRtNode, type LiteRtBuild } from '../../../../src/runtimes/litert/load.js';
import { corpusModel } from '../../../helpers/corpus.js';

const build = (process.env.LITERT_BUILD ?? 'relaxed-simd') as LiteRtBuild;

describe(`LiteRT in Node (${build} build)`, () => {
  it('runs the face detector and reads 896 anchors of boxes and scores back', async () => {
    const litert = await loadLiteRtNode(build);
    const m = corpusModel('mediapipe-face-short');
    const exe = await compileTflite(litert, readFileSync(m.path), m.path);
    try {
      expect(exe.inputs.map((i) => i.shape)).toEqual([[1, 128, 128, 3]]);
      const outputs = await exe.run([new Float32Array(128 * 128 * 3).fill(0.5)]);
      expect(outputs.map((o) => o.shape)).toEqual([
        [1, 896, 16],
        [1, 896, 1],
      ]);
      for (const o of outputs) expect(o.values.every(Number.isFinite)).toBe(true);
      // A different input gives different outputs: the numbers come from the graph, not a constant.
      const other = await exe.run([new Float32Array(128 * 128 * 3).fill(-0.5)]);
      expect(other[1]?.values).not.toEqual(outputs[1]?.values);
    } finally {
      exe.dispose();
    }
  });

  it('names the model and LiteRT’s reason when it refuses a file', async () => {
    const litert = await loadLiteRtNode(build);
    await expect(compileTflite(litert, new Uint8Array(64), 'zeros.tflite')).rejects.toThrow(/^zeros\.tflite: LiteRT cannot compile the model/);
  });
});
