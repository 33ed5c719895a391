import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitsFloat16, FOLD_TOLERANCE, foldBatchNorm } from '../../../src/compress/fold-batchnorm.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { CompressError } from '../../../src/errors.js';
import { corpusArtifacts } from '../../integration/compress/corpus-artifacts.js';
import { loadStock, predictFlat } from '../../integration/compress/evaluate.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

/** Gives every BatchNormalization non-trivial statistics, as a trained model has. */
function randomizeBatchNorm(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const [gamma, beta, mean, variance] = layer.getWeights();
    if (!gamma || !beta || !mean || !variance) continue;
    layer.setWeights([
      tf.randomUniform(gamma.shape, 0.5, 1.5, 'float32', 1),
      tf.randomUniform(beta.shape, -0.5, 0.5, 'float32', 2),
      tf.randomUniform(mean.shape, -0.3, 0.3, 'float32', 3),
      tf.randomUniform(variance.shape, 0.2, 2, 'float32', 4),
    ]);
  }
}

function sequentialWithBatchNorm(): tf.LayersModel {
  const m = tf.sequential();
  m.add(
    tf.layers.conv2d({
      inputShape: [12, 12, 3],
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  m.add(tf.layers.batchNormalization({ epsilon: 1e-3 }));
  m.add(tf.layers.reLU());
  m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }));
  m.add(tf.layers.batchNormalization({}));
  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu' }));
  m.add(tf.layers.batchNormalization({}));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 10 }));
  m.add(tf.layers.batchNormalization({}));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  randomizeBatchNorm(m);
  return m;
}

function functionalWithBatchNorm(): tf.LayersModel {
  const input = tf.input({ shape: [10, 10, 2] });
  const conv = tf.layers.conv2d({ filters: 6, kernelSize: 3 }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({}).apply(conv) as tf.SymbolicTensor;
  const act = tf.layers.activation({ activation: 'relu' }).apply(bn) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(act) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 4 }).apply(pooled) as tf.SymbolicTensor;
  const out = tf.layers.batchNormalization({}).apply(dense) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: out });
  randomizeBatchNorm(m);
  return m;
}

/** A conv whose output feeds both its BatchNormalization and a residual Add. */
function residualAfterConv(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 4] });
  const conv = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })
    .apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({}).apply(conv) as tf.SymbolicTensor;
  const sum = tf.layers.add({}).apply([bn, conv]) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: sum });
  randomizeBatchNorm(m);
  return m;
}

/** A conv that is a model output itself and also feeds a BatchNormalization. */
function convIsAnOutput(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 2] });
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({}).apply(conv) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: [conv, bn] });
  randomizeBatchNorm(m);
  return m;
}

async function compare(original: tf.io.ModelArtifacts, folded: tf.io.ModelArtifacts, shape: number[]): Promise<number> {
  const x = tf.randomUniform(shape, 0, 1, 'float32', 7);
  const a = await predictFlat(await loadStock(original), x);
  const b = await predictFlat(await loadStock(folded), x);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1, Math.abs(a[i] ?? 0));
    worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)) / scale);
  }
  return worst;
}

describe('foldBatchNorm', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('folds Conv2D, DepthwiseConv2D and Dense pairs of a Sequential model; outputs equal within 1e-5', async () => {
    const original = await layersModelArtifacts(sequentialWithBatchNorm());
    const result = foldBatchNorm(original);
    expect(result.folded.map((p) => p.layer).length).toBe(3);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatch(/activation "relu"/);
    const loaded = (await loadStock(result.artifacts)) as tf.LayersModel;
    expect(loaded.layers.filter((l) => l.getClassName() === 'BatchNormalization')).toHaveLength(1);
    expect(await compare(original, result.artifacts, [2, 12, 12, 3])).toBeLessThan(1e-5);
  });

  it('folds a functional model, rewiring inbound nodes and outputs', async () => {
    const original = await layersModelArtifacts(functionalWithBatchNorm());
    const result = foldBatchNorm(original);
    expect(result.folded).toHaveLength(2);
    const loaded = (await loadStock(result.artifacts)) as tf.LayersModel;
    expect(loaded.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(await compare(original, result.artifacts, [2, 10, 10, 2])).toBeLessThan(1e-5);
  });

  it('keeps a uint8 model exact: folded kernels are stored unquantized, within 1e-5 of the unfolded model, and the cost is reported', async () => {
    const quantized = quantizeWeights(await layersModelArtifacts(sequentialWithBatchNorm()), { dtypes: 'uint8' }).artifacts;
    const result = foldBatchNorm(quantized);
    expect(result.folded).toHaveLength(3);
    expect(await compare(quantized, result.artifacts, [2, 12, 12, 3])).toBeLessThan(FOLD_TOLERANCE);
    expect(result.widened.map((w) => [w.name.replace(/^.*\//, ''), w.from, w.to])).toEqual([
      ['kernel', 'uint8', 'float32'],
      ['depthwise_kernel', 'uint8', 'float32'],
      ['kernel', 'uint8', 'float32'],
    ]);
    for (const w of result.widened) expect(w.bytesAfter).toBe(w.bytesBefore * (w.to === 'float16' ? 2 : 4));
    const specs = new Map((result.artifacts.weightSpecs ?? []).map((s) => [s.name, s]));
    for (const w of result.widened) expect(specs.get(w.name)?.quantization).toBeUndefined();
    const grown = result.widened.reduce((n, w) => n + w.bytesAfter - w.bytesBefore, 0);
    expect(grown).toBeGreaterThan(0);
  });

  it('stores a folded kernel as float16 only when every value survives within the tolerance', () => {
    expect(fitsFloat16(new Float32Array([0.5, -2, 1024, 0]))).toBe(true);
    expect(fitsFloat16(new Float32Array([0.5, 0.1]))).toBe(false);
  });

  it('leaves a Conv2D alone when its output also feeds a residual Add', async () => {
    const original = await layersModelArtifacts(residualAfterConv());
    const result = foldBatchNorm(original);
    expect(result.folded).toEqual([]);
    expect(result.skipped).toEqual([expect.stringMatching(/feeds other layers too/)]);
    expect(await compare(original, result.artifacts, [1, 6, 6, 4])).toBeLessThan(1e-5);
  });

  it('leaves a Conv2D alone when the model returns its output too', async () => {
    const original = await layersModelArtifacts(convIsAnOutput());
    const result = foldBatchNorm(original);
    expect(result.folded).toEqual([]);
    expect(result.skipped).toEqual([expect.stringMatching(/is also a model output/)]);
    expect(await compare(original, result.artifacts, [1, 6, 6, 2])).toBeLessThan(1e-5);
  });

  it('leaves a corpus model without BatchNormalization unchanged', () => {
    const original = corpusArtifacts('esrgan-slim-x2');
    const result = foldBatchNorm(original);
    expect(result.folded).toEqual([]);
    expect(result.artifacts).toBe(original);
  });

  it('refuses graph models', () => {
    expect(() => foldBatchNorm(corpusArtifacts('human-gender'))).toThrow(CompressError);
  });
});
