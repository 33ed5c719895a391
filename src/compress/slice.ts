/** Keeping a subset of indices along one axis of a dense row-major tensor (for channel pruning). */

/** Values of `data` (shape `shape`) with only `keep` (ascending indices) left along `axis`; returns the new shape too. */
export function sliceAxis(data: Float32Array, shape: readonly number[], axis: number, keep: readonly number[]): { data: Float32Array; shape: number[] } {
  const outer = shape.slice(0, axis).reduce((n, d) => n * d, 1);
  const size = shape[axis] ?? 1;
  const inner = shape.slice(axis + 1).reduce((n, d) => n * d, 1);
  const out = new Float32Array(outer * keep.length * inner);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const k of keep) {
      const start = (o * size + k) * inner;
      out.set(data.subarray(start, start + inner), at);
      at += inner;
    }
  }
  const next = [...shape];
  next[axis] = keep.length;
  return { data: out, shape: next };
}

/** L1 norm of each index along the last axis (per output filter of a kernel). */
export function l1PerLastAxis(data: Float32Array, channels: number): Float64Array {
  const out = new Float64Array(channels);
  for (let i = 0; i < data.length; i++) out[i % channels] = (out[i % channels] ?? 0) + Math.abs(data[i] ?? 0);
  return out;
}

/** The `count` indices with the largest score, ascending (ties keep the lower index). */
export function topIndices(scores: Float64Array, count: number): number[] {
  const order = [...scores.keys()].sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  return order.slice(0, count).sort((a, b) => a - b);
}

/** Rows of a Dense kernel fed by a channels-last Flatten of `channels` channels: every row whose channel is kept. */
export function flattenedRows(rows: number, channels: number, keep: readonly number[]): number[] {
  const kept = new Set(keep);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) if (kept.has(r % channels)) out.push(r);
  return out;
}
