/**
 * Per-channel scales in a stock graph model: every output channel c of a Conv2D / DepthwiseConv2dNative / MatMul
 * kernel (and of their fused forms) is divided by its own factor s_c ∈ (0, 1] so every channel spans (between half
 * and all of) the tensor's range, and s_c is put back in the graph. s_c is a power of two, the smallest not below
 * the share of the range the channel reaches (see channelScales): dividing and multiplying by it is exact in float32, so the rewrite itself changes
 * no output (the float32 corpus models come back bit-for-bit within 1e-5), at the cost of at most one bit of range. The kernel then quantizes with one plain per-tensor `min` /
 * `scale` that suits every channel, which is what stock TF.js loads. Putting s back:
 *
 * - `folded`: the op's output (after an optional bias add, b → b/s) feeds only a per-channel `Mul(c)`: c → c·s.
 *   Free: no op is added.
 * - `inserted`: one `Mul` by the constant vector s after the op, which gives up its name to the Mul so nothing
 *   that reads it changes. A fused op's bias becomes b/s: `act(conv(x, w/s) + b/s) · s = act(conv(x, w) + b)`
 *   for an activation that is positively homogeneous (none, Relu, LeakyRelu, Prelu), as s > 0.
 * - `split`: for any other fused activation (Relu6, Elu, Sigmoid, …) the Mul cannot go after it, so the fusion
 *   is split into the fused op with its bias only, the Mul, and the activation as its own node (two extra ops).
 *   Splitting rather than skipping: the pose models put most of their depthwise layers, the ones whose channels
 *   differ most, behind Relu6.
 *
 * A node the model returns, a node inside control flow, a kernel or bias another node also reads, an NCHW
 * layout or a transposed MatMul kernel are left as they are. Only layers whose channel ranges differ by at least
 * {@link MIN_SPREAD}× get a Mul (a fold is always taken). Pure: `artifacts` is never mutated.
 */
import type { io } from '@tensorflow/tfjs';
import { decodeAttrString, isGraphDef, consumersOf, parseInput } from './graph-def.js';
import { addConstant, constantOf, fusedOpsAttr, graphStateOf, soleConsumer, type GraphState, type MutableNode } from './graph-state.js';
import { decodeWeights, encodeTensor, joinWeights, splitWeights, withWeights, type NamedTensor } from './weights.js';

/** Channel ranges closer than this (widest / narrowest) gain under one bit: not worth an extra op. */
export const MIN_SPREAD = 2;
/** The smallest s_c: a channel of (near) zeros keeps a finite b / s. */
const MIN_SCALE = 2 ** -24;

const LINEAR = new Set(['Conv2D', 'DepthwiseConv2dNative', 'MatMul', '_FusedConv2D', 'FusedDepthwiseConv2dNative', '_FusedMatMul']);
/** Fused activations with act(s·z) = s·act(z) for s > 0. */
const HOMOGENEOUS = new Set(['', 'Relu', 'LeakyRelu', 'Prelu']);
/** Fused activations that can run as their own unary node after a split. */
const UNARY = new Set(['Relu6', 'Elu', 'Sigmoid', 'Tanh']);

/** Result of {@link rescaleChannels}. */
export interface PerChannelResult {
  readonly artifacts: io.ModelArtifacts;
  /** Layers (node names) whose s went into a Mul that already followed them. */
  readonly folded: readonly string[];
  /** Layers that got one Mul after them. */
  readonly inserted: readonly string[];
  /** Fused layers split into op + Mul + activation. */
  readonly split: readonly string[];
  /** Weights the rewrite created or rescaled that must stay float32 (the s vectors, the b/s biases, the c·s Muls). */
  readonly keepFloat: readonly string[];
  readonly warnings: readonly string[];
}

/** Output channels of a linear node's kernel (last axis; depthwise: in × multiplier), when it can be rescaled. */
function kernelChannels(node: MutableNode, kernel: NamedTensor): number | undefined {
  const format = decodeAttrString(node.attr['data_format']?.s);
  if (format !== '' && format !== 'NHWC') return undefined;
  const s = kernel.shape;
  if (node.op.endsWith('MatMul')) {
    if (node.attr['transpose_b']?.b === true || s.length !== 2) return undefined;
    return s[1];
  }
  if (s.length !== 4) return undefined;
  return node.op.includes('Depthwise') ? (s[2] ?? 0) * (s[3] ?? 0) : s[3];
}

/** The ops a fused node fuses (`[]` for a plain one). */
function fusedOps(node: MutableNode): string[] {
  return (node.attr['fused_ops']?.list?.s ?? []).map((s) => decodeAttrString(s));
}

/** The constant `ref` names, when only `reader` reads its node and it holds `channels` float32 values. */
function ownVector(state: GraphState, ref: string | undefined, reader: string, channels: number): NamedTensor | undefined {
  if (ref === undefined) return undefined;
  const w = constantOf(state, ref);
  const readers = state.consumers.get(parseInput(ref).node) ?? [];
  if (!w || readers.length !== 1 || readers[0] !== reader || w.data.length !== channels) return undefined;
  if (!w.shape.slice(0, -1).every((d) => d === 1)) return undefined;
  return w;
}

/**
 * s_c = 2^⌈log2 r_c⌉ (MIN_SCALE at least), r_c the share of the tensor's range [LO, HI] channel c reaches on its
 * fuller side (max(lo_c / LO, hi_c / HI)): the rescaled channel touches an end of [LO, HI] but never leaves it, so
 * the per-tensor range, and with it the grid step, stays what it was and every narrower channel gets finer codes.
 * Also the spread: widest / narrowest non-zero channel.
 */
function channelScales(data: Float32Array, channels: number): { s: Float32Array; spread: number } {
  const lo = new Float64Array(channels);
  const hi = new Float64Array(channels);
  for (let i = 0; i < data.length; i++) {
    const c = i % channels;
    const v = data[i] ?? 0;
    if (v < (lo[c] ?? 0)) lo[c] = v;
    if (v > (hi[c] ?? 0)) hi[c] = v;
  }
  const LO = Math.min(...lo);
  const HI = Math.max(...hi);
  const share = [...lo].map((l, c) => Math.max(LO < 0 ? l / LO : 0, HI > 0 ? (hi[c] ?? 0) / HI : 0));
  const s = new Float32Array(channels).fill(1);
  const nonZero = share.filter((r) => r > 0);
  if (nonZero.length === 0) return { s, spread: 1 };
  share.forEach((r, c) => (s[c] = r > 0 ? Math.max(2 ** Math.ceil(Math.log2(r)), MIN_SCALE) : 1));
  return { s, spread: 1 / Math.min(...nonZero) };
}

function setWeight(state: GraphState, w: NamedTensor, data: Float32Array): void {
  state.weights.set(w.name, { name: w.name, shape: [...w.shape], dtype: 'float32', data });
  state.changed.add(w.name);
}

const divided = (data: Float32Array, s: Float32Array): Float32Array => data.map((v, i) => v / (s[i % s.length] ?? 1));
const multiplied = (data: Float32Array, s: Float32Array): Float32Array => data.map((v, i) => v * (s[i % s.length] ?? 1));

/** A free node name from `base`. */
function freeName(state: GraphState, base: string): string {
  let name = base;
  for (let i = 1; state.byName.has(name) || state.weights.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** Inserts `node` right after `after` in the node list. */
function insertAfter(state: GraphState, after: MutableNode, node: MutableNode): void {
  state.nodes.splice(state.nodes.indexOf(after) + 1, 0, node);
  state.byName.set(node.name, node);
}

/** Gives `node` a new name and puts `replacement` (reading it) under the old one; returns the new name. */
function takeName(state: GraphState, node: MutableNode, suffix: string): string {
  const old = node.name;
  const renamed = freeName(state, `${old}/${suffix}`);
  state.byName.delete(old);
  node.name = renamed;
  state.byName.set(renamed, node);
  return renamed;
}

type Outcome = 'folded' | 'inserted' | 'split' | undefined;

/** Rescales one linear node; returns what it did (undefined: left as it is). */
function rescaleOne(state: GraphState, node: MutableNode, keep: Set<string>): Outcome {
  if (state.outputs.has(node.name) || state.frozen.has(node.name) || node.input.some((r) => r.startsWith('^'))) return undefined;
  const kernelRef = node.input[1];
  const kernel = kernelRef === undefined ? undefined : constantOf(state, kernelRef);
  if (!kernel || kernelRef === undefined) return undefined;
  const kernelReaders = state.consumers.get(parseInput(kernelRef).node) ?? [];
  if (kernelReaders.length !== 1) return undefined;
  const channels = kernelChannels(node, kernel);
  if (channels === undefined || channels < 2) return undefined;
  const ops = fusedOps(node);
  const fused = node.op !== 'Conv2D' && node.op !== 'DepthwiseConv2dNative' && node.op !== 'MatMul';
  if (fused && (ops[0] !== 'BiasAdd' || ops.length > 2)) return undefined;
  const bias = fused ? ownVector(state, node.input[2], node.name, channels) : undefined;
  if (fused && !bias) return undefined;
  const act = ops[1] ?? '';
  const data = kernel.data as Float32Array;
  const { s, spread } = channelScales(data, channels);
  if (spread === 1) return undefined;

  // Fold: the op (with at most its bias, no activation) feeds only a per-channel Mul.
  let head: MutableNode = node;
  let add: { node: MutableNode; bias: NamedTensor } | undefined;
  let next = soleConsumer(state, node.name);
  if (!fused && next && ['BiasAdd', 'Add', 'AddV2'].includes(next.op) && next.input.length === 2) {
    const other = next.input.find((r) => parseInput(r).node !== node.name);
    const b = ownVector(state, other, next.name, channels);
    if (b && constantOf(state, other ?? '')?.shape.length === 1) {
      add = { node: next, bias: b };
      head = next;
      next = soleConsumer(state, next.name);
    }
  }
  if (act === '' && next?.op === 'Mul' && next.input.length === 2 && !next.input.some((r) => r.startsWith('^'))) {
    const other = next.input.find((r) => parseInput(r).node !== head.name);
    const c = ownVector(state, other, next.name, channels);
    if (c) {
      setWeight(state, kernel, divided(data, s));
      setWeight(state, c, multiplied(c.data as Float32Array, s));
      keep.add(c.name);
      for (const b of [bias, add?.bias]) {
        if (!b) continue;
        setWeight(state, b, divided(b.data as Float32Array, s));
        keep.add(b.name);
      }
      return 'folded';
    }
  }
  if (spread < MIN_SPREAD || (!HOMOGENEOUS.has(act) && !UNARY.has(act))) return undefined;

  setWeight(state, kernel, divided(data, s));
  if (bias) {
    setWeight(state, bias, divided(bias.data as Float32Array, s));
    keep.add(bias.name);
  }
  const name = node.name;
  const scale = addConstant(state, freeName(state, `${name}/per_channel_scale`), [channels], s);
  keep.add(scale);
  const opName = takeName(state, node, 'per_channel_op');
  const T = { T: node.attr['T'] ?? { type: 'DT_FLOAT' } };
  if (HOMOGENEOUS.has(act)) {
    insertAfter(state, node, { name, op: 'Mul', input: [opName, scale], attr: { ...T }, rest: {} });
    state.consumers = consumersOf(state.nodes);
    return 'inserted';
  }
  node.attr = { ...node.attr, fused_ops: fusedOpsAttr(['BiasAdd']), num_args: { i: '1' } };
  node.input = node.input.slice(0, 3);
  const mulName = freeName(state, `${name}/per_channel_mul`);
  const mul: MutableNode = { name: mulName, op: 'Mul', input: [opName, scale], attr: { ...T }, rest: {} };
  insertAfter(state, node, mul);
  insertAfter(state, mul, { name, op: act, input: [mulName], attr: { ...T }, rest: {} });
  state.consumers = consumersOf(state.nodes);
  return 'split';
}

/**
 * Gives every eligible linear layer of a graph model per-channel scales (see the module comment), with float32
 * weights: quantize the result per tensor afterwards, keeping `keepFloat` float32. A layers model, or a topology
 * that is not a GraphDef, comes back unchanged with a warning.
 */
export function rescaleChannels(artifacts: io.ModelArtifacts): PerChannelResult {
  const topology = artifacts.modelTopology;
  const none = { folded: [], inserted: [], split: [], keepFloat: [] };
  if (!isGraphDef(topology)) {
    const warning =
      'quantize: per-channel scales apply to TF.js graph models only; this layers model keeps one scale per tensor (`model-budget convert` makes a graph model)';
    return { artifacts, ...none, warnings: [warning] };
  }
  const tensors = decodeWeights(artifacts);
  const state = graphStateOf(topology, artifacts.signature, tensors);
  const keep = new Set<string>();
  const done = { folded: [] as string[], inserted: [] as string[], split: [] as string[] };
  for (const node of [...state.nodes]) {
    if (!LINEAR.has(node.op)) continue;
    const name = node.name;
    const outcome = rescaleOne(state, node, keep);
    if (outcome) done[outcome].push(name);
  }
  if (state.changed.size === 0) return { artifacts, ...none, warnings: [] };
  const stored = splitWeights(artifacts);
  const written = tensors.map((t, i) => {
    const changed = state.changed.has(t.name) ? state.weights.get(t.name) : undefined;
    return changed ? encodeTensor(changed) : (stored[i] ?? encodeTensor(t));
  });
  for (const name of state.added) {
    const created = state.weights.get(name);
    if (created) written.push(encodeTensor(created));
  }
  const graph = { ...topology, node: state.nodes.map((n) => ({ ...n.rest, name: n.name, op: n.op, input: n.input, attr: n.attr })) };
  return { artifacts: { ...withWeights(artifacts, joinWeights(written)), modelTopology: graph }, ...done, keepFloat: [...keep], warnings: [] };
}
