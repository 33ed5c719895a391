import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { rescaleChannels, type PerChannelResult } from '../../../src/compress/per-channel.js';
import { decodeAttrString, encodeAttrString, type AttrValue, type GraphNode } from '../../../src/compress/graph-def.js';
import { decodeWeights, splitWeights } from '../../../src/compress/weights.js';
import { convAttrs, graphArtifacts, op, type ConstSpec } from '../../helpers/graph-artifacts.js';
import { maxAbsDiff, seededInput } from '../../helpers/drift.js';

/**
 * A 1×1 kernel from 2 input to 2 output channels. Channel 0 holds 1 and -0.5, channel 1 holds 0.25 and 0.125; the
 * tensor spans [-0.5, 1], so channel 0 reaches all of it and channel 1 a quarter of its top: s = [1, 0.25],
 * the kernel becomes [1, 1, -0.5, 0.5].
 */
const K: ConstSpec = { shape: [1, 1, 2, 2], values: [1, 0.25, -0.5, 0.125] };
const K_DIV = [1, 1, -0.5, 0.5];
const S = [1, 0.25];
/** A bias: b / s. */
const B: ConstSpec = { shape: [2], values: [0.5, -0.25] };
const B_DIV = [0.5, -1];
/** A per-channel multiplier: c · s. */
const C: ConstSpec = { shape: [2], values: [2, 3] };
const C_MUL = [2, 0.75];
/** The same kernel as a MatMul's [in, out]. */
const M: ConstSpec = { shape: [2, 2], values: K.values };

const b64 = encodeAttrString;
const fusedAttrs = (ops: readonly string[], numArgs: number): Record<string, AttrValue> => ({
  fused_ops: { list: { s: ops.map(b64) } },
  num_args: { i: String(numArgs) },
  epsilon: { f: 0 },
});
const matmulAttrs = { transpose_a: { b: false }, transpose_b: { b: false } };
const conv = (input: readonly string[] = ['x', 'k'], name = 'y'): GraphNode => op(name, 'Conv2D', input, convAttrs());
const fusedConv = (acts: readonly string[], args: readonly string[] = ['b'], extra: Record<string, AttrValue> = {}): GraphNode =>
  op('y', '_FusedConv2D', ['x', 'k', ...args], { ...convAttrs(), ...fusedAttrs(['BiasAdd', ...acts], args.length), ...extra });
const neg = (from: string, name = 'out'): GraphNode => op(name, 'Neg', [from]);

interface Expected {
  readonly outcome: 'folded' | 'inserted' | 'split';
  /** `name: Op(inputs)` of every node but the Placeholder and the Consts, in order. */
  readonly graph: readonly string[];
  /** Weights whose values differ from the source, and the ones the rewrite added. */
  readonly changed: Readonly<Record<string, readonly number[]>>;
  readonly keepFloat: readonly string[];
}

interface Case {
  readonly what: string;
  readonly nodes: readonly GraphNode[];
  readonly consts: Readonly<Record<string, ConstSpec>>;
  readonly outputs?: readonly string[];
  /** Undefined: the model comes back as it was. */
  readonly expected?: Expected;
}

function graphLines(r: PerChannelResult): string[] {
  const graph = r.artifacts.modelTopology as { node: GraphNode[] };
  return graph.node.filter((n) => n.op !== 'Placeholder' && n.op !== 'Const').map((n) => `${n.name}: ${n.op}(${(n.input ?? []).join(', ')})`);
}

const weightsOf = (artifacts: tf.io.ModelArtifacts): Record<string, number[]> =>
  Object.fromEntries(decodeWeights(artifacts).map((w) => [w.name, Array.from(w.data as Float32Array)]));

function check({ nodes, consts, outputs, expected }: Case): PerChannelResult {
  const artifacts = graphArtifacts([1, 1, 1, 2], nodes, consts, outputs ?? ['out']);
  const before = JSON.stringify(artifacts.modelTopology);
  const r = rescaleChannels(artifacts);
  expect(r.warnings).toEqual([]);
  expect(JSON.stringify(artifacts.modelTopology)).toBe(before);
  if (expected === undefined) {
    expect(r.artifacts).toBe(artifacts);
    expect({ folded: r.folded, inserted: r.inserted, split: r.split, keepFloat: r.keepFloat }).toEqual({ folded: [], inserted: [], split: [], keepFloat: [] });
    return r;
  }
  const lists = { folded: r.folded, inserted: r.inserted, split: r.split };
  expect(lists).toEqual({ folded: [], inserted: [], split: [], [expected.outcome]: ['y'] });
  expect(graphLines(r)).toEqual(expected.graph);
  expect(weightsOf(r.artifacts)).toEqual({ ...weightsOf(artifacts), ...expected.changed });
  expect(r.keepFloat).toEqual(expected.keepFloat);
  return r;
}

const inserted = (
  kind: string,
  inputs: string,
  changed: Readonly<Record<string, readonly number[]>>,
  tail: readonly string[],
  keepFloat: readonly string[],
): Expected => ({
  outcome: 'inserted',
  graph: [`y/per_channel_op: ${kind}(${inputs})`, 'y: Mul(y/per_channel_op, y/per_channel_scale)', ...tail],
  changed: { k: K_DIV, ...changed, 'y/per_channel_scale': S },
  keepFloat,
});

describe('rescaleChannels: what is left alone', () => {
  const cases: readonly Case[] = [
    { what: 'an NCHW conv', nodes: [op('y', 'Conv2D', ['x', 'k'], { ...convAttrs(), data_format: { s: b64('NCHW') } }), neg('y')], consts: { k: K } },
    { what: 'a conv with a control input', nodes: [conv(['x', 'k', '^x']), neg('y')], consts: { k: K } },
    { what: 'a conv without a kernel input', nodes: [conv(['x']), neg('y')], consts: {} },
    { what: 'a conv whose kernel is not a constant', nodes: [conv(['x', 'x']), neg('y')], consts: {} },
    { what: 'a conv whose kernel is an int32 constant', nodes: [conv(), neg('y')], consts: { k: { ...K, dtype: 'int32', values: [4, 1, -2, 1] } } },
    {
      what: 'a conv inside control flow',
      nodes: [op('e', 'Enter', ['x']), conv(['e', 'k']), op('out', 'Exit', ['y'])],
      consts: { k: K },
    },
    { what: 'a kernel of one output channel', nodes: [conv(), neg('y')], consts: { k: { shape: [1, 1, 2, 1], values: [1, 0.25] } } },
    { what: 'an all-zero kernel', nodes: [conv(), neg('y')], consts: { k: { ...K, values: [0, 0, 0, 0] } } },
    { what: 'an all-zero kernel before a Mul', nodes: [conv(), op('m', 'Mul', ['y', 'c']), neg('m')], consts: { k: { ...K, values: [0, 0, 0, 0] }, c: C } },
    { what: 'a conv kernel of rank 2', nodes: [conv(), neg('y')], consts: { k: M } },
    { what: 'a conv kernel of rank 5', nodes: [conv(), neg('y')], consts: { k: { shape: [1, 1, 1, 2, 2], values: K.values } } },
    {
      what: 'a MatMul with a transposed kernel',
      nodes: [op('y', 'MatMul', ['x', 'k'], { transpose_a: { b: false }, transpose_b: { b: true } }), neg('y')],
      consts: { k: M },
    },
    { what: 'a MatMul kernel of rank 4', nodes: [op('y', 'MatMul', ['x', 'k'], matmulAttrs), neg('y')], consts: { k: K } },
    { what: 'a MatMul kernel of rank 3', nodes: [op('y', 'MatMul', ['x', 'k'], matmulAttrs), neg('y')], consts: { k: { shape: [1, 2, 2], values: K.values } } },
    { what: 'a fusion of three ops', nodes: [fusedConv(['Relu', 'Relu6']), neg('y')], consts: { k: K, b: B } },
    {
      what: 'a fusion that does not start with BiasAdd',
      nodes: [op('y', '_FusedConv2D', ['x', 'k', 'b'], { ...convAttrs(), ...fusedAttrs(['FusedBatchNorm', 'Relu'], 1) }), neg('y')],
      consts: { k: K, b: B },
    },
    {
      what: 'a fused_ops attribute without a list',
      nodes: [op('y', '_FusedConv2D', ['x', 'k', 'b'], { ...convAttrs(), fused_ops: {} }), neg('y')],
      consts: { k: K, b: B },
    },
    { what: 'a fused op without fused_ops', nodes: [op('y', '_FusedConv2D', ['x', 'k', 'b'], convAttrs()), neg('y')], consts: { k: K, b: B } },
    { what: 'a fused op without its bias input', nodes: [fusedConv(['Relu'], []), neg('y')], consts: { k: K } },
    { what: 'a fused bias another node also reads', nodes: [fusedConv(['Relu']), op('out', 'AddV2', ['y', 'b'])], consts: { k: K, b: B } },
    { what: 'a fused bias of the wrong length', nodes: [fusedConv(['Relu']), neg('y')], consts: { k: K, b: { shape: [3], values: [1, 2, 3] } } },
    { what: 'a fused bias shaped [2, 1]', nodes: [fusedConv(['Relu']), neg('y')], consts: { k: K, b: { shape: [2, 1], values: [1, 2] } } },
    { what: 'a fused activation that is neither homogeneous nor unary (Selu)', nodes: [fusedConv(['Selu']), neg('y')], consts: { k: K, b: B } },
    {
      what: 'channels under 2× apart (s = [1, 1], spread 4/3)',
      nodes: [fusedConv(['Relu']), neg('y')],
      consts: { k: { ...K, values: [1, 0.75, -0.5, 0.125] }, b: B },
    },
    {
      // Channel 0 spans [0, 1], channel 1 [-1, 0]: each reaches an end of the tensor's range, so both keep s = 1.
      what: 'a Mul after channels that each touch one end of the range (spread 1) is not folded',
      nodes: [conv(), op('m', 'Mul', ['y', 'c']), neg('m')],
      consts: { k: { ...K, values: [1, -1, 0, 0] }, c: C },
    },
  ];
  it.each(cases)('$what', (c) => {
    check(c);
  });
});

describe('rescaleChannels: per-channel scales', () => {
  const scaleOf = (values: readonly number[]): number[] | undefined => {
    const r = rescaleChannels(graphArtifacts([1, 1, 1, 4], [conv(), neg('y')], { k: { shape: [1, 1, 1, 4], values } }, ['out']));
    return weightsOf(r.artifacts)['y/per_channel_scale'];
  };
  const cases: readonly { what: string; values: readonly number[]; s: readonly number[] | undefined }[] = [
    // s_c = 2^⌈log2 r_c⌉: 0.375 → 0.5; a zero channel keeps 1; 2^-30 is held at 2^-24.
    { what: 'negative values only', values: [-1, -0.375, 0, -(2 ** -30)], s: [1, 0.5, 1, 2 ** -24] },
    { what: 'positive values only', values: [1, 0.375, 0, 2 ** -30], s: [1, 0.5, 1, 2 ** -24] },
    { what: 'a share that is already a power of two', values: [0.5, 2, 0.125, 1], s: [0.25, 1, 0.0625, 0.5] },
    // Range [-2, 1]: -1 is half the low end, 0.25 a quarter of the high end.
    { what: 'each side against its own end of the range', values: [-1, 1, -2, 0.25], s: [0.5, 1, 1, 0.25] },
    { what: 'widest / narrowest exactly 2 is rescaled', values: [1, 0.5, 1, 1], s: [1, 0.5, 1, 1] },
    { what: 'widest / narrowest under 2 is not', values: [1, 0.6, 1, 1], s: undefined },
  ];
  it.each(cases)('$what', ({ values, s }) => {
    expect(scaleOf(values)).toEqual(s);
  });

  it('mixes both ends across rows: channel c takes the larger of lo_c / LO and hi_c / HI', () => {
    // 1×1 kernel, 2 inputs × 4 outputs: lo = [-2, -0.25, 0, 0], hi = [1, 0.25, 0.5, 0.125] over [-2, 1].
    const k: ConstSpec = { shape: [1, 1, 2, 4], values: [1, -0.25, 0.5, 0.125, -2, 0.25, 0, 0] };
    const r = rescaleChannels(graphArtifacts([1, 1, 1, 2], [conv(), neg('y')], { k }, ['out']));
    const w = weightsOf(r.artifacts);
    expect(w['y/per_channel_scale']).toEqual([1, 0.25, 0.5, 0.125]);
    expect(w['k']).toEqual([1, -1, 1, 1, -2, 1, 0, 0]);
  });
});

describe('rescaleChannels: channel ranges over several rows', () => {
  it('takes each channel’s lowest and highest value wherever they sit', () => {
    // Rows [-2, -1, 0, 0.125] and [1, -0.25, 0.5, 0]: lo = [-2, -1, 0, 0], hi = [1, 0, 0.5, 0.125] over [-2, 1].
    const k: ConstSpec = { shape: [1, 1, 2, 4], values: [-2, -1, 0, 0.125, 1, -0.25, 0.5, 0] };
    const r = rescaleChannels(graphArtifacts([1, 1, 1, 2], [conv(), neg('y')], { k }, ['out']));
    const w = weightsOf(r.artifacts);
    expect(w['y/per_channel_scale']).toEqual([1, 0.5, 0.5, 0.125]);
    expect(w['k']).toEqual([-2, -2, 0, 1, 1, -0.5, 1, 0]);
  });
});

describe('rescaleChannels: linear ops and activations', () => {
  const cases: readonly Case[] = [
    {
      what: 'a MatMul gets a Mul',
      nodes: [op('y', 'MatMul', ['x', 'k'], matmulAttrs), neg('y')],
      consts: { k: M },
      expected: inserted('MatMul', 'x, k', {}, ['out: Neg(y)'], ['y/per_channel_scale']),
    },
    {
      what: 'a MatMul without transpose attributes gets a Mul',
      nodes: [op('y', 'MatMul', ['x', 'k']), neg('y')],
      consts: { k: M },
      expected: inserted('MatMul', 'x, k', {}, ['out: Neg(y)'], ['y/per_channel_scale']),
    },
    {
      what: 'a _FusedMatMul with its bias gets a Mul, the bias divided',
      nodes: [op('y', '_FusedMatMul', ['x', 'k', 'b'], { ...matmulAttrs, ...fusedAttrs(['BiasAdd'], 1) }), neg('y')],
      consts: { k: M, b: B },
      expected: inserted('_FusedMatMul', 'x, k, b', { b: B_DIV }, ['out: Neg(y)'], ['b', 'y/per_channel_scale']),
    },
    {
      what: 'a conv without a data_format attribute counts as NHWC',
      nodes: [op('y', 'Conv2D', ['x', 'k'], { strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') } }), neg('y')],
      consts: { k: K },
      expected: inserted('Conv2D', 'x, k', {}, ['out: Neg(y)'], ['y/per_channel_scale']),
    },
    {
      what: 'a fused bias shaped [1, 2] is a vector',
      nodes: [fusedConv(['Relu']), neg('y')],
      consts: { k: K, b: { shape: [1, 2], values: B.values } },
      expected: inserted('_FusedConv2D', 'x, k, b', { b: B_DIV }, ['out: Neg(y)'], ['b', 'y/per_channel_scale']),
    },
    {
      what: 'a FusedDepthwiseConv2dNative takes in × multiplier channels and is split before its Relu6',
      nodes: [op('y', 'FusedDepthwiseConv2dNative', ['x', 'k', 'b'], { ...convAttrs(), ...fusedAttrs(['BiasAdd', 'Relu6'], 1) }), neg('y')],
      consts: { k: { shape: [1, 1, 2, 1], values: [1, 0.25] }, b: B },
      expected: {
        outcome: 'split',
        graph: [
          'y/per_channel_op: FusedDepthwiseConv2dNative(x, k, b)',
          'y/per_channel_mul: Mul(y/per_channel_op, y/per_channel_scale)',
          'y: Relu6(y/per_channel_mul)',
          'out: Neg(y)',
        ],
        changed: { k: [1, 1], b: B_DIV, 'y/per_channel_scale': S },
        keepFloat: ['b', 'y/per_channel_scale'],
      },
    },
    {
      what: 'a split drops the fused activation’s extra argument',
      nodes: [fusedConv(['Relu6'], ['b', 'a']), neg('y')],
      consts: { k: K, b: B, a: { shape: [2], values: [0.1, 0.1] } },
      expected: {
        outcome: 'split',
        graph: [
          'y/per_channel_op: _FusedConv2D(x, k, b)',
          'y/per_channel_mul: Mul(y/per_channel_op, y/per_channel_scale)',
          'y: Relu6(y/per_channel_mul)',
          'out: Neg(y)',
        ],
        changed: { k: K_DIV, b: B_DIV, 'y/per_channel_scale': S },
        keepFloat: ['b', 'y/per_channel_scale'],
      },
    },
  ];
  it.each(cases)('$what', (c) => {
    check(c);
  });

  it('a split fused op keeps its bias only: fused_ops [BiasAdd], num_args 1, its other attributes as they were', () => {
    const r = check({
      what: '',
      nodes: [fusedConv(['Elu']), neg('y')],
      consts: { k: K, b: B },
      expected: {
        outcome: 'split',
        graph: [
          'y/per_channel_op: _FusedConv2D(x, k, b)',
          'y/per_channel_mul: Mul(y/per_channel_op, y/per_channel_scale)',
          'y: Elu(y/per_channel_mul)',
          'out: Neg(y)',
        ],
        changed: { k: K_DIV, b: B_DIV, 'y/per_channel_scale': S },
        keepFloat: ['b', 'y/per_channel_scale'],
      },
    });
    const graph = r.artifacts.modelTopology as { node: GraphNode[] };
    const fusedNode = graph.node.find((n) => n.name === 'y/per_channel_op');
    expect((fusedNode?.attr?.['fused_ops']?.list?.s ?? []).map(decodeAttrString)).toEqual(['BiasAdd']);
    expect(fusedNode?.attr).toEqual({
      ...convAttrs(),
      T: { type: 'DT_FLOAT' },
      fused_ops: { list: { s: [b64('BiasAdd')] } },
      num_args: { i: '1' },
      epsilon: { f: 0 },
    });
    expect(graph.node.find((n) => n.name === 'y/per_channel_mul')?.attr).toEqual({ T: { type: 'DT_FLOAT' } });
    expect(graph.node.find((n) => n.name === 'y')?.attr).toEqual({ T: { type: 'DT_FLOAT' } });
  });

  interface Act {
    readonly act: string;
    readonly outcome: 'inserted' | 'split';
    readonly attr?: Record<string, AttrValue>;
    readonly args?: readonly string[];
    /** tfjs's cpu backend has no fused tanh, so the source model does not run there to compare with. */
    readonly runs?: false;
  }
  const acts: readonly Act[] = [
    { act: '', outcome: 'inserted' },
    { act: 'Relu', outcome: 'inserted' },
    { act: 'LeakyRelu', outcome: 'inserted', attr: { leakyrelu_alpha: { f: 0.25 } } },
    { act: 'Prelu', outcome: 'inserted', args: ['b', 'alpha'] },
    { act: 'Relu6', outcome: 'split' },
    { act: 'Elu', outcome: 'split' },
    { act: 'Sigmoid', outcome: 'split' },
    { act: 'Tanh', outcome: 'split', runs: false },
  ];
  it.each(acts)('a fused conv with activation "$act" is $outcome, and computes exactly what it did', async ({ act, outcome, attr, args, runs }) => {
    const node = fusedConv(act === '' ? [] : [act], args ?? ['b'], attr ?? {});
    const consts = { k: K, b: B, alpha: { shape: [2], values: [0.5, 0.125] } };
    const artifacts = graphArtifacts([2, 4, 4, 2], [node, neg('y')], consts, ['out']);
    const r = rescaleChannels(artifacts);
    expect({ inserted: r.inserted, split: r.split }).toEqual({ inserted: [], split: [], [outcome]: ['y'] });
    const inputs = ['x', 'k', ...(args ?? ['b'])].join(', ');
    expect(graphLines(r)).toEqual(
      outcome === 'inserted'
        ? [`y/per_channel_op: _FusedConv2D(${inputs})`, 'y: Mul(y/per_channel_op, y/per_channel_scale)', 'out: Neg(y)']
        : [
            'y/per_channel_op: _FusedConv2D(x, k, b)',
            'y/per_channel_mul: Mul(y/per_channel_op, y/per_channel_scale)',
            `y: ${act}(y/per_channel_mul)`,
            'out: Neg(y)',
          ],
    );
    expect(weightsOf(r.artifacts)).toEqual({ ...weightsOf(artifacts), k: K_DIV, b: B_DIV, 'y/per_channel_scale': S });
    if (runs !== false) expect(maxAbsDiff(await run(r.artifacts), await run(artifacts))).toBe(0);
  });
});

async function run(artifacts: tf.io.ModelArtifacts): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  const x = tf.tensor4d(seededInput(2 * 4 * 4 * 2, 5), [2, 4, 4, 2]);
  const y = model.execute(x, 'out:0') as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  return out;
}

describe('rescaleChannels: folding into the Mul that follows', () => {
  const folded = (graph: readonly string[], changed: Readonly<Record<string, readonly number[]>>, keepFloat: readonly string[]): Expected => ({
    outcome: 'folded',
    graph,
    changed: { k: K_DIV, ...changed },
    keepFloat,
  });
  const cases: readonly Case[] = [
    {
      what: 'conv → Mul',
      nodes: [conv(), op('m', 'Mul', ['y', 'c']), neg('m')],
      consts: { k: K, c: C },
      expected: folded(['y: Conv2D(x, k)', 'm: Mul(y, c)', 'out: Neg(m)'], { c: C_MUL }, ['c']),
    },
    {
      what: 'conv → Add(b, y) → Mul(c, a), constants first',
      nodes: [conv(), op('a', 'Add', ['b', 'y']), op('m', 'Mul', ['c', 'a']), neg('m')],
      consts: { k: K, b: B, c: C },
      expected: folded(['y: Conv2D(x, k)', 'a: Add(b, y)', 'm: Mul(c, a)', 'out: Neg(m)'], { b: B_DIV, c: C_MUL }, ['c', 'b']),
    },
    {
      what: 'conv → AddV2 → Mul',
      nodes: [conv(), op('a', 'AddV2', ['y', 'b']), op('m', 'Mul', ['a', 'c']), neg('m')],
      consts: { k: K, b: B, c: C },
      expected: folded(['y: Conv2D(x, k)', 'a: AddV2(y, b)', 'm: Mul(a, c)', 'out: Neg(m)'], { b: B_DIV, c: C_MUL }, ['c', 'b']),
    },
    {
      what: 'a fused conv with its bias only → Mul',
      nodes: [fusedConv([]), op('m', 'Mul', ['y', 'c']), neg('m')],
      consts: { k: K, b: B, c: C },
      expected: folded(['y: _FusedConv2D(x, k, b)', 'm: Mul(y, c)', 'out: Neg(m)'], { b: B_DIV, c: C_MUL }, ['c', 'b']),
    },
  ];
  it.each(cases)('$what', (c) => {
    check(c);
  });

  const mulAfter = (
    tail: readonly string[],
    changed: Readonly<Record<string, readonly number[]>> = {},
    keepFloat: readonly string[] = ['y/per_channel_scale'],
  ): Expected => inserted('Conv2D', 'x, k', changed, tail, keepFloat);
  const notFolded: readonly Case[] = [
    {
      what: 'a fused conv with Relu before the Mul',
      nodes: [fusedConv(['Relu']), op('m', 'Mul', ['y', 'c']), neg('m')],
      consts: { k: K, b: B, c: C },
      expected: inserted('_FusedConv2D', 'x, k, b', { b: B_DIV }, ['m: Mul(y, c)', 'out: Neg(m)'], ['b', 'y/per_channel_scale']),
    },
    {
      what: 'a fused conv followed by a BiasAdd: a fused op does not look past an add',
      nodes: [fusedConv([]), op('a', 'BiasAdd', ['y', 'b2']), op('m', 'Mul', ['a', 'c']), neg('m')],
      consts: { k: K, b: B, b2: B, c: C },
      expected: inserted('_FusedConv2D', 'x, k, b', { b: B_DIV }, ['a: BiasAdd(y, b2)', 'm: Mul(a, c)', 'out: Neg(m)'], ['b', 'y/per_channel_scale']),
    },
    {
      what: 'an add whose bias is shaped [1, 2]',
      nodes: [conv(), op('a', 'Add', ['y', 'b']), op('m', 'Mul', ['a', 'c']), neg('m')],
      consts: { k: K, b: { shape: [1, 2], values: B.values }, c: C },
      expected: mulAfter(['a: Add(y, b)', 'm: Mul(a, c)', 'out: Neg(m)']),
    },
    {
      what: 'an add with a control input',
      nodes: [conv(), op('a', 'Add', ['y', 'b', '^x']), op('m', 'Mul', ['a', 'c']), neg('m')],
      consts: { k: K, b: B, c: C },
      expected: mulAfter(['a: Add(y, b, ^x)', 'm: Mul(a, c)', 'out: Neg(m)']),
    },
    {
      what: 'an add whose bias another node also reads',
      nodes: [conv(), op('a', 'BiasAdd', ['y', 'b']), op('m', 'Mul', ['a', 'c']), op('out', 'AddV2', ['m', 'b'])],
      consts: { k: K, b: B, c: C },
      expected: mulAfter(['a: BiasAdd(y, b)', 'm: Mul(a, c)', 'out: AddV2(m, b)']),
    },
    {
      what: 'an add of the wrong length',
      nodes: [conv(), op('a', 'BiasAdd', ['y', 'b']), op('m', 'Mul', ['a', 'c']), neg('m')],
      consts: { k: K, b: { shape: [3], values: [1, 2, 3] }, c: C },
      expected: mulAfter(['a: BiasAdd(y, b)', 'm: Mul(a, c)', 'out: Neg(m)']),
    },
    {
      what: 'an add that is not followed by a Mul',
      nodes: [conv(), op('a', 'BiasAdd', ['y', 'b']), neg('a')],
      consts: { k: K, b: B },
      expected: mulAfter(['a: BiasAdd(y, b)', 'out: Neg(a)']),
    },
    {
      what: 'a Mul by a constant another node also reads',
      nodes: [conv(), op('m', 'Mul', ['y', 'c']), op('out', 'AddV2', ['m', 'c'])],
      consts: { k: K, c: C },
      expected: mulAfter(['m: Mul(y, c)', 'out: AddV2(m, c)']),
    },
    {
      what: 'a Mul by a scalar',
      nodes: [conv(), op('m', 'Mul', ['y', 'c']), neg('m')],
      consts: { k: K, c: { shape: [], values: [2] } },
      expected: mulAfter(['m: Mul(y, c)', 'out: Neg(m)']),
    },
    {
      what: 'a Mul by a non-constant',
      nodes: [conv(), op('m', 'Mul', ['y', 'x']), neg('m')],
      consts: { k: K },
      expected: mulAfter(['m: Mul(y, x)', 'out: Neg(m)']),
    },
    {
      what: 'a Mul of three inputs',
      nodes: [conv(), op('m', 'Mul', ['y', 'c', 'c2']), neg('m')],
      consts: { k: K, c: C, c2: C },
      expected: mulAfter(['m: Mul(y, c, c2)', 'out: Neg(m)']),
    },
    {
      what: 'a Mul with a control input',
      nodes: [conv(), op('m', 'Mul', ['y', 'c', '^x']), neg('m')],
      consts: { k: K, c: C },
      expected: mulAfter(['m: Mul(y, c, ^x)', 'out: Neg(m)']),
    },
    {
      what: 'a conv that two nodes read',
      nodes: [conv(), op('m', 'Mul', ['y', 'c']), op('out', 'AddV2', ['m', 'y'])],
      consts: { k: K, c: C },
      expected: mulAfter(['m: Mul(y, c)', 'out: AddV2(m, y)']),
    },
  ];
  it.each(notFolded)('not folded, a Mul inserted instead: $what', (c) => {
    check(c);
  });
});

describe('rescaleChannels: names and attributes of what it adds', () => {
  it('takes the next free name for the renamed op and the scale when a node holds the plain one', () => {
    check({
      what: '',
      nodes: [fusedConv(['Relu']), neg('y'), op('y/per_channel_op', 'Neg', ['x']), op('y/per_channel_scale', 'Neg', ['x'])],
      consts: { k: K, b: B },
      outputs: ['out', 'y/per_channel_op', 'y/per_channel_scale'],
      expected: {
        outcome: 'inserted',
        graph: [
          'y/per_channel_op_1: _FusedConv2D(x, k, b)',
          'y: Mul(y/per_channel_op_1, y/per_channel_scale_1)',
          'out: Neg(y)',
          'y/per_channel_op: Neg(x)',
          'y/per_channel_scale: Neg(x)',
        ],
        changed: { k: K_DIV, b: B_DIV, 'y/per_channel_scale_1': S },
        keepFloat: ['b', 'y/per_channel_scale_1'],
      },
    });
  });

  it('counts on past taken names: base, base_1 → base_2', () => {
    check({
      what: '',
      nodes: [conv(), neg('y'), op('y/per_channel_op', 'Neg', ['x']), op('y/per_channel_op_1', 'Neg', ['x'])],
      consts: { k: K },
      outputs: ['out', 'y/per_channel_op', 'y/per_channel_op_1'],
      expected: {
        outcome: 'inserted',
        graph: [
          'y/per_channel_op_2: Conv2D(x, k)',
          'y: Mul(y/per_channel_op_2, y/per_channel_scale)',
          'out: Neg(y)',
          'y/per_channel_op: Neg(x)',
          'y/per_channel_op_1: Neg(x)',
        ],
        changed: { k: K_DIV, 'y/per_channel_scale': S },
        keepFloat: ['y/per_channel_scale'],
      },
    });
  });

  it('takes the next free name for the split Mul when a node holds the plain one', () => {
    check({
      what: '',
      nodes: [fusedConv(['Relu6']), neg('y'), op('y/per_channel_mul', 'Neg', ['x'])],
      consts: { k: K, b: B },
      outputs: ['out', 'y/per_channel_mul'],
      expected: {
        outcome: 'split',
        graph: [
          'y/per_channel_op: _FusedConv2D(x, k, b)',
          'y/per_channel_mul_1: Mul(y/per_channel_op, y/per_channel_scale)',
          'y: Relu6(y/per_channel_mul_1)',
          'out: Neg(y)',
          'y/per_channel_mul: Neg(x)',
        ],
        changed: { k: K_DIV, b: B_DIV, 'y/per_channel_scale': S },
        keepFloat: ['b', 'y/per_channel_scale'],
      },
    });
  });

  it('skips names the manifest holds without a node', () => {
    const taken: ConstSpec = { shape: [1], values: [7] };
    const artifacts = graphArtifacts(
      [1, 1, 1, 2],
      [fusedConv(['Relu6']), neg('y')],
      { k: K, b: B, 'y/per_channel_op': taken, 'y/per_channel_mul': taken, 'y/per_channel_scale': taken },
      ['out'],
    );
    const topology = artifacts.modelTopology as { node: GraphNode[] };
    const orphans = { ...artifacts, modelTopology: { ...topology, node: topology.node.filter((n) => !n.name.startsWith('y/')) } };
    const r = rescaleChannels(orphans);
    expect(r.split).toEqual(['y']);
    expect(graphLines(r)).toEqual([
      'y/per_channel_op_1: _FusedConv2D(x, k, b)',
      'y/per_channel_mul_1: Mul(y/per_channel_op_1, y/per_channel_scale_1)',
      'y: Relu6(y/per_channel_mul_1)',
      'out: Neg(y)',
    ]);
    expect(weightsOf(r.artifacts)).toEqual({
      k: K_DIV,
      b: B_DIV,
      'y/per_channel_op': [7],
      'y/per_channel_mul': [7],
      'y/per_channel_scale': [7],
      'y/per_channel_scale_1': S,
    });
  });

  it('gives the Mul and the activation the op’s T, DT_FLOAT when it has none', () => {
    const half = { T: { type: 'DT_HALF' } };
    const withT = rescaleChannels(graphArtifacts([1, 1, 1, 2], [fusedConv(['Relu6'], ['b'], half), neg('y')], { k: K, b: B }, ['out']));
    const noT: GraphNode = { name: 'y', op: 'Conv2D', input: ['x', 'k'], attr: convAttrs() };
    const withoutT = rescaleChannels(graphArtifacts([1, 1, 1, 2], [noT, neg('y')], { k: K }, ['out']));
    const attrs = (r: PerChannelResult): Record<string, unknown> =>
      Object.fromEntries(
        (r.artifacts.modelTopology as { node: GraphNode[] }).node.filter((n) => n.name.startsWith('y') && n.op !== 'Const').map((n) => [n.name, n.attr?.['T']]),
      );
    expect(attrs(withT)).toEqual({ 'y/per_channel_op': half.T, 'y/per_channel_mul': half.T, y: half.T });
    expect(attrs(withoutT)).toEqual({ 'y/per_channel_op': undefined, y: { type: 'DT_FLOAT' } });
  });
});

describe('rescaleChannels: the model it writes', () => {
  it('rewrites every eligible layer, lists each under its original name, and writes the new constants after the original weights', () => {
    const nodes = [
      conv(['x', 'k']),
      op('z', '_FusedConv2D', ['y', 'k2', 'b'], { ...convAttrs(), ...fusedAttrs(['BiasAdd', 'Tanh'], 1) }),
      op('w', 'Conv2D', ['z', 'k3'], convAttrs()),
      op('m', 'Mul', ['w', 'c']),
      neg('m'),
    ];
    const artifacts = graphArtifacts([1, 1, 1, 2], nodes, { k: K, k2: K, k3: K, b: B, c: C }, ['out']);
    const r = rescaleChannels(artifacts);
    expect({ folded: r.folded, inserted: r.inserted, split: r.split }).toEqual({ folded: ['w'], inserted: ['y'], split: ['z'] });
    const graph = r.artifacts.modelTopology as { node: GraphNode[]; library: unknown; versions: unknown };
    expect(graph.node.map((n) => n.name)).toEqual([
      'z/per_channel_scale',
      'y/per_channel_scale',
      'x',
      'k',
      'k2',
      'k3',
      'b',
      'c',
      'y/per_channel_op',
      'y',
      'z/per_channel_op',
      'z/per_channel_mul',
      'z',
      'w',
      'm',
      'out',
    ]);
    expect(graph.library).toEqual({});
    expect(graph.versions).toEqual({});
    expect(r.artifacts.weightSpecs?.map((s) => s.name)).toEqual(['k', 'k2', 'k3', 'b', 'c', 'y/per_channel_scale', 'z/per_channel_scale']);
    expect(weightsOf(r.artifacts)).toEqual({ k: K_DIV, k2: K_DIV, k3: K_DIV, b: B_DIV, c: C_MUL, 'y/per_channel_scale': S, 'z/per_channel_scale': S });
    expect(r.keepFloat).toEqual(['y/per_channel_scale', 'b', 'z/per_channel_scale', 'c']);
    expect(r.warnings).toEqual([]);
  });

  it('keeps the fields of each node and of the topology it does not know', () => {
    const artifacts = graphArtifacts([1, 1, 1, 2], [{ ...conv(), device: '/cpu:0' }, neg('y')], { k: K }, ['out']);
    const topology = artifacts.modelTopology as { node: GraphNode[] };
    const r = rescaleChannels({ ...artifacts, modelTopology: { ...topology, producer: 'test' } });
    const graph = r.artifacts.modelTopology as { node: GraphNode[]; producer: unknown };
    expect(graph.producer).toBe('test');
    expect(graph.node.find((n) => n.name === 'y/per_channel_op')?.device).toBe('/cpu:0');
    expect(graph.node.find((n) => n.name === 'y')).toStrictEqual({
      name: 'y',
      op: 'Mul',
      input: ['y/per_channel_op', 'y/per_channel_scale'],
      attr: { T: { type: 'DT_FLOAT' } },
    });
    expect(r.artifacts.format).toBe('graph-model');
    expect(r.artifacts.signature).toBe(artifacts.signature);
  });

  it('copies an untouched quantized weight byte for byte and writes a rescaled one as float32', () => {
    const base = graphArtifacts([1, 1, 1, 2], [conv(), op('a', 'AddV2', ['y', 'q']), neg('a')], { k: K, q: { shape: [2], values: [0, 0] } }, ['out']);
    // k = q · 0.125 - 0.5 with q = [12, 6, 0, 5]: exactly K. q = [1, 2] · 0.5.
    const weightSpecs: tf.io.WeightsManifestEntry[] = [
      { name: 'k', shape: [1, 1, 2, 2], dtype: 'float32', quantization: { dtype: 'uint8', min: -0.5, scale: 0.125 } },
      { name: 'q', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 0.5 } },
    ];
    const artifacts = { ...base, weightSpecs, weightData: new Uint8Array([12, 6, 0, 5, 1, 2]).buffer };
    const r = rescaleChannels(artifacts);
    expect(r.inserted).toEqual(['y']);
    const written = splitWeights(r.artifacts);
    expect(written.map((w) => w.spec)).toEqual([
      { name: 'k', shape: [1, 1, 2, 2], dtype: 'float32' },
      weightSpecs[1],
      { name: 'y/per_channel_scale', shape: [2], dtype: 'float32' },
    ]);
    expect(Array.from(written[1]?.bytes ?? [])).toEqual([1, 2]);
    expect(weightsOf(r.artifacts)).toEqual({ k: K_DIV, q: [0.5, 1], 'y/per_channel_scale': S });
  });

  it('returns the same artifacts, no warning, when no layer is eligible', () => {
    const artifacts = graphArtifacts([1, 2], [op('y', 'Neg', ['x']), op('out', 'Mul', ['y', 'k'])], { k: K }, ['out']);
    const r = rescaleChannels(artifacts);
    expect(r).toStrictEqual({ artifacts, folded: [], inserted: [], split: [], keepFloat: [], warnings: [] });
    expect(r.artifacts).toBe(artifacts);
  });

  it('leaves a layers model as it is, saying why and what to do', () => {
    const artifacts: tf.io.ModelArtifacts = { format: 'layers-model', modelTopology: { class_name: 'Sequential' } };
    const r = rescaleChannels(artifacts);
    expect(r).toStrictEqual({
      artifacts,
      folded: [],
      inserted: [],
      split: [],
      keepFloat: [],
      warnings: [
        'quantize: per-channel scales apply to TF.js graph models only; this layers model keeps one scale per tensor (`model-budget convert` makes a graph model)',
      ],
    });
    expect(r.artifacts).toBe(artifacts);
  });
});
