/**
 * What kind of value a model output holds, which decides the accuracy metrics that mean something for it: top-1
 * agreement only for class scores, cosine only over vectors, PSNR for images, keypoint distance for heatmaps.
 */
import type { OutputKind } from '../config/schema.js';

/** Smallest height and width of an output read as an image or heatmap (smaller maps are plain tensors). */
const MIN_SPATIAL = 8;
/** Channels an image can have (gray, gray + alpha, RGB, RGBA); more channels at a spatial output are heatmaps. */
const MAX_IMAGE_CHANNELS = 4;
/** How far a row's sum may be from 1 and still be a softmax over classes. */
const SOFTMAX_TOLERANCE = 1e-3;

/** Whether every row of `width` values is non-negative and sums to 1: the output of a softmax. */
function rowsAreDistributions(values: ArrayLike<number>, width: number): boolean {
  if (width < 2 || values.length === 0 || values.length % width !== 0) return false;
  for (let start = 0; start < values.length; start += width) {
    let sum = 0;
    for (let i = start; i < start + width; i++) {
      const v = values[i] ?? Number.NaN;
      if (!(v >= 0)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > SOFTMAX_TOLERANCE) return false;
  }
  return true;
}

/**
 * Infers an output's kind from its shape (batch first) and the original model's values for it:
 * - `[b, h, w, c]` with h, w ≥ 8: `image` when c ≤ 4, else `heatmap` (one map per keypoint);
 * - one value per sample (`[b]`, `[b, 1]`): `regression`;
 * - `[b, n]` whose rows are softmax distributions: `classification`; other `[b, n]`: `embedding`;
 * - anything else (e.g. `[1, 1, 17, 3]` keypoint coordinates): `regression`.
 * Logits (class scores without a softmax) read as `embedding`: say `outputs: { <name>: classification }`.
 */
export function inferOutputKind(shape: readonly number[], original: ArrayLike<number>): OutputKind {
  const perSample = shape.slice(1).reduce((n, d) => n * d, 1);
  if (shape.length === 4) {
    const [, h = 0, w = 0, c = 0] = shape;
    if (h >= MIN_SPATIAL && w >= MIN_SPATIAL) return c <= MAX_IMAGE_CHANNELS ? 'image' : 'heatmap';
  }
  if (shape.length <= 1 || perSample <= 1) return shape.length === 0 && original.length > 1 ? 'embedding' : 'regression';
  if (shape.length === 2) return rowsAreDistributions(original, shape[1] ?? 0) ? 'classification' : 'embedding';
  return 'regression';
}

/** Index of the largest of `width` values from `start` (the first on ties). */
export function argmax(values: ArrayLike<number>, start: number, width: number, stride = 1): number {
  let best = 0;
  let bestValue = values[start] ?? -Infinity;
  for (let i = 1; i < width; i++) {
    const v = values[start + i * stride] ?? -Infinity;
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** Cosine similarity of two equally long vectors; both zero → 1, one zero → 0. */
export function cosineOf(a: ArrayLike<number>, b: ArrayLike<number>, start: number, length: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = start; i < start + length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) ? 1 : 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return Math.min(1, dot / Math.sqrt(na * nb));
}

/**
 * Peak signal-to-noise ratio in dB of one image against the original: 10 · log10(range² / MSE), with `range` the
 * original output's value range (over all samples; 1 when constant). Infinity when the images are equal.
 */
export function psnrOf(a: ArrayLike<number>, b: ArrayLike<number>, start: number, length: number, range: number): number {
  let sumSq = 0;
  for (let i = start; i < start + length; i++) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    sumSq += Number.isFinite(d) ? d * d : Infinity;
  }
  if (sumSq === 0) return Infinity;
  const peak = range > 0 ? range : 1;
  return 10 * Math.log10((peak * peak) / (sumSq / length));
}

/**
 * Distance in pixels between the spatial argmax of each keypoint's heatmap in `a` and in `b`, for one sample laid
 * out `[h, w, k]` from `start`. Returns one distance per keypoint.
 */
export function keypointDistances(a: ArrayLike<number>, b: ArrayLike<number>, start: number, h: number, w: number, k: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < k; c++) {
    const pa = argmax(a, start + c, h * w, k);
    const pb = argmax(b, start + c, h * w, k);
    out.push(Math.hypot(Math.floor(pa / w) - Math.floor(pb / w), (pa % w) - (pb % w)));
  }
  return out;
}
