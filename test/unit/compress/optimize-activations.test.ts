import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { optimizeGraph, type OptimizePattern } from '../../../src/compress/optimize-graph.js';
import type { AttrValue, GraphNode } from '../../../src/compress/graph-def.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { convAttrs, graphArtifacts, op, type ConstSpec } from '../../helpers/graph-artifacts.js';
import { maxAbsDiff, seededInput } from '../../helpers/drift.js';

// optimizeGraph's own rewrites (relu6, leaky-relu), the space-to-batch pass it runs, and the dead-node / orphaned
// constant removal, asserted on the exact rewritten graph; the rewrites that apply also run on stock TF.js and must
// compute what the original graph computes.

const scalar = (v: number): ConstSpec => ({ shape: [], values: [v] });
const six = scalar(6);
const zero = scalar(0);
const T: Record<string, AttrValue> = { T: { type: 'DT_FLOAT' } };

/** A node of the rewritten graph as the assertions compare it. */
interface Node {
  readonly name: string;
  readonly op: string;
  readonly input: readonly string[];
  readonly attr: Record<string, AttrValue>;
}

interface Case {
  readonly what: string;
  readonly nodes: readonly GraphNode[];
  readonly consts: Readonly<Record<string, ConstSpec>>;
  readonly outputs?: readonly string[];
  readonly patterns?: readonly OptimizePattern[];
  /**
   * The non-Const, non-Placeholder nodes after optimizing, in order; `'unchanged'`: the very same artifacts come
   * back (nothing rewritten).
   */
  readonly expected: readonly Node[] | 'unchanged';
  /** Names of all nodes after optimizing, in order (where the case pins which constants stay). */
  readonly names?: readonly string[];
  readonly rewrites: Partial<Record<OptimizePattern, number>>;
}

const CASES: readonly Case[] = [
  {
    what: 'Relu → Minimum(6) → Maximum(0) becomes Relu6(x) with T, and the limits go',
    nodes: [op('r', 'Relu', ['x']), op('mn', 'Minimum', ['r', 'six']), op('y', 'Maximum', ['mn', 'zero'])],
    consts: { six, zero },
    expected: [{ name: 'y', op: 'Relu6', input: ['x'], attr: T }],
    names: ['x', 'y'],
    rewrites: { relu6: 1, 'dead-nodes': 2 },
  },
  {
    what: 'Maximum(0, x) → Minimum(6, ·) becomes Relu6(x)',
    nodes: [op('mx', 'Maximum', ['zero', 'x']), op('y', 'Minimum', ['six', 'mx'])],
    consts: { six, zero },
    expected: [{ name: 'y', op: 'Relu6', input: ['x'], attr: T }],
    rewrites: { relu6: 1 },
  },
  {
    what: 'without the dead-nodes pass the limits a rewrite orphaned still go (nodes and weights)',
    nodes: [op('mn', 'Minimum', ['x', 'six']), op('y', 'Maximum', ['mn', 'zero'])],
    consts: { six, zero },
    patterns: ['relu6'],
    expected: [{ name: 'y', op: 'Relu6', input: ['x'], attr: T }],
    names: ['x', 'y'],
    rewrites: { relu6: 1, 'dead-nodes': 0 },
  },
  {
    what: 'a clip to (1, 6) is not Relu6',
    nodes: [op('mn', 'Minimum', ['x', 'six']), op('y', 'Maximum', ['mn', 'one'])],
    consts: { six, one: scalar(1) },
    expected: 'unchanged',
    rewrites: { relu6: 0 },
  },
  {
    what: 'a Minimum with a control input is not folded (its dependency would be lost)',
    nodes: [op('d', 'Neg', ['x']), op('mn', 'Minimum', ['x', 'six', '^d']), op('y', 'Maximum', ['mn', 'zero'])],
    consts: { six, zero },
    expected: 'unchanged',
    rewrites: { relu6: 0 },
  },
  {
    what: 'a Minimum of two constants is no clip of a tensor',
    nodes: [op('mn', 'Minimum', ['six', 'six2']), op('y', 'Maximum', ['mn', 'zero'])],
    consts: { six, six2: six, zero },
    patterns: ['relu6', 'leaky-relu'],
    expected: 'unchanged',
    rewrites: { relu6: 0 },
  },
  {
    what: 'a Minimum with one operand is left alone',
    nodes: [op('mn', 'Minimum', ['x']), op('y', 'Maximum', ['mn', 'zero'])],
    consts: { zero },
    expected: 'unchanged',
    rewrites: { relu6: 0 },
  },
  {
    what: 'a Maximum with one operand after Minimum(6) is left alone',
    nodes: [op('mn', 'Minimum', ['x', 'six']), op('y', 'Maximum', ['mn'])],
    consts: { six },
    expected: 'unchanged',
    rewrites: { relu6: 0 },
  },
  {
    what: 'a clip of an input naming no node becomes Relu6 of that name, and the dead-node walk passes over it',
    nodes: [op('mn', 'Minimum', ['ghost', 'six']), op('y', 'Maximum', ['mn', 'zero'])],
    consts: { six, zero },
    expected: [{ name: 'y', op: 'Relu6', input: ['ghost'], attr: T }],
    names: ['x', 'y'],
    rewrites: { relu6: 1, 'dead-nodes': 2 },
  },
  {
    what: 'Maximum(x, Mul(x, 0.25)) becomes LeakyRelu(x) with T and alpha',
    nodes: [op('m', 'Mul', ['x', 'a']), op('y', 'Maximum', ['x', 'm'])],
    consts: { a: scalar(0.25) },
    expected: [{ name: 'y', op: 'LeakyRelu', input: ['x'], attr: { ...T, alpha: { f: 0.25 } } }],
    names: ['x', 'y'],
    rewrites: { 'leaky-relu': 1 },
  },
  {
    what: 'Maximum(Mul(0.5, x), x) becomes LeakyRelu(x, alpha = 0.5)',
    nodes: [op('m', 'Mul', ['a', 'x']), op('y', 'Maximum', ['m', 'x'])],
    consts: { a: scalar(0.5) },
    expected: [{ name: 'y', op: 'LeakyRelu', input: ['x'], attr: { ...T, alpha: { f: 0.5 } } }],
    rewrites: { 'leaky-relu': 1 },
  },
  ...[0, -0.5, 1].map((alpha): Case => ({
    what: `Maximum(x, Mul(x, ${alpha})) is not a LeakyRelu (0 < α < 1 only)`,
    nodes: [op('m', 'Mul', ['x', 'a']), op('y', 'Maximum', ['x', 'm'])],
    consts: { a: scalar(alpha) },
    patterns: ['leaky-relu'],
    expected: 'unchanged',
    rewrites: { 'leaky-relu': 0 },
  })),
  {
    what: 'Maximum(x, Add(x, 0.25)) is not a LeakyRelu',
    nodes: [op('m', 'Add', ['x', 'a']), op('y', 'Maximum', ['x', 'm'])],
    consts: { a: scalar(0.25) },
    expected: 'unchanged',
    rewrites: { 'leaky-relu': 0 },
  },
  {
    what: 'Minimum(x, Mul(x, 0.25)) is not a LeakyRelu',
    nodes: [op('m', 'Mul', ['x', 'a']), op('y', 'Minimum', ['x', 'm'])],
    consts: { a: scalar(0.25) },
    expected: 'unchanged',
    rewrites: { 'leaky-relu': 0 },
  },
  {
    what: 'a Mul the model also returns is not folded into a LeakyRelu',
    nodes: [op('m', 'Mul', ['x', 'a']), op('y', 'Maximum', ['x', 'm'])],
    consts: { a: scalar(0.25) },
    outputs: ['y', 'm'],
    expected: 'unchanged',
    rewrites: { 'leaky-relu': 0 },
  },
  {
    what: 'Maximum(Neg(x), Mul(x, 0.25)) compares another tensor: not a LeakyRelu',
    nodes: [op('n', 'Neg', ['x']), op('m', 'Mul', ['x', 'a']), op('y', 'Maximum', ['n', 'm'])],
    consts: { a: scalar(0.25) },
    expected: 'unchanged',
    rewrites: { 'leaky-relu': 0 },
  },
  {
    what: 'a Placeholder nothing reads is no dead node',
    nodes: [{ name: 'x2', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' } } }, op('y', 'Neg', ['x'])],
    consts: {},
    expected: 'unchanged',
    rewrites: { 'dead-nodes': 0 },
  },
  {
    what: 'a node nothing returned depends on goes, with the constant only it read; both Placeholders stay',
    nodes: [{ name: 'x2', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' } } }, op('d', 'Sub', ['x2', 'c']), op('y', 'Neg', ['x'])],
    consts: { c: scalar(2) },
    expected: [{ name: 'y', op: 'Neg', input: ['x'], attr: T }],
    names: ['x', 'x2', 'y'],
    rewrites: { 'dead-nodes': 2 },
  },
];

const i32 = (shape: number[], values: number[]): ConstSpec => ({ shape, values, dtype: 'int32' });

/** TensorFlow's dilated convolution: SpaceToBatchND → VALID DepthwiseConv2dNative → BatchToSpaceND (rate 2). */
const DILATED: Case = {
  what: "the space-to-batch pass runs and is counted: TensorFlow's dilated convolution becomes one with dilations",
  nodes: [
    op('s2b', 'SpaceToBatchND', ['x', 'block', 'pads'], { Tblock_shape: { type: 'DT_INT32' }, Tpaddings: { type: 'DT_INT32' } }),
    op('c', 'DepthwiseConv2dNative', ['s2b', 'k'], convAttrs('VALID')),
    op('y', 'BatchToSpaceND', ['c', 'block2', 'crops'], { Tblock_shape: { type: 'DT_INT32' }, Tcrops: { type: 'DT_INT32' } }),
  ],
  consts: {
    block: i32([2], [2, 2]),
    block2: i32([2], [2, 2]),
    pads: i32([2, 2], [2, 2, 2, 2]),
    crops: i32([2, 2], [2, 2, 2, 2]),
    k: { shape: [3, 3, 2, 1], values: Array.from({ length: 18 }, (_, i) => ((i * 7) % 5) - 2) },
  },
  expected: [
    { name: 'y', op: 'DepthwiseConv2dNative', input: ['x', 'k'], attr: { ...T, ...convAttrs('VALID'), dilations: { list: { i: ['1', '2', '2', '1'] } } } },
  ],
  names: ['x', 'k', 'y'],
  rewrites: { 'space-to-batch': 1, 'dead-nodes': 0 },
};

const INPUT_SHAPE = [1, 8, 8, 2];

const artifactsOf = (c: Case): tf.io.ModelArtifacts => graphArtifacts(INPUT_SHAPE, c.nodes, c.consts, c.outputs ?? ['y']);

const nodesOf = (a: tf.io.ModelArtifacts): GraphNode[] => (a.modelTopology as { node: GraphNode[] }).node;

/** What stock TF.js (cpu) computes for `y`, on an input spread over [-8, 8] so both clip limits are crossed. */
async function run(artifacts: tf.io.ModelArtifacts): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  const x = tf.tensor4d(seededInput(8 * 8 * 2, 5, -8, 8), [1, 8, 8, 2]);
  const y = model.execute(x, 'y:0') as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  return out;
}

describe('optimizeGraph: activation chains, space-to-batch, dead nodes', () => {
  it.each([...CASES, DILATED])('$what', (c) => {
    const artifacts = artifactsOf(c);
    const result = optimizeGraph(artifacts, c.patterns ? { patterns: c.patterns } : {});
    for (const [p, n] of Object.entries(c.rewrites)) expect(result.rewrites[p as OptimizePattern], p).toBe(n);
    if (c.expected === 'unchanged') {
      expect(result.artifacts).toBe(artifacts);
      return;
    }
    const nodes = nodesOf(result.artifacts);
    const rest = nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder').map((n) => ({ name: n.name, op: n.op, input: n.input, attr: n.attr }));
    expect(rest).toEqual(c.expected);
    if (c.names) {
      expect(nodes.map((n) => n.name)).toEqual(c.names);
      // Every constant node left has its weight, and no weight is left without its node.
      const consts = nodes.filter((n) => n.op === 'Const').map((n) => n.name);
      expect(decodeWeights(result.artifacts).map((w) => w.name)).toEqual(consts);
    }
  });

  it.each([CASES[0], CASES[1], CASES[9], CASES[10], DILATED])('stock TF.js computes the same after: $what', async (c) => {
    if (!c) throw new Error('no such case');
    const artifacts = artifactsOf(c);
    const after = optimizeGraph(artifacts).artifacts;
    expect(after).not.toBe(artifacts);
    const [want, got] = [await run(artifacts), await run(after)];
    expect([got.length, want.length]).toEqual(c === DILATED ? [4 * 4 * 2, 4 * 4 * 2] : [8 * 8 * 2, 8 * 8 * 2]);
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-5);
  });
});
