/**
 * The optimizer's constant folding (`fold-constants`): a node every input of which is a constant becomes a `Const`
 * holding its value, computed here the way tfjs-core's cpu kernels compute it (in doubles, stored as float32 or
 * int32 — for `+ − × ÷` and `√` of float32 values that is the correctly rounded float32 result every backend gives).
 * Only ops whose result is exact that way, never a graph output, never inside control flow, never a quantized
 * input (the folded value would be stored wider), and never a result with more elements than its inputs together
 * (folding a broadcast would make the model bigger).
 */
import { consumersOf, parseInput } from './graph-def.js';
import type { TensorData } from './weights.js';
import { dataInputs, hasControlInputs, type GraphState, type MutableNode } from './graph-state.js';

type Num = (a: number, b: number) => number;

const BINARY: Readonly<Record<string, Num>> = {
  Add: (a, b) => a + b,
  AddV2: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  RealDiv: (a, b) => a / b,
  Maximum: (a, b) => Math.max(a, b),
  Minimum: (a, b) => Math.min(a, b),
};

const UNARY: Readonly<Record<string, (a: number) => number>> = {
  Neg: (a) => -a,
  Abs: (a) => Math.abs(a),
  Square: (a) => a * a,
  Sqrt: (a) => Math.sqrt(a),
  Relu: (a) => Math.max(0, a),
  Relu6: (a) => Math.min(Math.max(0, a), 6),
  Floor: (a) => Math.floor(a),
  Ceil: (a) => Math.ceil(a),
  Identity: (a) => a,
  StopGradient: (a) => a,
};

const TF_DTYPE = { float32: 'DT_FLOAT', int32: 'DT_INT32' } as const;
type Folded = { readonly shape: number[]; readonly dtype: 'float32' | 'int32'; readonly data: Float32Array | Int32Array };

function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(Math.max(x, y));
  }
  return out;
}

/** Index into a tensor of `shape` broadcast to `out`, for the flat output index `i`. */
function sourceIndex(i: number, out: readonly number[], shape: readonly number[]): number {
  let index = 0;
  let stride = 1;
  let rest = i;
  for (let d = out.length - 1; d >= 0; d--) {
    const size = out[d] ?? 1;
    const coord = rest % size;
    rest = Math.floor(rest / size);
    const own = shape[d - (out.length - shape.length)];
    if (own !== undefined) {
      if (own !== 1) index += coord * stride;
      stride *= own;
    }
  }
  return index;
}

const make = (dtype: 'float32' | 'int32', n: number): Float32Array | Int32Array => (dtype === 'float32' ? new Float32Array(n) : new Int32Array(n));

/** The target shape of a Reshape (one -1 resolved), if it fits `count` elements. */
function reshapeTo(target: Int32Array, count: number): number[] | undefined {
  const dims = Array.from(target);
  const known = dims.filter((d) => d !== -1).reduce((n, d) => n * d, 1);
  const free = dims.filter((d) => d === -1).length;
  if (free > 1 || dims.some((d) => d < -1)) return undefined;
  const shape = dims.map((d) => (d === -1 ? count / known : d));
  return shape.every(Number.isInteger) && shape.reduce((n, d) => n * d, 1) === count ? shape : undefined;
}

/** The value of `node` from its constant inputs, when its op is one folded exactly. */
function evaluate(node: MutableNode, inputs: readonly Folded[]): Folded | undefined {
  const [a, b] = inputs;
  if (!a) return undefined;
  const binary = BINARY[node.op];
  if (binary && b && inputs.length === 2 && a.dtype === b.dtype && !(a.dtype === 'int32' && node.op === 'RealDiv')) {
    const shape = broadcastShape(a.shape, b.shape);
    if (!shape) return undefined;
    const data = make(
      a.dtype,
      shape.reduce((n, d) => n * d, 1),
    );
    for (let i = 0; i < data.length; i++) data[i] = binary(a.data[sourceIndex(i, shape, a.shape)] ?? 0, b.data[sourceIndex(i, shape, b.shape)] ?? 0);
    return { shape, dtype: a.dtype, data };
  }
  const unary = UNARY[node.op];
  if (unary && inputs.length === 1 && (a.dtype === 'float32' || ['Neg', 'Abs', 'Square', 'Identity', 'StopGradient'].includes(node.op))) {
    const data = make(a.dtype, a.data.length);
    for (let i = 0; i < data.length; i++) data[i] = unary(a.data[i] ?? 0);
    return { shape: [...a.shape], dtype: a.dtype, data };
  }
  if (node.op === 'Reshape' && b?.dtype === 'int32' && inputs.length === 2) {
    const shape = reshapeTo(b.data as Int32Array, a.data.length);
    return shape ? { shape, dtype: a.dtype, data: a.data.slice() } : undefined;
  }
  if (node.op === 'Cast' && inputs.length === 1) {
    const to = node.attr['DstT']?.type === 'DT_INT32' ? 'int32' : node.attr['DstT']?.type === 'DT_FLOAT' ? 'float32' : undefined;
    if (!to) return undefined;
    const data = make(to, a.data.length);
    for (let i = 0; i < data.length; i++) data[i] = to === 'int32' ? Math.trunc(a.data[i] ?? 0) : (a.data[i] ?? 0);
    return { shape: [...a.shape], dtype: to, data };
  }
  return undefined;
}

/** The decoded constants `node` reads, when every data input is one (output 0 of an unquantized Const). */
function constantInputs(state: GraphState, node: MutableNode): Folded[] | undefined {
  const out: Folded[] = [];
  for (const ref of dataInputs(node)) {
    const { node: name, output } = parseInput(ref);
    const w = state.byName.get(name)?.op === 'Const' && output === 0 ? state.weights.get(name) : undefined;
    if (!w || w.quantization) return undefined;
    if (w.dtype === 'float32' && w.data instanceof Float32Array) out.push({ shape: [...w.shape], dtype: 'float32', data: w.data });
    else if (w.dtype === 'int32' && w.data instanceof Int32Array) out.push({ shape: [...w.shape], dtype: 'int32', data: w.data });
    else return undefined;
  }
  return out.length > 0 ? out : undefined;
}

/** Folds every constant subexpression; returns how many nodes became constants. */
export function foldConstants(state: GraphState): number {
  let count = 0;
  for (let changed = true; changed;) {
    changed = false;
    for (const node of state.nodes) {
      if (node.op === 'Const' || state.outputs.has(node.name) || state.frozen.has(node.name) || hasControlInputs(node)) continue;
      const inputs = constantInputs(state, node);
      const value = inputs ? evaluate(node, inputs) : undefined;
      if (!inputs || !value || value.data.length > inputs.reduce((n, t) => n + t.data.length, 0)) continue;
      const dim = value.shape.map((d) => ({ size: String(d) }));
      const type = TF_DTYPE[value.dtype];
      Object.assign(node, { op: 'Const', input: [], attr: { dtype: { type }, value: { tensor: { dtype: type, tensorShape: { dim } } } } });
      state.weights.set(node.name, { name: node.name, shape: value.shape, dtype: value.dtype, data: value.data as TensorData });
      state.changed.add(node.name);
      state.added.push(node.name);
      changed = true;
      count++;
    }
    if (changed) state.consumers = consumersOf(state.nodes);
  }
  return count;
}
