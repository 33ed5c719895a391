/**
 * Magnitude (unstructured) pruning: zero the smallest-|w| fraction of the kernels. Dense storage keeps its size —
 * the zeros pay off only when the weights are compressed for transfer (gzip/brotli), which the result reports.
 */
import { gzipSync } from 'node:zlib';
import type { io } from '@tensorflow/tfjs';
import { CompressError, problem } from '../errors.js';
import { quantizeTensors } from './quantize.js';
import { globToRegExp, type WeightTarget } from './select.js';
import { decodeWeights, encodeTensor, joinWeights, splitWeights, weightBytes, withWeights, type NamedTensor } from './weights.js';

/** Options of {@link pruneWeights}. */
export interface PruneOptions {
  /** Fraction of the selected weights' values to zero, in [0, 1). */
  readonly sparsity: number;
  /** `per-layer` (default): each weight loses that fraction; `global`: one threshold over all selected weights. */
  readonly scope?: 'per-layer' | 'global';
  /**
   * Glob patterns of the weights to prune. Default: kernels — float32 weights of rank ≥ 2 (conv/dense kernels),
   * which leaves out biases and BatchNorm statistics (rank 1) and embeddings (names containing `embeddings`).
   */
  readonly weights?: readonly string[];
}

/** Per-weight account. */
export interface PrunedTensor {
  readonly name: string;
  readonly elements: number;
  readonly zeros: number;
}

/** Result of {@link pruneWeights}. */
export interface PruneResult {
  readonly artifacts: io.ModelArtifacts;
  /** Fraction of zeros over every pruned weight (existing zeros included). */
  readonly sparsity: number;
  readonly tensors: readonly PrunedTensor[];
  /** Raw weight bytes before / after: equal for dense storage. */
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** gzip (level 9) size of the weight bytes before / after: where the gain shows. */
  readonly gzipBytesBefore: number;
  readonly gzipBytesAfter: number;
  readonly warnings: readonly string[];
}

/** Whether a weight is pruned by default: a float32 kernel (rank ≥ 2) that is not an embedding table. */
export function isKernel(tensor: Pick<NamedTensor, 'name' | 'shape' | 'dtype'>): boolean {
  return tensor.dtype === 'float32' && tensor.shape.length >= 2 && !/embeddings/i.test(tensor.name);
}

/** The k-th smallest |value| over the given arrays (k ≥ 1), by a full sort of the magnitudes. */
function threshold(arrays: readonly Float32Array[], k: number): number {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const mags = new Float32Array(total);
  let at = 0;
  for (const a of arrays) for (const v of a) mags[at++] = Math.abs(v);
  mags.sort();
  return mags[k - 1] ?? 0;
}

/** Zeroes every |v| below `limit`, then ties at it in index order while `ties.k` lasts. */
function zeroSmallest(values: Float32Array, limit: number, ties: { k: number }): Float32Array {
  const out = Float32Array.from(values);
  for (let i = 0; i < out.length; i++) if (Math.abs(out[i] ?? 0) < limit) out[i] = 0;
  for (let i = 0; i < out.length && ties.k > 0; i++) {
    if (Math.abs(out[i] ?? 0) === limit) {
      out[i] = 0;
      ties.k--;
    }
  }
  return out;
}

/** How many of the k smallest magnitudes equal the threshold (the rest are strictly below it). */
function tieBudget(arrays: readonly Float32Array[], limit: number, k: number): { k: number } {
  let below = 0;
  for (const a of arrays) for (const v of a) if (Math.abs(v) < limit) below++;
  return { k: k - below };
}

function countZeros(values: Float32Array): number {
  let n = 0;
  for (const v of values) if (v === 0) n++;
  return n;
}

function gzipBytes(artifacts: io.ModelArtifacts): number {
  return gzipSync(weightBytes(artifacts), { level: 9 }).byteLength;
}

/**
 * Zeroes the smallest-magnitude values of the selected weights to the target sparsity. Quantized source weights
 * are pruned on their dequantized values and stored again in their source dtype (zero stays exact).
 * @throws CompressError when `sparsity` is outside [0, 1).
 */
export function pruneWeights(artifacts: io.ModelArtifacts, options: PruneOptions): PruneResult {
  const { sparsity } = options;
  if (!(sparsity >= 0 && sparsity < 1)) {
    throw new CompressError(problem('compress/prune-sparsity', { sparsity }));
  }
  const tensors = decodeWeights(artifacts);
  const stored = splitWeights(artifacts);
  const patterns = options.weights?.map(globToRegExp);
  const chosen = tensors.filter((t) => (patterns ? t.dtype === 'float32' && patterns.some((re) => re.test(t.name)) : isKernel(t)));
  const warnings: string[] = [];
  if (chosen.length === 0) warnings.push('prune: no weight to prune (no float32 kernel matched)');
  const pruned = new Map<string, Float32Array>();
  if ((options.scope ?? 'per-layer') === 'global') {
    const arrays = chosen.map((t) => t.data as Float32Array);
    const k = Math.floor(sparsity * arrays.reduce((n, a) => n + a.length, 0));
    const limit = k > 0 ? threshold(arrays, k) : -1;
    const ties = tieBudget(arrays, limit, k);
    for (const t of chosen) pruned.set(t.name, k > 0 ? zeroSmallest(t.data as Float32Array, limit, ties) : (t.data as Float32Array));
  } else {
    for (const t of chosen) {
      const values = t.data as Float32Array;
      const k = Math.floor(sparsity * values.length);
      const limit = k > 0 ? threshold([values], k) : -1;
      pruned.set(t.name, k > 0 ? zeroSmallest(values, limit, tieBudget([values], limit, k)) : values);
    }
  }
  const written = tensors.map((t, i) => {
    const values = pruned.get(t.name);
    const original = stored[i];
    if (values === undefined && original !== undefined) return original;
    return encodeTensor({ name: t.name, shape: t.shape, dtype: t.dtype, data: values ?? new Float32Array(0) });
  });
  let out = withWeights(artifacts, joinWeights(written));
  // Pruned weights that were quantized go back to their source dtype: pruning never grows a model.
  const requantize = new Map<string, WeightTarget>();
  for (const t of chosen) if (t.quantization) requantize.set(t.name, t.quantization.dtype);
  if (requantize.size > 0) out = quantizeTensors(out, requantize).artifacts;
  const report = chosen.map((t) => {
    const values = pruned.get(t.name) ?? new Float32Array(0);
    return { name: t.name, elements: values.length, zeros: countZeros(values) };
  });
  const elements = report.reduce((n, t) => n + t.elements, 0);
  return {
    artifacts: out,
    sparsity: elements === 0 ? 0 : report.reduce((n, t) => n + t.zeros, 0) / elements,
    tensors: report,
    bytesBefore: stored.reduce((n, w) => n + w.bytes.byteLength, 0),
    bytesAfter: weightBytes(out).byteLength,
    gzipBytesBefore: gzipBytes(artifacts),
    gzipBytesAfter: gzipBytes(out),
    warnings,
  };
}
