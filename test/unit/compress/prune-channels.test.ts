import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { pruneChannels, type PruneChannelsResult } from '../../../src/compress/prune-channels.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import type { LayerJson } from '../../../src/compress/topology.js';
import { decodeWeights, encodeWeights, type NamedTensor } from '../../../src/compress/weights.js';
import { CompressError } from '../../../src/errors.js';
import { loadStock, predictFlat } from '../../integration/compress/evaluate.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

// Hand-written Keras-2 topologies: only class_name, name, batch_input_shape, strides/pool_size/size, depth_multiplier,
// data_format, groups and units/filters matter to channel pruning, so the layers carry only those.

/** A layer of a Sequential topology. */
function seq(className: string, name: string, config: Record<string, unknown> = {}): LayerJson {
  return { class_name: className, config: { name, ...config } };
}

/** A layer of a functional topology, fed by `from`. */
function fn(className: string, name: string, from: readonly string[], config: Record<string, unknown> = {}): LayerJson {
  return { class_name: className, name, config: { name, ...config }, inbound_nodes: from.length === 0 ? [] : [from.map((f) => [f, 0, 0, {}])] };
}

function f32(name: string, shape: readonly number[], values: readonly number[]): NamedTensor {
  return { name, shape, dtype: 'float32', data: new Float32Array(values) };
}

function sequential(layers: readonly LayerJson[], tensors: readonly NamedTensor[]): tf.io.ModelArtifacts {
  return { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [...layers] } }, ...encodeWeights(tensors) };
}

function functional(layers: readonly LayerJson[], outputs: readonly string[], tensors: readonly NamedTensor[], nested = false): tf.io.ModelArtifacts {
  const model = {
    class_name: 'Functional',
    config: { name: 'f', layers: [...layers], input_layers: [['in', 0, 0]], output_layers: outputs.map((o) => [o, 0, 0]) },
  };
  const modelTopology = nested ? { keras_version: '2.15.0', backend: 'tensorflow', model_config: model } : model;
  return { format: 'layers-model', modelTopology, ...encodeWeights(tensors) };
}

/** Every output weight as `{ shape, values }`, by name, in manifest order. */
function weightsOf(artifacts: tf.io.ModelArtifacts): Record<string, { shape: number[]; values: number[] }> {
  return Object.fromEntries(decodeWeights(artifacts).map((t) => [t.name, { shape: [...t.shape], values: [...(t.data as Float32Array)] }]));
}

/** The output topology's layer configs, by layer name. */
function configsOf(artifacts: tf.io.ModelArtifacts): Record<string, Record<string, unknown>> {
  const topology = artifacts.modelTopology as { config: { layers: LayerJson[] } };
  return Object.fromEntries(topology.config.layers.map((l) => [String(l.config['name']), l.config]));
}

function thrown(run: () => unknown): { error: unknown; message: string } {
  try {
    run();
  } catch (error) {
    return { error, message: (error as Error).message };
  }
  throw new Error('expected a throw');
}

function expectRefusal(run: () => unknown, message: string): void {
  const got = thrown(run);
  expect(got.error).toBeInstanceOf(CompressError);
  expect(got.message).toBe(message);
}

function summary(result: PruneChannelsResult): Omit<PruneChannelsResult, 'artifacts'> {
  const { artifacts, ...rest } = result;
  void artifacts;
  return rest;
}

/**
 * a: 1×1 conv on a 4×4×1 input, filters with L1 norms [1, 4, 2, 3]; b: 1×1 conv 4 → 2 (a model output).
 * Params 4 + 4 + 8 + 2 = 18; FLOPs (16 positions) 4·16 + 8·16 = 192.
 */
const aKernel = [1, -4, 2, 3];
const bKernel = [10, 11, 20, 21, 30, 31, 40, 41];
const twoConvs = sequential(
  [seq('Conv2D', 'a', { filters: 4, batch_input_shape: [null, 4, 4, 1], strides: [1, 1] }), seq('Conv2D', 'b', { filters: 2, strides: [1, 1] })],
  [f32('a/kernel', [1, 1, 1, 4], aKernel), f32('a/bias', [4], [0.5, 0.25, 0.75, 1.5]), f32('b/kernel', [1, 1, 4, 2], bKernel), f32('b/bias', [2], [5, 6])],
);

describe('pruneChannels: which filters go, and how far', () => {
  it.each([
    // Steps of 5 %: 4 filters keep 4 up to 20 %, 3 at 25–45 %, 2 at 50–70 %, 1 from 75 %.
    { what: 'params 20 %: one filter (−4 params of 18)', target: { params: 0.2 }, kept: [1, 2, 3], params: 14, flops: 144 },
    { what: 'params 23 %: 4/18 is short, two filters go', target: { params: 0.23 }, kept: [1, 3], params: 10, flops: 96 },
    { what: 'flops exactly 25 % is enough', target: { flops: 0.25 }, kept: [1, 2, 3], params: 14, flops: 144 },
    { what: 'flops 26 %', target: { flops: 0.26 }, kept: [1, 3], params: 10, flops: 96 },
    { what: 'flops 60 %: one filter left', target: { flops: 0.6 }, kept: [1], params: 6, flops: 48 },
    { what: 'flops exactly 75 %', target: { flops: 0.75 }, kept: [1], params: 6, flops: 48 },
  ])('$what', ({ target, kept, params, flops }) => {
    const result = pruneChannels(twoConvs, target);
    expect(summary(result)).toEqual({
      layers: [{ name: 'a', before: 4, after: kept.length, kept }],
      skipped: ['"b" is a model output'],
      paramsBefore: 18,
      paramsAfter: params,
      flopsBefore: 192,
      flopsAfter: flops,
    });
    const bias = [0.5, 0.25, 0.75, 1.5];
    expect(weightsOf(result.artifacts)).toEqual({
      'a/kernel': { shape: [1, 1, 1, kept.length], values: kept.map((k) => aKernel[k]) },
      'a/bias': { shape: [kept.length], values: kept.map((k) => bias[k]) },
      'b/kernel': { shape: [1, 1, kept.length, 2], values: kept.flatMap((k) => bKernel.slice(2 * k, 2 * k + 2)) },
      'b/bias': { shape: [2], values: [5, 6] },
    });
    const configs = configsOf(result.artifacts);
    expect([configs['a']?.['filters'], configs['b']?.['filters']]).toEqual([kept.length, 2]);
    expect(configs['a']?.['units']).toBeUndefined();
  });

  it('refuses a target even 95 % cannot reach, saying how far it gets and what holds the rest', () => {
    expectRefusal(
      () => pruneChannels(twoConvs, { flops: 0.8 }),
      'prune-channels: removing 95 % of every prunable layer\'s filters cuts flops by only 75.0 %, short of 80.0 %; the rest is held by layers it cannot follow: "b" is a model output',
    );
    expectRefusal(
      () => pruneChannels(twoConvs, { params: 0.7 }),
      'prune-channels: removing 95 % of every prunable layer\'s filters cuts params by only 66.7 %, short of 70.0 %; the rest is held by layers it cannot follow: "b" is a model output',
    );
  });

  it('lists every reason in a refusal of an unreachable target', () => {
    const artifacts = sequential(
      [seq('Conv2D', 'a', { batch_input_shape: [null, 1, 1, 1] }), seq('Conv2D', 'b'), seq('Add', 'x'), seq('Conv2D', 'c')],
      [f32('a/kernel', [1, 1, 1, 2], [1, 2]), f32('b/kernel', [1, 1, 2, 2], [1, 2, 3, 4]), f32('c/kernel', [1, 1, 2, 1], [1, 1])],
    );
    // At 95 % a keeps 1 of 2 filters: params 2 + 4 + 2 = 8 → 1 + 2 + 2 = 5.
    expectRefusal(
      () => pruneChannels(artifacts, { params: 0.5 }),
      "prune-channels: removing 95 % of every prunable layer's filters cuts params by only 37.5 %, short of 50.0 %; the rest is held by layers it cannot follow: " +
        '"b" feeds Add "x", which channel pruning cannot follow; "c" is a model output',
    );
  });

  it('reads a Sequential topology nested under model_config, as the converter writes it', () => {
    const nested = { ...twoConvs, modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: twoConvs.modelTopology } };
    const result = pruneChannels(nested, { params: 0.2 });
    expect(summary(result)).toEqual(summary(pruneChannels(twoConvs, { params: 0.2 })));
    expect(configsOf({ modelTopology: (result.artifacts.modelTopology as { model_config: object }).model_config })['a']?.['filters']).toBe(3);
  });

  it('goes up to the last step, 95 %, when only that reaches the goal', () => {
    // 20 filters: step 18 (90 %) keeps 2, step 19 (95 %) keeps 1. Params 20 + 20 = 40 → 4 → 2.
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    const artifacts = sequential(
      [seq('Conv2D', 'a', { batch_input_shape: [null, 1, 1, 1] }), seq('Conv2D', 'b')],
      [f32('a/kernel', [1, 1, 1, 20], values), f32('b/kernel', [1, 1, 20, 1], values)],
    );
    const result = pruneChannels(artifacts, { params: 0.93 });
    expect(result.layers).toEqual([{ name: 'a', before: 20, after: 1, kept: [19] }]);
    expect([result.paramsBefore, result.paramsAfter]).toEqual([40, 2]);
    expect(weightsOf(result.artifacts)['b/kernel']).toEqual({ shape: [1, 1, 1, 1], values: [20] });
    expect(pruneChannels(artifacts, { params: 0.9 }).layers).toEqual([{ name: 'a', before: 20, after: 2, kept: [18, 19] }]);
  });

  it('prunes Dense units and lists only the layers the chosen step changed', () => {
    // d1: 2 → 4 units, column L1 norms [2, 4, 6, 8]; e: 2 filters (unchanged below 50 %); d2: 4 → 1, the output.
    const artifacts = sequential(
      [seq('Dense', 'd1', { units: 4, batch_input_shape: [null, 2] }), seq('Dense', 'd2', { units: 1 })],
      [
        f32('d1/kernel', [2, 4], [1, 2, 3, 4, -1, -2, -3, -4]),
        f32('d1/bias', [4], [0.5, 1, 1.5, 2]),
        f32('d2/kernel', [4, 1], [1, 2, 3, 4]),
        f32('d2/bias', [1], [9]),
      ],
    );
    const result = pruneChannels(artifacts, { params: 0.2 });
    expect(summary(result)).toEqual({
      layers: [{ name: 'd1', before: 4, after: 3, kept: [1, 2, 3] }],
      skipped: ['"d2" is a model output'],
      paramsBefore: 17,
      paramsAfter: 13,
      flopsBefore: 12,
      flopsAfter: 9,
    });
    expect(weightsOf(result.artifacts)).toEqual({
      'd1/kernel': { shape: [2, 3], values: [2, 3, 4, -2, -3, -4] },
      'd1/bias': { shape: [3], values: [1, 1.5, 2] },
      'd2/kernel': { shape: [3, 1], values: [2, 3, 4] },
      'd2/bias': { shape: [1], values: [9] },
    });
    expect(configsOf(result.artifacts)['d1']).toEqual({ name: 'd1', units: 3, batch_input_shape: [null, 2] });
  });

  it('prunes every candidate by the same fraction; a 2-filter layer keeps both at 25 %', () => {
    const artifacts = sequential(
      [seq('Conv2D', 'a', { batch_input_shape: [null, 1, 1, 1] }), seq('Conv2D', 'b'), seq('Conv2D', 'c')],
      [f32('a/kernel', [1, 1, 1, 2], [1, 2]), f32('b/kernel', [1, 1, 2, 4], [1, 5, 1, 1, 1, 5, 1, 1]), f32('c/kernel', [1, 1, 4, 1], [1, 2, 3, 4])],
    );
    // b's L1 norms [2, 10, 2, 2]: the ties keep the lower indices.
    const result = pruneChannels(artifacts, { params: 0.01 });
    expect(result.layers).toEqual([{ name: 'b', before: 4, after: 3, kept: [0, 1, 2] }]);
    expect(weightsOf(result.artifacts)).toEqual({
      'a/kernel': { shape: [1, 1, 1, 2], values: [1, 2] },
      'b/kernel': { shape: [1, 1, 2, 3], values: [1, 5, 1, 1, 5, 1] },
      'c/kernel': { shape: [1, 1, 3, 1], values: [1, 2, 3] },
    });
    expect([result.paramsBefore, result.paramsAfter]).toEqual([14, 11]);
    // At 50 % both shrink, and a's removed filter also leaves b's kernel.
    const half = pruneChannels(artifacts, { params: 0.4 });
    expect(half.layers).toEqual([
      { name: 'a', before: 2, after: 1, kept: [1] },
      { name: 'b', before: 4, after: 2, kept: [0, 1] },
    ]);
    expect(weightsOf(half.artifacts)['b/kernel']).toEqual({ shape: [1, 1, 1, 2], values: [1, 5] });
  });

  it.each([
    { what: 'flops 0', target: { flops: 0 }, message: 'prune-channels: flops must be a fraction in (0, 1), e.g. 0.2; got 0' },
    { what: 'params 1', target: { params: 1 }, message: 'prune-channels: params must be a fraction in (0, 1), e.g. 0.2; got 1' },
    { what: 'negative', target: { flops: -0.5 }, message: 'prune-channels: flops must be a fraction in (0, 1), e.g. 0.2; got -0.5' },
    { what: 'NaN', target: { params: NaN }, message: 'prune-channels: params must be a fraction in (0, 1), e.g. 0.2; got NaN' },
  ])('refuses the target $what', ({ target, message }) => {
    expectRefusal(() => pruneChannels(twoConvs, target), message);
  });

  it('refuses a graph model', () => {
    expectRefusal(
      () => pruneChannels({ ...twoConvs, format: 'graph-model' }, { flops: 0.2 }),
      'prune-channels works on TF.js layers models only; this is a graph model',
    );
  });
});

/** a (2 filters, L1 [1, 3]) → `middle` → b (a model output); 50 % removes a's filter 0. */
function throughOne(middle: readonly LayerJson[], extra: readonly NamedTensor[] = []): tf.io.ModelArtifacts {
  return sequential(
    [seq('Conv2D', 'a', { batch_input_shape: [null, 2, 2, 1] }), ...middle, seq('Conv2D', 'b')],
    [f32('a/kernel', [1, 1, 1, 2], [1, -3]), ...extra, f32('b/kernel', [1, 1, 2, 1], [7, 9])],
  );
}

describe('pruneChannels: following the channels', () => {
  it.each([
    'Activation',
    'ReLU',
    'LeakyReLU',
    'ELU',
    'ThresholdedReLU',
    'Dropout',
    'SpatialDropout2D',
    'GaussianNoise',
    'GaussianDropout',
    'AlphaDropout',
    'MaxPooling2D',
    'AveragePooling2D',
    'ZeroPadding2D',
    'Cropping2D',
    'UpSampling2D',
    'GlobalAveragePooling2D',
    'GlobalMaxPooling2D',
    'ActivityRegularization',
  ])('passes through %s', (kind) => {
    const result = pruneChannels(throughOne([seq(kind, 'x')]), { params: 0.3 });
    expect(result.layers).toEqual([{ name: 'a', before: 2, after: 1, kept: [1] }]);
    expect(weightsOf(result.artifacts)['b/kernel']).toEqual({ shape: [1, 1, 1, 1], values: [9] });
  });

  it.each(['Add', 'Concatenate', 'Reshape', 'SeparableConv2D', 'Conv2DTranspose'])('stops at %s, naming it', (kind) => {
    expectRefusal(
      () => pruneChannels(throughOne([seq(kind, 'x')]), { params: 0.3 }),
      `prune-channels: no layer can be pruned safely — "a" feeds ${kind} "x", which channel pruning cannot follow; "b" is a model output`,
    );
  });

  it('slices all four BatchNormalization vectors, and only the ones it has', () => {
    const bn = [f32('n/gamma', [2], [1, 2]), f32('n/beta', [2], [3, 4]), f32('n/moving_mean', [2], [5, 6]), f32('n/moving_variance', [2], [7, 8])];
    const full = pruneChannels(throughOne([seq('BatchNormalization', 'n')], bn), { params: 0.3 });
    expect(weightsOf(full.artifacts)).toEqual({
      'a/kernel': { shape: [1, 1, 1, 1], values: [-3] },
      'n/gamma': { shape: [1], values: [2] },
      'n/beta': { shape: [1], values: [4] },
      'n/moving_mean': { shape: [1], values: [6] },
      'n/moving_variance': { shape: [1], values: [8] },
      'b/kernel': { shape: [1, 1, 1, 1], values: [9] },
    });
    // center: false, scale: false: no gamma, no beta.
    const bare = pruneChannels(throughOne([seq('BatchNormalization', 'n')], bn.slice(2)), { params: 0.3 });
    expect(Object.keys(weightsOf(bare.artifacts))).toEqual(['a/kernel', 'n/moving_mean', 'n/moving_variance', 'b/kernel']);
    expect(weightsOf(bare.artifacts)['n/moving_mean']).toEqual({ shape: [1], values: [6] });
  });

  it.each([
    { what: 'depth_multiplier absent', config: {} },
    { what: 'depth_multiplier 1', config: { depth_multiplier: 1 } },
  ])('slices a DepthwiseConv2D kernel and bias ($what)', ({ config }) => {
    const dw = [f32('dw/depthwise_kernel', [1, 1, 2, 1], [5, 6]), f32('dw/bias', [2], [0.5, 0.25])];
    const result = pruneChannels(throughOne([seq('DepthwiseConv2D', 'dw', config)], dw), { params: 0.3 });
    expect(weightsOf(result.artifacts)).toEqual({
      'a/kernel': { shape: [1, 1, 1, 1], values: [-3] },
      'dw/depthwise_kernel': { shape: [1, 1, 1, 1], values: [6] },
      'dw/bias': { shape: [1], values: [0.25] },
      'b/kernel': { shape: [1, 1, 1, 1], values: [9] },
    });
    const noBias = pruneChannels(throughOne([seq('DepthwiseConv2D', 'dw', config)], dw.slice(0, 1)), { params: 0.3 });
    expect(Object.keys(weightsOf(noBias.artifacts))).toEqual(['a/kernel', 'dw/depthwise_kernel', 'b/kernel']);
  });

  it.each([
    {
      what: 'a depthwise conv with depth_multiplier 2',
      middle: [seq('DepthwiseConv2D', 'dw', { depth_multiplier: 2 })],
      reason: '"a" feeds DepthwiseConv2D "dw"',
    },
    { what: 'a Conv2D behind Flatten', middle: [seq('Flatten', 'f')], reason: '"f" feeds Conv2D "b"' },
    { what: 'a second Flatten', middle: [seq('Flatten', 'f'), seq('Flatten', 'g')], reason: '"f" feeds Flatten "g"' },
    { what: 'a depthwise conv behind Flatten', middle: [seq('Flatten', 'f'), seq('DepthwiseConv2D', 'dw')], reason: '"f" feeds DepthwiseConv2D "dw"' },
    { what: 'an Add behind BatchNormalization', middle: [seq('BatchNormalization', 'n'), seq('Add', 'x')], reason: '"n" feeds Add "x"' },
    { what: 'an Add behind a depthwise conv', middle: [seq('DepthwiseConv2D', 'dw'), seq('Add', 'x')], reason: '"dw" feeds Add "x"' },
    { what: 'an Add behind ReLU', middle: [seq('ReLU', 'r'), seq('Add', 'x')], reason: '"r" feeds Add "x"' },
  ])('refuses $what', ({ middle, reason }) => {
    expectRefusal(
      () => pruneChannels(throughOne(middle), { params: 0.3 }),
      `prune-channels: no layer can be pruned safely — ${reason}, which channel pruning cannot follow; "b" is a model output`,
    );
  });

  it('refuses a layer whose BatchNormalization or depthwise conv is the model output', () => {
    const model = (kind: string): tf.io.ModelArtifacts =>
      sequential([seq('Conv2D', 'a', { batch_input_shape: [null, 2, 2, 1] }), seq(kind, 'x')], [f32('a/kernel', [1, 1, 1, 2], [1, 3])]);
    expectRefusal(() => pruneChannels(model('BatchNormalization'), { params: 0.3 }), 'prune-channels: no layer can be pruned safely — "x" is a model output');
    expectRefusal(() => pruneChannels(model('DepthwiseConv2D'), { params: 0.3 }), 'prune-channels: no layer can be pruned safely — "x" is a model output');
  });

  it('keeps the rows of every kept channel in a Dense kernel behind Flatten (channel fastest)', () => {
    // c: 2×1 positions × 3 filters (L1 [3, 1, 2]); Flatten gives 6 rows, row r is channel r mod 3. Params 3 + 6 = 9.
    const artifacts = sequential(
      [seq('Conv2D', 'c', { batch_input_shape: [null, 2, 1, 1] }), seq('Flatten', 'f'), seq('Dense', 'd')],
      [f32('c/kernel', [1, 1, 1, 3], [3, 1, -2]), f32('d/kernel', [6, 1], [0, 1, 2, 3, 4, 5])],
    );
    const result = pruneChannels(artifacts, { params: 0.3 });
    expect(summary(result)).toEqual({
      layers: [{ name: 'c', before: 3, after: 2, kept: [0, 2] }],
      skipped: ['"d" is a model output'],
      paramsBefore: 9,
      paramsAfter: 6,
      flopsBefore: 3 * 2 + 6,
      flopsAfter: 2 * 2 + 4,
    });
    expect(weightsOf(result.artifacts)['d/kernel']).toEqual({ shape: [4, 1], values: [0, 2, 3, 5] });
  });

  it('keeps the matching entries of a BatchNormalization behind Flatten (it has one per position and channel)', () => {
    const artifacts = sequential(
      [seq('Conv2D', 'c', { batch_input_shape: [null, 2, 1, 1] }), seq('Flatten', 'f'), seq('BatchNormalization', 'n'), seq('Dropout', 'x'), seq('Dense', 'd')],
      [
        f32('c/kernel', [1, 1, 1, 3], [3, 1, -2]),
        f32('n/gamma', [6], [10, 11, 12, 13, 14, 15]),
        f32('n/moving_variance', [6], [20, 21, 22, 23, 24, 25]),
        f32('d/kernel', [6, 1], [0, 1, 2, 3, 4, 5]),
      ],
    );
    const result = pruneChannels(artifacts, { params: 0.3 });
    expect(result.layers).toEqual([{ name: 'c', before: 3, after: 2, kept: [0, 2] }]);
    expect(weightsOf(result.artifacts)).toEqual({
      'c/kernel': { shape: [1, 1, 1, 2], values: [3, -2] },
      'n/gamma': { shape: [4], values: [10, 12, 13, 15] },
      'n/moving_variance': { shape: [4], values: [20, 22, 23, 25] },
      'd/kernel': { shape: [4, 1], values: [0, 2, 3, 5] },
    });
  });

  it('a Flatten → BatchNormalization → Dense model still loads and runs in stock TF.js', async () => {
    await tf.setBackend('cpu');
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 4, kernelSize: 3, name: 'c', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
    m.add(tf.layers.flatten({ name: 'f' }));
    m.add(tf.layers.batchNormalization({ name: 'n' }));
    m.add(tf.layers.dense({ units: 2, name: 'd' }));
    const result = pruneChannels(await layersModelArtifacts(m), { params: 0.3 });
    expect(result.layers.map((l) => [l.name, l.after])).toEqual([['c', 2]]);
    const shapes = Object.fromEntries(Object.entries(weightsOf(result.artifacts)).map(([name, w]) => [name, w.shape]));
    expect(shapes).toEqual({
      'c/kernel': [3, 3, 1, 2],
      'c/bias': [2],
      'n/gamma': [8],
      'n/beta': [8],
      'd/kernel': [8, 2],
      'd/bias': [2],
      'n/moving_mean': [8],
      'n/moving_variance': [8],
    });
    const loaded = await loadStock(result.artifacts);
    expect(await predictFlat(loaded, tf.ones([1, 4, 4, 1]))).toHaveLength(2);
  });
});

describe('pruneChannels: layers left whole', () => {
  it('skips missing, non-float32, channels_first and grouped kernels, and 1-filter layers silently', () => {
    const artifacts = sequential(
      [
        seq('Conv2D', 'k', { batch_input_shape: [null, 1, 1, 1] }),
        seq('Conv2D', 'i'),
        seq('Conv2D', 'cf', { data_format: 'channels_first' }),
        seq('Conv2D', 'g', { groups: 2 }),
        seq('Conv2D', 'one', { groups: 1, data_format: 'channels_last' }),
        seq('Conv2D', 'a', { groups: 1 }),
        seq('Conv2D', 'b'),
      ],
      [
        { name: 'i/kernel', shape: [1, 1, 1, 2], dtype: 'int32', data: new Int32Array([1, 2]) },
        f32('cf/kernel', [1, 1, 2, 2], [1, 2, 3, 4]),
        f32('g/kernel', [1, 1, 1, 2], [1, 2]),
        f32('one/kernel', [1, 1, 2, 1], [1, 2]),
        f32('a/kernel', [1, 1, 1, 2], [2, 1]),
        f32('b/kernel', [1, 1, 2, 1], [3, 4]),
      ],
    );
    const result = pruneChannels(artifacts, { params: 0.1 });
    expect(summary(result)).toEqual({
      layers: [{ name: 'a', before: 2, after: 1, kept: [0] }],
      skipped: [
        '"k": no float32 kernel named k/kernel',
        '"i": no float32 kernel named i/kernel',
        '"cf": channels_first or grouped',
        '"g": channels_first or grouped',
        '"b" is a model output',
      ],
      // The int32 kernel is no parameter, but its multiply-accumulates count (all at 1×1 positions).
      paramsBefore: 12,
      paramsAfter: 10,
      flopsBefore: 14,
      flopsAfter: 12,
    });
  });

  it('refuses a model with nothing prunable, listing every reason', () => {
    const artifacts = sequential(
      [seq('Conv2D', 'a', { batch_input_shape: [null, 1, 1, 1] }), seq('Add', 'x'), seq('Conv2D', 'b')],
      [f32('a/kernel', [1, 1, 1, 2], [1, 2]), f32('b/kernel', [1, 1, 2, 2], [1, 2, 3, 4])],
    );
    expectRefusal(
      () => pruneChannels(artifacts, { flops: 0.2 }),
      'prune-channels: no layer can be pruned safely — "a" feeds Add "x", which channel pruning cannot follow; "b" is a model output',
    );
  });

  it('refuses a model with no Conv2D or Dense layer, and says so of a followable conv with one filter', () => {
    const message = 'prune-channels: no layer can be pruned safely — the model has no Conv2D or Dense layer';
    expectRefusal(() => pruneChannels(sequential([seq('ReLU', 'r', { batch_input_shape: [null, 2] })], []), { flops: 0.2 }), message);
    const single = sequential(
      [seq('Conv2D', 'a', { batch_input_shape: [null, 1, 1, 1] }), seq('Conv2D', 'b', { data_format: 'channels_last' })],
      [f32('a/kernel', [1, 1, 1, 1], [1]), f32('b/kernel', [1, 1, 1, 1], [1])],
    );
    expectRefusal(
      () => pruneChannels(single, { flops: 0.2 }),
      'prune-channels: no layer can be pruned safely — "a" has 1 output channel, none to remove; "b" is a model output',
    );
  });
});

describe('pruneChannels: functional models', () => {
  // in → a → {b, c}; b → d. Outputs as given.
  const layers = [
    fn('InputLayer', 'in', [], { batch_input_shape: [null, 2, 2, 1] }),
    fn('Conv2D', 'a', ['in']),
    fn('Conv2D', 'b', ['a']),
    fn('Conv2D', 'c', ['a']),
    fn('Conv2D', 'd', ['b']),
  ];
  const tensors = [
    f32('a/kernel', [1, 1, 1, 2], [1, 3]),
    f32('b/kernel', [1, 1, 2, 2], [1, 2, 3, 4]),
    f32('c/kernel', [1, 1, 2, 1], [5, 6]),
    f32('d/kernel', [1, 1, 2, 1], [7, 8]),
  ];

  it.each([false, true])('slices every consumer and reads output_layers (nested under model_config: %s)', (nested) => {
    const result = pruneChannels(functional(layers, ['c', 'd'], tensors, nested), { params: 0.3 });
    // a: L1 [1, 3] keeps 1; b: L1 [4, 6] keeps 1. Params 2 + 4 + 2 + 2 = 10 → 1 + 1 + 1 + 1.
    expect(summary(result)).toEqual({
      layers: [
        { name: 'a', before: 2, after: 1, kept: [1] },
        { name: 'b', before: 2, after: 1, kept: [1] },
      ],
      skipped: ['"c" is a model output', '"d" is a model output'],
      paramsBefore: 10,
      paramsAfter: 4,
      flopsBefore: 40,
      flopsAfter: 16,
    });
    expect(weightsOf(result.artifacts)).toEqual({
      'a/kernel': { shape: [1, 1, 1, 1], values: [3] },
      'b/kernel': { shape: [1, 1, 1, 1], values: [4] },
      'c/kernel': { shape: [1, 1, 1, 1], values: [6] },
      'd/kernel': { shape: [1, 1, 1, 1], values: [8] },
    });
  });

  it('keeps a layer that is a model output even when it also feeds another', () => {
    const result = pruneChannels(functional(layers, ['a', 'c', 'd'], tensors), { params: 0.1 });
    expect(result.layers).toEqual([{ name: 'b', before: 2, after: 1, kept: [1] }]);
    expect(result.skipped).toEqual(['"a" is a model output', '"c" is a model output', '"d" is a model output']);
  });

  it('treats a layer that feeds nothing as an output, and the last listed layer as any other', () => {
    // d is listed before b, the layer feeding it; c feeds nothing and is not in output_layers.
    const shuffled = [layers[0], layers[1], layers[4], layers[3], layers[2]].filter((l) => l !== undefined);
    const result = pruneChannels(functional(shuffled, ['d'], tensors), { params: 0.3 });
    expect(result.layers.map((l) => l.name)).toEqual(['a', 'b']);
    expect(result.skipped).toEqual(['"d" is a model output', '"c" is a model output']);
    // Positions: in 4, a 4, d 1 (b, its source, is not seen yet), c 4, b 4.
    expect(result.flopsBefore).toBe(2 * 4 + 2 * 1 + 2 * 4 + 4 * 4);
  });

  it('prunes a TF.js-built functional model exactly: same outputs as the original with those filters zeroed', async () => {
    await tf.setBackend('cpu');
    const input = tf.input({ shape: [4, 4, 2], name: 'x' });
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 1, useBias: false, name: 'a', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) });
    const aOut = a.apply(input) as tf.SymbolicTensor;
    const relu = tf.layers.reLU({ name: 'r' }).apply(aOut) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'b' }).apply(relu) as tf.SymbolicTensor;
    const pooled = tf.layers.maxPooling2d({ poolSize: 2, name: 'p' }).apply(aOut) as tf.SymbolicTensor;
    const c = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'c' }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [b, c] });
    const result = pruneChannels(await layersModelArtifacts(model), { flops: 0.2 });
    // FLOPs: a 8·16 + b 12·16 + c 8·4 = 352; keeping 3 of a's 4 filters: 6·16 + 9·16 + 6·4 = 264 (25 %).
    expect([result.flopsBefore, result.flopsAfter]).toEqual([352, 264]);
    expect(result.skipped).toEqual(['"b" is a model output', '"c" is a model output']);
    const kept = result.layers[0]?.kept ?? [];
    expect(result.layers).toEqual([{ name: 'a', before: 4, after: 3, kept }]);
    const [kernel] = a.getWeights();
    if (!kernel) throw new Error('a has no kernel');
    a.setWeights([tf.mul(kernel, tf.tensor([0, 1, 2, 3].map((ch) => (kept.includes(ch) ? 1 : 0))))]);
    const x = tf.randomUniform([2, 4, 4, 2], -1, 1, 'float32', 11);
    const want = await predictFlat(model, x);
    const got = await predictFlat(await loadStock(result.artifacts), x);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(Math.abs((got[i] ?? 0) - (want[i] ?? 0))).toBeLessThan(1e-5);
  });
});

describe('pruneChannels: estimated FLOPs', () => {
  // A prefix of layers, then a: 1×1 conv 1 → 2 (L1 [1, 2]) and b: 1×1 conv 2 → 1; FLOPs = Σ kernel size × positions.
  it.each([
    {
      what: 'strides [2, 2]',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1], strides: [2, 2] }), seq('Conv2D', 'b')],
      flops: 2 * 16 + 2 * 16,
    },
    { what: 'strides 2', layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1], strides: 2 }), seq('Conv2D', 'b')], flops: 2 * 16 + 2 * 16 },
    {
      what: 'strides [2, null]',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1], strides: [2, null] }), seq('Conv2D', 'b')],
      flops: 2 * 32 + 2 * 32,
    },
    {
      what: 'no strides',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1] }), seq('Conv2D', 'b', { strides: [1, 1] })],
      flops: 2 * 64 + 2 * 64,
    },
    { what: 'unknown height', layers: [seq('Conv2D', 'a', { batch_input_shape: [null, null, 8, 1] }), seq('Conv2D', 'b')], flops: 2 * 512 + 2 * 512 },
    { what: 'unknown size', layers: [seq('Conv2D', 'a', { batch_input_shape: [null, null, null, 1] }), seq('Conv2D', 'b')], flops: 2 * 4096 + 2 * 4096 },
    {
      what: 'max pooling strides',
      layers: [
        seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1] }),
        seq('MaxPooling2D', 'p', { strides: [2, 2], pool_size: [4, 4] }),
        seq('Conv2D', 'b'),
      ],
      flops: 2 * 64 + 2 * 16,
    },
    {
      what: 'average pooling, pool_size only',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1] }), seq('AveragePooling2D', 'p', { pool_size: [4, 4] }), seq('Conv2D', 'b')],
      flops: 2 * 64 + 2 * 4,
    },
    {
      what: 'pooling of unknown size halves each side',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1] }), seq('MaxPooling2D', 'p'), seq('Conv2D', 'b')],
      flops: 2 * 64 + 2 * 16,
    },
    {
      what: 'upsampling [2, 3]',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1] }), seq('UpSampling2D', 'u', { size: [2, 3] }), seq('Conv2D', 'b')],
      flops: 2 * 64 + 2 * 384,
    },
    {
      what: 'upsampling of unknown size doubles each side',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1] }), seq('UpSampling2D', 'u'), seq('Conv2D', 'b')],
      flops: 2 * 64 + 2 * 256,
    },
    {
      what: 'global pooling',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1] }), seq('GlobalAveragePooling2D', 'g'), seq('Conv2D', 'b')],
      flops: 2 * 64 + 2,
    },
    {
      what: 'depthwise conv, strided',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1] }), seq('DepthwiseConv2D', 'dw', { strides: [2, 2] }), seq('Conv2D', 'b')],
      extra: [
        f32(
          'dw/depthwise_kernel',
          [3, 3, 2, 1],
          Array.from({ length: 18 }, () => 1),
        ),
      ],
      flops: 2 * 64 + 18 * 16 + 2 * 16,
    },
    {
      what: 'a layer of another kind is not counted',
      layers: [seq('Conv2D', 'a', { batch_input_shape: [null, 8, 8, 1] }), seq('Conv2D', 'b'), seq('Conv1D', 'x')],
      extra: [f32('x/kernel', [3, 1, 1], [1, 1, 1])],
      flops: 2 * 64 + 2 * 64,
    },
  ])('$what', ({ layers, flops, extra }) => {
    const tensors = [f32('a/kernel', [1, 1, 1, 2], [1, 2]), f32('b/kernel', [1, 1, 2, 1], [1, 1]), ...(extra ?? [])];
    const result = pruneChannels(sequential(layers, tensors), { flops: 0.3 });
    expect(result.layers).toEqual([{ name: 'a', before: 2, after: 1, kept: [1] }]);
    expect(result.flopsBefore).toBe(flops);
  });

  it('counts a Dense behind Flatten once per input row', () => {
    const artifacts = sequential(
      [seq('Conv2D', 'a', { batch_input_shape: [null, 2, 2, 1] }), seq('Flatten', 'f'), seq('Dense', 'd')],
      [f32('a/kernel', [1, 1, 1, 2], [1, 2]), f32('d/kernel', [8, 1], [1, 1, 1, 1, 1, 1, 1, 1])],
    );
    const result = pruneChannels(artifacts, { flops: 0.3 });
    expect([result.flopsBefore, result.flopsAfter]).toEqual([2 * 4 + 8, 4 + 4]);
  });
});

describe('pruneChannels: quantized sources', () => {
  it('requantizes each weight to the dtype it had, leaving float32 ones float32', () => {
    // Weights under 3 elements (b's bias) stay float32; the others become uint8.
    const quantized = quantizeWeights(twoConvs, { dtypes: 'uint8', minElements: 3 }).artifacts;
    const result = pruneChannels(quantized, { params: 0.2 });
    expect(result.layers).toEqual([{ name: 'a', before: 4, after: 3, kept: [1, 2, 3] }]);
    const specs = Object.fromEntries((result.artifacts.weightSpecs ?? []).map((s) => [s.name, [s.shape, s.quantization?.dtype ?? 'float32']]));
    expect(specs).toEqual({
      'a/kernel': [[1, 1, 1, 3], 'uint8'],
      'a/bias': [[3], 'uint8'],
      'b/kernel': [[1, 1, 3, 2], 'uint8'],
      'b/bias': [[2], 'float32'],
    });
    expect(weightsOf(result.artifacts)['b/bias']).toEqual({ shape: [2], values: [5, 6] });
    // a's kernel [-4, 2, 3] on uint8: 0 inside the range, so min is nudged to −146 · 7/255; the pruned kernel, already
    // on that grid, requantizes to the same grid.
    const aSpec = result.artifacts.weightSpecs?.find((s) => s.name === 'a/kernel')?.quantization;
    expect(aSpec?.scale).toBeCloseTo(7 / 255, 8);
    expect(aSpec?.min).toBeCloseTo((-146 * 7) / 255, 6);
    const back = weightsOf(result.artifacts)['a/kernel']?.values ?? [];
    [-4, 2, 3].forEach((v, i) => expect(Math.abs((back[i] ?? 0) - v)).toBeLessThanOrEqual(7 / 255 / 2 + 1e-6));
    expect((result.artifacts.weightData as ArrayBuffer).byteLength).toBe(3 + 3 + 6 + 8);
  });
});
