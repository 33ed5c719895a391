import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pruneChannels } from '../../../src/compress/prune-channels.js';
import { CompressError } from '../../../src/errors.js';
import { corpusArtifacts } from './corpus-artifacts.js';
import { loadStock, predictFlat } from './evaluate.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

function paramsOf(model: tf.LayersModel): number {
  return model.countParams();
}

describe('pruneChannels', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('prunes a sequential conv model through BatchNorm, pooling, depthwise and Flatten to a FLOPs target', async () => {
    const m = tf.sequential();
    m.add(
      tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 16, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    );
    m.add(tf.layers.batchNormalization({}));
    m.add(tf.layers.activation({ activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }));
    m.add(tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', activation: 'relu' }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 20, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 5, activation: 'softmax' }));
    const original = await layersModelArtifacts(m);
    const result = pruneChannels(original, { flops: 0.2 });
    expect(1 - result.flopsAfter / result.flopsBefore).toBeGreaterThanOrEqual(0.2);
    expect(result.layers.map((l) => l.name)).toHaveLength(3);
    expect(result.skipped).toEqual([expect.stringMatching(/is a model output/)]);
    const loaded = (await loadStock(result.artifacts)) as tf.LayersModel;
    expect(paramsOf(loaded)).toBeLessThan(paramsOf(m));
    expect(paramsOf(loaded)).toBe(result.paramsAfter);
    const out = await predictFlat(loaded, tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 3));
    expect(out).toHaveLength(10);
    expect(out.every(Number.isFinite)).toBe(true);
  });

  it('prunes the real esrgan-slim-x2 where it can follow, skipping layers that feed Add/Concatenate', async () => {
    const original = corpusArtifacts('esrgan-slim-x2');
    const result = pruneChannels(original, { params: 0.2 });
    expect(1 - result.paramsAfter / result.paramsBefore).toBeGreaterThanOrEqual(0.2);
    expect(result.skipped.some((s) => /feeds (Add|Concatenate)/.test(s))).toBe(true);
    const pruned = result.layers.map((l) => l.name);
    expect(pruned).not.toContain('F_0');
    expect(pruned).toContain('UPN1');
    const before = (await loadStock(original)) as tf.LayersModel;
    const after = (await loadStock(result.artifacts)) as tf.LayersModel;
    expect(after.countParams()).toBeLessThan(before.countParams());
    const x = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 5);
    expect((await predictFlat(after, x)).length).toBe((await predictFlat(before, x)).length);
  });

  it('refuses an unreachable target on esrgan-slim-x2, naming what blocks it', () => {
    expect(() => pruneChannels(corpusArtifacts('esrgan-slim-x2'), { params: 0.9 })).toThrow(/cannot follow|feeds Add/);
  });

  it('refuses a residual model whose every conv feeds Add', async () => {
    const input = tf.input({ shape: [8, 8, 4] });
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([a, input]) as tf.SymbolicTensor;
    const original = await layersModelArtifacts(tf.model({ inputs: input, outputs: sum }));
    expect(() => pruneChannels(original, { flops: 0.2 })).toThrow(CompressError);
    expect(() => pruneChannels(original, { flops: 0.2 })).toThrow(/feeds Add/);
  });

  it.each([0, 1, -0.5])('refuses target %s', (v) => {
    expect(() => pruneChannels(corpusArtifacts('esrgan-slim-x2'), { flops: v })).toThrow(/fraction in \(0, 1\)/);
  });

  it('refuses graph models', () => {
    expect(() => pruneChannels(corpusArtifacts('human-gender'), { params: 0.2 })).toThrow(/layers models only/);
  });
});

describe('pruneChannels is exact', () => {
  it('equals the original model with the removed filters zeroed (bias-free, through pooling and Flatten)', async () => {
    await tf.setBackend('cpu');
    const m = tf.sequential();
    m.add(
      tf.layers.conv2d({
        inputShape: [8, 8, 2],
        filters: 10,
        kernelSize: 3,
        useBias: false,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    );
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 6, useBias: false, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 3 }));
    const original = await layersModelArtifacts(m);
    const result = pruneChannels(original, { params: 0.3 });
    for (const { name, kept } of result.layers) {
      const layer = m.getLayer(name);
      const [kernel] = layer.getWeights();
      if (!kernel) throw new Error(name);
      const channels = kernel.shape[kernel.shape.length - 1] ?? 0;
      const mask = tf.tensor(Array.from({ length: channels }, (_, c) => (kept.includes(c) ? 1 : 0)));
      layer.setWeights([tf.mul(kernel, mask)]);
    }
    const x = tf.randomUniform([3, 8, 8, 2], 0, 1, 'float32', 9);
    const want = await predictFlat(m, x);
    const got = await predictFlat(await loadStock(result.artifacts), x);
    for (let i = 0; i < want.length; i++) expect(Math.abs((got[i] ?? 0) - (want[i] ?? 0))).toBeLessThan(1e-5);
    expect(result.layers.length).toBe(3);
  });
});
