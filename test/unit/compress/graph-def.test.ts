import { describe, expect, it } from 'vitest';
import {
  consumersOf,
  controlFlowNodes,
  decodeAttrString,
  encodeAttrString,
  isGraphDef,
  outputNodes,
  parseInput,
  type GraphNode,
  type InputRef,
} from '../../../src/compress/graph-def.js';

const node = (name: string, op: string, input: readonly string[] = []): GraphNode => ({ name, op, input });

describe('isGraphDef', () => {
  const CASES: readonly { what: string; input: unknown; expected: boolean }[] = [
    { what: 'an object with a node array', input: { node: [], library: {} }, expected: true },
    { what: 'an object whose node is not an array', input: { node: { name: 'a' } }, expected: false },
    { what: 'an object without node', input: { class_name: 'Sequential' }, expected: false },
    { what: 'null', input: null, expected: false },
    { what: 'undefined', input: undefined, expected: false },
    { what: 'a string', input: 'node', expected: false },
    { what: 'a function carrying a node array', input: Object.assign(() => 0, { node: [] }), expected: false },
  ];
  it.each(CASES)('$what → $expected', ({ input, expected }) => {
    expect(isGraphDef(input)).toBe(expected);
  });
});

describe('parseInput', () => {
  const CASES: readonly { input: string; expected: InputRef }[] = [
    { input: 'conv', expected: { node: 'conv', output: 0, control: false } },
    { input: 'conv:0', expected: { node: 'conv', output: 0, control: false } },
    { input: 'bn:2', expected: { node: 'bn', output: 2, control: false } },
    { input: 'split:10', expected: { node: 'split', output: 10, control: false } },
    { input: '^init', expected: { node: 'init', output: 0, control: true } },
    { input: 'scope/a:b', expected: { node: 'scope/a:b', output: 0, control: false } },
    { input: 'a:2x', expected: { node: 'a:2x', output: 0, control: false } },
    { input: 'a:1:2', expected: { node: 'a:1', output: 2, control: false } },
    { input: ':3', expected: { node: '', output: 3, control: false } },
    { input: 'x^', expected: { node: 'x^', output: 0, control: false } },
  ];
  it.each(CASES)('$input', ({ input, expected }) => {
    expect(parseInput(input)).toEqual(expected);
  });
});

describe('attribute strings', () => {
  it('encodes UTF-8 as base64 and decodes it back; undefined decodes to the empty string', () => {
    expect(encodeAttrString('NHWC')).toBe('TkhXQw==');
    expect(encodeAttrString('é')).toBe('w6k=');
    expect(decodeAttrString('TkhXQw==')).toBe('NHWC');
    expect(decodeAttrString('w6k=')).toBe('é');
    expect(decodeAttrString(undefined)).toBe('');
    expect(decodeAttrString('')).toBe('');
  });
});

describe('consumersOf', () => {
  it('lists every reader of each producer, data and control, once per reference, in node order', () => {
    const nodes = [node('a', 'Placeholder'), node('b', 'Neg', ['a', '^a']), node('c', 'AddV2', ['a:1', 'b']), { name: 'd', op: 'NoOp' }];
    expect([...consumersOf(nodes)]).toEqual([
      ['a', ['b', 'b', 'c']],
      ['b', ['c']],
    ]);
  });
});

describe('outputNodes', () => {
  const nodes = [
    node('x', 'Placeholder'),
    node('p', 'Placeholder'),
    node('k', 'Const'),
    node('unused', 'Const'),
    node('n', 'Neg', ['x']),
    node('m', 'Mul', ['n', 'k']),
  ];
  const CASES: readonly { what: string; signature: unknown; expected: readonly string[] }[] = [
    {
      what: "the signature's outputs, by tensor name or else by key",
      signature: { outputs: { 'Identity:0': { name: 'n:0' }, 'm:1': {} } },
      expected: ['m', 'n'],
    },
    { what: 'without a signature: the non-Const nodes nothing reads', signature: undefined, expected: ['m', 'p'] },
    { what: 'with an empty outputs map: the same', signature: { outputs: {} }, expected: ['m', 'p'] },
    { what: 'with a signature lacking outputs: the same', signature: { inputs: {} }, expected: ['m', 'p'] },
  ];
  it.each(CASES)('$what', ({ signature, expected }) => {
    expect([...outputNodes(nodes, signature)].sort()).toEqual(expected);
  });
});

/**
 * A TF1 while loop as tf.while_loop builds it: `x` enters the frame, `m` merges it with the next iteration, the
 * condition (`ci → lt`) reads the Merge, LoopCond drives the Switch, the body (`b → a`) feeds NextIteration and
 * Switch's false output leaves through Exit into `out`.
 */
const WHILE: readonly GraphNode[] = [
  node('x', 'Placeholder'),
  node('lim', 'Const'),
  node('one', 'Const'),
  node('e', 'Enter', ['x']),
  node('m', 'Merge', ['e', 'ni']),
  node('ci', 'Identity', ['m']),
  node('lt', 'Less', ['ci', 'lim']),
  node('lc', 'LoopCond', ['lt']),
  node('s', 'Switch', ['m', 'lc']),
  node('b', 'Identity', ['s:1']),
  node('a', 'AddV2', ['b', 'one']),
  node('ni', 'NextIteration', ['a']),
  node('ex', 'Exit', ['s']),
  node('out', 'Neg', ['ex']),
];
const WHILE_INSIDE = ['a', 'b', 'ci', 'e', 'ex', 'lc', 'lt', 'm', 'ni', 's'];

/** A TF1 cond inside a while loop's body, whose Merge the cond's own Switch walk stops at. */
const COND_IN_LOOP: readonly GraphNode[] = [
  node('x', 'Placeholder'),
  node('e', 'Enter', ['x']),
  node('m', 'Merge', ['e', 'ni']),
  node('lc', 'LoopCond', ['m']),
  node('s', 'Switch', ['m', 'lc']),
  node('b', 'Identity', ['s:1']),
  node('cs', 'Switch', ['b', 'b']),
  node('cm', 'Merge', ['cs', 'cs:1']),
  node('after', 'Neg', ['cm']),
  node('ni', 'NextIteration', ['after']),
  node('ex', 'Exit', ['s']),
  node('out', 'Neg', ['ex']),
];
const COND_IN_LOOP_INSIDE = ['after', 'b', 'cm', 'cs', 'e', 'ex', 'lc', 'm', 'ni', 's'];

/** An outer while loop whose body runs an inner loop and then `post`, after the inner Exit, before NextIteration. */
const NESTED: readonly GraphNode[] = [
  node('x', 'Placeholder'),
  node('oe', 'Enter', ['x']),
  node('om', 'Merge', ['oe', 'oni']),
  node('olc', 'LoopCond', ['om']),
  node('os', 'Switch', ['om', 'olc']),
  node('ob', 'Identity', ['os:1']),
  node('ie', 'Enter', ['ob']),
  node('im', 'Merge', ['ie', 'ini']),
  node('ilc', 'LoopCond', ['im']),
  node('is', 'Switch', ['im', 'ilc']),
  node('ib', 'Neg', ['is:1']),
  node('ini', 'NextIteration', ['ib']),
  node('iex', 'Exit', ['is']),
  node('post', 'Identity', ['iex']),
  node('post2', 'Relu', ['post']),
  node('oni', 'NextIteration', ['post2']),
  node('oex', 'Exit', ['os']),
  node('out', 'Neg', ['oex']),
];
const NESTED_INSIDE = NESTED.map((n) => n.name)
  .filter((n) => n !== 'x' && n !== 'out')
  .sort();

/** A TF1 cond: Switch on `pred`, a branch each side (`t` also carries a control-only constant), Merge, then `y`. */
const COND: readonly GraphNode[] = [
  node('x', 'Placeholder'),
  node('pred', 'Placeholder'),
  node('s', 'Switch', ['x', 'pred']),
  node('t', 'Identity', ['s:1']),
  node('tc', 'Const', ['^t']),
  node('tt', 'Mul', ['t', 'tc']),
  node('f', 'Neg', ['s']),
  node('m', 'Merge', ['f', 'tt']),
  node('y', 'Relu', ['m']),
];

describe('controlFlowNodes', () => {
  const CASES: readonly { what: string; nodes: readonly GraphNode[]; expected: readonly string[] }[] = [
    {
      what: 'no control flow: nothing',
      nodes: [node('x', 'Placeholder'), node('i', 'Identity', ['x']), node('y', 'Merge', ['i'])],
      expected: [],
    },
    {
      what: 'a cond: the Switch, both branches (control edges too) and the Merge, not what reads the Merge',
      nodes: COND,
      expected: ['f', 'm', 's', 't', 'tc', 'tt'],
    },
    {
      what: 'a branch node nothing reads is inside too',
      nodes: [node('x', 'Placeholder'), node('s', 'Switch', ['x', 'x']), node('d', 'Neg', ['s:1'])],
      expected: ['d', 's'],
    },
    {
      what: 'a while loop: Enter to Exit, the condition between Merge and LoopCond included, not what reads the Exit',
      nodes: WHILE,
      expected: WHILE_INSIDE,
    },
    {
      what: 'a while loop listed NextIteration first: the same (a Merge one walk stops at, an Enter walks through)',
      nodes: [...WHILE].reverse(),
      expected: WHILE_INSIDE,
    },
    {
      what: 'a cond inside a loop body: the nodes after its Merge are still in the frame',
      nodes: COND_IN_LOOP,
      expected: COND_IN_LOOP_INSIDE,
    },
    {
      what: "the same listed backwards: the cond's Switch walked before the Enter does not cut the Enter's walk short",
      nodes: [...COND_IN_LOOP].reverse(),
      expected: COND_IN_LOOP_INSIDE,
    },
    {
      what: "nested loops: the outer body after the inner loop's Exit is still in the outer frame",
      nodes: NESTED,
      expected: NESTED_INSIDE,
    },
    {
      what: 'nested loops listed backwards: the same',
      nodes: [...NESTED].reverse(),
      expected: NESTED_INSIDE,
    },
    {
      what: 'a LoopCond and a NextIteration with no Enter upstream: themselves and what they feed, up to a Merge or Exit',
      nodes: [
        node('x', 'Placeholder'),
        node('lc', 'LoopCond', ['x']),
        node('q', 'Neg', ['lc']),
        node('ni', 'NextIteration', ['x']),
        node('r', 'Neg', ['ni']),
        node('mg', 'Merge', ['q', 'r']),
        node('ex', 'Exit', ['q']),
        node('y', 'Neg', ['mg']),
        node('z', 'Neg', ['ex']),
      ],
      expected: ['ex', 'lc', 'mg', 'ni', 'q', 'r'],
    },
  ];
  it.each(CASES)('$what', ({ nodes, expected }) => {
    expect([...controlFlowNodes(nodes)].sort()).toEqual(expected);
  });
});
