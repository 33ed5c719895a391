/**
 * BatchNorm folding for layers models: a Conv2D / DepthwiseConv2D / Dense with a linear activation whose only
 * consumer is a BatchNormalization (inference statistics) absorbs it — kernel · γ/√(σ² + ε) and
 * (bias − μ) · γ/√(σ² + ε) + β — and the BatchNormalization layer leaves the topology. One layer fewer per pair
 * at inference: a real latency gain, unlike weight quantization. Folding is an exact rewrite: a folded kernel whose
 * source was quantized is stored at float32 (float16 when every value stays within {@link FOLD_TOLERANCE}), never
 * requantized per tensor, which BatchNorm's per-channel scales would make lossy; the result says what that costs.
 */
import type { io } from '@tensorflow/tfjs';
import { decodeFloat16, encodeFloat16 } from './float16.js';
import { consumersOf, layerName, outputLayerNames, readLayersGraph, rewire, rewireOutputs, type LayerJson } from './topology.js';
import {
  decodeWeights,
  encodeTensor,
  joinWeights,
  splitWeights,
  weightBytes,
  withWeights,
  type EncodedWeight,
  type NamedTensor,
  type QuantizationSpec,
} from './weights.js';

const TECHNIQUE = 'fold-batchnorm';
const FOLDABLE = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

/** One folded pair. */
export interface FoldedPair {
  readonly layer: string;
  readonly batchNorm: string;
}

/**
 * Largest change folding may make to a stored folded value, relative to its magnitude. Storing at a precision that
 * keeps every value within it keeps each output within the same fraction of Σ|w·x| of the unfolded model's.
 */
export const FOLD_TOLERANCE = 1e-5;

/** How one folded kernel is stored, when its source was quantized (float32 sources stay float32). */
export interface FoldedStorage {
  readonly name: string;
  /** How the source stored the kernel: `uint8`, `uint16` or `float16`. */
  readonly from: string;
  /** How the folded kernel is stored: `float16` only when every value stays within {@link FOLD_TOLERANCE}. */
  readonly to: 'float32' | 'float16';
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/** Result of {@link foldBatchNorm}. */
export interface FoldResult {
  readonly artifacts: io.ModelArtifacts;
  readonly folded: readonly FoldedPair[];
  /** BatchNormalization layers left in place, each with the reason. */
  readonly skipped: readonly string[];
  /**
   * Folded kernels whose source was quantized. Per-channel BatchNorm scales cannot be requantized per tensor without
   * a large error, so such a kernel is stored at float32 (float16 when that is exact enough): a cost in bytes.
   */
  readonly widened: readonly FoldedStorage[];
  /** Bytes of all weights before / after folding. */
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/** Rank of the output of a foldable layer where its config alone tells it (a 2-D convolution's is 4). */
const OUTPUT_RANK: Readonly<Record<string, number>> = { Conv2D: 4, DepthwiseConv2D: 4 };

/**
 * Whether a BatchNormalization's `axis` is the last one: -1, absent, or (tf.keras writes the axis it resolved when
 * the layer was built, `[3]` after a 2-D convolution) rank − 1 where the producing layer's rank is known.
 */
function isLastAxis(axis: unknown, rank: number | undefined): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? (axis[0] as unknown) : axis;
  return a === -1 || a === undefined || (rank !== undefined && a === rank - 1);
}

function whyNot(layer: LayerJson | undefined, bn: LayerJson): string | undefined {
  if (layer === undefined) return 'its input is not a single layer';
  if (!FOLDABLE.has(layer.class_name)) return `its input "${layerName(layer)}" is a ${layer.class_name}`;
  const activation = layer.config['activation'];
  if (activation !== undefined && activation !== 'linear') return `"${layerName(layer)}" has activation ${JSON.stringify(activation)}`;
  if (layer.config['data_format'] === 'channels_first') return `"${layerName(layer)}" is channels_first`;
  if (!isLastAxis(bn.config['axis'], OUTPUT_RANK[layer.class_name])) return `it normalizes axis ${JSON.stringify(bn.config['axis'])}, not the last`;
  return undefined;
}

/**
 * Folds every foldable (layer → BatchNormalization) pair. Pairs it cannot fold (a nonlinear activation in
 * between, a layer feeding others too, channels_first) are left alone and listed in `skipped`.
 * @throws CompressError when the artifacts are not a readable layers model.
 */
export function foldBatchNorm(artifacts: io.ModelArtifacts): FoldResult {
  const graph = readLayersGraph(artifacts, TECHNIQUE);
  const consumers = consumersOf(graph, TECHNIQUE);
  const byName = new Map(graph.layers.map((l) => [layerName(l), l]));
  // Its output would change too: a layer the model returns keeps its BatchNormalization.
  const outputs = new Set(outputLayerNames(graph.toTopology(graph.layers)));
  const producers = new Map<string, string>();
  for (const [from, tos] of consumers) for (const to of tos) if (!producers.has(to)) producers.set(to, from);

  const folded: FoldedPair[] = [];
  const skipped: string[] = [];
  for (const bn of graph.layers) {
    if (bn.class_name !== 'BatchNormalization') continue;
    const source = producers.get(layerName(bn));
    const layer = source === undefined ? undefined : byName.get(source);
    const reason =
      whyNot(layer, bn) ??
      (consumers.get(source ?? '')?.length !== 1
        ? `"${source ?? ''}" feeds other layers too`
        : outputs.has(source ?? '')
          ? `"${source ?? ''}" is also a model output`
          : undefined);
    if (reason !== undefined) skipped.push(`${layerName(bn)}: ${reason}`);
    else if (source !== undefined) folded.push({ layer: source, batchNorm: layerName(bn) });
  }
  const bytesBefore = weightBytes(artifacts).byteLength;
  if (folded.length === 0) return { artifacts, folded, skipped, widened: [], bytesBefore, bytesAfter: bytesBefore };

  const tensors = new Map(decodeWeights(artifacts).map((t) => [t.name, t]));
  const replaced = new Map<string, NamedTensor>();
  const dropped = new Set<string>();
  const widened: FoldedStorage[] = [];
  const stored = new Map(splitWeights(artifacts).map((w) => [w.spec.name, w]));
  let layers = graph.layers;
  for (const pair of folded) {
    const layer = byName.get(pair.layer) as LayerJson;
    const bn = byName.get(pair.batchNorm) as LayerJson;
    const kernelName = `${pair.layer}/${layer.class_name === 'DepthwiseConv2D' ? 'depthwise_kernel' : 'kernel'}`;
    const kernel = tensors.get(kernelName);
    const mean = tensors.get(`${pair.batchNorm}/moving_mean`);
    const variance = tensors.get(`${pair.batchNorm}/moving_variance`);
    if (!kernel || !mean || !variance) {
      skipped.push(`${pair.batchNorm}: weights ${kernelName} / moving_mean / moving_variance not found by name`);
      continue;
    }
    const channels = (mean.data as Float32Array).length;
    const gamma = tensors.get(`${pair.batchNorm}/gamma`)?.data as Float32Array | undefined;
    const beta = tensors.get(`${pair.batchNorm}/beta`)?.data as Float32Array | undefined;
    const epsilon = typeof bn.config['epsilon'] === 'number' ? bn.config['epsilon'] : 1e-3;
    const factor = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      factor[c] = (gamma?.[c] ?? 1) / Math.sqrt(((variance.data as Float32Array)[c] ?? 1) + epsilon);
    }
    // Output channel = the flat index modulo the channel count, for Conv2D [h,w,in,out], Dense [in,out] and
    // DepthwiseConv2D [h,w,in,mult] (channel in·mult + m) alike.
    const k = kernel.data as Float32Array;
    const newKernel = new Float32Array(k.length);
    for (let i = 0; i < k.length; i++) newKernel[i] = (k[i] ?? 0) * (factor[i % channels] ?? 1);
    const biasName = `${pair.layer}/bias`;
    const bias = tensors.get(biasName)?.data as Float32Array | undefined;
    const newBias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      newBias[c] = ((bias?.[c] ?? 0) - ((mean.data as Float32Array)[c] ?? 0)) * (factor[c] ?? 1) + (beta?.[c] ?? 0);
    }
    const { quantization: source, ...plain } = kernel;
    replaced.set(kernelName, { ...plain, data: newKernel });
    replaced.set(biasName, { name: biasName, shape: [channels], dtype: 'float32', data: newBias });
    for (const name of tensors.keys()) if (name.startsWith(`${pair.batchNorm}/`)) dropped.add(name);
    if (source) {
      const to = fitsFloat16(newKernel) ? 'float16' : 'float32';
      widened.push({
        name: kernelName,
        from: source.dtype,
        to,
        bytesBefore: stored.get(kernelName)?.bytes.byteLength ?? 0,
        bytesAfter: newKernel.length * (to === 'float16' ? 2 : 4),
      });
    }
    // A bias stored under the layer's name is replaced in place; a layer without one gains it after its kernel.
    const hadBias = bias !== undefined;
    layers = rewire(
      layers.filter((l) => layerName(l) !== pair.batchNorm).map((l) => (layerName(l) === pair.layer ? { ...l, config: { ...l.config, use_bias: true } } : l)),
      pair.batchNorm,
      pair.layer,
    );
    if (!hadBias) replaced.set(`${kernelName}#bias-after`, { name: biasName, shape: [channels], dtype: 'float32', data: newBias });
  }

  const written: EncodedWeight[] = [];
  for (const original of splitWeights(artifacts)) {
    const name = original.spec.name;
    if (dropped.has(name)) continue;
    const next = replaced.get(name);
    const half = widened.some((w) => w.name === name && w.to === 'float16');
    written.push(next ? (half ? encodeHalf(next) : encodeTensor(next)) : original);
    const added = replaced.get(`${name}#bias-after`);
    if (added) written.push(encodeTensor(added));
  }
  const topology = graph.toTopology(layers);
  for (const pair of folded) rewireOutputs(topology, pair.batchNorm, pair.layer);
  const weights = joinWeights(written);
  return {
    artifacts: withWeights({ ...artifacts, modelTopology: topology }, weights),
    folded: folded.filter((p) => !skipped.some((s) => s.startsWith(`${p.batchNorm}:`))),
    skipped,
    widened,
    bytesBefore,
    bytesAfter: weights.weightData.byteLength,
  };
}

/** Whether float16 keeps every value within {@link FOLD_TOLERANCE} of itself (relative). */
export function fitsFloat16(values: Float32Array): boolean {
  const back = decodeFloat16(encodeFloat16(values));
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (!(Math.abs((back[i] ?? 0) - v) <= FOLD_TOLERANCE * Math.abs(v))) return false;
  }
  return true;
}

function encodeHalf(tensor: NamedTensor): EncodedWeight {
  const quantization: QuantizationSpec = { dtype: 'float16', original_dtype: 'float32' };
  const spec = { name: tensor.name, shape: [...tensor.shape], dtype: 'float32' as const, quantization };
  return { spec, bytes: new Uint8Array(encodeFloat16(tensor.data as Float32Array).buffer) };
}
