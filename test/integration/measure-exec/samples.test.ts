import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, expect, test } from 'vitest';
import { measureDrift } from '../../../src/measure/drift.js';
import { instantiate, selectRuntime } from '../../../src/runtimes/index.js';
import { runOnHost } from '../../../src/runtimes/host.js';
import { loadSamples } from '../../../src/measure/samples/load.js';
import { encodeNpy } from '../../../src/measure/samples/npy.js';
import { loadModel } from '../../../src/formats/index.js';
import { corpusModel } from '../../helpers/corpus.js';

/** RGBA gradient: red across, green down, blue constant. */
function gradient(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = Math.round((255 * x) / (width - 1));
      data[i + 1] = Math.round((255 * y) / (height - 1));
      data[i + 2] = 128;
      data[i + 3] = 255;
    }
  }
  return data;
}

let dir: string;
beforeAll(async () => {
  await selectRuntime('wasm');
  dir = mkdtempSync(join(tmpdir(), 'samples-'));
  const png = new PNG({ width: 80, height: 70 });
  gradient(80, 70).copy(png.data);
  writeFileSync(join(dir, 'a.png'), PNG.sync.write(png));
  writeFileSync(join(dir, 'b.jpg'), jpeg.encode({ width: 50, height: 40, data: gradient(50, 40) }, 95).data);
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
});

test('an image folder feeds human-gender (64×64 grey): resized, normalised, drift against itself is zero', async () => {
  const start = tf.memory().numTensors;
  const exec = await instantiate(await loadModel(corpusModel('human-gender').path));
  const sets = await loadSamples({ specs: exec.inputs, images: { dir } });
  try {
    expect(sets.map((s) => s.map((t) => t.shape))).toEqual([[[1, 64, 64, 1]], [[1, 64, 64, 1]]]);
    const values = sets[0]?.[0]?.data ?? new Float32Array();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    const drift = await measureDrift(exec, exec, sets);
    expect(drift).toMatchObject({ maxAbsError: 0, samples: 2 });
  } finally {
    exec.dispose();
  }
  expect(tf.memory().numTensors).toBe(start);
});

test("images feed human-rvm's src at a configured size; the scalar inputs stay synthetic", async () => {
  const exec = await instantiate(await loadModel(corpusModel('human-rvm').path));
  const sets = await loadSamples({
    specs: exec.inputs,
    images: { dir, input: 'src', resize: [24, 32], normalize: { scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: 0.5 }, limit: 1 },
  });
  try {
    expect(sets).toHaveLength(1);
    const src = sets[0]?.[exec.inputs.findIndex((s) => s.name === 'src')];
    expect(src?.shape).toEqual([1, 24, 32, 3]);
    const v = src?.data ?? new Float32Array();
    // Blue is 128 everywhere: (128/255 − 0.5) / 0.5. Red starts near 0 → near −1 (bilinear blends the first columns).
    expect(v[2]).toBeCloseTo((128 / 255 - 0.5) / 0.5, 5);
    expect(v[0]).toBeGreaterThan(-1.0001);
    expect(v[0]).toBeLessThan(-0.95);
    const out = await runOnHost(exec, sets[0] ?? []);
    expect(out).toHaveLength(6);
  } finally {
    exec.dispose();
  }
});

test('.npy files, one per input, feed human-gender; a list gives one sample per file', async () => {
  const exec = await instantiate(await loadModel(corpusModel('human-gender').path));
  const batch = new Float32Array(2 * 64 * 64).map((_, i) => (i % 97) / 97);
  writeFileSync(join(dir, 'batch.npy'), encodeNpy([2, 64, 64, 1], batch));
  // One image without the batch dimension, stored as float64: both are accepted.
  writeFileSync(join(dir, 'single.npy'), encodeNpy([64, 64, 1], new Float64Array(64 * 64).fill(0.5) as unknown as Float32Array, '<f8'));
  const sets = await loadSamples({ specs: exec.inputs, npy: { input_1: ['batch.npy', 'single.npy'] }, cwd: dir });
  try {
    expect(sets.map((s) => s[0]?.shape)).toEqual([
      [2, 64, 64, 1],
      [1, 64, 64, 1],
    ]);
    expect(sets[0]?.[0]?.data.slice(0, 3)).toEqual(batch.slice(0, 3));
    expect(sets[1]?.[0]?.data[100]).toBe(0.5);
    const drift = await measureDrift(exec, exec, sets);
    expect(drift.samples).toBe(2);
    expect(drift.top1Agreement).toBe(1);
  } finally {
    exec.dispose();
  }
});

test('samples that do not fit are refused naming the file', async () => {
  const exec = await instantiate(await loadModel(corpusModel('human-gender').path));
  writeFileSync(join(dir, 'wrong.npy'), encodeNpy([1, 32, 32, 1], new Float32Array(32 * 32)));
  try {
    await expect(loadSamples({ specs: exec.inputs, npy: { input_1: 'wrong.npy' }, cwd: dir })).rejects.toThrow(
      /wrong\.npy: shape \(1, 32, 32, 1\) does not fit input "input_1:0" \[\?, 64, 64, 1\]/,
    );
    await expect(loadSamples({ specs: exec.inputs, npy: { image: 'wrong.npy' }, cwd: dir })).rejects.toThrow(
      /the model has no input "image"; its inputs are input_1:0/,
    );
    await expect(loadSamples({ specs: exec.inputs, images: { dir: join(dir, 'missing') } })).rejects.toThrow(/image sample folder .*missing cannot be read/);
  } finally {
    exec.dispose();
  }
});
