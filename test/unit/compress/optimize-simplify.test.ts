import { describe, expect, it } from 'vitest';
import { mergePads, removeNoOps } from '../../../src/compress/optimize-simplify.js';
import { decodeAttrString, type AttrValue, type GraphDef, type GraphNode } from '../../../src/compress/graph-def.js';
import { graphStateOf, type GraphState, type MutableNode } from '../../../src/compress/graph-state.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { convAttrs, graphArtifacts, op, type ConstSpec, type PassCase as Case } from '../../helpers/graph-artifacts.js';

function stateOf(nodes: readonly GraphNode[], consts: Readonly<Record<string, ConstSpec>>, outputs: readonly string[]): GraphState {
  const a = graphArtifacts([1, 4, 4, 2], nodes, consts, outputs);
  return graphStateOf(a.modelTopology as GraphDef, a.signature, decodeWeights(a));
}

/** `name=Op(inputs)`, then a convolution's padding and explicit paddings, for the non-Const, non-Placeholder nodes. */
const lines = (state: GraphState): string[] =>
  state.nodes
    .filter((n) => n.op !== 'Const' && n.op !== 'Placeholder')
    .map((n: MutableNode) => {
      const padding = n.attr['padding']?.s;
      const explicit = n.attr['explicit_paddings']?.list?.i ?? [];
      return [
        `${n.name}=${n.op}(${n.input.join(',')})`,
        padding === undefined ? '' : ` ${decodeAttrString(padding)}`,
        explicit.length > 0 ? ` ${explicit.join(',')}` : '',
      ].join('');
    });

const one: ConstSpec = { shape: [], values: [1] };
const zero: ConstSpec = { shape: [], values: [0] };
const two: ConstSpec = { shape: [], values: [2] };
const scalars = { one, zero, two, one1: { shape: [1], values: [1] } };

const passThrough = (opName: string): Case => ({
  what: `${opName} goes; its reader reads its input`,
  nodes: [op('i', opName, ['x']), op('y', 'Neg', ['i'])],
  count: 1,
  after: ['y=Neg(x)'],
});
const arithmetic = (opName: string, a: string, b: string, removed: boolean): Case => ({
  what: `${opName}(${a}, ${b}) ${removed ? 'goes' : 'stays'}`,
  nodes: [op('o', opName, [a, b]), op('y', 'Neg', ['o'])],
  consts: scalars,
  count: removed ? 1 : 0,
  after: removed ? ['y=Neg(x)'] : [`o=${opName}(${a},${b})`, 'y=Neg(o)'],
});

const NO_OPS: readonly Case[] = [
  ...['Identity', 'StopGradient', 'Snapshot', 'PreventGradient'].map(passThrough),
  {
    what: 'an Identity with two data inputs (malformed) stays',
    nodes: [op('i', 'Identity', ['x', 'x']), op('y', 'Neg', ['i'])],
    count: 0,
    after: ['i=Identity(x,x)', 'y=Neg(i)'],
  },
  {
    what: 'an Identity nothing reads goes',
    nodes: [op('i', 'Identity', ['x']), op('y', 'Neg', ['x'])],
    count: 1,
    after: ['y=Neg(x)'],
  },
  {
    what: 'an Identity the model returns stays',
    nodes: [op('i', 'Identity', ['x']), op('y', 'Neg', ['i'])],
    outputs: ['y', 'i'],
    count: 0,
    after: ['i=Identity(x)', 'y=Neg(i)'],
  },
  {
    what: 'an Identity with a control input stays',
    nodes: [op('c', 'Neg', ['x']), op('i', 'Identity', ['x', '^c']), op('y', 'Neg', ['i'])],
    count: 0,
    after: ['c=Neg(x)', 'i=Identity(x,^c)', 'y=Neg(i)'],
  },
  {
    what: 'an Identity something waits on through a control edge stays',
    nodes: [op('i', 'Identity', ['x']), op('y', 'Neg', ['x', '^i']), op('z', 'Neg', ['i'])],
    outputs: ['y', 'z'],
    count: 0,
    after: ['i=Identity(x)', 'y=Neg(x,^i)', 'z=Neg(i)'],
  },
  {
    what: 'an Identity inside a cond branch stays',
    nodes: [op('s', 'Switch', ['x', 'x']), op('i', 'Identity', ['s:1']), op('m', 'Merge', ['s', 'i']), op('y', 'Neg', ['m'])],
    count: 0,
    after: ['s=Switch(x,x)', 'i=Identity(s:1)', 'm=Merge(s,i)', 'y=Neg(m)'],
  },
  {
    what: 'a reader of both `i` and `i:0` reads the source twice; a source output index is kept',
    nodes: [op('u', 'Unpack', ['x']), op('i', 'Identity', ['u:1']), op('y', 'AddV2', ['i', 'i:0'])],
    count: 1,
    after: ['u=Unpack(x)', 'y=AddV2(u:1,u:1)'],
  },
  {
    what: 'a chain listed reader first goes whole',
    nodes: [op('i2', 'Identity', ['i1']), op('i1', 'StopGradient', ['x']), op('y', 'Neg', ['i2'])],
    count: 2,
    after: ['y=Neg(x)'],
  },
  arithmetic('Mul', 'x', 'one', true),
  arithmetic('Mul', 'one', 'x', true),
  arithmetic('Mul', 'x', 'two', false),
  arithmetic('Mul', 'x', 'one1', false),
  arithmetic('Mul', 'x', 'x', false),
  arithmetic('Add', 'x', 'zero', true),
  arithmetic('Add', 'zero', 'x', true),
  arithmetic('AddV2', 'x', 'zero', true),
  arithmetic('AddV2', 'zero', 'x', true),
  arithmetic('Add', 'x', 'one', false),
  arithmetic('AddV2', 'one', 'x', false),
  arithmetic('Sub', 'x', 'zero', true),
  arithmetic('Sub', 'zero', 'x', false),
  arithmetic('Sub', 'x', 'one', false),
  arithmetic('RealDiv', 'x', 'one', true),
  arithmetic('RealDiv', 'one', 'x', false),
  arithmetic('RealDiv', 'x', 'zero', false),
  arithmetic('Maximum', 'x', 'zero', false),
  arithmetic('Maximum', 'x', 'one', false),
  {
    what: 'a Mul with three inputs (malformed) stays',
    nodes: [op('o', 'Mul', ['x', 'one', 'one']), op('y', 'Neg', ['o'])],
    consts: scalars,
    count: 0,
    after: ['o=Mul(x,one,one)', 'y=Neg(o)'],
  },
];

describe('removeNoOps', () => {
  it.each(NO_OPS)('$what', (c) => {
    const state = stateOf(c.nodes, c.consts ?? {}, c.outputs ?? ['y']);
    expect(removeNoOps(state)).toBe(c.count);
    expect(lines(state)).toEqual(c.after);
  });

  it('drops a removed node from the name index and the consumer map', () => {
    const state = stateOf([op('i', 'Identity', ['x']), op('y', 'Neg', ['i'])], {}, ['y']);
    expect(removeNoOps(state)).toBe(1);
    expect(state.byName.has('i')).toBe(false);
    expect([...state.consumers]).toEqual([['x', ['y']]]);
  });
});

/** Paddings [4, 2]: none on N and C, H 1 before and 2 after, W 3 and 4. */
const pads = (values: readonly number[] = [0, 0, 1, 2, 3, 4, 0, 0]): ConstSpec => ({ shape: [4, 2], values, dtype: 'int32' });
const k: ConstSpec = { shape: [1, 1, 2, 2], values: [1, 2, 3, 4] };
const explicit = (list: readonly string[]): Record<string, AttrValue> => ({ ...convAttrs('EXPLICIT'), explicit_paddings: { list: { i: list } } });
const MERGED = 'EXPLICIT 0,0,1,2,3,4,0,0';

/** Pad → conv with the given op and attributes; `conv` is the conv's line after, `merged` whether the Pad went. */
const padConv = (what: string, convOp: string, attr: Record<string, AttrValue>, conv: string, merged: boolean, padOp = 'Pad'): Case => ({
  what,
  nodes: [op('p', padOp, ['x', 'pads']), op('y', convOp, ['p', 'k'], attr)],
  consts: { pads: pads(), k },
  count: merged ? 1 : 0,
  after: merged ? [`y=${convOp}(x,k) ${conv}`] : [`p=${padOp}(x,pads)`, `y=${convOp}(p,k) ${conv}`],
});
/** Pad with these paddings → VALID Conv2D: stays. */
const padStays = (what: string, values: readonly number[]): Case => ({
  what,
  nodes: [op('p', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
  consts: { pads: pads(values), k },
  count: 0,
  after: ['p=Pad(x,pads)', 'y=Conv2D(p,k) VALID'],
});
const { data_format: _, ...noFormat } = convAttrs('VALID');

const PADS: readonly Case[] = [
  padConv('a Pad before a VALID Conv2D becomes its explicit padding', 'Conv2D', convAttrs('VALID'), MERGED, true),
  padConv('… before a VALID DepthwiseConv2dNative', 'DepthwiseConv2dNative', convAttrs('VALID'), MERGED, true),
  padConv('… before a VALID FusedDepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', convAttrs('VALID'), MERGED, true),
  padConv('… before a Conv2D without data_format (NHWC)', 'Conv2D', noFormat, MERGED, true),
  padConv('… added to the explicit paddings a Conv2D has', 'Conv2D', explicit(['0', '0', '1', '1', '2', '2', '0', '0']), 'EXPLICIT 0,0,2,3,5,6,0,0', true),
  padConv('a Pad before a SAME Conv2D stays', 'Conv2D', convAttrs('SAME'), 'SAME', false),
  padConv('… before an NCHW Conv2D', 'Conv2D', { ...convAttrs('VALID'), data_format: { s: Buffer.from('NCHW').toString('base64') } }, 'VALID', false),
  padConv('… before an EXPLICIT Conv2D with four explicit paddings', 'Conv2D', explicit(['0', '0', '1', '1']), 'EXPLICIT 0,0,1,1', false),
  padConv('… before an EXPLICIT Conv2D with an empty explicit_paddings list', 'Conv2D', convAttrs('EXPLICIT'), 'EXPLICIT', false),
  padConv('… before an EXPLICIT Conv2D with a bare explicit_paddings', 'Conv2D', { ...convAttrs('EXPLICIT'), explicit_paddings: {} }, 'EXPLICIT', false),
  padConv('… before an EXPLICIT Conv2D without explicit_paddings', 'Conv2D', { padding: { s: Buffer.from('EXPLICIT').toString('base64') } }, 'EXPLICIT', false),
  padConv(
    '… before a SAME Conv2D that also carries eight explicit paddings',
    'Conv2D',
    { ...convAttrs('SAME'), explicit_paddings: { list: { i: ['0', '0', '1', '1', '1', '1', '0', '0'] } } },
    'SAME 0,0,1,1,1,1,0,0',
    false,
  ),
  {
    what: 'a Pad before a convolution without a padding attribute stays',
    nodes: [op('p', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'])],
    consts: { pads: pads(), k },
    count: 0,
    after: ['p=Pad(x,pads)', 'y=Conv2D(p,k)'],
  },
  padConv('… before a MaxPool', 'MaxPool', convAttrs('VALID'), 'VALID', false),
  padConv('a MirrorPad stays', 'Conv2D', convAttrs('VALID'), 'VALID', false, 'MirrorPad'),
  {
    what: 'a Pad with three inputs (malformed) stays',
    nodes: [op('p', 'Pad', ['x', 'pads', 'zero']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: pads(), k, zero: { shape: [], values: [0] } },
    count: 0,
    after: ['p=Pad(x,pads,zero)', 'y=Conv2D(p,k) VALID'],
  },
  {
    what: 'a PadV2 of zeros merges too; the fused convolution keeps its bias input',
    nodes: [op('p', 'PadV2', ['x', 'pads', 'zero']), op('y', '_FusedConv2D', ['p', 'k', 'b'], convAttrs('VALID'))],
    consts: { pads: pads(), k, zero: { shape: [], values: [0] }, b: { shape: [2], values: [1, 2] } },
    count: 1,
    after: [`y=_FusedConv2D(x,k,b) ${MERGED}`],
  },
  {
    what: 'a PadV2 of ones stays',
    nodes: [op('p', 'PadV2', ['x', 'pads', 'c']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: pads(), k, c: { shape: [], values: [1] } },
    count: 0,
    after: ['p=PadV2(x,pads,c)', 'y=Conv2D(p,k) VALID'],
  },
  {
    what: 'a PadV2 with two inputs (malformed) stays',
    nodes: [op('p', 'PadV2', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: pads(), k },
    count: 0,
    after: ['p=PadV2(x,pads)', 'y=Conv2D(p,k) VALID'],
  },
  padStays('paddings on the batch axis (before) stay', [1, 0, 1, 2, 3, 4, 0, 0]),
  padStays('… (after)', [0, 1, 1, 2, 3, 4, 0, 0]),
  padStays('paddings on the channel axis (before) stay', [0, 0, 1, 2, 3, 4, 1, 0]),
  padStays('… (after)', [0, 0, 1, 2, 3, 4, 0, 1]),
  padStays('a negative padding (a crop) stays', [0, 0, -1, 2, 3, 4, 0, 0]),
  {
    what: 'float32 paddings stay',
    nodes: [op('p', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: { shape: [4, 2], values: [0, 0, 1, 2, 3, 4, 0, 0] }, k },
    count: 0,
    after: ['p=Pad(x,pads)', 'y=Conv2D(p,k) VALID'],
  },
  {
    what: 'paddings of shape [8] stay',
    nodes: [op('p', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: { shape: [8], values: [0, 0, 1, 2, 3, 4, 0, 0], dtype: 'int32' }, k },
    count: 0,
    after: ['p=Pad(x,pads)', 'y=Conv2D(p,k) VALID'],
  },
  {
    what: 'paddings computed by a node stay',
    nodes: [op('pi', 'Identity', ['pads']), op('p', 'Pad', ['x', 'pi']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: pads(), k },
    count: 0,
    after: ['pi=Identity(pads)', 'p=Pad(x,pi)', 'y=Conv2D(p,k) VALID'],
  },
  {
    what: 'a Pad of the kernel (the second input) stays',
    nodes: [op('p', 'Pad', ['k', 'pads']), op('y', 'Conv2D', ['x', 'p'], convAttrs('VALID'))],
    consts: { pads: pads(), k },
    count: 0,
    after: ['p=Pad(k,pads)', 'y=Conv2D(x,p) VALID'],
  },
  {
    what: 'a Pad with a control input stays',
    nodes: [op('c', 'Neg', ['x']), op('p', 'Pad', ['x', 'pads', '^c']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: pads(), k },
    count: 0,
    after: ['c=Neg(x)', 'p=Pad(x,pads,^c)', 'y=Conv2D(p,k) VALID'],
  },
  {
    what: 'a Pad two convolutions read stays',
    nodes: [op('p', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID')), op('z', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: pads(), k },
    outputs: ['y', 'z'],
    count: 0,
    after: ['p=Pad(x,pads)', 'y=Conv2D(p,k) VALID', 'z=Conv2D(p,k) VALID'],
  },
  {
    what: 'a Pad the model returns stays',
    nodes: [op('p', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))],
    consts: { pads: pads(), k },
    outputs: ['y', 'p'],
    count: 0,
    after: ['p=Pad(x,pads)', 'y=Conv2D(p,k) VALID'],
  },
  {
    what: 'a Pad inside a cond branch stays',
    nodes: [
      op('s', 'Switch', ['x', 'x']),
      op('p', 'Pad', ['s:1', 'pads']),
      op('c', 'Conv2D', ['p', 'k'], convAttrs('VALID')),
      op('m', 'Merge', ['s', 'c']),
      op('y', 'Neg', ['m']),
    ],
    consts: { pads: pads(), k },
    count: 0,
    after: ['s=Switch(x,x)', 'p=Pad(s:1,pads)', 'c=Conv2D(p,k) VALID', 'm=Merge(s,c)', 'y=Neg(m)'],
  },
  {
    what: 'two Pads in a row, listed reader first, both merge',
    nodes: [op('p2', 'Pad', ['p1', 'pads']), op('p1', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p2', 'k'], convAttrs('VALID'))],
    consts: { pads: pads(), k },
    count: 2,
    after: ['y=Conv2D(x,k) EXPLICIT 0,0,2,4,6,8,0,0'],
  },
];

describe('mergePads', () => {
  it.each(PADS)('$what', (c) => {
    const state = stateOf(c.nodes, c.consts ?? {}, c.outputs ?? ['y']);
    expect(mergePads(state)).toBe(c.count);
    expect(lines(state)).toEqual(c.after);
  });

  it('writes the merged paddings as strings, keeps the other attributes, and drops the Pad from the indexes', () => {
    const state = stateOf([op('p', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))], { pads: pads(), k }, ['y']);
    expect(mergePads(state)).toBe(1);
    expect(state.byName.get('y')?.attr).toEqual({
      ...op('y', 'Conv2D', [], convAttrs('VALID')).attr,
      padding: { s: Buffer.from('EXPLICIT').toString('base64') },
      explicit_paddings: { list: { i: ['0', '0', '1', '2', '3', '4', '0', '0'] } },
    });
    expect(state.byName.has('p')).toBe(false);
    expect(state.consumers.get('x')).toEqual(['y']);
    expect(state.consumers.has('p')).toBe(false);
  });

  it('leaves quantized paddings alone', () => {
    const state = stateOf([op('p', 'Pad', ['x', 'pads']), op('y', 'Conv2D', ['p', 'k'], convAttrs('VALID'))], { pads: pads(), k }, ['y']);
    const w = state.weights.get('pads');
    if (w) state.weights.set('pads', { ...w, quantization: { dtype: 'uint8', min: 0, scale: 1 } });
    expect(mergePads(state)).toBe(0);
    expect(lines(state)).toEqual(['p=Pad(x,pads)', 'y=Conv2D(p,k) VALID']);
  });
});
