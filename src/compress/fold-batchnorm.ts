/**
 * BatchNorm folding for layers models: a Conv2D / DepthwiseConv2D / Dense with a linear activation whose only
 * consumer is a BatchNormalization (inference statistics) absorbs it — kernel · γ/√(σ² + ε) and
 * (bias − μ) · γ/√(σ² + ε) + β — and the BatchNormalization layer leaves the topology. One layer fewer per pair
 * at inference: a real latency gain, unlike weight quantization.
 */
import type { io } from '@tensorflow/tfjs';
import { quantizeTensors } from './quantize.js';
import type { WeightTarget } from './select.js';
import { consumersOf, layerName, readLayersGraph, rewire, rewireOutputs, type LayerJson } from './topology.js';
import { decodeWeights, encodeTensor, joinWeights, splitWeights, withWeights, type EncodedWeight, type NamedTensor } from './weights.js';

const TECHNIQUE = 'fold-batchnorm';
const FOLDABLE = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

/** One folded pair. */
export interface FoldedPair {
  readonly layer: string;
  readonly batchNorm: string;
}

/** Result of {@link foldBatchNorm}. */
export interface FoldResult {
  readonly artifacts: io.ModelArtifacts;
  readonly folded: readonly FoldedPair[];
  /** BatchNormalization layers left in place, each with the reason. */
  readonly skipped: readonly string[];
}

function isLastAxis(axis: unknown): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? (axis[0] as unknown) : axis;
  return a === -1 || a === undefined;
}

function whyNot(layer: LayerJson | undefined, bn: LayerJson): string | undefined {
  if (layer === undefined) return 'its input is not a single layer';
  if (!FOLDABLE.has(layer.class_name)) return `its input "${layerName(layer)}" is a ${layer.class_name}`;
  const activation = layer.config['activation'];
  if (activation !== undefined && activation !== 'linear') return `"${layerName(layer)}" has activation ${JSON.stringify(activation)}`;
  if (layer.config['data_format'] === 'channels_first') return `"${layerName(layer)}" is channels_first`;
  if (!isLastAxis(bn.config['axis'])) return `it normalizes axis ${JSON.stringify(bn.config['axis'])}, not the last`;
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
  const producers = new Map<string, string>();
  for (const [from, tos] of consumers) for (const to of tos) if (!producers.has(to)) producers.set(to, from);

  const folded: FoldedPair[] = [];
  const skipped: string[] = [];
  for (const bn of graph.layers) {
    if (bn.class_name !== 'BatchNormalization') continue;
    const source = producers.get(layerName(bn));
    const layer = source === undefined ? undefined : byName.get(source);
    const reason = whyNot(layer, bn) ?? (consumers.get(source ?? '')?.length !== 1 ? `"${source ?? ''}" feeds other layers too` : undefined);
    if (reason !== undefined) skipped.push(`${layerName(bn)}: ${reason}`);
    else if (source !== undefined) folded.push({ layer: source, batchNorm: layerName(bn) });
  }
  if (folded.length === 0) return { artifacts, folded, skipped };

  const tensors = new Map(decodeWeights(artifacts).map((t) => [t.name, t]));
  const replaced = new Map<string, NamedTensor>();
  const dropped = new Set<string>();
  const requantize = new Map<string, WeightTarget>();
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
    replaced.set(kernelName, { ...kernel, data: newKernel });
    replaced.set(biasName, { name: biasName, shape: [channels], dtype: 'float32', data: newBias });
    for (const name of tensors.keys()) if (name.startsWith(`${pair.batchNorm}/`)) dropped.add(name);
    if (kernel.quantization) requantize.set(kernelName, kernel.quantization.dtype);
    const hadBias = layer.config['use_bias'] !== false && bias !== undefined;
    layers = rewire(
      layers
        .filter((l) => layerName(l) !== pair.batchNorm)
        .map((l) => (layerName(l) === pair.layer ? { ...l, config: { ...l.config, use_bias: true } } : l)),
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
    written.push(next ? encodeTensor(next) : original);
    const added = replaced.get(`${name}#bias-after`);
    if (added) written.push(encodeTensor(added));
  }
  const topology = graph.toTopology(layers);
  for (const pair of folded) rewireOutputs(topology, pair.batchNorm, pair.layer);
  let out = withWeights({ ...artifacts, modelTopology: topology }, joinWeights(written));
  if (requantize.size > 0) out = quantizeTensors(out, requantize).artifacts;
  return { artifacts: out, folded: folded.filter((p) => !skipped.some((s) => s.startsWith(`${p.batchNorm}:`))), skipped };
}
