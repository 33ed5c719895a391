import { describe, expect, it } from 'vitest';
import { dilateSpaceToBatch, sameValue } from '../../../src/compress/optimize-dilate.js';
import { isGraphDef, type AttrValue, type GraphNode } from '../../../src/compress/graph-def.js';
import { graphStateOf, type GraphState } from '../../../src/compress/graph-state.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { convAttrs, graphArtifacts, op, type ConstSpec } from '../../helpers/graph-artifacts.js';

// dilateSpaceToBatch and sameValue on hand-built graphs, run directly on the optimizer's state:
// SpaceToBatchND(x, block, pads) → VALID conv → BatchToSpaceND(·, block, crops) becomes one dilated conv.

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const i32 = (shape: number[], values: number[]): ConstSpec => ({ shape, values, dtype: 'int32' });
const f32 = (shape: number[], values: number[]): ConstSpec => ({ shape, values });
const kernel = f32([1, 1, 2, 1], [1, 2]);

function stateOf(nodes: readonly GraphNode[], consts: Readonly<Record<string, ConstSpec>>, outputs: readonly string[] = ['y']): GraphState {
  const artifacts = graphArtifacts([1, 8, 8, 2], nodes, consts, outputs);
  const topology = artifacts.modelTopology;
  if (!isGraphDef(topology)) throw new Error('not a GraphDef');
  return graphStateOf(topology, artifacts.signature, decodeWeights(artifacts));
}

const namesOf = (state: GraphState): string[] => state.nodes.map((n) => n.name);

const BLOCKS = { block: i32([2], [2, 2]), block2: i32([2], [2, 2]) };
const CONSTS: Readonly<Record<string, ConstSpec>> = {
  ...BLOCKS,
  pads: i32([2, 2], [2, 2, 2, 2]),
  crops: i32([2, 2], [2, 2, 2, 2]),
  k: kernel,
};

/** The three nodes of TensorFlow's dilated convolution, with overrides. */
function dilated(
  o: { conv?: string; convAttr?: Record<string, AttrValue>; convInput?: string[]; s2b?: Partial<GraphNode>; b2s?: Partial<GraphNode> } = {},
): GraphNode[] {
  return [
    { ...op('s2b', 'SpaceToBatchND', ['x', 'block', 'pads']), ...o.s2b },
    op('c', o.conv ?? 'DepthwiseConv2dNative', o.convInput ?? ['s2b', 'k'], o.convAttr ?? convAttrs('VALID')),
    { ...op('y', 'BatchToSpaceND', ['c', 'block2', 'crops']), ...o.b2s },
  ];
}

describe('dilateSpaceToBatch', () => {
  it.each(['DepthwiseConv2dNative', 'Conv2D'])('turns the %s of a space-to-batch block into one dilated convolution', (conv) => {
    const state = stateOf(dilated({ conv }), CONSTS);
    expect(dilateSpaceToBatch(state)).toBe(1);
    const y = state.byName.get('y');
    expect(y && { op: y.op, input: y.input, attr: y.attr }).toEqual({
      op: conv,
      input: ['x', 'k'],
      attr: { T: { type: 'DT_FLOAT' }, ...convAttrs('VALID'), dilations: { list: { i: ['1', '2', '2', '1'] } } },
    });
    // The block and padding constants nothing reads any more go at once; x and the kernel stay.
    expect(namesOf(state)).toEqual(['x', 'k', 'y']);
    expect([...state.byName.keys()].sort()).toEqual(['k', 'x', 'y']);
    expect(state.consumers.get('x')).toEqual(['y']);
    expect(state.consumers.get('k')).toEqual(['y']);
  });

  it('takes a block of 3 and a convolution without strides or dilations lists', () => {
    const state = stateOf(dilated({ convAttr: { padding: { s: b64('VALID') }, strides: {} } }), {
      ...CONSTS,
      block: i32([2], [3, 3]),
      block2: i32([2], [3, 3]),
    });
    expect(dilateSpaceToBatch(state)).toBe(1);
    expect(state.byName.get('y')?.attr['dilations']).toEqual({ list: { i: ['1', '3', '3', '1'] } });
  });

  it('rewrites paddings and crops computed by the same subgraph from x, and drops that subgraph', () => {
    // TensorFlow's required_space_to_batch_paddings, shortened: both computed from Shape(x) the same way.
    const subgraph = (p: string): GraphNode[] => [
      op(`${p}/shape`, 'Shape', ['x'], { out_type: { type: 'DT_INT32' } }),
      op(`${p}/slice`, 'StridedSlice', [`${p}/shape`, 'begin', 'end', 'strides'], { Index: { type: 'DT_INT32' }, shrink_axis_mask: { i: '0' } }),
      op(`${p}/mod`, 'FloorMod', [`${p}/slice`, 'two'], { T: { type: 'DT_INT32' } }),
      op(`${p}/pack`, 'Pack', [`${p}/mod`, `${p}/mod`], { N: { i: '2' }, axis: { i: '1' } }),
    ];
    const consts = { ...BLOCKS, k: kernel, begin: i32([1], [1]), end: i32([1], [3]), strides: i32([1], [1]), two: i32([], [2]) };
    const nodes = [...subgraph('p'), ...subgraph('q'), ...dilated({ s2b: { input: ['x', 'block', 'p/pack'] }, b2s: { input: ['c', 'block2', 'q/pack'] } })];
    const state = stateOf(nodes, consts);
    expect(dilateSpaceToBatch(state)).toBe(1);
    expect(namesOf(state)).toEqual(['x', 'k', 'y']);
  });

  it('keeps what something else still reads, the model returns, or a Placeholder', () => {
    const nodes = [
      op('x2', 'Placeholder', []),
      op('p', 'Add', ['x2', 'pads']),
      op('q', 'Add', ['x2', 'pads']),
      ...dilated({ s2b: { input: ['x', 'block', 'p'] }, b2s: { input: ['c', 'block2', 'q'] } }),
      op('z', 'Neg', ['block']),
    ];
    const state = stateOf(nodes, CONSTS, ['y', 'z', 'crops']);
    expect(dilateSpaceToBatch(state)).toBe(1);
    // block: read by z; crops: a model output; x2: a Placeholder; pads, block2, p, q: read by nothing.
    expect(namesOf(state)).toEqual(['x', 'block', 'crops', 'k', 'x2', 'y', 'z']);
  });

  interface Refusal {
    readonly what: string;
    readonly nodes: readonly GraphNode[];
    readonly consts?: Readonly<Record<string, ConstSpec>>;
    readonly outputs?: readonly string[];
  }
  const REFUSED: readonly Refusal[] = [
    { what: 'a block of [2, 3]', nodes: dilated(), consts: { ...CONSTS, block: i32([2], [2, 3]) } },
    { what: 'a block of [1, 1]', nodes: dilated(), consts: { ...CONSTS, block: i32([2], [1, 1]), block2: i32([2], [1, 1]) } },
    { what: 'a float32 block', nodes: dilated(), consts: { ...CONSTS, block: f32([2], [2, 2]), block2: f32([2], [2, 2]) } },
    { what: 'a block of shape [1, 2]', nodes: dilated(), consts: { ...CONSTS, block: i32([1, 2], [2, 2]), block2: i32([1, 2], [2, 2]) } },
    { what: 'a block of three values', nodes: dilated(), consts: { ...CONSTS, block: i32([3], [2, 2, 2]), block2: i32([3], [2, 2, 2]) } },
    { what: 'a block the BatchToSpaceND does not share', nodes: dilated(), consts: { ...CONSTS, block2: i32([2], [3, 3]) } },
    { what: 'a block the graph does not have', nodes: dilated({ s2b: { input: ['x', 'ghost', 'pads'] } }) },
    { what: 'a block computed by an op', nodes: [op('b', 'Identity', ['block']), ...dilated({ s2b: { input: ['x', 'b', 'pads'] } })] },
    { what: 'crops other than the paddings', nodes: dilated(), consts: { ...CONSTS, crops: i32([2, 2], [2, 2, 2, 1]) } },
    { what: 'a SAME convolution', nodes: dilated({ convAttr: convAttrs('SAME') }) },
    { what: 'a strided convolution', nodes: dilated({ convAttr: { ...convAttrs('VALID'), strides: { list: { i: ['1', '2', '2', '1'] } } } }) },
    { what: 'an already dilated convolution', nodes: dilated({ convAttr: { ...convAttrs('VALID'), dilations: { list: { i: ['1', '2', '2', '1'] } } } }) },
    { what: 'an NCHW convolution', nodes: dilated({ convAttr: { ...convAttrs('VALID'), data_format: { s: b64('NCHW') } } }) },
    { what: 'a convolution without padding attribute', nodes: dilated({ convAttr: {} }) },
    { what: 'a Conv3D', nodes: dilated({ conv: 'Conv3D' }) },
    { what: 'a convolution with a control input', nodes: dilated({ convInput: ['s2b', 'k', '^x'] }) },
    { what: 'a convolution of three inputs', nodes: dilated({ convInput: ['s2b', 'k', 'k'] }) },
    { what: 'a convolution reading the space-to-batch as its kernel', nodes: dilated({ convInput: ['k', 's2b'] }) },
    { what: 'a convolution whose kernel is a control input', nodes: dilated({ convInput: ['s2b', '^k'] }) },
    { what: 'a SpaceToBatchND with a control input', nodes: dilated({ s2b: { input: ['x', '^block', 'pads'] } }) },
    { what: 'a SpaceToBatchND of two inputs', nodes: dilated({ s2b: { input: ['x', 'block'] } }) },
    { what: 'a SpaceToBatchND of four inputs', nodes: dilated({ s2b: { input: ['x', 'block', 'pads', 'pads'] } }) },
    { what: 'a SpaceToBatch (not ND)', nodes: dilated({ s2b: { op: 'SpaceToBatch' } }) },
    { what: 'a BatchToSpace (not ND)', nodes: dilated({ b2s: { op: 'BatchToSpace' } }) },
    { what: 'a BatchToSpaceND with a control input', nodes: dilated({ b2s: { input: ['c', '^block2', 'crops'] } }) },
    { what: 'a BatchToSpaceND of four inputs', nodes: dilated({ b2s: { input: ['c', 'block2', 'crops', 'crops'] } }) },
    { what: 'a space-to-batch read by a second node', nodes: [...dilated(), op('z', 'Neg', ['s2b'])], outputs: ['y', 'z'] },
    { what: 'a convolution read by a second node', nodes: [...dilated(), op('z', 'Neg', ['c'])], outputs: ['y', 'z'] },
    { what: 'a convolution the model returns', nodes: dilated(), outputs: ['y', 'c'] },
  ];
  it.each(REFUSED)('leaves $what alone', (r) => {
    const state = stateOf(r.nodes, r.consts ?? CONSTS, r.outputs ?? ['y']);
    const before = state.nodes.map((n) => `${n.name}: ${n.op}(${n.input.join(', ')})`);
    expect(dilateSpaceToBatch(state)).toBe(0);
    expect(state.nodes.map((n) => `${n.name}: ${n.op}(${n.input.join(', ')})`)).toEqual(before);
  });

  it('skips a SpaceToBatchND already removed from the graph', () => {
    const state = stateOf(dilated(), CONSTS);
    state.byName.delete('s2b');
    expect(dilateSpaceToBatch(state)).toBe(0);
  });

  it('does not read a block from a weight of a node that is not a Const', () => {
    const state = stateOf([op('b', 'Neg', ['block']), ...dilated({ s2b: { input: ['x', 'b', 'pads'] }, b2s: { input: ['c', 'b', 'crops'] } })], CONSTS);
    state.weights.set('b', { name: 'b', shape: [2], dtype: 'int32', data: Int32Array.from([2, 2]) });
    expect(dilateSpaceToBatch(state)).toBe(0);
  });

  it('rewrites two dilated convolutions in one graph', () => {
    const second: GraphNode[] = [
      op('s2b2', 'SpaceToBatchND', ['y', 'block', 'pads']),
      op('c2', 'Conv2D', ['s2b2', 'k2'], convAttrs('VALID')),
      op('z', 'BatchToSpaceND', ['c2', 'block', 'pads']),
    ];
    const state = stateOf([...dilated(), ...second], { ...CONSTS, k2: f32([1, 1, 2, 2], [1, 2, 3, 4]) }, ['z']);
    expect(dilateSpaceToBatch(state)).toBe(2);
    expect(state.nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder').map((n) => `${n.name}: ${n.op}(${n.input.join(', ')})`)).toEqual([
      'y: DepthwiseConv2dNative(x, k)',
      'z: Conv2D(y, k2)',
    ]);
  });
});

describe('sameValue', () => {
  const nodes: GraphNode[] = [
    op('n1', 'Neg', ['x']),
    op('n2', 'Neg', ['x']),
    op('a1', 'Abs', ['x']),
    op('ni', 'Neg', ['x'], { T: { type: 'DT_INT32' } }),
    op('s1', 'Sub', ['x', 'n1']),
    op('s2', 'Sub', ['x', 'n2']),
    op('s3', 'Sub', ['n1', 'x']),
    op('s4', 'Sub', ['x', 'a1']),
    op('add2', 'AddN', ['x', 'x'], { N: { i: '2' } }),
    op('add3', 'AddN', ['x', 'x', 'x'], { N: { i: '2' } }),
    { name: 'o1', op: 'Pad', input: ['x', 'c1'], attr: { T: { type: 'DT_FLOAT' }, mode: { s: 'x' }, list: { list: { i: [1, 2] } } } },
    { name: 'o2', op: 'Pad', input: ['x', 'c1'], attr: { list: { list: { i: [1, 2] } }, mode: { s: 'x' }, T: { type: 'DT_FLOAT' } } },
    { name: 'o3', op: 'Pad', input: ['x', 'c1'], attr: { T: { type: 'DT_FLOAT' }, mode: { s: 'x' }, list: { list: { i: [1, 3] } } } },
    { name: 'o4', op: 'Pad', input: ['x', 'c1'], attr: { T: { type: 'DT_FLOAT' }, mode: { s: 'x' }, list: { list: { i: [12] } } } },
    { name: 'o5', op: 'Pad', input: ['x', 'c1'], attr: { T: { type: 'DT_FLOAT' }, mode: { s: 'y' }, list: { list: { i: [1, 2] } } } },
    { name: 'o6', op: 'Pad', input: ['x', 'c1'], attr: { T: { type: 'DT_FLOAT' }, mode: { s: 'x' }, list: { list: { s: ['1', '2'] } } } },
    op('p1', 'Placeholder', []),
    op('p2', 'Placeholder', []),
    ...['RandomUniform', 'RandomStandardNormal', 'TruncatedNormal', 'Multinomial'].flatMap((r) => [op(`${r}1`, r, ['c1']), op(`${r}2`, r, ['c1'])]),
    op('w1', 'Neg', ['x', '^p1']),
    op('w2', 'Neg', ['x', '^p1']),
  ];
  const consts: Readonly<Record<string, ConstSpec>> = {
    c1: i32([2], [1, 2]),
    c2: i32([2], [1, 2]),
    c3: i32([2], [1, 3]),
    c4: i32([2, 1], [1, 2]),
    c5: f32([2], [1, 2]),
    z1: f32([1], [0]),
    z2: f32([1], [-0]),
    nan1: f32([1], [NaN]),
    nan2: f32([1], [NaN]),
  };
  const state = stateOf(nodes, consts, ['x']);

  const CASES: readonly { what: string; a: string; b: string; expected: boolean }[] = [
    { what: 'a name and itself', a: 'n1', b: 'n1', expected: true },
    { what: 'a name and its output 0', a: 'n1', b: 'n1:0', expected: true },
    { what: 'two outputs of one node', a: 'n1:0', b: 'n1:1', expected: false },
    { what: 'a control input and a data input', a: '^n1', b: 'n1', expected: false },
    { what: 'a data input and a control input', a: 'n1', b: '^n1', expected: false },
    { what: 'nodes that do not exist', a: 'nope1', b: 'nope2', expected: false },
    { what: 'a node that exists and one that does not', a: 'n1', b: 'nope', expected: false },
    { what: 'one node that does not exist, named twice', a: 'nope', b: 'nope', expected: true },
    { what: 'two Neg of x', a: 'n1', b: 'n2', expected: true },
    { what: 'Neg and Abs of x', a: 'n1', b: 'a1', expected: false },
    { what: 'Neg of x with other attributes', a: 'n1', b: 'ni', expected: false },
    { what: 'Sub(x, Neg x) twice, through different Neg nodes', a: 's1', b: 's2', expected: true },
    { what: 'Sub with its inputs swapped', a: 's1', b: 's3', expected: false },
    { what: 'Sub whose second inputs differ', a: 's1', b: 's4', expected: false },
    { what: 'AddN of two inputs and of three', a: 'add2', b: 'add3', expected: false },
    { what: 'AddN of three inputs and of two', a: 'add3', b: 'add2', expected: false },
    { what: 'attributes written in another key order', a: 'o1', b: 'o2', expected: true },
    { what: 'attributes whose list differs', a: 'o1', b: 'o3', expected: false },
    { what: 'attributes whose list splits differently', a: 'o1', b: 'o4', expected: false },
    { what: 'attributes whose string differs', a: 'o1', b: 'o5', expected: false },
    { what: 'attributes whose list has another key', a: 'o1', b: 'o6', expected: false },
    { what: 'two Placeholders', a: 'p1', b: 'p2', expected: false },
    ...['RandomUniform', 'RandomStandardNormal', 'TruncatedNormal', 'Multinomial'].map((r) => ({
      what: `two ${r} of one shape`,
      a: `${r}1`,
      b: `${r}2`,
      expected: false,
    })),
    { what: 'two Neg waiting on one node', a: 'w1', b: 'w2', expected: false },
    { what: 'equal int32 constants', a: 'c1', b: 'c2', expected: true },
    { what: 'int32 constants that differ in a value', a: 'c1', b: 'c3', expected: false },
    { what: 'constants that differ in shape', a: 'c1', b: 'c4', expected: false },
    { what: 'constants that differ in dtype', a: 'c1', b: 'c5', expected: false },
    { what: '0 and -0', a: 'z1', b: 'z2', expected: false },
    { what: 'NaN and NaN', a: 'nan1', b: 'nan2', expected: true },
  ];
  it.each(CASES)('$what: $expected', (c) => {
    expect(sameValue(state, c.a, c.b)).toBe(c.expected);
  });

  it('compares up to 12 levels deep', () => {
    const chain = (p: string, n: number): GraphNode[] =>
      Array.from({ length: n }, (_, i) => op(`${p}${String(i + 1)}`, 'Neg', [i === 0 ? 'x' : `${p}${String(i)}`]));
    const deep = stateOf([...chain('a', 13), ...chain('b', 13)], {}, ['a13', 'b13']);
    // a12 vs b12 reaches x vs x at depth 12: the same node, equal before any depth check.
    expect(sameValue(deep, 'a12', 'b12')).toBe(true);
    // a13 vs b13 would compare a1 vs b1 at depth 12: too deep.
    expect(sameValue(deep, 'a13', 'b13')).toBe(false);
    expect(sameValue(deep, 'a2', 'b2', 11)).toBe(false);
    expect(sameValue(deep, 'a2', 'b2', 10)).toBe(true);
  });

  it('does not equate inconsistent weights', () => {
    const s = stateOf([], { u: f32([2], [1, 2]), v: f32([2], [1, 2]), t1: f32([1], [0]), t2: f32([1], [0]) }, ['x']);
    // A shorter weight than its shape says, against a full one.
    s.weights.set('u', { name: 'u', shape: [2], dtype: 'float32', data: Float32Array.from([1]) });
    expect(sameValue(s, 'u', 'v')).toBe(false);
    // String tensors are never compared value by value.
    const text = [Uint8Array.from([97])];
    s.weights.set('t1', { name: 't1', shape: [1], dtype: 'string', data: text });
    s.weights.set('t2', { name: 't2', shape: [1], dtype: 'string', data: text });
    expect(sameValue(s, 't1', 't2')).toBe(false);
    // A Const whose weight is missing.
    s.weights.delete('v');
    expect(sameValue(s, 'u', 'v')).toBe(false);
    expect(sameValue(s, 't1', 'v')).toBe(false);
  });
});
