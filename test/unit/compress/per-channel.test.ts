import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MIN_SPREAD, rescaleChannels } from '../../../src/compress/per-channel.js';
import { encodeAttrString, type GraphNode } from '../../../src/compress/graph-def.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { convAttrs, graphArtifacts, op, type ConstSpec } from '../../helpers/graph-artifacts.js';
import { maxAbsDiff, seededInput } from '../../helpers/drift.js';

/** A 1×1 kernel from 2 input to 3 output channels whose channels span 1, 1/8 and 1/64 of the widest. */
const kernel: ConstSpec = { shape: [1, 1, 2, 3], values: [1, 0.125, 0.015625, -0.5, -0.0625, 0.0078125] };
const bias: ConstSpec = { shape: [3], values: [0.5, -0.25, 0.125] };
const vec3: ConstSpec = { shape: [3], values: [2, 3, 4] };
const fused = (acts: readonly string[], args: readonly string[]): GraphNode =>
  op('y', '_FusedConv2D', ['x', 'k', ...args], {
    ...convAttrs(),
    fused_ops: { list: { s: ['BiasAdd', ...acts].map(encodeAttrString) } },
    num_args: { i: String(args.length) },
    epsilon: { f: 0 },
  });

interface Case {
  readonly what: string;
  readonly nodes: readonly GraphNode[];
  readonly consts: Readonly<Record<string, ConstSpec>>;
  readonly outputs: readonly string[];
  /** Ops of the non-Const, non-Placeholder nodes after the rewrite, in order. */
  readonly ops: readonly string[];
  readonly outcome: 'folded' | 'inserted' | 'split' | 'none';
}

const CASES: readonly Case[] = [
  {
    what: 'a fused conv with Relu gets one Mul after it, the bias divided',
    nodes: [fused(['Relu'], ['b']), op('out', 'Neg', ['y'])],
    consts: { k: kernel, b: bias },
    outputs: ['out'],
    ops: ['_FusedConv2D', 'Mul', 'Neg'],
    outcome: 'inserted',
  },
  {
    what: 'a fused conv with Relu6 is split into fused op (bias only), Mul and Relu6',
    nodes: [fused(['Relu6'], ['b']), op('out', 'Neg', ['y'])],
    consts: { k: kernel, b: bias },
    outputs: ['out'],
    ops: ['_FusedConv2D', 'Mul', 'Relu6', 'Neg'],
    outcome: 'split',
  },
  {
    what: 'a conv followed by a per-channel Mul folds the scales into it',
    nodes: [op('y', 'Conv2D', ['x', 'k'], convAttrs()), op('m', 'Mul', ['y', 'c']), op('out', 'Neg', ['m'])],
    consts: { k: kernel, c: vec3 },
    outputs: ['out'],
    ops: ['Conv2D', 'Mul', 'Neg'],
    outcome: 'folded',
  },
  {
    what: 'conv → BiasAdd → Mul folds too (bias divided, Mul multiplied)',
    nodes: [op('y', 'Conv2D', ['x', 'k'], convAttrs()), op('a', 'BiasAdd', ['y', 'b']), op('m', 'Mul', ['a', 'c']), op('out', 'Neg', ['m'])],
    consts: { k: kernel, b: bias, c: vec3 },
    outputs: ['out'],
    ops: ['Conv2D', 'BiasAdd', 'Mul', 'Neg'],
    outcome: 'folded',
  },
  {
    what: 'a kernel another node also reads is left alone',
    nodes: [op('y', 'Conv2D', ['x', 'k'], convAttrs()), op('z', 'Conv2D', ['x', 'k'], convAttrs()), op('out', 'AddV2', ['y', 'z'])],
    consts: { k: kernel },
    outputs: ['out'],
    ops: ['Conv2D', 'Conv2D', 'AddV2'],
    outcome: 'none',
  },
  {
    what: 'a layer the model returns is left alone',
    nodes: [fused(['Relu'], ['b'])],
    consts: { k: kernel, b: bias },
    outputs: ['y'],
    ops: ['_FusedConv2D'],
    outcome: 'none',
  },
  {
    what: `channels within ${MIN_SPREAD}× of each other get no Mul`,
    nodes: [fused(['Relu'], ['b']), op('out', 'Neg', ['y'])],
    consts: { k: { shape: [1, 1, 2, 3], values: [1, 0.9, 0.8, -0.7, 0.6, 0.55] }, b: bias },
    outputs: ['out'],
    ops: ['_FusedConv2D', 'Neg'],
    outcome: 'none',
  },
];

async function run(artifacts: tf.io.ModelArtifacts, output: string): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  const x = tf.tensor4d(seededInput(2 * 4 * 4 * 2, 3), [2, 4, 4, 2]);
  const y = model.execute(x, `${output}:0`) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  return out;
}

describe('rescaleChannels', () => {
  it.each(CASES)('$what', async ({ nodes, consts, outputs, ops, outcome }) => {
    const artifacts = graphArtifacts([2, 4, 4, 2], nodes, consts, outputs);
    const r = rescaleChannels(artifacts);
    const graph = r.artifacts.modelTopology as { node: GraphNode[] };
    expect(graph.node.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder').map((n) => n.op)).toEqual(ops);
    const counts = { folded: r.folded.length, inserted: r.inserted.length, split: r.split.length };
    expect(counts).toEqual({ folded: outcome === 'folded' ? 1 : 0, inserted: outcome === 'inserted' ? 1 : 0, split: outcome === 'split' ? 1 : 0 });
    if (outcome === 'none') expect(r.artifacts).toBe(artifacts);
    const output = outputs[0] ?? '';
    // Power-of-two scales: the rewrite is exact, not merely close.
    expect(maxAbsDiff(await run(r.artifacts, output), await run(artifacts, output))).toBe(0);
  });

  it('divides each output channel by a power of two so every channel spans the widest one’s range, and keeps the scales float32', () => {
    const artifacts = graphArtifacts([2, 4, 4, 2], [fused(['Relu'], ['b']), op('out', 'Neg', ['y'])], { k: kernel, b: bias }, ['out']);
    const r = rescaleChannels(artifacts);
    const weights = new Map(decodeWeights(r.artifacts).map((w) => [w.name, Array.from(w.data as Float32Array)]));
    expect(weights.get('k')).toEqual([1, 1, 1, -0.5, -0.5, 0.5]);
    expect(weights.get('b')).toEqual([0.5, -2, 8]);
    expect(weights.get('y/per_channel_scale')).toEqual([1, 0.125, 0.015625]);
    expect(new Set(r.keepFloat)).toEqual(new Set(['b', 'y/per_channel_scale']));
    // The Mul took the fused node's name, so what read `y` still reads the same value.
    const graph = r.artifacts.modelTopology as { node: GraphNode[] };
    expect(graph.node.find((n) => n.name === 'y')?.op).toBe('Mul');
    expect(graph.node.find((n) => n.name === 'out')?.input).toEqual(['y']);
  });

  it('takes the depthwise output channel as in × multiplier', () => {
    const dw: ConstSpec = { shape: [1, 1, 2, 2], values: [1, 0.5, 0.25, 0.125] };
    const nodes = [op('y', 'DepthwiseConv2dNative', ['x', 'k'], convAttrs()), op('out', 'Neg', ['y'])];
    const r = rescaleChannels(graphArtifacts([2, 4, 4, 2], nodes, { k: dw }, ['out']));
    expect(decodeWeights(r.artifacts).find((w) => w.name === 'y/per_channel_scale')?.data).toEqual(new Float32Array([1, 0.5, 0.25, 0.125]));
  });

  it('leaves a layers model as it is, with a warning that names convert', () => {
    const artifacts: tf.io.ModelArtifacts = { format: 'layers-model', modelTopology: { class_name: 'Sequential' } };
    const r = rescaleChannels(artifacts);
    expect(r.artifacts).toBe(artifacts);
    expect(r.warnings.join()).toContain('model-budget convert');
  });
});
