/**
 * Weight quantization, bit-compatible with tensorflowjs_converter: the manifest entry keeps `dtype: float32` and
 * gains `quantization: { dtype, min, scale, original_dtype }` (float16: no min/scale), so stock TF.js loads it and
 * dequantizes to float32 at load time.
 */
import type { io } from '@tensorflow/tfjs';
import { CompressError, problem } from '../errors.js';
import { encodeFloat16, FLOAT16_MAX } from './float16.js';
import { preserveChannelSums, type Rounding } from './rounding.js';
import { bytesPerValue, type QuantizedDtype } from '../dtypes.js';
import { selectWeights, type QuantizeSelection, type WeightTarget } from './select.js';
import { decodeWeights, elementCount, joinWeights, splitWeights, withWeights, type EncodedWeight, type NamedTensor, type QuantizationSpec } from './weights.js';

/** Options of {@link quantizeWeights}. */
export interface QuantizeOptions {
  /** Which float32 weights become which dtype. */
  readonly dtypes: QuantizeSelection;
  /** Weights with fewer elements stay as they are (e.g. biases). Default 0: every selected weight. */
  readonly minElements?: number;
  /** uint8/uint16 rounding. Default `nearest`, the converter's (what `convert --quantize` must reproduce). */
  readonly rounding?: Rounding;
  /**
   * Codes uint8 weights may use, 2–256 (default 256): a coarser grid on the same plain uint8 storage. Raw bytes are
   * the same; fewer distinct bytes compress better with gzip/brotli.
   */
  readonly levels?: number;
  /**
   * Codes per weight by name, over `levels` for the weights it names (what `levels: auto` chose): 2–256 for a uint8
   * weight, 2–65536 for a uint16 one (the only way a uint16 weight gets fewer codes).
   */
  readonly levelsByWeight?: ReadonlyMap<string, number>;
  /** Weights that stay float32 whatever the selection says (the per-channel rewrite's scale vectors and biases). */
  readonly keepFloat?: ReadonlySet<string>;
}

/** What happened to one weight. */
export interface TensorOutcome {
  readonly name: string;
  readonly elements: number;
  /** How the source stored it. */
  readonly from: WeightTarget;
  /** How the output stores it. */
  readonly to: WeightTarget;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Why the weight did not get the requested dtype, when it did not. */
  readonly note?: string;
}

/** Result of a quantization: new artifacts plus a per-weight account. Non-float32 weights are not listed. */
export interface QuantizeResult {
  readonly artifacts: io.ModelArtifacts;
  readonly tensors: readonly TensorOutcome[];
  readonly warnings: readonly string[];
  /** Bytes of all weights before / after. */
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** True when some source weight was already quantized (it was dequantized as TF.js does, then requantized). */
  readonly sourceQuantized: boolean;
}

/** Round half to even, as numpy's `np.round` does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Affine uint8/uint16 codes of a float32 tensor with the manifest's `min` and `scale`. */
export interface AffineCodes {
  readonly codes: Uint8Array | Uint16Array;
  readonly min: number;
  readonly scale: number;
}

/**
 * The converter's affine quantization. scale = (max − min) / qmax in float64; when 0 ∈ [min, max] the range is
 * nudged so 0 is exact (zp = round(−min / scale), min′ = −zp · scale). Codes are round((clip(x) − min′) / scale)
 * computed in float32, as numpy does on a float32 array, rounding half to even. min == max → all zeros, scale 1.
 * `levels` (2 up to the dtype's 256 or 65536 codes) puts the grid on that many codes (qmax = levels − 1).
 * `sum-preserving` then nudges codes per channel (index mod `channels`) as {@link preserveChannelSums} says; same
 * grid, same bytes.
 */
export function quantizeAffine(values: Float32Array, dtype: 'uint8' | 'uint16', rounding: Rounding = 'nearest', channels = 1, levels?: number): AffineCodes {
  const qmax = levels !== undefined ? levels - 1 : dtype === 'uint8' ? 255 : 65535;
  const codes = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) return { codes, min: 0, scale: 1 };
  if (lo === hi) return { codes, min: lo, scale: 1 };
  const scale = (hi - lo) / qmax;
  let min = lo;
  let max = hi;
  if (lo <= 0 && hi >= 0) {
    min = -roundHalfEven(-lo / scale) * scale;
    max = qmax * scale + min;
  }
  const min32 = Math.fround(min);
  const max32 = Math.fround(max);
  const scale32 = Math.fround(scale);
  const exact = rounding === 'sum-preserving' ? new Float64Array(values.length) : undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    const clipped = v < min32 ? min32 : v > max32 ? max32 : v;
    const u = Math.fround(Math.fround(clipped - min32) / scale32);
    if (exact) exact[i] = u;
    const q = roundHalfEven(u);
    codes[i] = q < 0 ? 0 : q > qmax ? qmax : q;
  }
  if (exact) preserveChannelSums(codes, exact, (i) => values[i] === 0, channels, qmax);
  return { codes, min, scale };
}

function sourceTarget(tensor: NamedTensor): WeightTarget {
  return tensor.quantization?.dtype ?? 'float32';
}

function checkFinite(tensor: NamedTensor, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new CompressError(problem('compress/weight-not-finite', { name: tensor.name, value: String(values[i]), index: i }));
    }
  }
}

/** Output channels for sum-preserving rounding: a kernel's last axis; a vector or scalar has no channel sums to keep. */
function channelsOf(shape: readonly number[]): number {
  return shape.length >= 2 ? (shape[shape.length - 1] ?? 1) : 0;
}

function encodeAs(tensor: NamedTensor, values: Float32Array, dtype: QuantizedDtype, rounding: Rounding, levels: number | undefined): EncodedWeight | undefined {
  const spec = { name: tensor.name, shape: [...tensor.shape], dtype: 'float32' as const };
  if (dtype === 'float16') {
    for (const v of values) if (Math.abs(v) > FLOAT16_MAX) return undefined;
    const quantization: QuantizationSpec = { dtype: 'float16', original_dtype: 'float32' };
    return { spec: { ...spec, quantization }, bytes: new Uint8Array(encodeFloat16(values).buffer) };
  }
  const channels = channelsOf(tensor.shape);
  const { codes, min, scale } = quantizeAffine(values, dtype, channels > 0 ? rounding : 'nearest', channels, levels);
  const quantization: QuantizationSpec = { dtype, min, scale, original_dtype: 'float32' };
  return { spec: { ...spec, quantization }, bytes: new Uint8Array(codes.buffer) };
}

/** The codes a weight may use: its own count when the call names one, else the call's `levels` for a uint8 weight. */
function levelsFor(asked: WeightTarget, name: string, call: QuantizeCall): number | undefined {
  return call.levelsByWeight?.get(name) ?? (asked === 'uint8' ? call.levels : undefined);
}

/** How a {@link WeightQuantizer} call quantizes: rounding, codes per weight, warnings to carry. */
export interface QuantizeCall {
  readonly rounding?: Rounding;
  /** Codes every uint8 weight may use (the config's `levels:`; uint8 only). */
  readonly levels?: number | undefined;
  /** A uint8 or uint16 weight's own count of codes, over `levels` (what `levels: auto` chose). */
  readonly levelsByWeight?: ReadonlyMap<string, number> | undefined;
  readonly warnings?: readonly string[];
}

/** {@link quantizeTensors} over one model whose weights are decoded once. */
export type WeightQuantizer = (targets: ReadonlyMap<string, WeightTarget>, call?: QuantizeCall) => QuantizeResult;

/**
 * A quantizer for searches that quantize one model many times (`auto`, `levels: auto`): the weights are decoded
 * once, and each weight's encoding is made once per dtype, rounding and codes, then reused by every candidate.
 * Results are what {@link quantizeTensors} returns for the same arguments.
 */
export function weightQuantizer(artifacts: io.ModelArtifacts): WeightQuantizer {
  const tensors = decodeWeights(artifacts);
  const stored = splitWeights(artifacts);
  const bytesBefore = stored.reduce((n, w) => n + w.bytes.byteLength, 0);
  const sourceQuantized = tensors.some((t) => t.quantization !== undefined);
  const encodings = new Map<string, EncodedWeight | undefined>();
  return (targets, call = {}) => {
    const rounding = call.rounding ?? 'nearest';
    const outcomes: TensorOutcome[] = [];
    const extra: string[] = [];
    const written: EncodedWeight[] = [];
    tensors.forEach((tensor, i) => {
      const original = stored[i];
      if (original === undefined) throw new CompressError(problem('compress/weight-no-bytes', { name: tensor.name }));
      if (tensor.dtype !== 'float32') {
        written.push(original);
        return;
      }
      const from = sourceTarget(tensor);
      const asked = targets.get(tensor.name) ?? 'float32';
      const base = { name: tensor.name, elements: elementCount(tensor.shape), from, bytesBefore: original.bytes.byteLength };
      const keep = (note?: string): void => {
        written.push(original);
        outcomes.push({ ...base, to: from, bytesAfter: original.bytes.byteLength, ...(note ? { note } : {}) });
      };
      if (asked === 'float32' || asked === from) return keep();
      if ((bytesPerValue(asked) ?? 4) > (bytesPerValue(from) ?? 4)) {
        return keep(`source is already ${from}; ${asked} would be bigger`);
      }
      const levels = levelsFor(asked, tensor.name, call);
      const key = `${i}:${asked}:${rounding}:${levels ?? ''}`;
      if (!encodings.has(key)) {
        const values = tensor.data as Float32Array;
        checkFinite(tensor, values);
        encodings.set(key, encodeAs(tensor, values, asked, rounding, levels));
      }
      const encoded = encodings.get(key);
      if (encoded === undefined) {
        const note = `values beyond ±${FLOAT16_MAX} would become Infinity in float16; kept ${from}`;
        extra.push(`quantize: weight "${tensor.name}" ${note}`);
        return keep(note);
      }
      written.push(encoded);
      outcomes.push({ ...base, to: asked, bytesAfter: encoded.bytes.byteLength });
    });
    const weights = joinWeights(written);
    return {
      artifacts: withWeights(artifacts, weights),
      tensors: outcomes,
      warnings: [...(call.warnings ?? []), ...extra],
      bytesBefore,
      bytesAfter: weights.weightData.byteLength,
      sourceQuantized,
    };
  };
}

/**
 * Quantizes float32 weights to the given per-weight targets, rounding to nearest; weights not named, non-float32
 * weights and `float32` targets keep their source bytes. A source-quantized weight is never made bigger: asking
 * float16 of a uint8 weight keeps the uint8 bytes. Asking its own dtype again keeps it untouched.
 * @throws CompressError for a NaN/Inf weight among those quantized.
 */
export function quantizeTensors(artifacts: io.ModelArtifacts, targets: ReadonlyMap<string, WeightTarget>): QuantizeResult {
  return weightQuantizer(artifacts)(targets);
}

/**
 * Quantizes the float32 weights of `artifacts` as `options.dtypes` selects (converter semantics), leaving weights
 * under `minElements` alone. Pure: returns new artifacts. `quantizer`: this model's {@link weightQuantizer}, for a
 * caller that quantizes it again and again.
 * @throws CompressError for overlapping patterns, two fallthrough dtypes, or a NaN/Inf weight.
 */
export function quantizeWeights(
  artifacts: io.ModelArtifacts,
  options: QuantizeOptions,
  quantizer: WeightQuantizer = weightQuantizer(artifacts),
): QuantizeResult {
  const floor = options.minElements ?? 0;
  if (!Number.isInteger(floor) || floor < 0) {
    throw new CompressError(problem('compress/quantize-min-elements', { floor }));
  }
  const levels = options.levels;
  const whole = (l: number, max: number): boolean => Number.isInteger(l) && l >= 2 && l <= max;
  if (levels !== undefined && !whole(levels, 256)) throw new CompressError(problem('compress/quantize-levels', { levels }));
  const specs = (artifacts.weightSpecs ?? []).filter((s) => s.dtype === 'float32');
  const selection = selectWeights(
    specs.map((s) => s.name),
    options.dtypes,
  );
  const targets = new Map<string, WeightTarget>();
  for (const spec of specs) {
    const target = selection.targets.get(spec.name);
    if (target !== undefined && elementCount(spec.shape) >= floor && !options.keepFloat?.has(spec.name)) targets.set(spec.name, target);
  }
  const byWeight = options.levelsByWeight;
  for (const [name, l] of byWeight ?? []) {
    if (targets.get(name) === 'uint16') {
      if (!whole(l, 65536)) throw new CompressError(problem('compress/quantize-levels-uint16', { levels: l, name }));
    } else if (!whole(l, 256)) throw new CompressError(problem('compress/quantize-levels', { levels: l }));
  }
  const result = quantizer(targets, { warnings: selection.warnings, rounding: options.rounding ?? 'nearest', levels, levelsByWeight: byWeight });
  if (result.sourceQuantized) {
    return {
      ...result,
      warnings: [...result.warnings, 'quantize: the source model was already quantized; its weights were dequantized as TF.js does and requantized'],
    };
  }
  return result;
}
