import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { loadKerasModel } from '../../../src/formats/keras/index.js';
import type { TfjsLoadedModel } from '../../../src/model/types.js';
import { corpusModel } from '../../helpers/corpus.js';

interface OfficialJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/**
 * @upscalerjs/models@0.9.0 ships a Keras 2.3 float32 .h5 beside the uint8 TF.js model the official converter
 * (tensorflowjs 2.0.1) made from it: our conversion must agree with it exactly.
 */
describe('idealo psnr-small: parity with tensorflowjs_converter', () => {
  const corpus = corpusModel('idealo-psnr-small-uint8');
  let ours: TfjsLoadedModel;
  let official: OfficialJson;
  let officialData: Uint8Array;
  let officialSpecs: tf.io.WeightsManifestEntry[];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    ours = await loadKerasModel(join(corpus.dir, 'image-super-resolution-psnr-small.h5'));
    official = JSON.parse(await readFile(corpus.path, 'utf8')) as OfficialJson;
    officialSpecs = official.weightsManifest.flatMap((g) => g.weights);
    officialData = new Uint8Array(await readFile(join(corpus.dir, 'group1-shard1of1.bin')));
  });

  it('writes the same topology and weight names, shapes and order as the converter', () => {
    expect(ours.sourceKind).toBe('keras-h5');
    expect(ours.artifacts.modelTopology).toEqual(official.modelTopology);
    const shape = (s: tf.io.WeightsManifestEntry): string => `${s.name} [${s.shape.join(',')}]`;
    expect(ours.artifacts.weightSpecs?.map(shape)).toEqual(officialSpecs.map(shape));
    expect(ours.artifacts.weightSpecs?.every((s) => s.dtype === 'float32')).toBe(true);
  });

  it('holds the float32 values the converter quantized: each within half a uint8 step', () => {
    const floats = new Float32Array(ours.artifacts.weightData as ArrayBuffer);
    let at = 0;
    let offset = 0;
    for (const spec of officialSpecs) {
      const q = spec.quantization;
      if (q?.scale === undefined || q.min === undefined) throw new Error(`${spec.name} is not affine-quantized`);
      const count = spec.shape.reduce((a, b) => a * b, 1);
      let worst = 0;
      for (let i = 0; i < count; i++) {
        const dequantized = (officialData[offset + i] ?? 0) * q.scale + q.min;
        worst = Math.max(worst, Math.abs(dequantized - (floats[at + i] ?? Number.NaN)));
      }
      expect(worst, spec.name).toBeLessThanOrEqual(q.scale / 2 + 1e-6);
      at += count;
      offset += count;
    }
  });

  it('predicts what the official uint8 model predicts, within its quantization error', async () => {
    const input = tf.tidy(() => tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 7));
    const oursModel = await tf.loadLayersModel(tf.io.fromMemory(ours.artifacts));
    const officialModel = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: official.modelTopology as object, weightSpecs: officialSpecs, weightData: officialData.slice().buffer }),
    );
    const a = oursModel.predict(input) as tf.Tensor;
    const b = officialModel.predict(input) as tf.Tensor;
    expect(a.shape).toEqual([1, 16, 16, 3]);
    const error = tf.abs(tf.sub(a, b));
    const worst = (await tf.max(error).data())[0] ?? Number.NaN;
    const mean = (await tf.mean(error).data())[0] ?? Number.NaN;
    const range = (await tf.sub(tf.max(b), tf.min(b)).data())[0] ?? Number.NaN;
    // uint8 weights through 30+ stacked convolutions move every output a little (measured: worst 0.039, mean 0.011
    // over a range of 1.78); an architecture or weight mix-up moves outputs by a sizeable part of the range.
    expect(worst).toBeLessThan(0.05 * range);
    expect(mean).toBeLessThan(0.02 * range);
    expect(worst).toBeGreaterThan(0);
    tf.dispose([input, a, b, error]);
    oursModel.dispose();
    officialModel.dispose();
  });

  it('quantized to uint8, gives the same manifest and byte-identical weight data', () => {
    const { artifacts } = quantizeWeights(ours.artifacts, { dtypes: 'uint8' });
    expect(artifacts.weightSpecs).toEqual(officialSpecs);
    const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
    expect(data.length).toBe(officialData.length);
    expect(Buffer.compare(Buffer.from(data), Buffer.from(officialData))).toBe(0);
  });
});
