/**
 * Sum-preserving rounding of affine codes: data-free, same grid and same bytes as round-to-nearest, but per output
 * channel the codes are nudged so the channel's sum of dequantized weights stays as close as possible to the float
 * sum. A layer's output is a weighted sum over each channel's weights, so a channel whose rounding errors all lean
 * one way shifts every activation by their sum; nearest rounding lets that happen, this keeps it under half a step.
 */

/** How float values become codes: `nearest` (the converter's) or `sum-preserving`. */
export const ROUNDINGS = ['sum-preserving', 'nearest'] as const;
export type Rounding = (typeof ROUNDINGS)[number];

/**
 * Adjusts nearest-rounded `codes` in place, channel by channel (channel = index mod `channels`, the last axis of a
 * kernel). `exact[i]` is the unrounded code of value i. In each channel the k = round(Σ(exact − code)) codes (over its non-zero values) with the
 * largest remainders in the needed direction move one step (k may be negative), so the channel's code sum is the
 * nearest integer to its exact sum and no value moves further than one step from its exact code. Codes of values
 * that are exactly 0 (pruned weights) and codes at the ends of the range never move.
 */
export function preserveChannelSums(
  codes: Uint8Array | Uint16Array,
  exact: Float64Array,
  isZero: (i: number) => boolean,
  channels: number,
  qmax: number,
): void {
  if (channels < 1) return;
  const groups = Math.ceil(codes.length / channels);
  const members = new Int32Array(groups);
  for (let c = 0; c < channels; c++) {
    let residual = 0;
    let n = 0;
    // Zeros count as exact: a pruned weight is meant to be 0, not its unrounded code.
    for (let i = c; i < codes.length; i += channels) {
      if (isZero(i)) continue;
      residual += (exact[i] ?? 0) - (codes[i] ?? 0);
      members[n++] = i;
    }
    let k = Math.round(residual);
    if (k === 0) continue;
    const up = k > 0;
    const movable = Array.from(members.subarray(0, n)).filter((i) => {
      const q = codes[i] ?? 0;
      const r = (exact[i] ?? 0) - q;
      return up ? r > 0 && q < qmax : r < 0 && q > 0;
    });
    // Largest remainder first: those values are nearest to rounding the other way anyway.
    movable.sort((a, b) => Math.abs((exact[b] ?? 0) - (codes[b] ?? 0)) - Math.abs((exact[a] ?? 0) - (codes[a] ?? 0)));
    for (const i of movable) {
      if (k === 0) break;
      codes[i] = (codes[i] ?? 0) + (up ? 1 : -1);
      k += up ? -1 : 1;
    }
  }
}
