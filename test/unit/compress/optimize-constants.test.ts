import { describe, expect, it } from 'vitest';
import { foldConstants } from '../../../src/compress/optimize-constants.js';
import { isGraphDef, type AttrValue, type GraphNode } from '../../../src/compress/graph-def.js';
import { graphStateOf, type GraphState } from '../../../src/compress/graph-state.js';
import { decodeWeights, type NamedTensor } from '../../../src/compress/weights.js';
import { graphArtifacts, op, type ConstSpec } from '../../helpers/graph-artifacts.js';

// foldConstants on hand-built graphs, run directly on the optimizer's state: which nodes become constants, and the
// exact values, dtype, shape and node attributes each folded constant gets (computed by hand below).

const f32 = (shape: number[], values: number[]): ConstSpec => ({ shape, values });
const i32 = (shape: number[], values: number[]): ConstSpec => ({ shape, values, dtype: 'int32' });

/** The optimizer's state for a graph of `nodes` over constants `consts` returning `outputs`. */
function stateOf(nodes: readonly GraphNode[], consts: Readonly<Record<string, ConstSpec>>, outputs: readonly string[] = ['y']): GraphState {
  const artifacts = graphArtifacts([1, 2], nodes, consts, outputs);
  const topology = artifacts.modelTopology;
  if (!isGraphDef(topology)) throw new Error('not a GraphDef');
  return graphStateOf(topology, artifacts.signature, decodeWeights(artifacts));
}

interface Value {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly values: readonly number[];
  readonly array: string;
}

/** A weight as plain values, with the typed array it is stored in. */
function valueOf(state: GraphState, name: string): Value | undefined {
  const w = state.weights.get(name);
  if (!w || Array.isArray(w.data)) return undefined;
  const data = w.data as Float32Array | Int32Array;
  return { dtype: w.dtype, shape: [...w.shape], values: Array.from(data), array: data.constructor.name };
}

const float = (shape: number[], values: number[]): Value => ({ dtype: 'float32', shape, values, array: 'Float32Array' });
const int = (shape: number[], values: number[]): Value => ({ dtype: 'int32', shape, values, array: 'Int32Array' });

/** `c = op(inputs)` read by `y = Sub(x, c)`; folds and returns c's value (undefined when c stays an op). */
function foldOne(opName: string, inputs: readonly string[], consts: Readonly<Record<string, ConstSpec>>, attr: Record<string, AttrValue> = {}) {
  const state = stateOf([op('c', opName, inputs, attr), op('y', 'Sub', ['x', 'c'])], consts);
  const count = foldConstants(state);
  const node = state.byName.get('c');
  return { count, op: node?.op, value: node?.op === 'Const' ? valueOf(state, 'c') : undefined, state };
}

interface FoldCase {
  readonly what: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly consts: Readonly<Record<string, ConstSpec>>;
  readonly attr?: Record<string, AttrValue>;
  /** The folded value, or undefined when the node must stay. */
  readonly expected: Value | undefined;
}

const BINARY: readonly FoldCase[] = [
  { what: 'Add', op: 'Add', inputs: ['a', 'b'], consts: { a: f32([2], [1.5, -2]), b: f32([2], [0.25, 3]) }, expected: float([2], [1.75, 1]) },
  { what: 'AddV2', op: 'AddV2', inputs: ['a', 'b'], consts: { a: f32([2], [1.5, -2]), b: f32([2], [0.25, 3]) }, expected: float([2], [1.75, 1]) },
  { what: 'Sub', op: 'Sub', inputs: ['a', 'b'], consts: { a: f32([2], [5, 1]), b: f32([2], [2, 3]) }, expected: float([2], [3, -2]) },
  { what: 'Mul', op: 'Mul', inputs: ['a', 'b'], consts: { a: f32([2], [1.5, -2]), b: f32([2], [2, 4]) }, expected: float([2], [3, -8]) },
  { what: 'RealDiv', op: 'RealDiv', inputs: ['a', 'b'], consts: { a: f32([2], [1, -3]), b: f32([2], [4, 2]) }, expected: float([2], [0.25, -1.5]) },
  { what: 'Maximum', op: 'Maximum', inputs: ['a', 'b'], consts: { a: f32([2], [1, -3]), b: f32([2], [-1, 2]) }, expected: float([2], [1, 2]) },
  { what: 'Minimum', op: 'Minimum', inputs: ['a', 'b'], consts: { a: f32([2], [1, -3]), b: f32([2], [-1, 2]) }, expected: float([2], [-1, -3]) },
  {
    what: 'float32 Add is rounded to float32 (0.1 + 0.2)',
    op: 'Add',
    inputs: ['a', 'b'],
    consts: { a: f32([1], [0.1]), b: f32([1], [0.2]) },
    // fround(0.1) + fround(0.2) = 0.30000000447…, stored as the float32 0.30000001192092896.
    expected: float([1], [0.30000001192092896]),
  },
  { what: 'int32 Add stays int32', op: 'Add', inputs: ['a', 'b'], consts: { a: i32([2], [3, -7]), b: i32([], [2]) }, expected: int([2], [5, -5]) },
  { what: 'int32 Mul', op: 'Mul', inputs: ['a', 'b'], consts: { a: i32([2], [3, -7]), b: i32([2], [4, 2]) }, expected: int([2], [12, -14]) },
  { what: 'int32 RealDiv is not folded', op: 'RealDiv', inputs: ['a', 'b'], consts: { a: i32([1], [7]), b: i32([1], [2]) }, expected: undefined },
  {
    what: 'float32 with int32 is not folded (nor read as a Reshape)',
    op: 'Add',
    inputs: ['a', 'b'],
    consts: { a: f32([2], [1, 2]), b: i32([1], [2]) },
    expected: undefined,
  },
  { what: 'an Add of three inputs is not folded', op: 'Add', inputs: ['a', 'b', 'b'], consts: { a: f32([1], [1]), b: f32([1], [2]) }, expected: undefined },
  { what: 'an Add of one input is not folded', op: 'Add', inputs: ['a'], consts: { a: f32([1], [1]) }, expected: undefined },
  {
    what: 'a column [2, 1] plus a row [2] broadcasts to [2, 2] (as many elements as the inputs)',
    op: 'Add',
    inputs: ['a', 'b'],
    consts: { a: f32([2, 1], [1, 2]), b: f32([2], [10, 20]) },
    expected: float([2, 2], [11, 21, 12, 22]),
  },
  {
    what: '[2, 3] plus a row [3]',
    op: 'Add',
    inputs: ['a', 'b'],
    consts: { a: f32([2, 3], [0, 1, 2, 3, 4, 5]), b: f32([3], [10, 20, 30]) },
    expected: float([2, 3], [10, 21, 32, 13, 24, 35]),
  },
  {
    what: '[2, 3] minus a column [2, 1]',
    op: 'Sub',
    inputs: ['a', 'b'],
    consts: { a: f32([2, 3], [0, 1, 2, 3, 4, 5]), b: f32([2, 1], [100, 200]) },
    expected: float([2, 3], [-100, -99, -98, -197, -196, -195]),
  },
  {
    what: 'a row [3] minus [2, 3] (the broadcast input first)',
    op: 'Sub',
    inputs: ['b', 'a'],
    consts: { a: f32([2, 3], [0, 1, 2, 3, 4, 5]), b: f32([3], [10, 20, 30]) },
    expected: float([2, 3], [10, 19, 28, 7, 16, 25]),
  },
  {
    what: 'a scalar times [2, 2]',
    op: 'Mul',
    inputs: ['s', 'a'],
    consts: { s: f32([], [3]), a: f32([2, 2], [1, 2, 3, 4]) },
    expected: float([2, 2], [3, 6, 9, 12]),
  },
  {
    what: '[1, 3] plus [3] takes the higher rank',
    op: 'Add',
    inputs: ['a', 'b'],
    consts: { a: f32([1, 3], [1, 2, 3]), b: f32([3], [1, 1, 1]) },
    expected: float([1, 3], [2, 3, 4]),
  },
  { what: 'shapes [2] and [3] do not broadcast', op: 'Add', inputs: ['a', 'b'], consts: { a: f32([2], [1, 2]), b: f32([3], [1, 2, 3]) }, expected: undefined },
  {
    what: 'a broadcast [3, 1] + [1, 3] would grow the model (9 > 6 elements)',
    op: 'Add',
    inputs: ['a', 'b'],
    consts: { a: f32([3, 1], [1, 2, 3]), b: f32([1, 3], [1, 2, 3]) },
    expected: undefined,
  },
];

const v = f32([3], [-1.5, 2.5, 7]);
const UNARY: readonly FoldCase[] = [
  { what: 'Neg', op: 'Neg', inputs: ['v'], consts: { v }, expected: float([3], [1.5, -2.5, -7]) },
  { what: 'Abs', op: 'Abs', inputs: ['v'], consts: { v }, expected: float([3], [1.5, 2.5, 7]) },
  { what: 'Square', op: 'Square', inputs: ['v'], consts: { v }, expected: float([3], [2.25, 6.25, 49]) },
  { what: 'Sqrt', op: 'Sqrt', inputs: ['v'], consts: { v: f32([3], [4, 2.25, 0.25]) }, expected: float([3], [2, 1.5, 0.5]) },
  { what: 'Relu', op: 'Relu', inputs: ['v'], consts: { v }, expected: float([3], [0, 2.5, 7]) },
  { what: 'Relu6', op: 'Relu6', inputs: ['v'], consts: { v }, expected: float([3], [0, 2.5, 6]) },
  { what: 'Floor', op: 'Floor', inputs: ['v'], consts: { v }, expected: float([3], [-2, 2, 7]) },
  { what: 'Ceil', op: 'Ceil', inputs: ['v'], consts: { v }, expected: float([3], [-1, 3, 7]) },
  { what: 'Identity', op: 'Identity', inputs: ['v'], consts: { v }, expected: float([3], [-1.5, 2.5, 7]) },
  { what: 'StopGradient', op: 'StopGradient', inputs: ['v'], consts: { v }, expected: float([3], [-1.5, 2.5, 7]) },
  { what: 'a rank-2 value keeps its shape', op: 'Neg', inputs: ['m'], consts: { m: f32([1, 2], [1, -2]) }, expected: float([1, 2], [-1, 2]) },
  { what: 'int32 Neg', op: 'Neg', inputs: ['n'], consts: { n: i32([2], [3, -7]) }, expected: int([2], [-3, 7]) },
  { what: 'int32 Abs', op: 'Abs', inputs: ['n'], consts: { n: i32([2], [3, -7]) }, expected: int([2], [3, 7]) },
  { what: 'int32 Square', op: 'Square', inputs: ['n'], consts: { n: i32([2], [3, -7]) }, expected: int([2], [9, 49]) },
  { what: 'int32 Identity', op: 'Identity', inputs: ['n'], consts: { n: i32([2], [3, -7]) }, expected: int([2], [3, -7]) },
  { what: 'int32 StopGradient', op: 'StopGradient', inputs: ['n'], consts: { n: i32([2], [3, -7]) }, expected: int([2], [3, -7]) },
  ...['Sqrt', 'Relu', 'Relu6', 'Floor', 'Ceil'].map((o) => ({
    what: `int32 ${o} is not folded`,
    op: o,
    inputs: ['n'],
    consts: { n: i32([2], [4, -7]) },
    expected: undefined,
  })),
  { what: 'a Neg of two inputs is not folded', op: 'Neg', inputs: ['v', 'v'], consts: { v }, expected: undefined },
  { what: 'an op not folded exactly (Exp) stays', op: 'Exp', inputs: ['v'], consts: { v }, expected: undefined },
];

const six = f32([6], [1, 2, 3, 4, 5, 6]);
const RESHAPE: readonly FoldCase[] = [
  {
    what: '[2, -1] of 6 elements is [2, 3]',
    op: 'Reshape',
    inputs: ['a', 's'],
    consts: { a: six, s: i32([2], [2, -1]) },
    expected: float([2, 3], [1, 2, 3, 4, 5, 6]),
  },
  { what: '[-1] of 6 elements is [6]', op: 'Reshape', inputs: ['a', 's'], consts: { a: six, s: i32([1], [-1]) }, expected: float([6], [1, 2, 3, 4, 5, 6]) },
  { what: '[3, 2] is [3, 2]', op: 'Reshape', inputs: ['a', 's'], consts: { a: six, s: i32([2], [3, 2]) }, expected: float([3, 2], [1, 2, 3, 4, 5, 6]) },
  {
    what: 'an int32 value stays int32',
    op: 'Reshape',
    inputs: ['n', 's'],
    consts: { n: i32([2], [3, -7]), s: i32([2], [2, 1]) },
    expected: int([2, 1], [3, -7]),
  },
  { what: 'two -1s are not resolved', op: 'Reshape', inputs: ['a', 's'], consts: { a: six, s: i32([2], [-1, -1]) }, expected: undefined },
  {
    what: 'two -1s are refused even where both would be 1 ([-1, -1, 6])',
    op: 'Reshape',
    inputs: ['a', 's'],
    consts: { a: six, s: i32([3], [-1, -1, 6]) },
    expected: undefined,
  },
  { what: 'a Reshape of one input is refused', op: 'Reshape', inputs: ['a'], consts: { a: six }, expected: undefined },
  { what: '[4, -1] does not divide 6', op: 'Reshape', inputs: ['a', 's'], consts: { a: six, s: i32([2], [4, -1]) }, expected: undefined },
  { what: '[2, 2] does not hold 6', op: 'Reshape', inputs: ['a', 's'], consts: { a: six, s: i32([2], [2, 2]) }, expected: undefined },
  { what: '[0, -1] does not resolve', op: 'Reshape', inputs: ['a', 's'], consts: { a: six, s: i32([2], [0, -1]) }, expected: undefined },
  {
    what: 'negative sizes other than -1 ([-3, -2, 1]) are refused',
    op: 'Reshape',
    inputs: ['a', 's'],
    consts: { a: six, s: i32([3], [-3, -2, 1]) },
    expected: undefined,
  },
  { what: 'a float32 target shape is refused', op: 'Reshape', inputs: ['a', 's'], consts: { a: six, s: f32([2], [2, 3]) }, expected: undefined },
  { what: 'a Reshape of three inputs is refused', op: 'Reshape', inputs: ['a', 's', 's'], consts: { a: six, s: i32([2], [2, 3]) }, expected: undefined },
];

const CAST: readonly FoldCase[] = [
  {
    what: 'float32 to int32 truncates toward zero',
    op: 'Cast',
    inputs: ['a'],
    consts: { a: f32([3], [-2.7, 2.7, 1.5]) },
    attr: { DstT: { type: 'DT_INT32' } },
    expected: int([3], [-2, 2, 1]),
  },
  {
    what: 'int32 to float32',
    op: 'Cast',
    inputs: ['n'],
    consts: { n: i32([2], [5, -5]) },
    attr: { DstT: { type: 'DT_FLOAT' } },
    expected: float([2], [5, -5]),
  },
  {
    what: 'float32 to float32 keeps fractions',
    op: 'Cast',
    inputs: ['a'],
    consts: { a: f32([2], [1.5, -0.25]) },
    attr: { DstT: { type: 'DT_FLOAT' } },
    expected: float([2], [1.5, -0.25]),
  },
  { what: 'a Cast to bool is not folded', op: 'Cast', inputs: ['a'], consts: { a: f32([1], [1]) }, attr: { DstT: { type: 'DT_BOOL' } }, expected: undefined },
  { what: 'a Cast without DstT is not folded', op: 'Cast', inputs: ['a'], consts: { a: f32([1], [1]) }, expected: undefined },
  {
    what: 'an op other than Cast is not read as one (Exp with DstT)',
    op: 'Exp',
    inputs: ['a'],
    consts: { a: f32([1], [1]) },
    attr: { DstT: { type: 'DT_FLOAT' } },
    expected: undefined,
  },
  {
    what: 'a Cast of two inputs is not folded',
    op: 'Cast',
    inputs: ['a', 'a'],
    consts: { a: f32([1], [1]) },
    attr: { DstT: { type: 'DT_FLOAT' } },
    expected: undefined,
  },
];

describe('foldConstants: values', () => {
  it.each([...BINARY, ...UNARY, ...RESHAPE, ...CAST])('$what', (c) => {
    const { count, op: opAfter, value } = foldOne(c.op, c.inputs, c.consts, c.attr);
    expect(value).toEqual(c.expected);
    expect(count).toBe(c.expected ? 1 : 0);
    expect(opAfter).toBe(c.expected ? 'Const' : c.op);
  });
});

describe('foldConstants: the folded node', () => {
  it('becomes a Const with the converter attributes, its weight recorded as changed and added', () => {
    const { state } = foldOne('Add', ['a', 'b'], { a: f32([2, 1], [1, 2]), b: f32([2], [10, 20]) });
    const c = state.byName.get('c');
    expect(c && { op: c.op, input: c.input, attr: c.attr }).toEqual({
      op: 'Const',
      input: [],
      attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }, { size: '2' }] } } } },
    });
    expect(state.weights.get('c')?.name).toBe('c');
    expect([...state.changed]).toEqual(['c']);
    expect(state.added).toEqual(['c']);
    // Consumers are recomputed: the inputs of the folded node are read by nothing now.
    expect(state.consumers.get('a')).toBeUndefined();
    expect(state.consumers.get('c')).toEqual(['y']);
  });

  it('writes DT_INT32 for an int32 result', () => {
    const { state } = foldOne('Neg', ['n'], { n: i32([], [4]) });
    expect(state.byName.get('c')?.attr).toEqual({ dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: [] } } } });
    expect(valueOf(state, 'c')).toEqual(int([], [-4]));
  });

  it('folds a chain listed consumers-first, pass after pass, and counts every node', () => {
    // b = Neg(a) is listed before a = Sqrt(v): the first pass can fold only a.
    const state = stateOf([op('b', 'Neg', ['a']), op('a', 'Sqrt', ['v']), op('y', 'Sub', ['x', 'b'])], { v: f32([2], [9, 16]) });
    expect(foldConstants(state)).toBe(2);
    expect(valueOf(state, 'b')).toEqual(float([2], [-3, -4]));
    expect(state.added).toEqual(['a', 'b']);
    expect(state.consumers.get('a')).toBeUndefined();
  });
});

describe('foldConstants: what is never folded', () => {
  const consts = { v: f32([2], [1, -2]) };

  it('a node the model returns', () => {
    const state = stateOf([op('c', 'Neg', ['v'])], consts, ['c']);
    expect(foldConstants(state)).toBe(0);
    expect(state.byName.get('c')?.op).toBe('Neg');
  });

  it('a node inside control flow', () => {
    const state = stateOf([op('c', 'Neg', ['v']), op('y', 'Sub', ['x', 'c'])], consts);
    state.frozen.add('c');
    expect(foldConstants(state)).toBe(0);
  });

  it('a node with a control input', () => {
    const state = stateOf([op('c', 'Neg', ['v', '^x']), op('y', 'Sub', ['x', 'c'])], consts);
    expect(foldConstants(state)).toBe(0);
  });

  it('a node reading a non-zero output of a constant', () => {
    const state = stateOf([op('c', 'Neg', ['v:1']), op('y', 'Sub', ['x', 'c'])], consts);
    expect(foldConstants(state)).toBe(0);
  });

  it('a node reading a node the graph does not have', () => {
    const state = stateOf([op('c', 'Neg', ['ghost']), op('y', 'Sub', ['x', 'c'])], consts);
    expect(foldConstants(state)).toBe(0);
  });

  it('a node reading a non-Const node that happens to have a weight', () => {
    const state = stateOf([op('c', 'Neg', ['x']), op('y', 'Sub', ['x', 'c'])], consts);
    state.weights.set('x', { name: 'x', shape: [2], dtype: 'float32', data: Float32Array.from([1, 2]) });
    expect(foldConstants(state)).toBe(0);
  });

  const odd: readonly { what: string; weight: NamedTensor }[] = [
    {
      what: 'a quantized constant',
      weight: { name: 'v', shape: [2], dtype: 'float32', data: Float32Array.from([1, 2]), quantization: { dtype: 'uint8', min: 0, scale: 1 } },
    },
    { what: 'a bool constant', weight: { name: 'v', shape: [2], dtype: 'bool', data: Uint8Array.from([1, 0]) } },
    { what: 'a float32 weight not stored as Float32Array', weight: { name: 'v', shape: [2], dtype: 'float32', data: Int32Array.from([1, 2]) } },
    { what: 'an int32 weight not stored as Int32Array', weight: { name: 'v', shape: [2], dtype: 'int32', data: Float32Array.from([1, 2]) } },
  ];
  it.each(odd)('a node reading $what', ({ weight }) => {
    const state = stateOf([op('c', 'Neg', ['v']), op('y', 'Sub', ['x', 'c'])], consts);
    state.weights.set('v', weight);
    expect(foldConstants(state)).toBe(0);
    expect(state.byName.get('c')?.op).toBe('Neg');
  });

  it('a graph with nothing to fold is left as it was', () => {
    const state = stateOf([op('y', 'Neg', ['x'])], consts);
    const consumers = state.consumers;
    expect(foldConstants(state)).toBe(0);
    expect(state.consumers).toBe(consumers);
    expect(state.added).toEqual([]);
  });
});
