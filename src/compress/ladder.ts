/**
 * The rungs of the `auto` search: the storages a weight can take, cheapest first. The default ladder is uint8
 * (sum-preserving rounding), the 2-byte rung (uint16 or float16, whichever reconstructs the weight better), and the
 * source storage (float32, or float16 for a weight shipped as float16). A new per-weight encoding is one more
 * {@link RungKind} in {@link DEFAULT_LADDER}, with a `target` `quantizeTensors` can write.
 */
import { decodeFloat16, encodeFloat16, FLOAT16_MAX } from './float16.js';
import { quantizeAffine } from './quantize.js';
import type { WeightTarget } from './select.js';
import { elementCount, type NamedTensor } from './weights.js';

/** One storage of one weight. */
export interface Rung {
  /** What the report calls it: `uint8`, `uint16`, `float16`, `float32`. */
  readonly name: string;
  /** What `quantizeTensors` is asked for (`float32`: keep the source storage). */
  readonly target: WeightTarget;
  /** Stored bytes of the weight at this rung. */
  readonly bytes: number;
  /** Sum of squared reconstruction errors of the weight's values at this rung (0 for the source storage). */
  readonly sse: number;
}

/** A kind of rung: the rung it gives one weight, or undefined where it does not apply. */
export type RungKind = (tensor: NamedTensor) => Rung | undefined;

/** uint8 codes (the search writes them with sum-preserving rounding; the error estimate rounds to nearest); not for a weight already stored as uint8. */
export const uint8Rung: RungKind = (tensor) => {
  if (tensor.quantization?.dtype === 'uint8') return undefined;
  const values = tensor.data as Float32Array;
  const { codes, min, scale } = quantizeAffine(values, 'uint8');
  return { name: 'uint8', target: 'uint8', bytes: values.length, sse: affineError(values, codes, min, scale) };
};

/**
 * The 2-byte rung: uint16 or float16, whichever reconstructs the values with the smaller squared error (uint16
 * suits evenly spread values, float16 wide-ranging ones). A float16 source stays float16.
 */
export const twoByteRung: RungKind = (tensor) => {
  const values = tensor.data as Float32Array;
  if (tensor.quantization?.dtype === 'float16') return { name: 'float16', target: 'float16', bytes: values.length * 2, sse: 0 };
  const { codes, min, scale } = quantizeAffine(values, 'uint16');
  const affine = affineError(values, codes, min, scale);
  const half = decodeFloat16(encodeFloat16(values));
  let float16 = 0;
  for (let i = 0; i < values.length; i++) float16 += ((half[i] ?? 0) - (values[i] ?? 0)) ** 2;
  const fits = values.every((v) => Math.abs(v) <= FLOAT16_MAX);
  return float16 < affine && fits
    ? { name: 'float16', target: 'float16', bytes: values.length * 2, sse: float16 }
    : { name: 'uint16', target: 'uint16', bytes: values.length * 2, sse: affine };
};

/** The weight as shipped: float32, or float16 when it was shipped as float16. */
export const sourceRung: RungKind = (tensor) => {
  const half = tensor.quantization?.dtype === 'float16';
  return { name: half ? 'float16' : 'float32', target: 'float32', bytes: elementCount(tensor.shape) * (half ? 2 : 4), sse: 0 };
};

/** The rungs the search climbs, cheapest first. */
export const DEFAULT_LADDER: readonly RungKind[] = [uint8Rung, twoByteRung, sourceRung];

/**
 * One weight's ladder: the kinds that apply, ordered by bytes (stable), a rung dropped when an earlier one has the
 * same name and bytes (a float16 source's 2-byte rung is its source storage).
 */
export function ladderOf(tensor: NamedTensor, kinds: readonly RungKind[] = DEFAULT_LADDER): readonly Rung[] {
  const rungs = kinds.map((k) => k(tensor)).filter((r): r is Rung => r !== undefined);
  const sorted = rungs.map((r, i) => ({ r, i })).sort((a, b) => a.r.bytes - b.r.bytes || a.i - b.i);
  const out: Rung[] = [];
  for (const { r } of sorted) if (!out.some((o) => o.name === r.name && o.bytes === r.bytes)) out.push(r);
  return out;
}

function affineError(values: Float32Array, codes: ArrayLike<number>, min: number, scale: number): number {
  let sse = 0;
  for (let i = 0; i < values.length; i++) sse += ((codes[i] ?? 0) * scale + min - (values[i] ?? 0)) ** 2;
  return sse;
}
