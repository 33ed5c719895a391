import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldBatchNorm } from '../../../src/compress/fold-batchnorm.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

// foldBatchNorm's arithmetic and its refusals, on tiny models whose weights are set by hand: the folded kernel is
// kernel · γ/√(σ² + ε) per output channel and the bias (bias − μ) · γ/√(σ² + ε) + β, computed here in float64.

interface Bn {
  readonly gamma?: number[];
  readonly beta?: number[];
  readonly mean: number[];
  readonly variance: number[];
  readonly epsilon: number;
}

/** Dense(3 → 2, kernel `kernel`, bias `bias` or none) → BatchNormalization with `bn`'s statistics. */
async function denseThenBatchNorm(kernel: number[], bias: number[] | undefined, bn: Bn): Promise<tf.io.ModelArtifacts> {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3], useBias: bias !== undefined, name: 'd' }));
  model.add(tf.layers.batchNormalization({ epsilon: bn.epsilon, scale: bn.gamma !== undefined, center: bn.beta !== undefined, name: 'bn' }));
  const [dense, norm] = model.layers;
  dense?.setWeights([tf.tensor2d(kernel, [3, 2]), ...(bias ? [tf.tensor1d(bias)] : [])]);
  norm?.setWeights([...(bn.gamma ? [tf.tensor1d(bn.gamma)] : []), ...(bn.beta ? [tf.tensor1d(bn.beta)] : []), tf.tensor1d(bn.mean), tf.tensor1d(bn.variance)]);
  const artifacts = await layersModelArtifacts(model);
  model.dispose();
  return artifacts;
}

function weight(artifacts: tf.io.ModelArtifacts, name: string): number[] {
  const found = decodeWeights(artifacts).find((t) => t.name === name);
  if (!found) throw new Error(`no weight ${name}`);
  return [...(found.data as Float32Array)];
}

function expected(kernel: number[], bias: number[] | undefined, bn: Bn): { kernel: number[]; bias: number[] } {
  const factor = bn.mean.map((_, c) => (bn.gamma?.[c] ?? 1) / Math.sqrt((bn.variance[c] ?? 0) + bn.epsilon));
  return {
    kernel: kernel.map((k, i) => k * (factor[i % 2] ?? 0)),
    bias: bn.mean.map((m, c) => ((bias?.[c] ?? 0) - m) * (factor[c] ?? 0) + (bn.beta?.[c] ?? 0)),
  };
}

const closeTo = (values: number[]): unknown[] => values.map((v): unknown => expect.closeTo(v, 6));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the folded values', () => {
  const kernel = [1, -2, 0.5, 4, -3, 0.25];
  const bn: Bn = { gamma: [2, 0.5], beta: [0.1, -0.7], mean: [0.3, -1.5], variance: [3, 0.75], epsilon: 1 };

  it("kernel and bias follow the formula channel by channel, with the layer's own ε", async () => {
    const result = foldBatchNorm(await denseThenBatchNorm(kernel, [0.4, 1.25], bn));
    expect(result.folded).toEqual([{ layer: 'd', batchNorm: 'bn' }]);
    const want = expected(kernel, [0.4, 1.25], bn);
    // ε = 1: factors 2/√4 = 1 and 0.5/√1.75.
    expect(weight(result.artifacts, 'd/kernel')).toEqual(closeTo(want.kernel));
    expect(weight(result.artifacts, 'd/bias')).toEqual(closeTo(want.bias));
    expect(decodeWeights(result.artifacts).map((t) => t.name)).toEqual(['d/kernel', 'd/bias']);
  });

  it('a layer without a bias gains one, right after its kernel', async () => {
    const result = foldBatchNorm(await denseThenBatchNorm(kernel, undefined, bn));
    const want = expected(kernel, undefined, bn);
    expect(decodeWeights(result.artifacts).map((t) => t.name)).toEqual(['d/kernel', 'd/bias']);
    expect(weight(result.artifacts, 'd/bias')).toEqual(closeTo(want.bias));
    const layers = (result.artifacts.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
    expect(layers.map((l) => l.class_name)).toEqual(['Dense']);
    expect(layers[0]?.config['use_bias']).toBe(true);
  });

  it('a BatchNormalization without γ or β (scale: false, center: false) folds with γ = 1 and β = 0', async () => {
    const plain: Bn = { mean: [0.3, -1.5], variance: [3, 0.75], epsilon: 0.25 };
    const result = foldBatchNorm(await denseThenBatchNorm(kernel, [0.4, 1.25], plain));
    const want = expected(kernel, [0.4, 1.25], plain);
    expect(weight(result.artifacts, 'd/kernel')).toEqual(closeTo(want.kernel));
    expect(weight(result.artifacts, 'd/bias')).toEqual(closeTo(want.bias));
  });

  it("the bytes before and after: the BatchNormalization's four vectors leave", async () => {
    const result = foldBatchNorm(await denseThenBatchNorm(kernel, [0.4, 1.25], bn));
    expect(result.bytesBefore).toBe((6 + 2 + 4 * 2) * 4);
    expect(result.bytesAfter).toBe((6 + 2) * 4);
    expect(result.widened).toEqual([]);
  });

  it('a quantized kernel that float16 keeps exactly is stored as float16, and the cost says so', async () => {
    // Kernel values k/128 on a uint8 grid of step 1/128 from 0, factors exactly 1 (γ = 1, σ² + ε = 1): the folded
    // kernel is the dequantized kernel, which float16 holds exactly.
    const grid = [0, 1 / 128, 1.5, 255 / 128, 1, 0.5];
    const exact: Bn = { gamma: [1, 1], beta: [0, 0], mean: [0, 0], variance: [0.75, 0.75], epsilon: 0.25 };
    const quantized = quantizeWeights(await denseThenBatchNorm(grid, [0, 0], exact), { dtypes: { uint8: ['d/kernel'] } }).artifacts;
    expect(quantized.weightSpecs?.find((s) => s.name === 'd/kernel')?.quantization).toMatchObject({ dtype: 'uint8', scale: 1 / 128, min: 0 });
    const result = foldBatchNorm(quantized);
    expect(result.widened).toEqual([{ name: 'd/kernel', from: 'uint8', to: 'float16', bytesBefore: 6, bytesAfter: 12 }]);
    expect(result.artifacts.weightSpecs?.find((s) => s.name === 'd/kernel')?.quantization).toEqual({ dtype: 'float16', original_dtype: 'float32' });
    expect(weight(result.artifacts, 'd/kernel')).toEqual(grid.map((v) => Math.fround(v)));
    expect(result.artifacts.weightSpecs?.find((s) => s.name === 'd/bias')?.quantization).toBeUndefined();
  });
});

describe('what is not folded, and why', () => {
  it('a Dense with an activation, a BatchNormalization after a Flatten, and one over another axis', async () => {
    const input = tf.input({ shape: [4, 4, 2], name: 'x' });
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'c' }).apply(input) as tf.SymbolicTensor;
    const bnAxis = tf.layers.batchNormalization({ axis: 1, name: 'bn_axis' }).apply(conv) as tf.SymbolicTensor;
    const flat = tf.layers.flatten({ name: 'f' }).apply(bnAxis) as tf.SymbolicTensor;
    const bnFlat = tf.layers.batchNormalization({ name: 'bn_flat' }).apply(flat) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 2, activation: 'tanh', name: 'd' }).apply(bnFlat) as tf.SymbolicTensor;
    const bnDense = tf.layers.batchNormalization({ name: 'bn_dense' }).apply(dense) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: bnDense });
    const artifacts = await layersModelArtifacts(model);
    model.dispose();
    const result = foldBatchNorm(artifacts);
    expect(result.folded).toEqual([]);
    expect(result.skipped).toEqual([
      'bn_axis: it normalizes axis 1, not the last',
      'bn_flat: its input "f" is a Flatten',
      'bn_dense: "d" has activation "tanh"',
    ]);
    expect(result.artifacts).toBe(artifacts);
    expect(result.widened).toEqual([]);
    expect(result.bytesAfter).toBe(result.bytesBefore);
  });

  it('a channels_first convolution, and a BatchNormalization right after the input', async () => {
    const input = tf.input({ shape: [2, 4, 4], name: 'x' });
    const bnInput = tf.layers.batchNormalization({ name: 'bn_input' }).apply(input) as tf.SymbolicTensor;
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 1, dataFormat: 'channelsFirst', name: 'c' }).apply(bnInput) as tf.SymbolicTensor;
    const bnConv = tf.layers.batchNormalization({ name: 'bn_conv' }).apply(conv) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: bnConv });
    const artifacts = await layersModelArtifacts(model);
    model.dispose();
    const result = foldBatchNorm(artifacts);
    expect(result.skipped).toEqual(['bn_input: its input "x" is a InputLayer', 'bn_conv: "c" is channels_first']);
  });

  it('a pair whose weights are not found by name is skipped, and the rest of the model is kept', async () => {
    const artifacts = await denseThenBatchNorm([1, 2, 3, 4, 5, 6], [0, 0], { mean: [0, 0], variance: [1, 1], epsilon: 0.001 });
    const renamed = { ...artifacts, weightSpecs: (artifacts.weightSpecs ?? []).map((s) => (s.name === 'bn/moving_mean' ? { ...s, name: 'bn/mean' } : s)) };
    const result = foldBatchNorm(renamed);
    expect(result.skipped).toEqual(['bn: weights d/kernel / moving_mean / moving_variance not found by name']);
    expect(result.folded).toEqual([]);
    expect(decodeWeights(result.artifacts).map((t) => t.name)).toEqual(decodeWeights(renamed).map((t) => t.name));
  });
});

type Topology = { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
const layersOf = (artifacts: tf.io.ModelArtifacts): Topology['config']['layers'] => (artifacts.modelTopology as Topology).config.layers;

/** The same artifacts with `edit` applied to the config of the layer called `name`. */
function editLayer(artifacts: tf.io.ModelArtifacts, name: string, edit: (config: Record<string, unknown>) => void): tf.io.ModelArtifacts {
  const topology = structuredClone(artifacts.modelTopology) as Topology;
  const layer = topology.config.layers.find((l) => l.config['name'] === name);
  if (!layer) throw new Error(`no layer ${name}`);
  edit(layer.config);
  return { ...artifacts, modelTopology: topology };
}

/** Conv2D(1×1, 2 → 2) → BatchNormalization, channels last. */
async function convThenBatchNorm(): Promise<tf.io.ModelArtifacts> {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [3, 3, 2], name: 'c' }));
  model.add(tf.layers.batchNormalization({ name: 'bn' }));
  const artifacts = await layersModelArtifacts(model);
  model.dispose();
  return artifacts;
}

describe('the axis, and settings the config leaves out', () => {
  it.each([
    ['-1', -1],
    ['[-1]', [-1]],
    ["3, the last axis of a convolution's output", 3],
    ['[3], as tf.keras writes it once the layer is built', [3]],
    ['absent', undefined],
  ])('after a Conv2D, axis %s is the last axis: folded', async (_label, axis) => {
    const artifacts = editLayer(await convThenBatchNorm(), 'bn', (c) => {
      if (axis === undefined) delete c['axis'];
      else c['axis'] = axis;
    });
    expect(foldBatchNorm(artifacts).folded).toEqual([{ layer: 'c', batchNorm: 'bn' }]);
  });

  it.each([
    ['1', 1],
    ['[3, 1]', [3, 1]],
    ['[1, 2, 3]', [1, 2, 3]],
  ])('after a Conv2D, axis %s is not: left alone', async (label, axis) => {
    const result = foldBatchNorm(editLayer(await convThenBatchNorm(), 'bn', (c) => (c['axis'] = axis)));
    expect(result.skipped).toEqual([`bn: it normalizes axis ${label.replaceAll(' ', '')}, not the last`]);
  });

  it('after a Dense, whose input rank the config does not tell, only -1 counts as the last axis', async () => {
    const artifacts = await denseThenBatchNorm([1, 2, 3, 4, 5, 6], [0, 0], { mean: [0, 0], variance: [1, 1], epsilon: 0.001 });
    expect(foldBatchNorm(editLayer(artifacts, 'bn', (c) => (c['axis'] = 1))).skipped).toEqual(['bn: it normalizes axis 1, not the last']);
  });

  it('a layer config without `activation` is linear; a BatchNormalization without `epsilon` uses 0.001', async () => {
    const bn: Bn = { gamma: [2, 0.5], beta: [0.1, -0.7], mean: [0.3, -1.5], variance: [3, 0.75], epsilon: 0.001 };
    const kernel = [1, -2, 0.5, 4, -3, 0.25];
    let artifacts = await denseThenBatchNorm(kernel, [0.4, 1.25], { ...bn, epsilon: 0.5 });
    artifacts = editLayer(artifacts, 'd', (c) => delete c['activation']);
    artifacts = editLayer(artifacts, 'bn', (c) => delete c['epsilon']);
    const result = foldBatchNorm(artifacts);
    expect(result.folded).toEqual([{ layer: 'd', batchNorm: 'bn' }]);
    expect(weight(result.artifacts, 'd/kernel')).toEqual(closeTo(expected(kernel, [0.4, 1.25], bn).kernel));
  });

  it('a Sequential that starts with its BatchNormalization: its input is not a layer', async () => {
    const model = tf.sequential();
    model.add(tf.layers.batchNormalization({ inputShape: [3], name: 'bn' }));
    model.add(tf.layers.dense({ units: 2, name: 'd' }));
    const artifacts = await layersModelArtifacts(model);
    model.dispose();
    expect(foldBatchNorm(artifacts).skipped).toEqual(['bn: its input is not a single layer']);
  });

  it('only the folded layer gains a bias: a later layer without one keeps use_bias false', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 2, inputShape: [3], useBias: false, name: 'd' }));
    model.add(tf.layers.batchNormalization({ name: 'bn' }));
    model.add(tf.layers.dense({ units: 2, useBias: false, name: 'last' }));
    const artifacts = await layersModelArtifacts(model);
    model.dispose();
    const result = foldBatchNorm(artifacts);
    expect(layersOf(result.artifacts).map((l) => [l.config['name'], l.config['use_bias']])).toEqual([
      ['d', true],
      ['last', false],
    ]);
    expect(decodeWeights(result.artifacts).map((t) => t.name)).toEqual(['d/kernel', 'd/bias', 'last/kernel']);
  });

  it('the skip reasons name the layer that feeds other layers or is an output', async () => {
    const input = tf.input({ shape: [3], name: 'x' });
    const a = tf.layers.dense({ units: 2, name: 'shared' }).apply(input) as tf.SymbolicTensor;
    const bnA = tf.layers.batchNormalization({ name: 'bn_a' }).apply(a) as tf.SymbolicTensor;
    const other = tf.layers.dense({ units: 2, name: 'other' }).apply(a) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 2, name: 'out' }).apply(input) as tf.SymbolicTensor;
    const bnB = tf.layers.batchNormalization({ name: 'bn_b' }).apply(b) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [bnA, other, b, bnB] });
    const artifacts = await layersModelArtifacts(model);
    model.dispose();
    expect(foldBatchNorm(artifacts).skipped).toEqual(['bn_a: "shared" feeds other layers too', 'bn_b: "out" is also a model output']);
  });
});

it('refuses a graph model, naming the technique', () => {
  expect(() => foldBatchNorm({ format: 'graph-model', modelTopology: { node: [] } })).toThrow(/fold-batchnorm/);
});
