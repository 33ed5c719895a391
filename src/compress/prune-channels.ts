/**
 * Structured (channel) pruning for layers models: remove the lowest-L1 filters of Conv2D / Dense layers and the
 * matching input channels of their consumers, following the tensor through BatchNormalization, activations,
 * pooling, padding, dropout, Flatten and depthwise convolutions. A layer whose output reaches anything else (Add,
 * Concatenate, a model output, an unknown layer) keeps its filters; the result is a smaller, faster model that
 * stock TF.js loads, or a CompressError — never a broken model.
 */
import type { io } from '@tensorflow/tfjs';
import { CompressError, problem } from '../errors.js';
import { quantizeTensors } from './quantize.js';
import type { WeightTarget } from './select.js';
import { flattenedRows, l1PerLastAxis, sliceAxis, topIndices } from './slice.js';
import { consumersOf, inboundNames, layerName, readLayersGraph, type LayerJson, type LayersGraph } from './topology.js';
import { decodeWeights, elementCount, encodeWeights, withWeights, type NamedTensor } from './weights.js';

const TECHNIQUE = 'prune-channels';
/** Layers that keep channels where they are and hold no per-channel weights. */
const PASS = new Set([
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'ThresholdedReLU',
  'Dropout',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'MaxPooling2D',
  'AveragePooling2D',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'ActivityRegularization',
]);

/** Target: the fraction (0, 1) of estimated FLOPs or of parameters to remove. */
export type ChannelTarget = { readonly flops: number } | { readonly params: number };

/** Result of {@link pruneChannels}. */
export interface PruneChannelsResult {
  readonly artifacts: io.ModelArtifacts;
  /** Filters per pruned layer. */
  readonly layers: readonly { readonly name: string; readonly before: number; readonly after: number; readonly kept: readonly number[] }[];
  /** Layers left whole, with the reason. */
  readonly skipped: readonly string[];
  readonly paramsBefore: number;
  readonly paramsAfter: number;
  /** Estimated multiply-accumulates per inference (input H×W from the topology, 64 where unknown). */
  readonly flopsBefore: number;
  readonly flopsAfter: number;
}

interface Edit {
  readonly weight: string;
  readonly axis: number;
  /** Set for a Dense kernel behind Flatten: rows are (position, channel) pairs, channel fastest. */
  readonly flattenedChannels?: number;
}

type Walk = { readonly edits: Edit[] } | { readonly reason: string };

interface Context {
  readonly graph: LayersGraph;
  readonly byName: Map<string, LayerJson>;
  readonly consumers: Map<string, string[]>;
  readonly outputs: Set<string>;
}

/** A BatchNormalization's per-channel vectors; behind Flatten they hold one entry per (position, channel), channel fastest. */
function bnEdits(name: string, tensors: Map<string, NamedTensor>, flattenedChannels?: number): Edit[] {
  return ['gamma', 'beta', 'moving_mean', 'moving_variance']
    .map((w) => `${name}/${w}`)
    .filter((w) => tensors.has(w))
    .map((weight) => ({ weight, axis: 0, ...(flattenedChannels === undefined ? {} : { flattenedChannels }) }));
}

/** Where `name`'s output channels go, and the input-side edits that removing them needs. */
function follow(ctx: Context, from: string, channels: number, tensors: Map<string, NamedTensor>, flattened = false): Walk {
  const next = ctx.consumers.get(from) ?? [];
  if (ctx.outputs.has(from) || next.length === 0) return { reason: `"${from}" is a model output` };
  const edits: Edit[] = [];
  for (const name of next) {
    const layer = ctx.byName.get(name);
    const kind = layer?.class_name ?? 'unknown';
    let walk: Walk;
    if (kind === 'Conv2D' && !flattened) walk = { edits: [{ weight: `${name}/kernel`, axis: 2 }] };
    else if (kind === 'Dense') {
      walk = { edits: [{ weight: `${name}/kernel`, axis: 0, ...(flattened ? { flattenedChannels: channels } : {}) }] };
    } else if (kind === 'BatchNormalization') {
      const rest = follow(ctx, name, channels, tensors, flattened);
      walk = 'reason' in rest ? rest : { edits: [...bnEdits(name, tensors, flattened ? channels : undefined), ...rest.edits] };
    } else if (kind === 'DepthwiseConv2D' && (layer?.config['depth_multiplier'] ?? 1) === 1 && !flattened) {
      const rest = follow(ctx, name, channels, tensors);
      const own = [{ weight: `${name}/depthwise_kernel`, axis: 2 }, ...(tensors.has(`${name}/bias`) ? [{ weight: `${name}/bias`, axis: 0 }] : [])];
      walk = 'reason' in rest ? rest : { edits: [...own, ...rest.edits] };
    } else if (kind === 'Flatten' && !flattened) walk = follow(ctx, name, channels, tensors, true);
    else if (PASS.has(kind)) walk = follow(ctx, name, channels, tensors, flattened);
    else walk = { reason: `"${from}" feeds ${kind} "${name}", which channel pruning cannot follow` };
    if ('reason' in walk) return walk;
    edits.push(...walk.edits);
  }
  return { edits };
}

function countParams(tensors: Iterable<NamedTensor>): number {
  let n = 0;
  for (const t of tensors) if (t.dtype === 'float32') n += elementCount(t.shape);
  return n;
}

function pairOf(value: unknown, fallback: number): number {
  if (Array.isArray(value)) return value.reduce((n: number, v: unknown) => n * (typeof v === 'number' ? v : 1), 1);
  return typeof value === 'number' ? value * value : fallback;
}

/** Multiply-accumulates per inference, estimated from kernel sizes and each layer's output resolution. */
function estimateFlops(graph: LayersGraph, tensors: Map<string, NamedTensor>): number {
  const positions = new Map<string, number>();
  let flops = 0;
  graph.layers.forEach((layer, i) => {
    const name = layerName(layer);
    const source = graph.sequential ? (i > 0 ? layerName(graph.layers[i - 1] as LayerJson) : undefined) : inboundNames(layer, TECHNIQUE)[0];
    const shape = layer.config['batch_input_shape'];
    let p = source === undefined ? 1 : (positions.get(source) ?? 1);
    if (Array.isArray(shape) && shape.length === 4) p = (Number(shape[1]) || 64) * (Number(shape[2]) || 64);
    const kind = layer.class_name;
    if (kind === 'Conv2D' || kind === 'DepthwiseConv2D') p /= pairOf(layer.config['strides'], 1);
    else if (kind === 'MaxPooling2D' || kind === 'AveragePooling2D') p /= pairOf(layer.config['strides'] ?? layer.config['pool_size'], 4);
    else if (kind === 'UpSampling2D') p *= pairOf(layer.config['size'], 4);
    else if (kind === 'Flatten' || kind.startsWith('Global')) p = 1;
    positions.set(name, p);
    const kernel = tensors.get(`${name}/${kind === 'DepthwiseConv2D' ? 'depthwise_kernel' : 'kernel'}`);
    if (kernel && (kind === 'Conv2D' || kind === 'DepthwiseConv2D' || kind === 'Dense')) flops += elementCount(kernel.shape) * p;
  });
  return flops;
}

interface Candidate {
  readonly name: string;
  readonly channels: number;
  readonly edits: Edit[];
  readonly scores: Float64Array;
}

function apply(
  tensors: Map<string, NamedTensor>,
  candidates: readonly Candidate[],
  fraction: number,
): { tensors: Map<string, NamedTensor>; kept: Map<string, number[]> } {
  const out = new Map(tensors);
  const kept = new Map<string, number[]>();
  for (const c of candidates) {
    const count = Math.max(1, c.channels - Math.floor(fraction * c.channels));
    if (count === c.channels) continue;
    const keep = topIndices(c.scores, count);
    kept.set(c.name, keep);
    const edits: Edit[] = [{ weight: `${c.name}/kernel`, axis: -1 }, { weight: `${c.name}/bias`, axis: 0 }, ...c.edits];
    for (const edit of edits) {
      const t = out.get(edit.weight);
      if (!t) continue;
      const axis = edit.axis < 0 ? t.shape.length - 1 : edit.axis;
      const rows = edit.flattenedChannels === undefined ? keep : flattenedRows(t.shape[0] ?? 0, edit.flattenedChannels, keep);
      const sliced = sliceAxis(t.data as Float32Array, t.shape, axis, rows);
      out.set(edit.weight, { name: t.name, dtype: t.dtype, ...sliced, ...(t.quantization ? { quantization: t.quantization } : {}) });
    }
  }
  return { tensors: out, kept };
}

/**
 * Prunes filters uniformly (the same fraction of every prunable layer, lowest L1 norm first) at the smallest
 * fraction, in steps of 5 %, that removes `target` of the FLOPs or parameters.
 * @throws CompressError for a target outside (0, 1), a graph model, no prunable layer, or an unreachable target.
 */
export function pruneChannels(artifacts: io.ModelArtifacts, target: ChannelTarget): PruneChannelsResult {
  const [metric, goal] = 'flops' in target ? (['flops', target.flops] as const) : (['params', target.params] as const);
  if (!(goal > 0 && goal < 1)) throw new CompressError(problem('compress/prune-channels-goal', { metric, goal }));
  const graph = readLayersGraph(artifacts, TECHNIQUE);
  const decoded = decodeWeights(artifacts);
  const tensors = new Map(decoded.map((t) => [t.name, t]));
  const config = graph.toTopology(graph.layers) as { model_config?: { config?: { output_layers?: unknown[] } }; config?: { output_layers?: unknown[] } };
  const outputList = config.model_config?.config?.output_layers ?? config.config?.output_layers ?? [];
  const outputs = new Set(outputList.map((o) => (Array.isArray(o) ? String(o[0]) : '')));
  if (graph.sequential) outputs.add(layerName(graph.layers[graph.layers.length - 1] as LayerJson));
  const ctx: Context = { graph, byName: new Map(graph.layers.map((l) => [layerName(l), l])), consumers: consumersOf(graph, TECHNIQUE), outputs };

  const candidates: Candidate[] = [];
  const skipped: string[] = [];
  const unprunable: string[] = [];
  for (const layer of graph.layers) {
    const name = layerName(layer);
    if (layer.class_name !== 'Conv2D' && layer.class_name !== 'Dense') continue;
    const kernel = tensors.get(`${name}/kernel`);
    if (!kernel || kernel.dtype !== 'float32') {
      skipped.push(`"${name}": no float32 kernel named ${name}/kernel`);
      continue;
    }
    if (layer.config['data_format'] === 'channels_first' || (layer.config['groups'] ?? 1) !== 1) {
      skipped.push(`"${name}": channels_first or grouped`);
      continue;
    }
    const walk = follow(ctx, name, kernel.shape[kernel.shape.length - 1] ?? 0, tensors);
    if ('reason' in walk) {
      skipped.push(walk.reason);
      continue;
    }
    const channels = kernel.shape[kernel.shape.length - 1] ?? 0;
    if (channels < 2) {
      // Not worth a note beside the layers that were pruned; the refusal names it when nothing else is left.
      unprunable.push(`"${name}" has ${channels} output channel${channels === 1 ? '' : 's'}, none to remove`);
      continue;
    }
    candidates.push({ name, channels, edits: walk.edits, scores: l1PerLastAxis(kernel.data as Float32Array, channels) });
  }
  if (candidates.length === 0) {
    throw new CompressError(
      problem('compress/prune-channels-nothing', { skipped: [...unprunable, ...skipped].join('; ') || 'the model has no Conv2D or Dense layer' }),
    );
  }
  const measure = (t: Map<string, NamedTensor>): number => (metric === 'params' ? countParams(t.values()) : estimateFlops(graph, t));
  const before = measure(tensors);
  for (let step = 1; step <= 19; step++) {
    const { tensors: pruned, kept } = apply(tensors, candidates, step * 0.05);
    if (1 - measure(pruned) / before < goal) continue;
    const layers = graph.layers.map((l) => {
      const count = kept.get(layerName(l));
      if (count === undefined) return l;
      return { ...l, config: { ...l.config, [l.class_name === 'Dense' ? 'units' : 'filters']: count.length } };
    });
    const ordered = decoded.map((t) => pruned.get(t.name) ?? t);
    let out = withWeights({ ...artifacts, modelTopology: graph.toTopology(layers) }, encodeWeights(ordered));
    const requantize = new Map<string, WeightTarget>(decoded.flatMap((t) => (t.quantization ? [[t.name, t.quantization.dtype] as const] : [])));
    if (requantize.size > 0) out = quantizeTensors(out, requantize).artifacts;
    return {
      artifacts: out,
      layers: candidates.flatMap((c) => {
        const keep = kept.get(c.name);
        return keep ? [{ name: c.name, before: c.channels, after: keep.length, kept: keep }] : [];
      }),
      skipped,
      paramsBefore: countParams(tensors.values()),
      paramsAfter: countParams(pruned.values()),
      flopsBefore: estimateFlops(graph, tensors),
      flopsAfter: estimateFlops(graph, pruned),
    };
  }
  const { tensors: most } = apply(tensors, candidates, 0.95);
  const reached = ((1 - measure(most) / before) * 100).toFixed(1);
  throw new CompressError(problem('compress/prune-channels-short', { metric, reached, goal: (goal * 100).toFixed(1), skipped: skipped.join('; ') }));
}
