import { describe, expect, it } from 'vitest';
import { fuseBias, linearOutput, type LinearOutput } from '../../../src/compress/optimize-fuse.js';
import { decodeAttrString, encodeAttrString, type AttrValue, type GraphDef, type GraphNode } from '../../../src/compress/graph-def.js';
import { graphStateOf, type GraphState } from '../../../src/compress/graph-state.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { convAttrs, graphArtifacts, op, type ConstSpec, type PassCase as Case } from '../../helpers/graph-artifacts.js';

function stateOf(nodes: readonly GraphNode[], consts: Readonly<Record<string, ConstSpec>>, outputs: readonly string[] = ['y']): GraphState {
  const a = graphArtifacts([1, 4, 4, 2], nodes, consts, outputs);
  return graphStateOf(a.modelTopology as GraphDef, a.signature, decodeWeights(a));
}

const k4 = (shape: readonly number[]): ConstSpec => ({ shape, values: Array.from({ length: shape.reduce((n, d) => n * d, 1) }, (_, i) => i) });
const nchw: Record<string, AttrValue> = { ...convAttrs(), data_format: { s: encodeAttrString('NCHW') } };
const { data_format: _, ...noFormat } = convAttrs();

describe('linearOutput', () => {
  const CASES: readonly { what: string; node: GraphNode; consts?: Readonly<Record<string, ConstSpec>>; expected: LinearOutput | undefined }[] = [
    {
      what: 'Conv2D: the kernel’s last axis, rank 4',
      node: op('c', 'Conv2D', ['x', 'k'], convAttrs()),
      consts: { k: k4([3, 3, 2, 5]) },
      expected: { channels: 5, rank: 4 },
    },
    { what: 'Conv2D without data_format', node: op('c', 'Conv2D', ['x', 'k'], noFormat), consts: { k: k4([1, 1, 2, 3]) }, expected: { channels: 3, rank: 4 } },
    {
      what: 'DepthwiseConv2dNative: in channels × multiplier',
      node: op('c', 'DepthwiseConv2dNative', ['x', 'k'], convAttrs()),
      consts: { k: k4([3, 3, 2, 3]) },
      expected: { channels: 6, rank: 4 },
    },
    {
      what: 'MatMul: the kernel’s columns, rank 2',
      node: op('c', 'MatMul', ['x', 'w'], { transpose_b: { b: false } }),
      consts: { w: k4([2, 7]) },
      expected: { channels: 7, rank: 2 },
    },
    { what: 'MatMul without transpose attributes', node: op('c', 'MatMul', ['x', 'w']), consts: { w: k4([2, 7]) }, expected: { channels: 7, rank: 2 } },
    {
      what: 'a Conv2D carrying transpose_b: the attribute is ignored',
      node: op('c', 'Conv2D', ['x', 'k'], { ...convAttrs(), transpose_b: { b: true } }),
      consts: { k: k4([1, 1, 2, 3]) },
      expected: { channels: 3, rank: 4 },
    },
    {
      what: 'a MatMul with a transposed kernel: none',
      node: op('c', 'MatMul', ['x', 'w'], { transpose_b: { b: true } }),
      consts: { w: k4([2, 7]) },
      expected: undefined,
    },
    { what: 'an NCHW Conv2D: none', node: op('c', 'Conv2D', ['x', 'k'], nchw), consts: { k: k4([1, 1, 2, 3]) }, expected: undefined },
    { what: 'a Conv2D with a rank-2 kernel: none', node: op('c', 'Conv2D', ['x', 'k'], convAttrs()), consts: { k: k4([2, 3]) }, expected: undefined },
    {
      what: 'a depthwise with a rank-2 kernel: none',
      node: op('c', 'DepthwiseConv2dNative', ['x', 'k'], convAttrs()),
      consts: { k: k4([2, 3]) },
      expected: undefined,
    },
    { what: 'a MatMul with a rank-4 kernel: none', node: op('c', 'MatMul', ['x', 'w']), consts: { w: k4([1, 1, 2, 3]) }, expected: undefined },
    { what: 'a kernel that is not a constant: none', node: op('c', 'Conv2D', ['x', 'x'], convAttrs()), expected: undefined },
    {
      what: 'a Conv2D with three data inputs (malformed): none',
      node: op('c', 'Conv2D', ['x', 'k', 'k'], convAttrs()),
      consts: { k: k4([1, 1, 2, 3]) },
      expected: undefined,
    },
    {
      what: 'a Conv2D with a control input: none',
      node: op('c', 'Conv2D', ['x', 'k', '^x'], convAttrs()),
      consts: { k: k4([1, 1, 2, 3]) },
      expected: undefined,
    },
    {
      what: 'a Conv2D whose data input is a control edge (malformed): none',
      node: op('c', 'Conv2D', ['^x', 'k'], convAttrs()),
      consts: { k: k4([1, 1, 2, 3]) },
      expected: undefined,
    },
    { what: 'an op that does not fuse: none', node: op('c', 'Conv3D', ['x', 'k'], convAttrs()), consts: { k: k4([1, 1, 1, 2, 3]) }, expected: undefined },
    { what: 'an already fused op: none', node: op('c', '_FusedConv2D', ['x', 'k'], convAttrs()), consts: { k: k4([1, 1, 2, 3]) }, expected: undefined },
  ];
  it.each(CASES)('$what', ({ node, consts, expected }) => {
    const state = stateOf([node], consts ?? {}, ['c']);
    const found = state.byName.get('c');
    expect(found && linearOutput(state, found)).toEqual(expected);
  });

  it('a convolution inside a cond branch: none', () => {
    const state = stateOf([op('s', 'Switch', ['x', 'x']), op('c', 'Conv2D', ['s:1', 'k'], convAttrs()), op('y', 'Merge', ['s', 'c'])], { k: k4([1, 1, 2, 3]) });
    const found = state.byName.get('c');
    expect(found && linearOutput(state, found)).toBeUndefined();
  });
});

/** `name=Op(inputs)` then, on a fused node, `[fused ops] num_args epsilon alpha` as far as it has them. */
function lines(state: GraphState): string[] {
  return state.nodes
    .filter((n) => n.op !== 'Const' && n.op !== 'Placeholder')
    .map((n) => {
      const parts = [`${n.name}=${n.op}(${n.input.join(',')})`];
      const fused = n.attr['fused_ops']?.list?.s;
      if (fused) parts.push(`[${fused.map((s) => decodeAttrString(s)).join(',')}]`, `num_args=${String(n.attr['num_args']?.i)}`);
      if (n.attr['epsilon']) parts.push(`epsilon=${String(n.attr['epsilon'].f)}`);
      if (n.attr['leakyrelu_alpha']) parts.push(`alpha=${String(n.attr['leakyrelu_alpha'].f)}`);
      return parts.join(' ');
    });
}

const kernel = k4([1, 1, 2, 3]);
const bias: ConstSpec = { shape: [3], values: [1, 2, 3] };
const CONSTS = { k: kernel, b: bias, al: { shape: [3], values: [0.1, 0.2, 0.3] } };

/** conv(x, k) → bias op(c, b) → activation `act` read by `out`. */
const withActivation = (act: string, attr: Record<string, AttrValue> = {}, extra: readonly string[] = []): GraphNode[] => [
  op('c', 'Conv2D', ['x', 'k'], convAttrs()),
  op('a', 'BiasAdd', ['c', 'b']),
  op('y', act, ['a', ...extra], attr),
];

const FUSE: readonly Case[] = [
  ...['BiasAdd', 'Add', 'AddV2'].map((add): Case => ({
    what: `Conv2D → ${add} of a [C] constant → _FusedConv2D [BiasAdd]`,
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', add, ['c', 'b'])],
    count: 1,
    after: ['y=_FusedConv2D(x,k,b) [BiasAdd] num_args=1 epsilon=0'],
  })),
  {
    what: 'the bias first in an Add works the same',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'AddV2', ['b', 'c'])],
    count: 1,
    after: ['y=_FusedConv2D(x,k,b) [BiasAdd] num_args=1 epsilon=0'],
  },
  ...['Relu', 'Relu6', 'Elu', 'Sigmoid'].map((act): Case => ({
    what: `… with ${act} after it: fused too`,
    nodes: withActivation(act),
    count: 1,
    after: [`y=_FusedConv2D(x,k,b) [BiasAdd,${act}] num_args=1 epsilon=0`],
  })),
  {
    what: '… with LeakyRelu: its alpha goes along',
    nodes: withActivation('LeakyRelu', { alpha: { f: 0.1 } }),
    count: 1,
    after: ['y=_FusedConv2D(x,k,b) [BiasAdd,LeakyRelu] num_args=1 epsilon=0 alpha=0.1'],
  },
  {
    what: '… with LeakyRelu without alpha: TF’s default 0.2',
    nodes: withActivation('LeakyRelu'),
    count: 1,
    after: ['y=_FusedConv2D(x,k,b) [BiasAdd,LeakyRelu] num_args=1 epsilon=0 alpha=0.2'],
  },
  {
    what: '… with Prelu: its alpha becomes a second argument',
    nodes: withActivation('Prelu', {}, ['al']),
    count: 1,
    after: ['y=_FusedConv2D(x,k,b,al) [BiasAdd,Prelu] num_args=2 epsilon=0'],
  },
  {
    what: '… with a one-input Prelu (malformed): conv and bias fuse, the Prelu stays',
    nodes: withActivation('Prelu'),
    count: 1,
    after: ['a=_FusedConv2D(x,k,b) [BiasAdd] num_args=1 epsilon=0', 'y=Prelu(a)'],
  },
  {
    what: '… with Tanh: conv and bias fuse, the Tanh stays',
    nodes: withActivation('Tanh'),
    count: 1,
    after: ['a=_FusedConv2D(x,k,b) [BiasAdd] num_args=1 epsilon=0', 'y=Tanh(a)'],
  },
  {
    what: '… with a Relu that has a control input: the Relu stays',
    nodes: [...withActivation('Relu', {}, ['^x'])],
    count: 1,
    after: ['a=_FusedConv2D(x,k,b) [BiasAdd] num_args=1 epsilon=0', 'y=Relu(a,^x)'],
  },
  {
    what: '… whose bias add the model returns: the activation stays',
    nodes: withActivation('Relu'),
    outputs: ['y', 'a'],
    count: 1,
    after: ['a=_FusedConv2D(x,k,b) [BiasAdd] num_args=1 epsilon=0', 'y=Relu(a)'],
  },
  {
    what: 'DepthwiseConv2dNative → FusedDepthwiseConv2dNative, without epsilon',
    nodes: [op('c', 'DepthwiseConv2dNative', ['x', 'kd'], convAttrs()), op('a', 'BiasAdd', ['c', 'b4']), op('y', 'Relu6', ['a'])],
    consts: { kd: k4([1, 1, 2, 2]), b4: { shape: [4], values: [1, 2, 3, 4] } },
    count: 1,
    after: ['y=FusedDepthwiseConv2dNative(x,kd,b4) [BiasAdd,Relu6] num_args=1'],
  },
  {
    what: 'MatMul → _FusedMatMul',
    nodes: [op('c', 'MatMul', ['x', 'w']), op('y', 'Add', ['c', 'b'])],
    consts: { w: k4([2, 3]), b: bias },
    count: 1,
    after: ['y=_FusedMatMul(x,w,b) [BiasAdd] num_args=1 epsilon=0'],
  },
  {
    what: 'a Sub is not a bias add',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'Sub', ['c', 'b'])],
    count: 0,
    after: ['c=Conv2D(x,k)', 'y=Sub(c,b)'],
  },
  {
    what: 'a bias add with a control input is not fused',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'BiasAdd', ['c', 'b', '^x'])],
    count: 0,
    after: ['c=Conv2D(x,k)', 'y=BiasAdd(c,b,^x)'],
  },
  {
    what: 'an NCHW BiasAdd is not fused',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'BiasAdd', ['c', 'b'], { data_format: { s: encodeAttrString('NCHW') } })],
    count: 0,
    after: ['c=Conv2D(x,k)', 'y=BiasAdd(c,b)'],
  },
  {
    what: 'an NHWC BiasAdd is',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'BiasAdd', ['c', 'b'], { data_format: { s: encodeAttrString('NHWC') } })],
    count: 1,
    after: ['y=_FusedConv2D(x,k,b) [BiasAdd] num_args=1 epsilon=0'],
  },
  {
    what: 'an Add carrying a data_format attribute is judged as an Add',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'AddV2', ['c', 'b'], { data_format: { s: encodeAttrString('NCHW') } })],
    count: 1,
    after: ['y=_FusedConv2D(x,k,b) [BiasAdd] num_args=1 epsilon=0'],
  },
  {
    what: 'a [1, C] bias is not fused',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'BiasAdd', ['c', 'b2'])],
    consts: { k: kernel, b2: { shape: [1, 3], values: [1, 2, 3] } },
    count: 0,
    after: ['c=Conv2D(x,k)', 'y=BiasAdd(c,b2)'],
  },
  {
    what: 'a bias of another length is not fused',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'BiasAdd', ['c', 'b2'])],
    consts: { k: kernel, b2: { shape: [2], values: [1, 2] } },
    count: 0,
    after: ['c=Conv2D(x,k)', 'y=BiasAdd(c,b2)'],
  },
  {
    what: 'a bias that is not a constant is not fused',
    nodes: [op('n', 'Neg', ['b']), op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'AddV2', ['c', 'n'])],
    count: 0,
    after: ['n=Neg(b)', 'c=Conv2D(x,k)', 'y=AddV2(c,n)'],
  },
  {
    what: 'a convolution the model returns is not fused',
    nodes: [op('c', 'Conv2D', ['x', 'k'], convAttrs()), op('y', 'BiasAdd', ['c', 'b'])],
    outputs: ['y', 'c'],
    count: 0,
    after: ['c=Conv2D(x,k)', 'y=BiasAdd(c,b)'],
  },
  {
    what: 'a non-linear op before the bias is not fused',
    nodes: [op('c', 'Neg', ['x']), op('y', 'BiasAdd', ['c', 'b'])],
    count: 0,
    after: ['c=Neg(x)', 'y=BiasAdd(c,b)'],
  },
  {
    what: 'two chains both fuse',
    nodes: [
      op('c', 'Conv2D', ['x', 'k'], convAttrs()),
      op('a', 'BiasAdd', ['c', 'b']),
      op('d', 'Conv2D', ['a', 'k2'], convAttrs()),
      op('y', 'BiasAdd', ['d', 'b']),
    ],
    consts: { ...CONSTS, k2: k4([1, 1, 3, 3]) },
    count: 2,
    after: ['a=_FusedConv2D(x,k,b) [BiasAdd] num_args=1 epsilon=0', 'y=_FusedConv2D(a,k2,b) [BiasAdd] num_args=1 epsilon=0'],
  },
];

describe('fuseBias', () => {
  it.each(FUSE)('$what', (c) => {
    const state = stateOf(c.nodes, c.consts ?? CONSTS, c.outputs);
    expect(fuseBias(state)).toBe(c.count);
    expect(lines(state)).toEqual(c.after);
  });

  it('writes the fused node with the convolution’s attributes and the converter’s fused attributes', () => {
    const state = stateOf(withActivation('LeakyRelu', { alpha: { f: 0.25 } }), CONSTS);
    expect(fuseBias(state)).toBe(1);
    expect(state.byName.get('y')?.attr).toEqual({
      ...op('c', 'Conv2D', [], convAttrs()).attr,
      fused_ops: { list: { s: [encodeAttrString('BiasAdd'), encodeAttrString('LeakyRelu')] } },
      num_args: { i: '1' },
      epsilon: { f: 0 },
      leakyrelu_alpha: { f: 0.25 },
    });
    expect([state.byName.has('c'), state.byName.has('a')]).toEqual([false, false]);
    expect(state.consumers.get('x')).toEqual(['y']);
  });
});
