/**
 * Graph optimizer for TF.js graph models: a pure function over the GraphDef JSON and the weights that rewrites
 * the patterns tensorflowjs_converter fuses when its grappler passes run, for models converted without them (and
 * for SavedModels, which src/formats/savedmodel/ freezes and hands here). Every rewrite keeps the model loadable by
 * stock `tf.loadGraphModel` and never renames a value anything reads: a fused node takes the name of the last node
 * of its chain.
 *
 * Patterns, in the order they run:
 * - `identity`: `Identity` / `StopGradient` / `Snapshot` nodes and `x · 1`, `x + 0` removed (optimize-simplify.ts).
 * - `fold-constants`: nodes computed from constants only become constants (optimize-constants.ts).
 * - `relu6`: `Relu → Minimum(6) → Maximum(0)` and `Minimum(6) → Maximum(0)` (Keras' `ReLU(max_value=6)` as
 *   `clip_by_value`) become one `Relu6`. Exact.
 * - `leaky-relu`: `Maximum(x, Mul(x, α))` with 0 < α < 1 becomes `LeakyRelu`. Exact.
 * - `space-to-batch`: `SpaceToBatchND → VALID conv → BatchToSpaceND` (TensorFlow's dilated convolution) becomes
 *   one convolution with `dilations` (optimize-dilate.ts). Exact.
 * - `pad`: a zero spatial `Pad` before a VALID convolution becomes its explicit padding. Exact.
 * - `batchnorm`, `fold-scale`, `fold-bias`: `FusedBatchNorm[V2|V3]`, per-channel `Mul` and `Add`/`Sub` after
 *   Conv2D / DepthwiseConv2dNative / MatMul are folded into the kernel and one rank-1 bias (optimize-fold.ts).
 * - `fuse`: Conv2D / DepthwiseConv2dNative / MatMul + bias (`BiasAdd`/`Add`/`AddV2` of a constant vector) +
 *   an optional activation become `_FusedConv2D` / `FusedDepthwiseConv2dNative` / `_FusedMatMul` with
 *   `fused_ops: [BiasAdd, <activation>]`, as the converter writes them.
 * - `dead-nodes`: nodes no output depends on, and the weights of removed constants.
 * A node the model returns, a node inside control flow, or one whose value feeds more than the chain is never
 * folded into a chain.
 */
import type { io } from '@tensorflow/tfjs';
import { decodeWeights, encodeTensor, joinWeights, splitWeights, withWeights } from './weights.js';
import { consumersOf, isGraphDef, parseInput, type GraphNode } from './graph-def.js';
import {
  dataInputs,
  graphStateOf,
  hasControlInputs,
  otherInput,
  pickAttrs,
  replaceChain,
  scalarOf,
  soleConsumer,
  type GraphState,
  type MutableNode,
} from './graph-state.js';
import { fuseBias } from './optimize-fuse.js';
import { foldAffine } from './optimize-fold.js';
import { foldConstants } from './optimize-constants.js';
import { mergePads, removeNoOps } from './optimize-simplify.js';
import { dilateSpaceToBatch } from './optimize-dilate.js';

/** Names of the rewrite patterns, in run order. */
export const OPTIMIZE_PATTERNS = [
  'identity',
  'fold-constants',
  'relu6',
  'leaky-relu',
  'space-to-batch',
  'pad',
  'batchnorm',
  'fold-scale',
  'fold-bias',
  'fuse',
  'dead-nodes',
] as const;
export type OptimizePattern = (typeof OPTIMIZE_PATTERNS)[number];

/** Options of {@link optimizeGraph}. */
export interface OptimizeOptions {
  /** The patterns to apply. Default: all of {@link OPTIMIZE_PATTERNS}. */
  readonly patterns?: readonly OptimizePattern[];
}

/** Result of {@link optimizeGraph}. */
export interface OptimizeResult {
  readonly artifacts: io.ModelArtifacts;
  /** Rewrites per pattern (for `dead-nodes`: nodes removed). */
  readonly rewrites: Readonly<Record<OptimizePattern, number>>;
  readonly nodesBefore: number;
  readonly nodesAfter: number;
  readonly warnings: readonly string[];
}

const isClip = (op: string): boolean => op === 'Minimum' || op === 'Maximum';

/** `[Relu →] Minimum(6) → Maximum(0)` or `[Relu →] Maximum(0) → Minimum(6)` → `Relu6`: clip(x, 0, 6) is relu6(x). */
function fuseRelu6(state: GraphState): number {
  let count = 0;
  for (const head of [...state.nodes]) {
    if (!isClip(head.op) || !state.byName.has(head.name) || state.frozen.has(head.name) || hasControlInputs(head)) continue;
    const pair = pickConstant(state, head);
    const second = soleConsumer(state, head.name);
    if (!pair?.input || !second || !isClip(second.op) || second.op === head.op || hasControlInputs(second)) continue;
    const c2 = otherInput(second, head.name);
    const limits = new Map([
      [head.op, scalarOf(state, pair.c1)],
      [second.op, c2 === undefined ? undefined : scalarOf(state, c2)],
    ]);
    if (limits.get('Minimum') !== 6 || limits.get('Maximum') !== 0) continue;
    const chain = [head, second];
    let source = pair.input;
    const relu = state.byName.get(parseInput(source).node);
    if (relu?.op === 'Relu' && parseInput(source).output === 0 && !hasControlInputs(relu) && soleConsumer(state, relu.name) === head) {
      chain.unshift(relu);
      source = dataInputs(relu)[0] ?? source;
    }
    replaceChain(state, chain, { op: 'Relu6', input: [source], attr: pickAttrs(second.attr, ['T']) });
    count++;
  }
  return count;
}

/** Of a binary node, the non-constant input and the constant one. */
function pickConstant(state: GraphState, node: MutableNode): { input: string | undefined; c1: string } | undefined {
  const [a, b] = dataInputs(node);
  if (a === undefined || b === undefined) return undefined;
  if (scalarOf(state, b) !== undefined && scalarOf(state, a) === undefined) return { input: a, c1: b };
  if (scalarOf(state, a) !== undefined && scalarOf(state, b) === undefined) return { input: b, c1: a };
  return undefined;
}

/** `Maximum(x, Mul(x, α))` with 0 < α < 1 → `LeakyRelu(x, alpha = α)`: the same product where x < 0, x elsewhere. */
function fuseLeakyRelu(state: GraphState): number {
  let count = 0;
  for (const mul of [...state.nodes]) {
    if (mul.op !== 'Mul' || !state.byName.has(mul.name) || hasControlInputs(mul)) continue;
    const pair = pickConstant(state, mul);
    const alpha = pair ? scalarOf(state, pair.c1) : undefined;
    const max = soleConsumer(state, mul.name);
    if (!pair?.input || alpha === undefined || !(alpha > 0 && alpha < 1) || max?.op !== 'Maximum' || hasControlInputs(max)) continue;
    if (otherInput(max, mul.name) !== pair.input) continue;
    replaceChain(state, [mul, max], { op: 'LeakyRelu', input: [pair.input], attr: { ...pickAttrs(max.attr, ['T']), alpha: { f: alpha } } });
    count++;
  }
  return count;
}

/** Removes nodes no output (nor Placeholder) depends on. Returns the names removed. */
function removeDead(state: GraphState): string[] {
  const keep = new Set<string>();
  const stack = [...state.outputs, ...state.nodes.filter((n) => n.op === 'Placeholder').map((n) => n.name)];
  while (stack.length > 0) {
    const name = stack.pop() ?? '';
    if (keep.has(name)) continue;
    keep.add(name);
    for (const ref of state.byName.get(name)?.input ?? []) stack.push(parseInput(ref).node);
  }
  const removed = state.nodes.filter((n) => !keep.has(n.name)).map((n) => n.name);
  state.nodes = state.nodes.filter((n) => keep.has(n.name));
  for (const name of removed) state.byName.delete(name);
  state.consumers = consumersOf(state.nodes);
  return removed;
}

type Counts = Partial<Record<OptimizePattern, number>>;

/** The passes in run order; each rewrites the state and returns its counts. */
const PASSES: readonly ((s: GraphState, wanted: ReadonlySet<OptimizePattern>) => Counts)[] = [
  (s, w) => (w.has('identity') ? { identity: removeNoOps(s) } : {}),
  (s, w) => (w.has('fold-constants') ? { 'fold-constants': foldConstants(s) } : {}),
  (s, w) => (w.has('relu6') ? { relu6: fuseRelu6(s) } : {}),
  (s, w) => (w.has('leaky-relu') ? { 'leaky-relu': fuseLeakyRelu(s) } : {}),
  (s, w) => (w.has('space-to-batch') ? { 'space-to-batch': dilateSpaceToBatch(s) } : {}),
  (s, w) => (w.has('pad') ? { pad: mergePads(s) } : {}),
  (s, w) => {
    const c = foldAffine(s, { scale: w.has('fold-scale'), bias: w.has('fold-bias'), batchnorm: w.has('batchnorm') });
    return { 'fold-scale': c.scale, 'fold-bias': c.bias, batchnorm: c.batchnorm };
  },
  (s, w) => (w.has('fuse') ? { fuse: fuseBias(s) } : {}),
];

/**
 * Rewrites a graph model's topology and weights (see the module comment). Layers models and topologies that are
 * not a GraphDef come back unchanged with a warning. Pure: `artifacts` is never mutated.
 */
export function optimizeGraph(artifacts: io.ModelArtifacts, options: OptimizeOptions = {}): OptimizeResult {
  const wanted = new Set(options.patterns ?? OPTIMIZE_PATTERNS);
  const rewrites = Object.fromEntries(OPTIMIZE_PATTERNS.map((p) => [p, 0])) as Record<OptimizePattern, number>;
  const topology = artifacts.modelTopology;
  if (!isGraphDef(topology)) {
    return { artifacts, rewrites, nodesBefore: 0, nodesAfter: 0, warnings: ['optimize: applies to TF.js graph models only; left the model as it is'] };
  }
  const tensors = decodeWeights(artifacts);
  const state = graphStateOf(topology, artifacts.signature, tensors);
  for (const pass of PASSES) Object.assign(rewrites, pass(state, wanted));
  // Constants orphaned by a rewrite always go (their weights would be dead bytes); other dead nodes on request.
  const removed = wanted.has('dead-nodes') ? removeDead(state) : removeOrphanConstants(state, topology.node);
  rewrites['dead-nodes'] = wanted.has('dead-nodes') ? removed.length : 0;
  const nodesBefore = topology.node.length;
  // Nothing rewritten: the very same artifacts, so an already-optimized model is served byte for byte as it was.
  if (Object.values(rewrites).every((n) => n === 0) && removed.length === 0) {
    return { artifacts, rewrites, nodesBefore, nodesAfter: nodesBefore, warnings: [] };
  }
  const gone = new Set(topology.node.filter((n) => n.op === 'Const' && !state.byName.has(n.name)).map((n) => n.name));
  const stored = splitWeights(artifacts);
  const written = tensors.flatMap((t, i) => {
    if (gone.has(t.name)) return [];
    const changed = state.changed.has(t.name) ? state.weights.get(t.name) : undefined;
    const original = stored[i];
    return changed ? [encodeTensor(changed)] : original ? [original] : [];
  });
  for (const name of state.added) {
    const created = state.byName.get(name)?.op === 'Const' ? state.weights.get(name) : undefined;
    if (created) written.push(encodeTensor(created));
  }
  const graph = { ...topology, node: state.nodes.map((n) => ({ ...n.rest, name: n.name, op: n.op, input: n.input, attr: n.attr })) };
  const out = { ...withWeights(artifacts, joinWeights(written)), modelTopology: graph };
  return { artifacts: out, rewrites, nodesBefore: topology.node.length, nodesAfter: state.nodes.length, warnings: [] };
}

function removeOrphanConstants(state: GraphState, original: readonly GraphNode[]): string[] {
  const wasRead = consumersOf(original);
  const orphan = state.nodes.filter((n) => n.op === 'Const' && wasRead.has(n.name) && !state.consumers.has(n.name)).map((n) => n.name);
  const drop = new Set(orphan);
  state.nodes = state.nodes.filter((n) => !drop.has(n.name));
  for (const name of orphan) state.byName.delete(name);
  return orphan;
}
