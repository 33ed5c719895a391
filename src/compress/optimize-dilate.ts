/**
 * The optimizer's `space-to-batch` pass: `SpaceToBatchND(x, [d, d], P) → VALID conv → BatchToSpaceND(·, [d, d], C)`
 * — how TensorFlow exports a dilated convolution (`tf.nn.with_space_to_batch`, Keras' `dilation_rate` on a
 * DepthwiseConv2D) — becomes one convolution with `dilations: [1, d, d, 1]`.
 *
 * Why it is exact: the block decomposition runs the kernel over each of the d × d phases of the padded input, so
 * before the crop the result is the dilated VALID convolution of `pad_P(x)`; cropping it by C = P (begin and end)
 * leaves output j reading inputs j + t·d of x itself, never a padded zero. So the rewrite needs P and C to be the
 * same value: constants with equal values, or — as TensorFlow writes them, computed from x's shape by
 * `required_space_to_batch_paddings` — two subgraphs that compute the same thing from the same nodes.
 */
import { consumersOf, decodeAttrString, parseInput, type AttrValue } from './graph-def.js';
import { hasControlInputs, soleConsumer, type GraphState, type MutableNode } from './graph-state.js';

const CONVOLUTIONS = ['Conv2D', 'DepthwiseConv2dNative'];
/** How deep two subgraphs are compared before giving up (TensorFlow's padding subgraph is 6 nodes deep). */
const MAX_DEPTH = 12;

/** A JSON value with object keys sorted, so attributes compare whatever order the converter wrote them in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sameAttrs = (a: Readonly<Record<string, AttrValue>>, b: Readonly<Record<string, AttrValue>>): boolean => canonical(a) === canonical(b);

/** Whether two constants hold the same dtype, shape and values. */
function sameConstant(state: GraphState, a: string, b: string): boolean {
  const x = state.weights.get(a);
  const y = state.weights.get(b);
  if (!x || !y || x.dtype !== y.dtype || x.shape.join() !== y.shape.join() || x.data.length !== y.data.length) return false;
  if (Array.isArray(x.data) || Array.isArray(y.data)) return false;
  const u = x.data as ArrayLike<number>;
  const v = y.data as ArrayLike<number>;
  for (let i = 0; i < u.length; i++) if (!Object.is(u[i], v[i])) return false;
  return true;
}

/** Whether `a` and `b` compute the same value: the same output, equal constants, or the same op of the same values. */
export function sameValue(state: GraphState, a: string, b: string, depth = 0): boolean {
  const ra = parseInput(a);
  const rb = parseInput(b);
  if (ra.control || rb.control || ra.output !== rb.output) return false;
  if (ra.node === rb.node) return true;
  const x = state.byName.get(ra.node);
  const y = state.byName.get(rb.node);
  if (!x || !y || x.op !== y.op || depth >= MAX_DEPTH) return false;
  if (x.op === 'Const') return sameConstant(state, x.name, y.name);
  // Ops whose value is not a function of their inputs (placeholders, random, stateful) are equal only to themselves.
  if (['Placeholder', 'RandomUniform', 'RandomStandardNormal', 'TruncatedNormal', 'Multinomial'].includes(x.op)) return false;
  if (hasControlInputs(x) || hasControlInputs(y) || x.input.length !== y.input.length || !sameAttrs(x.attr, y.attr)) return false;
  return x.input.every((ref, i) => sameValue(state, ref, y.input[i] ?? '', depth + 1));
}

/** The block size of a constant `[d, d]` block shape. */
function squareBlock(state: GraphState, ref: string | undefined): number | undefined {
  const name = ref === undefined ? undefined : parseInput(ref).node;
  const w = name === undefined || state.byName.get(name)?.op !== 'Const' ? undefined : state.weights.get(name);
  if (w?.dtype !== 'int32' || w.shape.join() !== '2') return undefined;
  const [h, v] = Array.from(w.data as Int32Array);
  return h !== undefined && h === v && h > 1 ? h : undefined;
}

const ones = (attr: AttrValue | undefined): boolean => (attr?.list?.i ?? ['1', '1', '1', '1']).every((v) => Number(v) === 1);

/** Rewrites every space-to-batch convolution into a dilated one; returns how many. */
export function dilateSpaceToBatch(state: GraphState): number {
  let count = 0;
  for (const s2b of [...state.nodes]) {
    if (s2b.op !== 'SpaceToBatchND' || !state.byName.has(s2b.name) || hasControlInputs(s2b) || s2b.input.length !== 3) continue;
    const conv = soleConsumer(state, s2b.name);
    const b2s = conv ? soleConsumer(state, conv.name) : undefined;
    if (!conv || !b2s || !isPlainValidConv(conv, s2b.name) || b2s.op !== 'BatchToSpaceND' || hasControlInputs(b2s) || b2s.input.length !== 3) continue;
    const d = squareBlock(state, s2b.input[1]);
    const [x, , paddings] = s2b.input;
    const crops = b2s.input[2];
    if (d === undefined || d !== squareBlock(state, b2s.input[1]) || x === undefined || paddings === undefined || crops === undefined) continue;
    if (!sameValue(state, paddings, crops)) continue;
    const dilations: MutableNode['attr'][string] = { list: { i: ['1', String(d), String(d), '1'] } };
    // Read before the rewrite replaces b2s's inputs (afterwards b2s.input[1] is the kernel).
    const blocks = [s2b.input[1] ?? '', b2s.input[1] ?? ''];
    Object.assign(b2s, { op: conv.op, input: [x, conv.input[1] ?? ''], attr: { ...conv.attr, dilations } });
    const drop = new Set([s2b.name, conv.name]);
    state.nodes = state.nodes.filter((n) => !drop.has(n.name));
    for (const name of drop) state.byName.delete(name);
    state.consumers = consumersOf(state.nodes);
    // The padding subgraph now read by nothing goes at once: it reads x's shape, and x's Pad can merge only when
    // the convolution is its one reader.
    dropUnread(state, [paddings, crops, ...blocks]);
    count++;
  }
  return count;
}

/** Removes the nodes of `refs` that nothing reads any more, and then their inputs that nothing reads, and so on. */
function dropUnread(state: GraphState, refs: readonly string[]): void {
  const stack = refs.map((r) => parseInput(r).node);
  while (stack.length > 0) {
    const name = stack.pop() ?? '';
    const node = state.byName.get(name);
    if (!node || node.op === 'Placeholder' || state.outputs.has(name) || (state.consumers.get(name) ?? []).length > 0) continue;
    state.nodes = state.nodes.filter((n) => n !== node);
    state.byName.delete(name);
    state.consumers = consumersOf(state.nodes);
    stack.push(...node.input.map((r) => parseInput(r).node));
  }
}

/** A VALID NHWC convolution with unit strides and dilations reading `input` as its data input. */
function isPlainValidConv(conv: MutableNode, input: string): boolean {
  if (!CONVOLUTIONS.includes(conv.op) || conv.input.length !== 2 || hasControlInputs(conv)) return false;
  if (parseInput(conv.input[0] ?? '').node !== input || parseInput(conv.input[1] ?? '').node === input) return false;
  if (!['', 'NHWC'].includes(decodeAttrString(conv.attr['data_format']?.s))) return false;
  return decodeAttrString(conv.attr['padding']?.s) === 'VALID' && ones(conv.attr['strides']) && ones(conv.attr['dilations']);
}
