import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertCommand } from '../../../src/commands/convert.js';
import { ModelLoadError, UsageError } from '../../../src/errors.js';
import { scratchDir } from '../../unit/keras/fixtures.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'savedmodel');

function recordingIO(): { io: Parameters<typeof convertCommand>[1]; out: string[] } {
  const out: string[] = [];
  return { io: { cwd: process.cwd(), stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {} }, out };
}

interface GraphModelJson {
  format: string;
  modelTopology: object;
  signature: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

describe('model-budget convert <saved_model_dir>', () => {
  it('writes a TF.js graph model that stock tf.loadGraphModel runs', async () => {
    const out = scratchDir();
    const { io, out: lines } = recordingIO();
    expect(await convertCommand([join(FIXTURES, 'times-three-float'), out, '--signature', 'serving_default'], io)).toBe(0);
    expect(lines.join('')).toMatch(/note: SavedModel signature "serving_default": 2 function call\(s\) inlined, 1 variable\(s\) frozen/);
    expect(lines.join('')).toContain('(savedmodel)');
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as GraphModelJson;
    expect(json.format).toBe('graph-model');
    const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(out, p))));
    const model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
        signature: json.signature,
      }),
    );
    expect((model.execute(tf.scalar(7)) as tf.Tensor).dataSync()[0]).toBe(21);
  });

  it('a SavedModel with a While loop is written with its function library, plain and --quantize uint8', async () => {
    const x = tf.randomUniform([4, 5, 1], 0, 1, 'float32', 3);
    const outputs: Float32Array[] = [];
    for (const flags of [[], ['--quantize', 'uint8']]) {
      const out = scratchDir();
      const { io } = recordingIO();
      expect(await convertCommand([join(FIXTURES, 'rnn-lstm'), out, ...flags], io)).toBe(0);
      const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as GraphModelJson & { modelTopology: { library: { function: unknown[] } } };
      expect(json.modelTopology.library.function).toHaveLength(2);
      const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(out, p))));
      const model = await tf.loadGraphModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
          weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
          signature: json.signature,
        }),
      );
      outputs.push(((await model.executeAsync(x)) as tf.Tensor).dataSync() as Float32Array);
    }
    const [plain = new Float32Array(), quantized = new Float32Array()] = outputs;
    const range = Math.max(...plain) - Math.min(...plain);
    expect(range).toBeGreaterThan(0.1);
    // uint8 weights (function-body constants included) move the outputs, but by little.
    expect(Math.max(...plain.map((v, i) => Math.abs(v - (quantized[i] ?? Number.NaN))))).toBeLessThan(0.1 * range);
    expect(quantized).not.toEqual(plain);
  });

  it('an unknown --signature names the ones there are', async () => {
    const { io } = recordingIO();
    await expect(convertCommand([join(FIXTURES, 'kws-dscnn'), scratchDir(), '--signature', 'train'], io)).rejects.toThrow(
      // The error now carries its catalog code as well as the same message.
      expect.objectContaining({
        constructor: ModelLoadError,
        message: 'the SavedModel has no signature "train"; it has "serving_default" (choose one with --signature serving_default)',
        code: 'savedmodel/signature-missing',
      }),
    );
  });

  it('--signature on a file that is not a SavedModel is a usage error', async () => {
    const { io } = recordingIO();
    await expect(convertCommand([join(FIXTURES, 'SOURCES.md'), scratchDir(), '--signature', 'x'], io)).rejects.toThrow(UsageError);
  });
});
