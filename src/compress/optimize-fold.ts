/**
 * The optimizer's affine folding: the per-channel `Mul` / `Add` / `Sub` / `FusedBatchNorm` ops after a Conv2D,
 * DepthwiseConv2dNative or MatMul become one scale folded into the kernel and one rank-1 bias, written as a
 * `BiasAdd` that the `fuse` pass then merges into the fused op (what tensorflowjs_converter's BatchNorm folding does).
 *
 * Along the chain every op is `y = x · s + t` per output channel, so the chain is `W · S` and `T`: a `Mul(c)` makes
 * S·c and T·c, an `Add(c)` T + c, a `Sub(x, c)` T − c, and inference BatchNorm (tfjs always runs it as inference:
 * `(x − mean) · γ / √(var + ε) + β`) S·g and (T − mean)·g + β with g = γ / √(var + ε).
 */
import { consumersOf, decodeAttrString, parseInput } from './graph-def.js';
import { addConstant, constantOf, otherInput, soleConsumer, type GraphState, type MutableNode } from './graph-state.js';
import { linearOutput } from './optimize-fuse.js';

const ADDS = ['BiasAdd', 'Add', 'AddV2'];
const BATCH_NORMS = ['FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3'];
/** tfjs-converter's default when a FusedBatchNorm has no `epsilon` attribute (its op list says 0.001). */
const TFJS_BATCHNORM_EPSILON = 0.001;

/** Which kinds of chain step the enabled patterns allow. */
export interface FoldKinds {
  readonly scale: boolean;
  readonly bias: boolean;
  readonly batchnorm: boolean;
}

/** Rewrites per kind: chains whose kernel took a `Mul`, merged or reshaped bias adds, BatchNorms folded. */
export interface FoldCounts {
  scale: number;
  bias: number;
  batchnorm: number;
}

/**
 * A constant broadcast along the last axis only (shape [], [C] or [1, …, 1, C]) whose rank is at most the
 * linear node's output rank, so adding or multiplying it never changes the output's shape.
 */
function channelVector(state: GraphState, ref: string | undefined, channels: number, rank: number): Float32Array | undefined {
  const w = ref === undefined ? undefined : constantOf(state, ref);
  if (!w || w.shape.length > rank || !w.shape.slice(0, -1).every((d) => d === 1)) return undefined;
  const data = w.data as Float32Array;
  if (data.length === channels) return data;
  if (data.length === 1) return new Float32Array(channels).fill(data[0] ?? 0);
  return undefined;
}

/** Whether anything reads a BatchNorm's batch statistics (outputs 1…5), which a folded chain no longer has. */
function readsStatistics(state: GraphState, name: string): boolean {
  return (state.consumers.get(name) ?? []).some((c) =>
    (state.byName.get(c)?.input ?? []).some((r) => {
      const ref = parseInput(r);
      return ref.node === name && (ref.output !== 0 || ref.control);
    }),
  );
}

interface Step {
  readonly node: MutableNode;
  readonly kind: 'scale' | 'bias' | 'batchnorm';
  /** An `Add` of a rank-1 [C] constant: what `fuse` takes as it is. */
  readonly plainBias: boolean;
  readonly apply: (s: Float64Array, t: Float64Array) => void;
}

/** The step `next` (reading `prev`) makes, when it is a per-channel affine op the enabled kinds allow. */
function stepOf(state: GraphState, prev: string, next: MutableNode, channels: number, rank: number, kinds: FoldKinds, canScale: boolean): Step | undefined {
  if (next.input.some((r) => r.startsWith('^'))) return undefined;
  if (next.op === 'Mul' && kinds.scale && canScale && next.input.length === 2) {
    const c = channelVector(state, otherInput(next, prev), channels, rank);
    if (!c) return undefined;
    return { node: next, kind: 'scale', plainBias: false, apply: (s, t) => c.forEach((v, i) => ((s[i] = (s[i] ?? 0) * v), (t[i] = (t[i] ?? 0) * v))) };
  }
  if (ADDS.includes(next.op) && kinds.bias && next.input.length === 2) {
    if (next.op === 'BiasAdd' && !['', 'NHWC'].includes(decodeAttrString(next.attr['data_format']?.s))) return undefined;
    const ref = otherInput(next, prev);
    const c = channelVector(state, ref, channels, rank);
    if (!c || ref === undefined) return undefined;
    const plainBias = constantOf(state, ref)?.shape.length === 1;
    return { node: next, kind: 'bias', plainBias, apply: (_s, t) => c.forEach((v, i) => (t[i] = (t[i] ?? 0) + v)) };
  }
  if (next.op === 'Sub' && kinds.bias && next.input.length === 2 && parseInput(next.input[0] ?? '').node === prev) {
    const c = channelVector(state, next.input[1], channels, rank);
    if (!c) return undefined;
    return { node: next, kind: 'bias', plainBias: false, apply: (_s, t) => c.forEach((v, i) => (t[i] = (t[i] ?? 0) - v)) };
  }
  if (BATCH_NORMS.includes(next.op) && kinds.batchnorm && canScale && next.input.length === 5 && parseInput(next.input[0] ?? '').node === prev) {
    if (!['', 'NHWC'].includes(decodeAttrString(next.attr['data_format']?.s)) || readsStatistics(state, next.name)) return undefined;
    const [gamma, beta, mean, variance] = next.input.slice(1).map((r) => channelVector(state, r, channels, 1));
    if (!gamma || !beta || !mean || !variance) return undefined;
    const epsilon = next.attr['epsilon']?.f ?? TFJS_BATCHNORM_EPSILON;
    return {
      node: next,
      kind: 'batchnorm',
      plainBias: false,
      apply: (s, t) => {
        for (let i = 0; i < channels; i++) {
          const g = (gamma[i] ?? 1) / Math.sqrt((variance[i] ?? 0) + epsilon);
          s[i] = (s[i] ?? 0) * g;
          t[i] = ((t[i] ?? 0) - (mean[i] ?? 0)) * g + (beta[i] ?? 0);
        }
      },
    };
  }
  return undefined;
}

/** Whether a chain is worth rewriting: anything beyond the one rank-1 bias add `fuse` takes as it is. */
function worthIt(steps: readonly Step[]): boolean {
  return steps.length > 1 || steps.some((s) => !s.plainBias);
}

/** A rank-1 [C] bias constant of the chain only its add reads: it can hold the folded bias under its own name. */
function reusableBias(state: GraphState, biases: readonly Step[], channels: number): string | undefined {
  for (const step of biases) {
    if (!step.plainBias || step.node.op === 'Sub') continue;
    const ref = step.node.input.find((r) => constantOf(state, r)?.shape[0] === channels && constantOf(state, r)?.shape.length === 1);
    const name = ref === undefined ? undefined : parseInput(ref).node;
    const w = name === undefined ? undefined : state.weights.get(name);
    if (name !== undefined && w && !w.quantization && (state.consumers.get(name) ?? []).length === 1) return name;
  }
  return undefined;
}

/** Folds every affine chain after a linear node (see the module comment). */
export function foldAffine(state: GraphState, kinds: FoldKinds): FoldCounts {
  const counts: FoldCounts = { scale: 0, bias: 0, batchnorm: 0 };
  for (const conv of [...state.nodes]) {
    if (!state.byName.has(conv.name)) continue;
    const out = linearOutput(state, conv);
    if (!out) continue;
    const kernelRef = conv.input[1] ?? '';
    const kernel = constantOf(state, kernelRef);
    // Scaling rewrites the kernel: only an unquantized float32 one that no other node reads.
    const canScale = kernel !== undefined && !kernel.quantization && (state.consumers.get(parseInput(kernelRef).node) ?? []).length === 1;
    const steps: Step[] = [];
    let last = conv;
    for (;;) {
      const next = soleConsumer(state, last.name);
      const step = next ? stepOf(state, last.name, next, out.channels, out.rank, kinds, canScale) : undefined;
      if (!step) break;
      steps.push(step);
      last = step.node;
    }
    if (!worthIt(steps)) continue;
    const s = new Float64Array(out.channels).fill(1);
    const t = new Float64Array(out.channels);
    for (const step of steps) step.apply(s, t);
    const scaled = steps.some((x) => x.kind !== 'bias');
    if (scaled && kernel) {
      const values = kernel.data as Float32Array;
      const folded = new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) folded[i] = (values[i] ?? 0) * (s[i % out.channels] ?? 1);
      state.weights.set(kernel.name, { ...kernel, data: folded });
      state.changed.add(kernel.name);
    }
    const biases = steps.filter((x) => x.kind === 'bias');
    counts.scale += scaled && steps.some((x) => x.kind === 'scale') ? 1 : 0;
    counts.batchnorm += steps.filter((x) => x.kind === 'batchnorm').length;
    counts.bias += biases.length > 1 || biases.some((b) => !b.plainBias) ? biases.length : 0;
    const hasShift = biases.length > 0 || steps.some((x) => x.kind === 'batchnorm');
    const dropped = new Set(steps.slice(0, -1).map((x) => x.node.name));
    state.nodes = state.nodes.filter((n) => !dropped.has(n.name));
    for (const name of dropped) state.byName.delete(name);
    if (hasShift) {
      const bias = reusableBias(state, biases, out.channels) ?? addConstant(state, `${last.name}/folded_bias`, [out.channels], Float32Array.from(t));
      const kept = state.weights.get(bias);
      if (kept) state.weights.set(bias, { ...kept, data: Float32Array.from(t) });
      state.changed.add(bias);
      Object.assign(last, { op: 'BiasAdd', input: [conv.name, bias], attr: { T: { type: 'DT_FLOAT' }, data_format: { s: 'TkhXQw==' } } });
    } else {
      // Only scales: the linear node itself takes the chain's last name, so every reader still finds its value.
      state.nodes = state.nodes.filter((n) => n !== conv);
      state.byName.delete(conv.name);
      Object.assign(last, { op: conv.op, input: conv.input, attr: conv.attr });
    }
    state.consumers = consumersOf(state.nodes);
  }
  return counts;
}
