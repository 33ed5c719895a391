import { describe, expect, it } from 'vitest';
import {
  addConstant,
  constantOf,
  dataInputs,
  fusedOpsAttr,
  graphStateOf,
  hasControlInputs,
  otherInput,
  pickAttrs,
  replaceChain,
  scalarOf,
  soleConsumer,
  toMutable,
  type GraphState,
  type MutableNode,
} from '../../../src/compress/graph-state.js';
import type { GraphDef, GraphNode } from '../../../src/compress/graph-def.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { graphArtifacts, op, type ConstSpec } from '../../helpers/graph-artifacts.js';

/** The graph state of a hand-built graph model (one Placeholder `x`, the constants, the nodes). */
function stateOf(nodes: readonly GraphNode[], consts: Readonly<Record<string, ConstSpec>> = {}, outputs: readonly string[] = []): GraphState {
  const artifacts = graphArtifacts([1, 2], nodes, consts, outputs);
  return graphStateOf(artifacts.modelTopology as GraphDef, artifacts.signature, decodeWeights(artifacts));
}

const node = (state: GraphState, name: string): MutableNode | undefined => state.byName.get(name);
const names = (state: GraphState): string[] => state.nodes.map((n) => n.name);

describe('toMutable', () => {
  it('copies name, op, inputs and attributes, and carries every other field in rest', () => {
    const input = ['a', 'b:1'];
    const attr = { T: { type: 'DT_FLOAT' } };
    const source: GraphNode = { name: 'n', op: 'AddV2', input, attr, device: '/cpu:0', experimentalDebugInfo: { x: 1 } };
    const m = toMutable(source);
    expect(m).toStrictEqual({
      name: 'n',
      op: 'AddV2',
      input: ['a', 'b:1'],
      attr: { T: { type: 'DT_FLOAT' } },
      rest: { device: '/cpu:0', experimentalDebugInfo: { x: 1 } },
    });
    // Copies: editing the mutable node leaves the GraphDef node as it was.
    expect(m.input).not.toBe(input);
    expect(m.attr).not.toBe(attr);
    m.input.push('^c');
    m.attr['U'] = { type: 'DT_INT32' };
    expect(input).toEqual(['a', 'b:1']);
    expect(Object.keys(attr)).toEqual(['T']);
  });

  it('gives a node without inputs or attributes empty ones', () => {
    expect(toMutable({ name: 'x', op: 'Placeholder' })).toStrictEqual({ name: 'x', op: 'Placeholder', input: [], attr: {}, rest: {} });
  });
});

describe('graphStateOf', () => {
  it('indexes nodes and weights, finds the outputs, the control-flow nodes and the consumers, and starts with nothing changed', () => {
    const state = stateOf(
      [op('e', 'Enter', ['x']), op('m', 'Mul', ['e', 'c']), op('q', 'Exit', ['m']), op('y', 'AddV2', ['x', 'c']), op('out', 'Neg', ['y'])],
      { c: { shape: [], values: [2] } },
      ['out', 'q'],
    );
    expect(names(state)).toEqual(['x', 'c', 'e', 'm', 'q', 'y', 'out']);
    expect([...state.byName.keys()]).toEqual(names(state));
    expect(state.byName.get('y')).toBe(state.nodes[5]);
    expect([...state.weights.keys()]).toEqual(['c']);
    expect(Array.from((state.weights.get('c')?.data ?? []) as Float32Array)).toEqual([2]);
    expect(state.changed.size).toBe(0);
    expect(state.added).toEqual([]);
    expect([...state.outputs].sort()).toEqual(['out', 'q']);
    expect([...state.frozen].sort()).toEqual(['e', 'm', 'q']);
    expect(Object.fromEntries(state.consumers)).toEqual({ x: ['e', 'y'], e: ['m'], c: ['m', 'y'], m: ['q'], y: ['out'] });
  });
});

describe('soleConsumer', () => {
  const cases: readonly { what: string; nodes: readonly GraphNode[]; outputs?: readonly string[]; expected: string | undefined }[] = [
    { what: 'the one node reading output 0', nodes: [op('a', 'Neg', ['x']), op('b', 'AddV2', ['x', 'a']), op('out', 'Neg', ['b'])], expected: 'b' },
    { what: 'none when two nodes read it', nodes: [op('a', 'Neg', ['x']), op('b', 'Neg', ['a']), op('c', 'Neg', ['a'])], expected: undefined },
    { what: 'none when no node reads it', nodes: [op('a', 'Neg', ['x'])], expected: undefined },
    { what: 'none when one node reads it twice', nodes: [op('a', 'Neg', ['x']), op('b', 'Mul', ['a', 'a'])], expected: undefined },
    { what: 'none when the model returns it', nodes: [op('a', 'Neg', ['x']), op('b', 'Neg', ['a'])], outputs: ['a', 'b'], expected: undefined },
    { what: 'none when the reader takes output 1', nodes: [op('a', 'Unpack', ['x']), op('b', 'Neg', ['a:1'])], expected: undefined },
    { what: 'the reader of a:0 written out', nodes: [op('a', 'Neg', ['x']), op('b', 'Neg', ['a:0'])], expected: 'b' },
    { what: 'none when the only edge is a control edge', nodes: [op('a', 'Neg', ['x']), op('b', 'Neg', ['x', '^a'])], expected: undefined },
    { what: 'none when the reader sits in control flow', nodes: [op('a', 'Neg', ['x']), op('b', 'Switch', ['a', 'x'])], expected: undefined },
    {
      what: 'none when the node itself sits in control flow',
      nodes: [op('a', 'Enter', ['x']), op('b', 'Neg', ['a']), op('c', 'Exit', ['b'])],
      expected: undefined,
    },
  ];
  it.each(cases)('$what', ({ nodes, outputs, expected }) => {
    const state = stateOf(nodes, {}, outputs ?? []);
    const got = soleConsumer(state, 'a');
    expect(got?.name).toBe(expected);
    if (expected !== undefined) expect(got).toBe(node(state, expected));
  });

  it('none when the consumer list names a node that is gone, or names one that does not read it', () => {
    const state = stateOf([op('a', 'Neg', ['x']), op('b', 'Neg', ['a'])]);
    state.consumers.set('a', ['gone']);
    expect(soleConsumer(state, 'a')).toBeUndefined();
    // A stale list: `b` is said to read `a` once, but it reads `a` twice.
    state.consumers.set('a', ['b']);
    const b = node(state, 'b');
    b?.input.splice(0, 1, 'a', 'a');
    expect(soleConsumer(state, 'a')).toBeUndefined();
  });
});

describe('constantOf and scalarOf', () => {
  const consts: Record<string, ConstSpec> = {
    v: { shape: [2], values: [1.5, -2] },
    s: { shape: [], values: [0.25] },
    one: { shape: [1, 1], values: [3] },
    n: { shape: [], values: [7], dtype: 'int32' },
  };
  const cases: readonly { ref: string; constant: readonly number[] | undefined; scalar: number | undefined }[] = [
    { ref: 'v', constant: [1.5, -2], scalar: undefined },
    { ref: 'v:0', constant: [1.5, -2], scalar: undefined },
    { ref: 's', constant: [0.25], scalar: 0.25 },
    { ref: 'one', constant: [3], scalar: 3 },
    { ref: 'v:1', constant: undefined, scalar: undefined },
    { ref: '^s', constant: undefined, scalar: undefined },
    { ref: 'n', constant: undefined, scalar: undefined },
    { ref: 'x', constant: undefined, scalar: undefined },
    { ref: 'neg', constant: undefined, scalar: undefined },
    { ref: 'missing', constant: undefined, scalar: undefined },
  ];
  it.each(cases)('$ref', ({ ref, constant, scalar }) => {
    const state = stateOf([op('neg', 'Neg', ['x'])], consts);
    // A non-Const node with a weight of its name is still no constant.
    state.weights.set('neg', { name: 'neg', shape: [], dtype: 'float32', data: new Float32Array([9]) });
    const w = constantOf(state, ref);
    expect(w === undefined ? undefined : Array.from(w.data as Float32Array)).toEqual(constant);
    if (w !== undefined) expect(w).toBe(state.weights.get(w.name));
    expect(scalarOf(state, ref)).toBe(scalar);
  });

  it('none for a Const node whose weight is missing', () => {
    const state = stateOf([], { s: { shape: [], values: [1] } });
    state.weights.delete('s');
    expect(constantOf(state, 's')).toBeUndefined();
    expect(scalarOf(state, 's')).toBeUndefined();
  });
});

describe('otherInput', () => {
  const mk = (input: string[]): MutableNode => ({ name: 'n', op: 'Mul', input, attr: {}, rest: {} });
  const cases: readonly { input: string[]; name: string; expected: string | undefined }[] = [
    { input: ['a', 'b'], name: 'a', expected: 'b' },
    { input: ['a', 'b'], name: 'b', expected: 'a' },
    { input: ['a:1', 'b:2'], name: 'a', expected: 'b:2' },
    { input: ['a:1', 'b:2'], name: 'b', expected: 'a:1' },
    { input: ['a', 'b'], name: 'c', expected: undefined },
    { input: ['a', 'b', 'c'], name: 'a', expected: undefined },
    { input: ['a'], name: 'a', expected: undefined },
    { input: [], name: 'a', expected: undefined },
  ];
  it.each(cases)('$input, given $name', ({ input, name, expected }) => {
    expect(otherInput(mk(input), name)).toBe(expected);
  });
});

describe('replaceChain', () => {
  it('gives the last node of the chain the new op, inputs and attributes, drops the others and recounts consumers', () => {
    const state = stateOf([op('a', 'Neg', ['x']), op('b', 'Relu', ['a']), op('c', 'Neg', ['b']), op('out', 'Neg', ['c'])]);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => node(state, n));
    if (!a || !b || !c) throw new Error('missing node');
    replaceChain(state, [a, b, c], { op: 'Relu6', input: ['x'], attr: { T: { type: 'DT_HALF' } } });
    expect(names(state)).toEqual(['x', 'c', 'out']);
    expect([...state.byName.keys()].sort()).toEqual(['c', 'out', 'x']);
    expect(state.byName.get('c')).toBe(c);
    expect(c).toStrictEqual({ name: 'c', op: 'Relu6', input: ['x'], attr: { T: { type: 'DT_HALF' } }, rest: {} });
    expect(Object.fromEntries(state.consumers)).toEqual({ x: ['c'], c: ['out'] });
  });

  it('a chain of one node is rewritten in place', () => {
    const state = stateOf([op('a', 'Neg', ['x']), op('out', 'Neg', ['a'])]);
    const a = node(state, 'a');
    if (!a) throw new Error('missing node');
    replaceChain(state, [a], { op: 'Relu', input: ['x'], attr: {} });
    expect(names(state)).toEqual(['x', 'a', 'out']);
    expect(state.byName.get('a')?.op).toBe('Relu');
  });

  it('an empty chain changes nothing', () => {
    const state = stateOf([op('a', 'Neg', ['x'])]);
    const consumers = state.consumers;
    replaceChain(state, [], { op: 'Relu', input: [], attr: {} });
    expect(names(state)).toEqual(['x', 'a']);
    expect(state.byName.get('a')?.op).toBe('Neg');
    expect(state.consumers).toBe(consumers);
  });
});

describe('addConstant', () => {
  it('adds a float32 Const node first, its weight, and marks it changed and added', () => {
    const state = stateOf([op('a', 'Neg', ['x'])]);
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const shape = [2, 3];
    expect(addConstant(state, 'k', shape, data)).toBe('k');
    expect(names(state)).toEqual(['k', 'x', 'a']);
    expect(state.byName.get('k')).toBe(state.nodes[0]);
    expect(state.nodes[0]).toStrictEqual({
      name: 'k',
      op: 'Const',
      input: [],
      attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }, { size: '3' }] } } } },
      rest: {},
    });
    const w = state.weights.get('k');
    expect(w).toStrictEqual({ name: 'k', shape: [2, 3], dtype: 'float32', data });
    expect(w?.shape).not.toBe(shape);
    expect(w?.data).toBe(data);
    expect([...state.changed]).toEqual(['k']);
    expect(state.added).toEqual(['k']);
  });

  it('a scalar has no dims', () => {
    const state = stateOf([]);
    addConstant(state, 's', [], new Float32Array([1]));
    expect(state.byName.get('s')?.attr['value']).toEqual({ tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [] } } });
  });

  it('takes base_1, base_2, … when the name is a node or a weight, in creation order', () => {
    const state = stateOf([op('k', 'Neg', ['x'])]);
    state.weights.set('k_2', { name: 'k_2', shape: [], dtype: 'float32', data: new Float32Array([0]) });
    const made = [1, 2, 3].map((v) => addConstant(state, 'k', [1], new Float32Array([v])));
    expect(made).toEqual(['k_1', 'k_3', 'k_4']);
    expect(state.added).toEqual(['k_1', 'k_3', 'k_4']);
    expect(names(state)).toEqual(['k_4', 'k_3', 'k_1', 'x', 'k']);
    expect(Array.from((state.weights.get('k_3')?.data ?? []) as Float32Array)).toEqual([2]);
    expect(state.byName.get('k')?.op).toBe('Neg');
  });
});

describe('small queries', () => {
  it('dataInputs and hasControlInputs tell data edges from control edges', () => {
    const mk = (input: string[]): MutableNode => ({ name: 'n', op: 'Neg', input, attr: {}, rest: {} });
    expect(dataInputs(mk(['a', '^b', 'c:1', '^d']))).toEqual(['a', 'c:1']);
    expect(hasControlInputs(mk(['a', '^b']))).toBe(true);
    expect(hasControlInputs(mk(['a', 'c:1']))).toBe(false);
    expect(hasControlInputs(mk([]))).toBe(false);
  });

  it('pickAttrs keeps the named attributes that are present, and no others', () => {
    const attr = { T: { type: 'DT_FLOAT' }, padding: { s: 'U0FNRQ==' }, strides: { list: { i: ['1'] } } };
    const got = pickAttrs(attr, ['padding', 'missing', 'T']);
    expect(got).toStrictEqual({ padding: { s: 'U0FNRQ==' }, T: { type: 'DT_FLOAT' } });
    expect(Object.keys(got)).toEqual(['padding', 'T']);
    expect(pickAttrs(attr, [])).toStrictEqual({});
  });

  it('fusedOpsAttr writes the ops base64-encoded in a string list', () => {
    expect(fusedOpsAttr(['BiasAdd', 'Relu6'])).toStrictEqual({ list: { s: ['Qmlhc0FkZA==', 'UmVsdTY='] } });
    expect(fusedOpsAttr([])).toStrictEqual({ list: { s: [] } });
  });
});
