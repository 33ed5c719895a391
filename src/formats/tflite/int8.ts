/**
 * The integer arithmetic of TFLite's 8-bit quantization spec: symmetric int8 weights (per channel or per tensor,
 * zero point 0, values in [-127, 127]), int32 biases with scale = input scale × weight scale, and asymmetric int8
 * activations (per tensor, a zero point that represents 0.0 exactly). Pure functions on typed arrays.
 */
import { QuantizationParametersT } from './generated/schema_generated.js';

/** Largest magnitude of a symmetric int8 weight: -128 is left out so that a weight and its negation both fit. */
export const INT8_WEIGHT_MAX = 127;

/** A weight tensor quantized to int8: the values, and one scale per channel (one for per-tensor). */
export interface Int8Weights {
  readonly values: Int8Array;
  readonly scales: readonly number[];
}

/** The float32 values of a little-endian FLOAT32 buffer, copied (buffers read from a file need not be aligned). */
export function floatValuesOf(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, bytes.byteLength / 4);
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(values: Int8Array | Int32Array | Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * Symmetric int8 quantization along `axis` of `shape` (`axis` undefined: one scale for the whole tensor). Each
 * channel's scale is max|w| / 127, so its largest weight lands on ±127 exactly; a channel of zeros gets scale 1
 * (any scale reproduces it, and 0 would divide by zero in the kernels).
 */
export function quantizeWeightsInt8(values: Float32Array, shape: readonly number[], axis: number | undefined): Int8Weights {
  const channels = axis === undefined ? 1 : (shape[axis] ?? 1);
  // Elements between two steps of the channel index (the product of the dimensions after `axis`).
  const inner = axis === undefined ? values.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number): number => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c] ?? 0, Math.abs(values[i] ?? 0));
  }
  // Scales are stored as float32: quantize with the value the kernel will read.
  const scales = Array.from(maxAbs, (m) => (m > 0 ? Math.fround(m / INT8_WEIGHT_MAX) : 1));
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i] ?? 0) / (scales[channelOf(i)] ?? 1));
    out[i] = Math.max(-INT8_WEIGHT_MAX, Math.min(INT8_WEIGHT_MAX, q));
  }
  return { values: out, scales };
}

/**
 * An int32 bias for an int8 convolution or matrix multiply: bias[c] / (inputScale × weightScales[c]), rounded, as
 * the kernels add it to the int32 accumulator of input × weight products. One weight scale serves every channel.
 */
export function quantizeBiasInt32(values: Float32Array, inputScale: number, weightScales: readonly number[]): { values: Int32Array; scales: number[] } {
  // float32 like every stored scale, from the float32 scales the kernel multiplies (it checks the bias scale against them).
  const scales = Array.from(values, (_, c) =>
    Math.fround(Math.fround(inputScale) * Math.fround(weightScales.length === 1 ? (weightScales[0] ?? 1) : (weightScales[c] ?? 1))),
  );
  const out = new Int32Array(values.length);
  for (let c = 0; c < values.length; c++) {
    const q = Math.round((values[c] ?? 0) / (scales[c] ?? 1));
    out[c] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, q));
  }
  return { values: out, scales };
}

/** Scale and zero point of an asymmetric int8 activation. */
export interface ActivationParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Asymmetric int8 parameters covering [min, max]: the range is widened to hold 0 (padding and ReLU produce exact
 * zeros, which must stay exact), split into 255 steps, and the zero point is the integer that 0.0 maps to.
 */
export function activationParams(min: number, max: number): ActivationParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (!(hi > lo) || !Number.isFinite(hi - lo)) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((hi - lo) / 255);
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - lo / scale)));
  return { scale, zeroPoint };
}

/** Quantizes float values to int8 with activation parameters (for constant operands of element-wise ops). */
export function quantizeAsymmetricInt8(values: Float32Array, params: ActivationParams): Int8Array {
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.max(-128, Math.min(127, Math.round((values[i] ?? 0) / params.scale) + params.zeroPoint));
  }
  return out;
}

/** Quantization parameters for a flatbuffer tensor: per channel along `axis` (zero points 0), or per tensor. */
export function quantizationOf(scales: readonly number[], zeroPoints: readonly number[], axis = 0): QuantizationParametersT {
  return new QuantizationParametersT(
    [],
    [],
    [...scales],
    zeroPoints.map((z) => BigInt(z)),
    undefined,
    null,
    axis,
  );
}
