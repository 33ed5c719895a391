/**
 * Weights manifest + weight bytes ⇄ named tensors. Decoding dequantizes the way tfjs-core's `io.decodeWeights`
 * does (so a compressor sees the values TF.js would run with); encoding lays tensors back to back in order.
 */
import type { io } from '@tensorflow/tfjs';
import { CompressError, problem } from '../errors.js';
import { bytesPerValue, type QuantizedDtype, type WeightDtype } from '../dtypes.js';
import { decodeFloat16 } from './float16.js';
import { weightBytes as weightDataBytes } from '../formats/tfjs/save.js';

/** A manifest entry's `quantization` block, as the converter writes it. */
export interface QuantizationSpec {
  readonly dtype: QuantizedDtype;
  /** Affine offset (uint8/uint16 only). */
  readonly min?: number;
  /** Affine step (uint8/uint16 only). */
  readonly scale?: number;
  readonly original_dtype?: string;
}

/** Values of one tensor in memory. Strings are raw bytes, as tfjs holds them (they need not be UTF-8). */
export type TensorData = Float32Array | Int32Array | Uint8Array | readonly Uint8Array[];

/** One weight, decoded. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** The logical dtype (the manifest's `dtype`); bool is stored as one byte per value, complex64 interleaved. */
  readonly dtype: WeightDtype;
  readonly data: TensorData;
  /** How the source stored it, when it was quantized. `data` is already dequantized. */
  readonly quantization?: QuantizationSpec;
}

/** One weight ready to be written: its manifest entry and its stored bytes. */
export interface EncodedWeight {
  readonly spec: io.WeightsManifestEntry;
  readonly bytes: Uint8Array;
}

/** Manifest entries and weight bytes, the two parts of `io.ModelArtifacts` a compressor rewrites. */
export interface EncodedWeights {
  readonly weightSpecs: io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
}

/** Number of elements of a shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** All weight bytes of `artifacts` as one buffer (tfjs allows a list of buffers). */
export function weightBytes(artifacts: io.ModelArtifacts): Uint8Array {
  return weightDataBytes(artifacts.weightData);
}

/**
 * Decodes every weight of `artifacts`, in manifest order. uint8/uint16 values become `q · scale + min` stored as
 * float32 (rounded for int32 weights) and float16 becomes its exact value, as tfjs-core does at load time.
 * @throws CompressError when the bytes are shorter than the manifest says or a quantization is unknown.
 */
export function decodeWeights(artifacts: io.ModelArtifacts): NamedTensor[] {
  const bytes = weightBytes(artifacts);
  const specs = artifacts.weightSpecs ?? [];
  const out: NamedTensor[] = [];
  let offset = 0;
  for (const spec of specs) {
    const [tensor, length] = decodeOne(spec, bytes, offset);
    out.push(tensor);
    offset += length;
  }
  return out;
}

function take(bytes: Uint8Array, offset: number, length: number, name: string): Uint8Array {
  if (offset + length > bytes.byteLength) {
    throw new CompressError(problem('compress/weight-out-of-bounds', { name, offset, end: offset + length, byteLength: bytes.byteLength }));
  }
  // A copy: aligned for typed-array views, and the caller's buffer is never shared.
  return bytes.slice(offset, offset + length);
}

/** Bytes one weight takes in the weight data (strings: walks their length prefixes). */
function storedLength(spec: io.WeightsManifestEntry, bytes: Uint8Array, offset: number): number {
  const q = spec.quantization as QuantizationSpec | undefined;
  const width = bytesPerValue(q?.dtype ?? spec.dtype);
  if (width !== undefined) return elementCount(spec.shape) * width;
  if (q !== undefined || spec.dtype !== 'string') return decodeOne(spec, bytes, offset)[1];
  let at = offset;
  for (let i = 0; i < elementCount(spec.shape); i++) {
    at += 4 + new DataView(take(bytes, at, 4, spec.name).buffer).getUint32(0, true);
  }
  return at - offset;
}

function decodeOne(spec: io.WeightsManifestEntry, bytes: Uint8Array, offset: number): [NamedTensor, number] {
  const size = elementCount(spec.shape);
  const base = { name: spec.name, shape: [...spec.shape], dtype: spec.dtype };
  const q = spec.quantization as QuantizationSpec | undefined;
  if (q !== undefined) {
    const width = bytesPerValue(q.dtype);
    if (width === undefined || (q.dtype !== 'float16' && (q.min === undefined || q.scale === undefined))) {
      throw new CompressError(problem('compress/weight-quantization', { name: spec.name, quantization: JSON.stringify(q) }));
    }
    const raw = take(bytes, offset, size * width, spec.name);
    const stored = q.dtype === 'uint8' ? raw : new Uint16Array(raw.buffer);
    return [{ ...base, data: dequantize(spec, q, stored), quantization: q }, raw.byteLength];
  }
  if (spec.dtype === 'string') {
    const strings: Uint8Array[] = [];
    let at = offset;
    for (let i = 0; i < size; i++) {
      const length = new DataView(take(bytes, at, 4, spec.name).buffer).getUint32(0, true);
      strings.push(take(bytes, at + 4, length, spec.name));
      at += 4 + length;
    }
    return [{ ...base, data: strings }, at - offset];
  }
  const width = bytesPerValue(spec.dtype);
  if (width === undefined) throw new CompressError(problem('compress/weight-unknown-dtype', { name: spec.name, dtype: spec.dtype }));
  const raw = take(bytes, offset, size * width, spec.name);
  const data = spec.dtype === 'int32' ? new Int32Array(raw.buffer) : spec.dtype === 'bool' ? raw : new Float32Array(raw.buffer);
  return [{ ...base, data }, raw.byteLength];
}

function dequantize(spec: io.WeightsManifestEntry, q: QuantizationSpec, stored: Uint8Array | Uint16Array): Float32Array | Int32Array {
  if (q.dtype === 'float16') {
    if (spec.dtype !== 'float32') throw new CompressError(problem('compress/weight-float16-dtype', { name: spec.name, dtype: spec.dtype }));
    return decodeFloat16(stored as Uint16Array);
  }
  const min = q.min ?? 0;
  const scale = q.scale ?? 1;
  if (spec.dtype === 'int32') {
    const out = new Int32Array(stored.length);
    for (let i = 0; i < stored.length; i++) out[i] = Math.round((stored[i] ?? 0) * scale + min);
    return out;
  }
  if (spec.dtype !== 'float32') throw new CompressError(problem('compress/weight-quantized-dtype', { name: spec.name, quantized: q.dtype, dtype: spec.dtype }));
  // Computed in float64 then stored to float32, exactly as tfjs-core's decoder does.
  const out = new Float32Array(stored.length);
  for (let i = 0; i < stored.length; i++) out[i] = (stored[i] ?? 0) * scale + min;
  return out;
}

/**
 * The stored bytes of every weight, unchanged, with its manifest entry: what a compressor copies through for the
 * weights it leaves alone (a quantized source weight keeps its exact bytes and `quantization` block).
 */
export function splitWeights(artifacts: io.ModelArtifacts): EncodedWeight[] {
  const bytes = weightBytes(artifacts);
  const out: EncodedWeight[] = [];
  let offset = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    const length = storedLength(spec, bytes, offset);
    out.push({ spec, bytes: take(bytes, offset, length, spec.name) });
    offset += length;
  }
  return out;
}

/** String tensors hold a list of byte arrays; numeric ones a typed array. */
function isStringData(data: TensorData): data is readonly Uint8Array[] {
  return Array.isArray(data);
}

/** Encodes one tensor unquantized (its dtype's native layout, little-endian). */
export function encodeTensor(tensor: NamedTensor): EncodedWeight {
  const spec: io.WeightsManifestEntry = { name: tensor.name, shape: [...tensor.shape], dtype: tensor.dtype };
  const data = tensor.data;
  if (isStringData(data)) {
    const total = data.reduce((n, s) => n + 4 + s.byteLength, 0);
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    let at = 0;
    for (const s of data) {
      view.setUint32(at, s.byteLength, true);
      bytes.set(s, at + 4);
      at += 4 + s.byteLength;
    }
    return { spec, bytes };
  }
  return { spec, bytes: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

/** Joins encoded weights into manifest entries and one buffer, in the given order. */
export function joinWeights(weights: readonly EncodedWeight[]): EncodedWeights {
  const total = weights.reduce((n, w) => n + w.bytes.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const w of weights) {
    out.set(w.bytes, offset);
    offset += w.bytes.byteLength;
  }
  return { weightSpecs: weights.map((w) => w.spec), weightData: out.buffer };
}

/** Encodes tensors unquantized: `{ weightSpecs, weightData }` for `io.ModelArtifacts`. */
export function encodeWeights(tensors: readonly NamedTensor[]): EncodedWeights {
  return joinWeights(tensors.map(encodeTensor));
}

/** A copy of `artifacts` with new weights; the topology and everything else are shared, never mutated. */
export function withWeights(artifacts: io.ModelArtifacts, weights: EncodedWeights): io.ModelArtifacts {
  return { ...artifacts, weightSpecs: weights.weightSpecs, weightData: weights.weightData };
}
