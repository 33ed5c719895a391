import { describe, expect, it } from 'vitest';
import { optimizeGraph, type OptimizePattern } from '../../../src/compress/optimize-graph.js';
import { decodeAttrString, type GraphNode } from '../../../src/compress/graph-def.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { convAttrs, graphArtifacts, op, type ConstSpec } from '../../helpers/graph-artifacts.js';

const six: ConstSpec = { shape: [], values: [6] };
const zero: ConstSpec = { shape: [], values: [0] };
const kernel: ConstSpec = { shape: [1, 1, 2, 3], values: [1, 2, 3, 4, 5, 6] };
const vec3 = (a: number, b: number, c: number): ConstSpec => ({ shape: [3], values: [a, b, c] });

interface Case {
  readonly what: string;
  readonly nodes: readonly GraphNode[];
  readonly consts: Readonly<Record<string, ConstSpec>>;
  readonly outputs?: readonly string[];
  /** Ops of the non-Const, non-Placeholder nodes after optimizing, in order. */
  readonly ops: readonly string[];
  readonly rewrites: Partial<Record<OptimizePattern, number>>;
}

const CASES: readonly Case[] = [
  {
    what: 'Relu → Minimum(6) → Maximum(0) becomes one Relu6',
    nodes: [op('r', 'Relu', ['x']), op('mn', 'Minimum', ['r', 'six']), op('y', 'Maximum', ['mn', 'zero'])],
    consts: { six, zero },
    ops: ['Relu6'],
    rewrites: { relu6: 1 },
  },
  {
    what: 'Maximum(0) → Minimum(6) with the constants first becomes Relu6',
    nodes: [op('mx', 'Maximum', ['zero', 'x']), op('y', 'Minimum', ['six', 'mx'])],
    consts: { six, zero },
    ops: ['Relu6'],
    rewrites: { relu6: 1 },
  },
  {
    what: 'a clip to (0, 5) is not Relu6',
    nodes: [op('mn', 'Minimum', ['x', 'five']), op('y', 'Maximum', ['mn', 'zero'])],
    consts: { five: { shape: [], values: [5] }, zero },
    ops: ['Minimum', 'Maximum'],
    rewrites: { relu6: 0 },
  },
  {
    what: 'a Relu the model returns stays; only the clip becomes Relu6',
    nodes: [op('r', 'Relu', ['x']), op('mn', 'Minimum', ['r', 'six']), op('y', 'Maximum', ['mn', 'zero'])],
    consts: { six, zero },
    outputs: ['y', 'r'],
    ops: ['Relu', 'Relu6'],
    rewrites: { relu6: 1 },
  },
  {
    what: 'a Minimum read by a second node is not folded into the chain',
    nodes: [op('mn', 'Minimum', ['x', 'six']), op('y', 'Maximum', ['mn', 'zero']), op('z', 'Neg', ['mn'])],
    consts: { six, zero },
    outputs: ['y', 'z'],
    ops: ['Minimum', 'Maximum', 'Neg'],
    rewrites: { relu6: 0 },
  },
  {
    what: 'nothing inside a while loop frame is rewritten',
    nodes: [op('e', 'Enter', ['x']), op('mn', 'Minimum', ['e', 'six']), op('mx', 'Maximum', ['mn', 'zero']), op('y', 'Exit', ['mx'])],
    consts: { six, zero },
    ops: ['Enter', 'Minimum', 'Maximum', 'Exit'],
    rewrites: { relu6: 0 },
  },
  {
    what: "nothing in a while loop's condition (between its Merge and LoopCond) is rewritten",
    nodes: [
      op('e', 'Enter', ['x']),
      op('m', 'Merge', ['e', 'ni']),
      op('ci', 'Identity', ['m']),
      op('lt', 'Less', ['ci', 'lim']),
      op('lc', 'LoopCond', ['lt']),
      op('s', 'Switch', ['m', 'lc']),
      op('b', 'Identity', ['s:1']),
      op('a', 'AddV2', ['b', 'one']),
      op('ni', 'NextIteration', ['a']),
      op('y', 'Exit', ['s']),
    ],
    consts: { lim: { shape: [], values: [3] }, one: { shape: [], values: [1] } },
    ops: ['Enter', 'Merge', 'Identity', 'Less', 'LoopCond', 'Switch', 'Identity', 'AddV2', 'NextIteration', 'Exit'],
    rewrites: { identity: 0 },
  },
  {
    what: 'inside a while loop frame no Pad is merged, no BatchNorm folded, no StopGradient removed; outside it constants fold',
    nodes: [
      op('e', 'Enter', ['x']),
      op('p', 'Pad', ['e', 'pads']),
      op('c', 'Conv2D', ['p', 'k'], convAttrs('VALID')),
      op('bn', 'FusedBatchNorm', ['c', 'g', 'be', 'mu', 'var']),
      op('s', 'StopGradient', ['bn']),
      op('two', 'Add', ['one', 'one']),
      op('ce', 'Enter', ['two']),
      op('m', 'Mul', ['s', 'ce']),
      op('y', 'Exit', ['m']),
    ],
    consts: {
      pads: { shape: [4, 2], values: [0, 0, 1, 1, 1, 1, 0, 0], dtype: 'int32' },
      k: kernel,
      g: vec3(1, 2, 0.5),
      be: vec3(0, 1, -1),
      mu: vec3(0.5, 0, 1),
      var: vec3(1, 4, 0.25),
      one: { shape: [], values: [1] },
    },
    ops: ['Enter', 'Pad', 'Conv2D', 'FusedBatchNorm', 'StopGradient', 'Enter', 'Mul', 'Exit'],
    rewrites: { pad: 0, batchnorm: 0, identity: 0, 'fold-constants': 1 },
  },
  {
    what: 'Maximum(x, Mul(x, 0.2)) becomes LeakyRelu',
    nodes: [op('m', 'Mul', ['x', 'a']), op('y', 'Maximum', ['x', 'm'])],
    consts: { a: { shape: [], values: [0.2] } },
    ops: ['LeakyRelu'],
    rewrites: { 'leaky-relu': 1 },
  },
  {
    what: 'Maximum(x, Mul(x, 1.5)) is not a LeakyRelu',
    nodes: [op('m', 'Mul', ['x', 'a']), op('y', 'Maximum', ['x', 'm'])],
    consts: { a: { shape: [], values: [1.5] } },
    ops: ['Mul', 'Maximum'],
    rewrites: { 'leaky-relu': 0 },
  },
  {
    what: 'Conv2D → Mul(s) → Add(b) → Relu6 becomes one _FusedConv2D',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('m', 'Mul', ['c', 's']), op('a', 'Add', ['m', 'b']), op('y', 'Relu6', ['a'])],
    consts: { k: kernel, s: vec3(2, 3, 4), b: vec3(0.5, -1, 2) },
    ops: ['_FusedConv2D'],
    rewrites: { 'fold-scale': 1, fuse: 1 },
  },
  {
    what: 'a kernel another node also reads is not scaled',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('m', 'Mul', ['c', 's']), op('c2', 'Conv2D', ['x', 'k'], convAttrs())],
    consts: { k: kernel, s: vec3(2, 3, 4) },
    outputs: ['m', 'c2'],
    ops: ['Conv2D', 'Mul', 'Conv2D'],
    rewrites: { 'fold-scale': 0 },
  },
  {
    what: 'a bias of the wrong length is not fused',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'BiasAdd', ['c', 'b'])],
    consts: { k: kernel, b: { shape: [2], values: [1, 2] } },
    ops: ['Conv2D', 'BiasAdd'],
    rewrites: { fuse: 0 },
  },
  {
    what: 'an Identity between ops goes; readers read its input',
    nodes: [op('i', 'Identity', ['x']), op('y', 'Neg', ['i'])],
    consts: {},
    ops: ['Neg'],
    rewrites: { identity: 1 },
  },
  {
    what: 'an Identity the model returns stays',
    nodes: [op('n', 'Neg', ['x']), op('y', 'Identity', ['n'])],
    consts: {},
    ops: ['Neg', 'Identity'],
    rewrites: { identity: 0 },
  },
  {
    what: 'StopGradient, x · 1 and x + 0 (scalar constants) go; readers read their input',
    nodes: [op('s', 'StopGradient', ['x']), op('m', 'Mul', ['s', 'one']), op('a', 'AddV2', ['zero', 'm']), op('y', 'Neg', ['a'])],
    consts: { one: { shape: [], values: [1] }, zero },
    ops: ['Neg'],
    rewrites: { identity: 3 },
  },
  {
    what: 'x · 1 with a [1, 1] constant stays (it would broadcast a lower-rank x)',
    nodes: [op('m', 'Mul', ['x', 'one']), op('y', 'Neg', ['m'])],
    consts: { one: { shape: [1, 1], values: [1] } },
    ops: ['Mul', 'Neg'],
    rewrites: { identity: 0 },
  },
  {
    what: 'a subexpression of constants becomes one constant',
    nodes: [op('c1', 'Mul', ['v', 'two']), op('c2', 'Sqrt', ['c1']), op('y', 'Sub', ['x', 'c2'])],
    consts: { v: vec3(2, 8, 18), two: { shape: [], values: [2] } },
    ops: ['Sub'],
    rewrites: { 'fold-constants': 2 },
  },
  {
    what: 'a broadcast of constants that would grow the model is not folded',
    nodes: [op('c1', 'Add', ['col', 'row']), op('y', 'Sub', ['x', 'c1'])],
    consts: { col: { shape: [3, 1], values: [1, 2, 3] }, row: { shape: [1, 3], values: [1, 2, 3] } },
    ops: ['Add', 'Sub'],
    rewrites: { 'fold-constants': 0 },
  },
  {
    what: 'a zero spatial Pad before a VALID convolution becomes its explicit padding',
    nodes: [op('p', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: { shape: [4, 2], values: [0, 0, 1, 1, 0, 1, 0, 0], dtype: 'int32' }, k: kernel },
    ops: ['Conv2D'],
    rewrites: { pad: 1 },
  },
  {
    what: 'a Pad before a SAME convolution, or one padding the channels, stays',
    nodes: [
      op('p', 'Pad', ['x', 'pads']),
      op('y', 'Conv2D', ['p', 'k'], convAttrs('SAME')),
      op('q', 'Pad', ['x', 'cpads']),
      op('z', 'Conv2D', ['q', 'k4'], convAttrs('VALID')),
    ],
    consts: {
      pads: { shape: [4, 2], values: [0, 0, 1, 1, 1, 1, 0, 0], dtype: 'int32' },
      cpads: { shape: [4, 2], values: [0, 0, 0, 0, 0, 0, 1, 1], dtype: 'int32' },
      k: kernel,
      k4: { shape: [1, 1, 4, 3], values: Array.from({ length: 12 }, (_, i) => i) },
    },
    outputs: ['y', 'z'],
    ops: ['Pad', 'Conv2D', 'Pad', 'Conv2D'],
    rewrites: { pad: 0 },
  },
  {
    what: 'Conv2D → BiasAdd → FusedBatchNormV3 → Relu becomes one _FusedConv2D',
    nodes: [
      op('c', 'Conv2D', ['x', 'k'], convAttrs()),
      op('b', 'BiasAdd', ['c', 'cb']),
      op('bn', 'FusedBatchNormV3', ['b', 'g', 'be', 'mu', 'var'], { epsilon: { f: 0.001 } }),
      op('y', 'Relu', ['bn']),
    ],
    consts: { k: kernel, cb: vec3(1, 2, 3), g: vec3(1, 2, 0.5), be: vec3(0, 1, -1), mu: vec3(0.5, 0, 1), var: vec3(1, 4, 0.25) },
    ops: ['_FusedConv2D'],
    rewrites: { batchnorm: 1, 'fold-bias': 0, fuse: 1 },
  },
  {
    what: 'a FusedBatchNorm whose batch statistics are read stays',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'FusedBatchNorm', ['c', 'g', 'be', 'mu', 'var']), op('z', 'Neg', ['y:1'])],
    consts: { k: kernel, g: vec3(1, 2, 0.5), be: vec3(0, 1, -1), mu: vec3(0.5, 0, 1), var: vec3(1, 4, 0.25) },
    outputs: ['y', 'z'],
    ops: ['Conv2D', 'FusedBatchNorm', 'Neg'],
    rewrites: { batchnorm: 0 },
  },
  {
    what: 'Sub, Add of a [1, 1, 1, C] constant and Mul after a convolution merge into one rank-1 bias',
    nodes: [
      op('c', 'Conv2D', ['x', 'k'], convAttrs()),
      op('s', 'Sub', ['c', 't']),
      op('a', 'AddV2', ['s', 'u']),
      op('m', 'Mul', ['a', 'v']),
      op('y', 'Relu6', ['m']),
    ],
    consts: { k: kernel, t: vec3(1, 2, 3), u: { shape: [1, 1, 1, 3], values: [0.5, 0.5, 0.5] }, v: vec3(2, 3, 4) },
    ops: ['_FusedConv2D'],
    rewrites: { 'fold-scale': 1, 'fold-bias': 2, fuse: 1 },
  },
  {
    what: 'a MatMul is not given a rank-4 constant that would broadcast its output',
    nodes: [op('mm', 'MatMul', ['x', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } }), op('y', 'Mul', ['mm', 'v'])],
    consts: { w: { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }, v: { shape: [1, 1, 1, 3], values: [2, 3, 4] } },
    ops: ['MatMul', 'Mul'],
    rewrites: { 'fold-scale': 0 },
  },
];

const opsOf = (nodes: readonly GraphNode[]): string[] => nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder').map((n) => n.op);

describe('optimizeGraph', () => {
  it.each(CASES)('$what', (c) => {
    const artifacts = graphArtifacts([1, 4, 4, 2], c.nodes, c.consts, c.outputs ?? ['y']);
    const before = JSON.stringify(artifacts.modelTopology);
    const result = optimizeGraph(artifacts);
    const graph = result.artifacts.modelTopology as { node: GraphNode[] };
    expect(opsOf(graph.node)).toEqual(c.ops);
    for (const [p, n] of Object.entries(c.rewrites)) expect(result.rewrites[p as OptimizePattern], p).toBe(n);
    // Every returned name still exists, and the input artifacts are untouched.
    const names = new Set(graph.node.map((n) => n.name));
    for (const o of c.outputs ?? ['y']) expect(names.has(o)).toBe(true);
    expect(JSON.stringify(artifacts.modelTopology)).toBe(before);
  });

  it('writes the fused node as the converter does and scales the kernel per output channel', () => {
    const artifacts = graphArtifacts(
      [1, 4, 4, 2],
      [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('m', 'Mul', ['c', 's']), op('a', 'AddV2', ['b', 'm']), op('y', 'Relu6', ['a'])],
      { k: kernel, s: vec3(2, 3, 4), b: vec3(0.5, -1, 2), unused: zero },
      ['y'],
    );
    const result = optimizeGraph(artifacts);
    const fused = (result.artifacts.modelTopology as { node: GraphNode[] }).node.find((n) => n.name === 'y');
    expect(fused?.op).toBe('_FusedConv2D');
    expect(fused?.input).toEqual(['x', 'k', 'b']);
    expect(fused?.attr?.['fused_ops']?.list?.s?.map((s) => decodeAttrString(s))).toEqual(['BiasAdd', 'Relu6']);
    expect(fused?.attr?.['num_args']).toEqual({ i: '1' });
    expect(fused?.attr?.['epsilon']).toEqual({ f: 0 });
    expect(decodeAttrString(fused?.attr?.['padding']?.s)).toBe('SAME');
    const weights = new Map(decodeWeights(result.artifacts).map((w) => [w.name, Array.from(w.data as Float32Array)]));
    // kernel [1,1,2,3]: channel = index % 3.
    expect(weights.get('k')).toEqual([2, 6, 12, 8, 15, 24]);
    expect(weights.get('b')).toEqual([0.5, -1, 2]);
    // The scale's weight went with its node, and so did a constant nothing reads.
    expect([...weights.keys()].sort()).toEqual(['b', 'k']);
    expect(result.rewrites['dead-nodes']).toBe(2);
    // Without the dead-nodes pass only constants a rewrite orphaned go.
    const kept = optimizeGraph(artifacts, { patterns: ['fold-scale', 'fuse'] });
    expect(
      decodeWeights(kept.artifacts)
        .map((w) => w.name)
        .sort(),
    ).toEqual(['b', 'k', 'unused']);
  });

  it('fuses depthwise and MatMul into their fused ops, with Prelu as a second argument', () => {
    const dw = graphArtifacts(
      [1, 4, 4, 2],
      [op('d', 'DepthwiseConv2dNative', ['x', 'k'], convAttrs()), op('a', 'BiasAdd', ['d', 'b']), op('y', 'Prelu', ['a', 'al'])],
      { k: { shape: [1, 1, 2, 2], values: [1, 2, 3, 4] }, b: { shape: [4], values: [1, 2, 3, 4] }, al: { shape: [4], values: [0.1, 0.2, 0.3, 0.4] } },
      ['y'],
    );
    const d = (optimizeGraph(dw).artifacts.modelTopology as { node: GraphNode[] }).node.find((n) => n.name === 'y');
    expect(d?.op).toBe('FusedDepthwiseConv2dNative');
    expect(d?.input).toEqual(['x', 'k', 'b', 'al']);
    expect(d?.attr?.['num_args']).toEqual({ i: '2' });
    // As the converter writes it: no `epsilon` on the depthwise op (grappler's fused ops carry one).
    expect(d?.attr?.['epsilon']).toBeUndefined();
    const mm = graphArtifacts(
      [1, 2],
      [op('mm', 'MatMul', ['x', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } }), op('y', 'Add', ['mm', 'b'])],
      {
        w: { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] },
        b: vec3(1, 2, 3),
      },
      ['y'],
    );
    const m = (optimizeGraph(mm).artifacts.modelTopology as { node: GraphNode[] }).node.find((n) => n.name === 'y');
    expect(m?.op).toBe('_FusedMatMul');
    expect(m?.attr?.['fused_ops']?.list?.s?.map((s) => decodeAttrString(s))).toEqual(['BiasAdd']);
  });

  it('folds int32 arithmetic, Reshape (with -1) and Cast into one constant with the values TF.js would compute', () => {
    const int = (values: number[], shape: number[]): ConstSpec => ({ shape, values, dtype: 'int32' });
    const artifacts = graphArtifacts(
      [1, 4, 4, 2],
      [
        op('sum', 'Add', ['a', 'b'], { T: { type: 'DT_INT32' } }),
        op('r', 'Reshape', ['sum', 'shape'], { T: { type: 'DT_INT32' } }),
        op('c', 'Cast', ['r'], { SrcT: { type: 'DT_INT32' }, DstT: { type: 'DT_FLOAT' } }),
        op('y', 'Sub', ['x', 'c']),
      ],
      { a: int([3, -7], [2]), b: int([2], []), shape: int([1, 1, 1, -1], [4]) },
      ['y'],
    );
    const result = optimizeGraph(artifacts);
    expect(result.rewrites['fold-constants']).toBe(3);
    const nodes = (result.artifacts.modelTopology as { node: GraphNode[] }).node;
    expect(nodes.find((n) => n.name === 'y')?.input).toEqual(['x', 'c']);
    expect(nodes.find((n) => n.name === 'c')?.attr?.['dtype']).toEqual({ type: 'DT_FLOAT' });
    const c = decodeWeights(result.artifacts).find((w) => w.name === 'c');
    expect([c?.dtype, c?.shape, Array.from(c?.data as Float32Array)]).toEqual(['float32', [1, 1, 1, 2], [5, -5]]);
    // The inputs of the folded subexpression are gone with their nodes.
    expect(decodeWeights(result.artifacts).map((w) => w.name)).toEqual(['c']);
  });

  it('runs only the patterns asked for', () => {
    const artifacts = graphArtifacts([1, 4, 4, 2], [op('mn', 'Minimum', ['x', 'six']), op('y', 'Maximum', ['mn', 'zero'])], { six, zero }, ['y']);
    expect(opsOf((optimizeGraph(artifacts, { patterns: ['identity'] }).artifacts.modelTopology as { node: GraphNode[] }).node)).toEqual(['Minimum', 'Maximum']);
  });

  it('leaves a layers model as it is, with a warning', () => {
    const artifacts = { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: {} } };
    const result = optimizeGraph(artifacts);
    expect(result.artifacts).toBe(artifacts);
    expect(result.warnings).toEqual(['optimize: applies to TF.js graph models only; left the model as it is']);
  });
});
