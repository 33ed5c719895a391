import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertCommand } from '../../../src/commands/convert.js';
import { UsageError } from '../../../src/errors.js';
import { loadKerasModel } from '../../../src/formats/keras/index.js';
import { OUTPUT_MARKER } from '../../../src/formats/tfjs/save.js';
import { corpusModel } from '../../helpers/corpus.js';
import { fixture, scratchDir } from '../../unit/keras/fixtures.js';

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

function recordingIO(): { io: Parameters<typeof convertCommand>[1]; out: string[] } {
  const out: string[] = [];
  return { io: { cwd: process.cwd(), stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {} }, out };
}

/** What stock TF.js sees when it loads a converted folder. */
function readConverted(dir: string): { json: ModelJson; artifacts: tf.io.ModelArtifacts } {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p)));
  const data = Buffer.concat(shards);
  return {
    json,
    artifacts: {
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    },
  };
}

describe('model-budget convert', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('--quantize uint8 on the idealo .h5 reproduces the official converter output byte for byte', async () => {
    const corpus = corpusModel('idealo-psnr-small-uint8');
    const out = scratchDir();
    const { io } = recordingIO();
    const code = await convertCommand([join(corpus.dir, 'image-super-resolution-psnr-small.h5'), out, '--quantize', 'uint8'], io);
    expect(code).toBe(0);
    // The marker makes the folder model-budget's: a later save replaces only files it wrote there.
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'group1-shard1of1.bin', 'model.json']);
    const official = JSON.parse(readFileSync(corpus.path, 'utf8')) as ModelJson & Record<string, unknown>;
    const { json } = readConverted(out);
    expect(json.modelTopology).toEqual(official.modelTopology);
    expect(json.weightsManifest).toEqual(official.weightsManifest);
    expect(json).toMatchObject({ format: 'layers-model', generatedBy: official.generatedBy });
    const ours = readFileSync(join(out, 'group1-shard1of1.bin'));
    const theirs = readFileSync(join(corpus.dir, 'group1-shard1of1.bin'));
    expect(ours.equals(theirs)).toBe(true);
  });

  it('writes a float16, multi-shard .keras conversion that stock tf.loadLayersModel loads and runs', async () => {
    const out = scratchDir();
    const { io, out: lines } = recordingIO();
    expect(await convertCommand([fixture('k3-cnn-sequential.keras'), out, '--quantize', 'float16', '--shard-size', '64KiB'], io)).toBe(0);
    expect(lines.join('')).toMatch(/converted .*k3-cnn-sequential\.keras \(keras-zip\)/);
    const { json, artifacts } = readConverted(out);
    expect(json.weightsManifest[0]?.paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expect(json.weightsManifest[0]?.weights.every((w) => w.quantization?.dtype === 'float16')).toBe(true);
    const converted = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const direct = await tf.loadLayersModel(tf.io.fromMemory((await loadKerasModel(fixture('k3-cnn-sequential.keras'))).artifacts));
    const input = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    const a = converted.predict(input) as tf.Tensor;
    const b = direct.predict(input) as tf.Tensor;
    const worst = (await tf.max(tf.abs(tf.sub(a, b))).data())[0] ?? Number.NaN;
    expect(worst).toBeLessThan(1e-2);
    tf.dispose([input, a, b]);
    converted.dispose();
    direct.dispose();
  });

  it.each([
    { args: [], message: /takes an input model and an output folder/ },
    { args: ['a.h5', 'out', '--quantize', 'int4'], message: /--quantize expects one of uint8, uint16, float16; got "int4"/ },
    { args: ['a.h5', 'out', '--shard-size', 'big'], message: /--shard-size expects a size like/ },
  ])('refuses bad usage: $args', async ({ args, message }) => {
    const error = await convertCommand(args, recordingIO().io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(String(error)).toMatch(message);
  });
});
