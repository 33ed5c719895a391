import { describe, expect, it } from 'vitest';
import { foldAffine, type FoldCounts, type FoldKinds } from '../../../src/compress/optimize-fold.js';
import { isGraphDef, type AttrValue, type GraphNode } from '../../../src/compress/graph-def.js';
import { graphStateOf, type GraphState } from '../../../src/compress/graph-state.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { convAttrs, graphArtifacts, op, type ConstSpec } from '../../helpers/graph-artifacts.js';

// foldAffine on hand-built graphs, run directly on the optimizer's state. The kernel k is [1, 1, 2, 3] holding
// 1…6, so output channel c owns k[c] and k[c + 3]; a scale s makes it [1·s0, 2·s1, 3·s2, 4·s0, 5·s1, 6·s2].

const ALL: FoldKinds = { scale: true, bias: true, batchnorm: true };
const kernel: ConstSpec = { shape: [1, 1, 2, 3], values: [1, 2, 3, 4, 5, 6] };
const vec3 = (a: number, b: number, c: number): ConstSpec => ({ shape: [3], values: [a, b, c] });
const f32 = (shape: number[], values: number[]): ConstSpec => ({ shape, values });
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const NHWC = { data_format: { s: b64('NHWC') } };
const NCHW = { data_format: { s: b64('NCHW') } };
const conv = op('c', 'Conv2D', ['x', 'k'], convAttrs());

function stateOf(nodes: readonly GraphNode[], consts: Readonly<Record<string, ConstSpec>>, outputs: readonly string[] = ['y']): GraphState {
  const artifacts = graphArtifacts([1, 4, 4, 2], nodes, consts, outputs);
  const topology = artifacts.modelTopology;
  if (!isGraphDef(topology)) throw new Error('not a GraphDef');
  return graphStateOf(topology, artifacts.signature, decodeWeights(artifacts));
}

const values = (state: GraphState, name: string): number[] | undefined => {
  const d = state.weights.get(name)?.data;
  return d === undefined || Array.isArray(d) ? undefined : Array.from(d as Float32Array);
};

/** The non-Const, non-Placeholder nodes as `name: op(inputs)`. */
const graphOf = (state: GraphState): string[] =>
  state.nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder').map((n) => `${n.name}: ${n.op}(${n.input.join(', ')})`);

const NONE: FoldCounts = { scale: 0, bias: 0, batchnorm: 0 };
const K = [1, 2, 3, 4, 5, 6];

interface Case {
  readonly what: string;
  readonly nodes: readonly GraphNode[];
  readonly consts: Readonly<Record<string, ConstSpec>>;
  readonly kinds?: FoldKinds;
  readonly outputs?: readonly string[];
  readonly counts: FoldCounts;
  readonly graph: readonly string[];
  /** The kernel's values after folding. */
  readonly kernel: readonly number[];
  /** The bias constant the last node reads, with its values. */
  readonly bias?: { readonly name: string; readonly shape: readonly number[]; readonly values: readonly number[] };
}

const relu = (input: string): GraphNode => op('y', 'Relu', [input]);

const CASES: readonly Case[] = [
  {
    what: 'a per-channel Mul goes into the kernel; the Mul takes the convolution',
    nodes: [conv, op('m', 'Mul', ['c', 's']), relu('m')],
    consts: { k: kernel, s: vec3(2, 3, 4) },
    counts: { scale: 1, bias: 0, batchnorm: 0 },
    graph: ['m: Conv2D(x, k)', 'y: Relu(m)'],
    kernel: [2, 6, 12, 8, 15, 24],
  },
  {
    what: 'a scalar Mul (constant first) scales every channel',
    nodes: [conv, op('m', 'Mul', ['s', 'c']), relu('m')],
    consts: { k: kernel, s: f32([], [2]) },
    counts: { scale: 1, bias: 0, batchnorm: 0 },
    graph: ['m: Conv2D(x, k)', 'y: Relu(m)'],
    kernel: [2, 4, 6, 8, 10, 12],
  },
  {
    what: 'two Muls make one scale; only the last keeps a node',
    nodes: [conv, op('m1', 'Mul', ['c', 's']), op('m2', 'Mul', ['m1', 't']), relu('m2')],
    consts: { k: kernel, s: vec3(2, 3, 4), t: f32([1, 1, 1, 3], [0.5, 2, 1]) },
    counts: { scale: 1, bias: 0, batchnorm: 0 },
    graph: ['m2: Conv2D(x, k)', 'y: Relu(m2)'],
    kernel: [1, 12, 12, 4, 30, 24],
  },
  {
    what: 'a Mul of a [3, 1] constant is not per channel',
    nodes: [conv, op('m', 'Mul', ['c', 's']), relu('m')],
    consts: { k: kernel, s: f32([3, 1], [2, 3, 4]) },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'm: Mul(c, s)', 'y: Relu(m)'],
    kernel: K,
  },
  {
    what: 'a Mul of two values for three channels is not folded',
    nodes: [conv, op('m', 'Mul', ['c', 's']), relu('m')],
    consts: { k: kernel, s: f32([2], [2, 3]) },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'm: Mul(c, s)', 'y: Relu(m)'],
    kernel: K,
  },
  {
    what: 'a Mul of a rank-5 constant would broadcast a rank-4 output',
    nodes: [conv, op('m', 'Mul', ['c', 's']), relu('m')],
    consts: { k: kernel, s: f32([1, 1, 1, 1, 3], [2, 3, 4]) },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'm: Mul(c, s)', 'y: Relu(m)'],
    kernel: K,
  },
  {
    what: 'a Mul is not folded when fold-scale is off',
    nodes: [conv, op('m', 'Mul', ['c', 's']), relu('m')],
    consts: { k: kernel, s: vec3(2, 3, 4) },
    kinds: { scale: false, bias: true, batchnorm: true },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'm: Mul(c, s)', 'y: Relu(m)'],
    kernel: K,
  },
  {
    what: 'a Mul of two non-constants is not folded',
    nodes: [conv, op('m', 'Mul', ['c', 'x']), relu('m')],
    consts: { k: kernel },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'm: Mul(c, x)', 'y: Relu(m)'],
    kernel: K,
  },
  {
    what: 'one BiasAdd of a [3] constant is left to fuse',
    nodes: [conv, op('b', 'BiasAdd', ['c', 'bb']), relu('b')],
    consts: { k: kernel, bb: vec3(1, 2, 3) },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'b: BiasAdd(c, bb)', 'y: Relu(b)'],
    kernel: K,
  },
  {
    what: 'one Add of a [3] constant is left as it is (not rewritten to BiasAdd)',
    nodes: [conv, op('a', 'Add', ['c', 'bb']), relu('a')],
    consts: { k: kernel, bb: vec3(1, 2, 3) },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'a: Add(c, bb)', 'y: Relu(a)'],
    kernel: K,
  },
  {
    what: 'two BiasAdds merge into the first one’s constant',
    nodes: [conv, op('b1', 'BiasAdd', ['c', 'p'], NHWC), op('b2', 'BiasAdd', ['b1', 'q']), relu('b2')],
    consts: { k: kernel, p: vec3(1, 2, 3), q: vec3(10, 20, 30) },
    counts: { scale: 0, bias: 2, batchnorm: 0 },
    graph: ['c: Conv2D(x, k)', 'b2: BiasAdd(c, p)', 'y: Relu(b2)'],
    kernel: K,
    bias: { name: 'p', shape: [3], values: [11, 22, 33] },
  },
  {
    what: 'an AddV2 of a scalar becomes a BiasAdd of a new [3] constant',
    nodes: [conv, op('a', 'AddV2', ['c', 'h']), relu('a')],
    consts: { k: kernel, h: f32([], [0.5]) },
    counts: { scale: 0, bias: 1, batchnorm: 0 },
    graph: ['c: Conv2D(x, k)', 'a: BiasAdd(c, a/folded_bias)', 'y: Relu(a)'],
    kernel: K,
    bias: { name: 'a/folded_bias', shape: [3], values: [0.5, 0.5, 0.5] },
  },
  {
    what: 'an Add carrying a data_format attribute is still a bias (only BiasAdd reads it)',
    nodes: [conv, op('a', 'Add', ['c', 'h'], NCHW), relu('a')],
    consts: { k: kernel, h: f32([1, 1, 1, 3], [1, 2, 3]) },
    counts: { scale: 0, bias: 1, batchnorm: 0 },
    graph: ['c: Conv2D(x, k)', 'a: BiasAdd(c, a/folded_bias)', 'y: Relu(a)'],
    kernel: K,
    bias: { name: 'a/folded_bias', shape: [3], values: [1, 2, 3] },
  },
  {
    what: 'an NCHW BiasAdd ends the chain',
    nodes: [conv, op('b1', 'BiasAdd', ['c', 'p']), op('b2', 'BiasAdd', ['b1', 'q'], NCHW), relu('b2')],
    consts: { k: kernel, p: vec3(1, 2, 3), q: vec3(10, 20, 30) },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'b1: BiasAdd(c, p)', 'b2: BiasAdd(b1, q)', 'y: Relu(b2)'],
    kernel: K,
  },
  {
    what: 'a Sub of a constant is a negative bias',
    nodes: [conv, op('s', 'Sub', ['c', 't']), relu('s')],
    consts: { k: kernel, t: vec3(1, -2, 3) },
    counts: { scale: 0, bias: 1, batchnorm: 0 },
    graph: ['c: Conv2D(x, k)', 's: BiasAdd(c, s/folded_bias)', 'y: Relu(s)'],
    kernel: K,
    bias: { name: 's/folded_bias', shape: [3], values: [-1, 2, -3] },
  },
  {
    what: 'a BiasAdd then a Sub: the Sub subtracts from the bias so far',
    nodes: [conv, op('b', 'BiasAdd', ['c', 'p']), op('s', 'Sub', ['b', 't']), relu('s')],
    consts: { k: kernel, p: vec3(10, 20, 30), t: vec3(1, -2, 3) },
    counts: { scale: 0, bias: 2, batchnorm: 0 },
    graph: ['c: Conv2D(x, k)', 's: BiasAdd(c, p)', 'y: Relu(s)'],
    kernel: K,
    bias: { name: 'p', shape: [3], values: [9, 22, 27] },
  },
  {
    what: 'a Sub of three inputs is not a bias',
    nodes: [conv, op('s', 'Sub', ['c', 't', 't']), relu('s')],
    consts: { k: kernel, t: vec3(1, -2, 3) },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 's: Sub(c, t, t)', 'y: Relu(s)'],
    kernel: K,
  },
  {
    what: 'a constant minus the convolution is not a bias',
    nodes: [conv, op('s', 'Sub', ['t', 'c']), relu('s')],
    consts: { k: kernel, t: vec3(1, -2, 3) },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 's: Sub(t, c)', 'y: Relu(s)'],
    kernel: K,
  },
  {
    what: 'a Sub of a non-constant is not a bias',
    nodes: [conv, op('s', 'Sub', ['c', 'x']), relu('s')],
    consts: { k: kernel },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 's: Sub(c, x)', 'y: Relu(s)'],
    kernel: K,
  },
  {
    what: 'bias adds are not folded when fold-bias is off',
    nodes: [conv, op('s', 'Sub', ['c', 't']), op('a', 'AddV2', ['s', 'h']), relu('a')],
    consts: { k: kernel, t: vec3(1, -2, 3), h: f32([], [1]) },
    kinds: { scale: true, bias: false, batchnorm: true },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 's: Sub(c, t)', 'a: AddV2(s, h)', 'y: Relu(a)'],
    kernel: K,
  },
  {
    what: 'an Add then a Mul: the bias is scaled too, and held by the Add’s own constant',
    nodes: [conv, op('a', 'Add', ['c', 'bb']), op('m', 'Mul', ['a', 's']), relu('m')],
    consts: { k: kernel, bb: vec3(1, 2, 3), s: vec3(2, 3, 4) },
    counts: { scale: 1, bias: 0, batchnorm: 0 },
    graph: ['c: Conv2D(x, k)', 'm: BiasAdd(c, bb)', 'y: Relu(m)'],
    kernel: [2, 6, 12, 8, 15, 24],
    bias: { name: 'bb', shape: [3], values: [2, 6, 12] },
  },
  {
    what: 'a Mul then a Sub: the scale does not touch the later bias',
    nodes: [conv, op('m', 'Mul', ['c', 's']), op('d', 'Sub', ['m', 't']), relu('d')],
    consts: { k: kernel, s: vec3(2, 3, 4), t: vec3(1, 2, 3) },
    counts: { scale: 1, bias: 1, batchnorm: 0 },
    graph: ['c: Conv2D(x, k)', 'd: BiasAdd(c, d/folded_bias)', 'y: Relu(d)'],
    kernel: [2, 6, 12, 8, 15, 24],
    bias: { name: 'd/folded_bias', shape: [3], values: [-1, -2, -3] },
  },
  {
    what: 'a [1]-shaped bias is not reused for three channels; the [3] one after it is',
    nodes: [conv, op('b1', 'BiasAdd', ['c', 'one']), op('b2', 'BiasAdd', ['b1', 'q']), relu('b2')],
    consts: { k: kernel, one: f32([1], [1]), q: vec3(10, 20, 30) },
    counts: { scale: 0, bias: 2, batchnorm: 0 },
    graph: ['c: Conv2D(x, k)', 'b2: BiasAdd(c, q)', 'y: Relu(b2)'],
    kernel: K,
    bias: { name: 'q', shape: [3], values: [11, 21, 31] },
  },
  {
    what: 'bias constants another node reads are not reused',
    nodes: [conv, op('b1', 'BiasAdd', ['c', 'p']), op('b2', 'BiasAdd', ['b1', 'q']), relu('b2'), op('z', 'Add', ['p', 'q'])],
    consts: { k: kernel, p: vec3(1, 2, 3), q: vec3(10, 20, 30) },
    outputs: ['y', 'z'],
    counts: { scale: 0, bias: 2, batchnorm: 0 },
    graph: ['c: Conv2D(x, k)', 'b2: BiasAdd(c, b2/folded_bias)', 'y: Relu(b2)', 'z: Add(p, q)'],
    kernel: K,
    bias: { name: 'b2/folded_bias', shape: [3], values: [11, 22, 33] },
  },
  {
    what: 'a MatMul takes a [1, 3] scale (rank 2 like its output)',
    nodes: [op('c', 'MatMul', ['x', 'w']), op('m', 'Mul', ['c', 's']), relu('m')],
    consts: { k: kernel, w: f32([2, 3], [1, 2, 3, 4, 5, 6]), s: f32([1, 3], [2, 3, 4]) },
    counts: { scale: 1, bias: 0, batchnorm: 0 },
    graph: ['m: MatMul(x, w)', 'y: Relu(m)'],
    kernel: K,
  },
  {
    what: 'a convolution read by two nodes starts no chain',
    nodes: [conv, op('m', 'Mul', ['c', 's']), relu('m'), op('z', 'Neg', ['c'])],
    consts: { k: kernel, s: vec3(2, 3, 4) },
    outputs: ['y', 'z'],
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'm: Mul(c, s)', 'y: Relu(m)', 'z: Neg(c)'],
    kernel: K,
  },
];

function bnOf(opName: string, input: string, attr: Record<string, AttrValue> = { epsilon: { f: 0 } }, name = 'bn', extra: readonly string[] = []): GraphNode {
  return op(name, opName, [input, 'g', 'be', 'mu', 'va', ...extra], attr);
}
// γ / √(σ² + 0) = [1/2, 6/3, 1/0.5] = [0.5, 2, 2]; bias (0 − μ) · g + β = [-0.5 + 0.5, -4 - 1, -6 + 0].
const BN: Readonly<Record<string, ConstSpec>> = { k: kernel, g: vec3(1, 6, 1), be: vec3(0.5, -1, 0), mu: vec3(1, 2, 3), va: vec3(4, 9, 0.25) };
const BN_KERNEL = [0.5, 4, 6, 2, 10, 12];
const BN_BIAS = [0, -5, -6];

const BATCH_NORMS: readonly Case[] = [
  ...['FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3'].map((o): Case => ({
    what: `${o} folds into the kernel and a new bias`,
    nodes: [conv, bnOf(o, 'c'), relu('bn')],
    consts: BN,
    counts: { scale: 0, bias: 0, batchnorm: 1 },
    graph: ['c: Conv2D(x, k)', 'bn: BiasAdd(c, bn/folded_bias)', 'y: Relu(bn)'],
    kernel: BN_KERNEL,
    bias: { name: 'bn/folded_bias', shape: [3], values: BN_BIAS },
  })),
  {
    what: 'an NHWC BatchNorm after a bias: (b − μ) · g + β, the bias constant reused',
    nodes: [conv, op('b', 'BiasAdd', ['c', 'cb']), bnOf('FusedBatchNormV3', 'b', { epsilon: { f: 0 }, ...NHWC }), relu('bn')],
    consts: { ...BN, cb: vec3(1, 2, 3) },
    counts: { scale: 0, bias: 0, batchnorm: 1 },
    graph: ['c: Conv2D(x, k)', 'bn: BiasAdd(c, cb)', 'y: Relu(bn)'],
    kernel: BN_KERNEL,
    // (1 − 1) · 0.5 + 0.5, (2 − 2) · 2 − 1, (3 − 3) · 2 + 0.
    bias: { name: 'cb', shape: [3], values: [0.5, -1, 0] },
  },
  {
    what: 'two BatchNorms in a row both fold',
    nodes: [conv, bnOf('FusedBatchNorm', 'c', { epsilon: { f: 0 } }, 'bn1'), bnOf('FusedBatchNorm', 'bn1'), relu('bn')],
    consts: BN,
    counts: { scale: 0, bias: 0, batchnorm: 2 },
    graph: ['c: Conv2D(x, k)', 'bn: BiasAdd(c, bn/folded_bias)', 'y: Relu(bn)'],
    // Twice the factor: [0.25, 4, 4] per channel; bias ([0, −5, −6] − μ) · g + β.
    kernel: [0.25, 8, 12, 1, 20, 24],
    bias: { name: 'bn/folded_bias', shape: [3], values: [0, -15, -18] },
  },
  {
    what: 'a Mul then a BatchNorm (no bias step): the BatchNorm’s shift still gets a bias',
    nodes: [conv, op('m', 'Mul', ['c', 's']), bnOf('FusedBatchNorm', 'm'), relu('bn')],
    consts: { ...BN, s: vec3(2, 1, 0.5) },
    counts: { scale: 1, bias: 0, batchnorm: 1 },
    graph: ['c: Conv2D(x, k)', 'bn: BiasAdd(c, bn/folded_bias)', 'y: Relu(bn)'],
    // s · g = [2 · 0.5, 1 · 2, 0.5 · 2] = [1, 2, 1]; the bias is the BatchNorm's alone.
    kernel: [1, 4, 3, 4, 10, 6],
    bias: { name: 'bn/folded_bias', shape: [3], values: BN_BIAS },
  },
  {
    what: 'an NCHW BatchNorm stays',
    nodes: [conv, bnOf('FusedBatchNorm', 'c', { epsilon: { f: 0 }, ...NCHW }), relu('bn')],
    consts: BN,
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'bn: FusedBatchNorm(c, g, be, mu, va)', 'y: Relu(bn)'],
    kernel: K,
  },
  {
    what: 'a BatchNorm is not folded when batchnorm is off',
    nodes: [conv, bnOf('FusedBatchNorm', 'c'), relu('bn')],
    consts: BN,
    kinds: { scale: true, bias: true, batchnorm: false },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'bn: FusedBatchNorm(c, g, be, mu, va)', 'y: Relu(bn)'],
    kernel: K,
  },
  {
    what: 'a BatchNorm of six inputs stays',
    nodes: [conv, bnOf('FusedBatchNorm', 'c', { epsilon: { f: 0 } }, 'bn', ['va']), relu('bn')],
    consts: BN,
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'bn: FusedBatchNorm(c, g, be, mu, va, va)', 'y: Relu(bn)'],
    kernel: K,
  },
  {
    what: 'a BatchNorm whose γ is [1, 3] stays (its statistics are rank 1)',
    nodes: [conv, bnOf('FusedBatchNorm', 'c'), relu('bn')],
    consts: { ...BN, g: f32([1, 3], [1, 6, 1]) },
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'bn: FusedBatchNorm(c, g, be, mu, va)', 'y: Relu(bn)'],
    kernel: K,
  },
  ...(['g', 'be', 'mu', 'va'] as const).map((missing, i): Case => ({
    what: `a BatchNorm whose input ${String(i + 1)} is not a constant stays`,
    nodes: [conv, op('bn', 'FusedBatchNorm', ['c', ...['g', 'be', 'mu', 'va'].map((n) => (n === missing ? 'x' : n))], { epsilon: { f: 0 } }), relu('bn')],
    consts: BN,
    counts: NONE,
    graph: ['c: Conv2D(x, k)', `bn: FusedBatchNorm(c, ${['g', 'be', 'mu', 'va'].map((n) => (n === missing ? 'x' : n)).join(', ')})`, 'y: Relu(bn)'],
    kernel: K,
  })),
  {
    what: 'a BatchNorm whose batch mean is read stays',
    nodes: [conv, bnOf('FusedBatchNorm', 'c'), relu('bn'), op('z', 'Neg', ['bn:1'])],
    consts: BN,
    outputs: ['y', 'z'],
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'bn: FusedBatchNorm(c, g, be, mu, va)', 'y: Relu(bn)', 'z: Neg(bn:1)'],
    kernel: K,
  },
  {
    what: 'a BatchNorm a node waits on (control input) stays',
    nodes: [conv, bnOf('FusedBatchNorm', 'c'), relu('bn'), op('z', 'Neg', ['x', '^bn'])],
    consts: BN,
    outputs: ['y', 'z'],
    counts: NONE,
    graph: ['c: Conv2D(x, k)', 'bn: FusedBatchNorm(c, g, be, mu, va)', 'y: Relu(bn)', 'z: Neg(x, ^bn)'],
    kernel: K,
  },
  {
    what: 'a BatchNorm read with another node’s second output still folds',
    nodes: [conv, bnOf('FusedBatchNorm', 'c'), op('y', 'Add', ['bn', 'x:1'])],
    consts: BN,
    counts: { scale: 0, bias: 0, batchnorm: 1 },
    graph: ['c: Conv2D(x, k)', 'bn: BiasAdd(c, bn/folded_bias)', 'y: Add(bn, x:1)'],
    kernel: BN_KERNEL,
    bias: { name: 'bn/folded_bias', shape: [3], values: BN_BIAS },
  },
];

describe('foldAffine', () => {
  it.each([...CASES, ...BATCH_NORMS])('$what', (c) => {
    const state = stateOf(c.nodes, c.consts, c.outputs ?? ['y']);
    expect(foldAffine(state, c.kinds ?? ALL)).toEqual(c.counts);
    expect(graphOf(state)).toEqual(c.graph);
    // Dropped chain nodes leave the name index too.
    expect([...state.byName.keys()].sort()).toEqual(state.nodes.map((n) => n.name).sort());
    if (c.consts['w'] === undefined) expect(values(state, 'k')).toEqual(c.kernel);
    const last = state.nodes.find((n) => n.op === 'BiasAdd' && n.input[1] === c.bias?.name);
    if (c.bias) {
      expect(last?.attr).toEqual({ T: { type: 'DT_FLOAT' }, data_format: { s: 'TkhXQw==' } });
      const w = state.weights.get(c.bias.name);
      expect(w && { shape: [...w.shape], values: values(state, c.bias.name) }).toEqual({ shape: c.bias.shape, values: c.bias.values });
      expect(state.changed.has(c.bias.name)).toBe(true);
    }
    const changed = c.counts.scale + c.counts.batchnorm > 0;
    expect(state.changed.has('k')).toBe(changed && c.consts['w'] === undefined);
    // Consumers are recomputed after each rewrite: the convolution's one reader is the chain's last node.
    if (c.counts.scale + c.counts.bias + c.counts.batchnorm > 0 && c.bias) expect(state.consumers.get('c')).toEqual([last?.name]);
  });

  it('scales a MatMul kernel per output channel', () => {
    const state = stateOf([op('c', 'MatMul', ['x', 'w']), op('m', 'Mul', ['c', 's']), relu('m')], {
      w: f32([2, 3], [1, 2, 3, 4, 5, 6]),
      s: f32([1, 3], [2, 3, 4]),
    });
    foldAffine(state, ALL);
    expect(values(state, 'w')).toEqual([2, 6, 12, 8, 15, 24]);
    const m = state.byName.get('m');
    expect(m && { op: m.op, input: m.input, attr: m.attr }).toEqual({ op: 'MatMul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' } } });
    expect(state.byName.has('c')).toBe(false);
    expect(state.consumers.get('m')).toEqual(['y']);
  });

  it('does not take a [1, 1, 3] scale after a MatMul (rank 3 > 2)', () => {
    const state = stateOf([op('c', 'MatMul', ['x', 'w']), op('m', 'Mul', ['c', 's']), relu('m')], {
      w: f32([2, 3], [1, 2, 3, 4, 5, 6]),
      s: f32([1, 1, 3], [2, 3, 4]),
    });
    expect(foldAffine(state, ALL)).toEqual(NONE);
  });

  it('scales a depthwise kernel over its channels × multiplier outputs', () => {
    const state = stateOf([op('c', 'DepthwiseConv2dNative', ['x', 'k'], convAttrs()), op('m', 'Mul', ['c', 's']), relu('m')], {
      k: f32([1, 1, 2, 2], [1, 2, 3, 4]),
      s: f32([4], [1, 2, 3, 4]),
    });
    expect(foldAffine(state, ALL)).toEqual({ scale: 1, bias: 0, batchnorm: 0 });
    expect(values(state, 'k')).toEqual([1, 4, 9, 16]);
  });

  it('folds a BatchNorm without epsilon with tfjs’ default 0.001, and one with epsilon 0.01 with its own', () => {
    const consts = { k: f32([1, 1, 2, 1], [1, 1]), g: f32([1], [1]), be: f32([1], [0]), mu: f32([1], [0]), va: f32([1], [1]) };
    const factor = (attr: Record<string, AttrValue>): number | undefined => {
      const state = stateOf([op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('bn', 'FusedBatchNorm', ['c', 'g', 'be', 'mu', 'va'], attr), relu('bn')], consts);
      expect(foldAffine(state, ALL).batchnorm).toBe(1);
      return values(state, 'k')?.[0];
    };
    expect(factor({})).toBe(Math.fround(1 / Math.sqrt(1.001)));
    expect(factor({ epsilon: { f: 0.01 } })).toBe(Math.fround(1 / Math.sqrt(1.01)));
    expect(factor({ epsilon: { f: 0 } })).toBe(1);
  });

  describe('a kernel that may not be rewritten', () => {
    it('shared with another node: no scale, no BatchNorm, but biases still merge', () => {
      const nodes = [
        conv,
        op('m', 'Mul', ['c', 's']),
        relu('m'),
        op('c2', 'Conv2D', ['x', 'k'], convAttrs()),
        op('a', 'AddV2', ['c2', 'h']),
        bnOf('FusedBatchNorm', 'a'),
        op('z', 'Relu', ['bn']),
      ];
      const state = stateOf(nodes, { ...BN, s: vec3(2, 3, 4), h: f32([], [1]) }, ['y', 'z']);
      expect(foldAffine(state, ALL)).toEqual({ scale: 0, bias: 1, batchnorm: 0 });
      expect(graphOf(state)).toEqual([
        'c: Conv2D(x, k)',
        'm: Mul(c, s)',
        'y: Relu(m)',
        'c2: Conv2D(x, k)',
        'a: BiasAdd(c2, a/folded_bias)',
        'bn: FusedBatchNorm(a, g, be, mu, va)',
        'z: Relu(bn)',
      ]);
      expect(values(state, 'k')).toEqual(K);
    });

    it('quantized: no scale, but a bias still folds', () => {
      const state = stateOf([conv, op('m', 'Mul', ['c', 's']), op('a', 'Add', ['m', 'h'])], { k: kernel, s: vec3(2, 3, 4), h: f32([], [1]) }, ['a']);
      const k = state.weights.get('k');
      if (!k) throw new Error('no kernel');
      state.weights.set('k', { ...k, quantization: { dtype: 'uint8', min: 1, scale: 1 } });
      expect(foldAffine(state, ALL)).toEqual(NONE);
      // The Mul ends the chain at once; Add after it belongs to no linear node.
      expect(graphOf(state)).toEqual(['c: Conv2D(x, k)', 'm: Mul(c, s)', 'a: Add(m, h)']);
      const bias = stateOf([conv, op('a', 'Add', ['c', 'h'])], { k: kernel, h: f32([], [1]) }, ['a']);
      const kb = bias.weights.get('k');
      if (!kb) throw new Error('no kernel');
      bias.weights.set('k', { ...kb, quantization: { dtype: 'uint8', min: 1, scale: 1 } });
      expect(foldAffine(bias, ALL)).toEqual({ scale: 0, bias: 1, batchnorm: 0 });
    });

    it('a quantized bias constant is not reused', () => {
      const state = stateOf([conv, op('b1', 'BiasAdd', ['c', 'p']), op('b2', 'BiasAdd', ['b1', 'q']), relu('b2')], {
        k: kernel,
        p: vec3(1, 2, 3),
        q: vec3(10, 20, 30),
      });
      for (const name of ['p', 'q']) {
        const w = state.weights.get(name);
        if (w) state.weights.set(name, { ...w, quantization: { dtype: 'uint8', min: 0, scale: 1 } });
      }
      expect(foldAffine(state, ALL)).toEqual({ scale: 0, bias: 2, batchnorm: 0 });
      expect(state.byName.get('b2')?.input).toEqual(['c', 'b2/folded_bias']);
      expect(values(state, 'b2/folded_bias')).toEqual([11, 22, 33]);
    });
  });

  it('leaves alone a node in control flow or with a control input on the chain', () => {
    const frozen = stateOf([conv, op('m', 'Mul', ['c', 's']), relu('m')], { k: kernel, s: vec3(2, 3, 4) });
    frozen.frozen.add('m');
    expect(foldAffine(frozen, ALL)).toEqual(NONE);
    const control = stateOf([conv, op('m', 'Mul', ['c', 's', '^x']), relu('m')], { k: kernel, s: vec3(2, 3, 4) });
    expect(foldAffine(control, ALL)).toEqual(NONE);
  });
});
