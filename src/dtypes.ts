/**
 * The storage dtypes of TF.js weights, at the bottom layer: the manifest loader, the config schema, the
 * compressors and the CLI all read these lists and this table, so a dtype is added in one place.
 */

/** The dtypes a weights manifest may name (tfjs-core `io.DataType`). */
export const WEIGHT_DTYPES = ['float32', 'int32', 'bool', 'string', 'complex64'] as const;
export type WeightDtype = (typeof WEIGHT_DTYPES)[number];

/** Storage dtypes of quantized weights (a manifest's `quantization.dtype`, the values `compress.quantize` takes). */
export const QUANTIZED_DTYPES = ['uint8', 'uint16', 'float16'] as const;
export type QuantizedDtype = (typeof QUANTIZED_DTYPES)[number];

/** The `compress.quantize` values of a `.tflite` model: TFLite's own precisions (src/formats/tflite/compress.ts). */
export const TFLITE_QUANTIZE = ['float16', 'float32', 'dynamic-int8', 'int8'] as const;
export type TfliteQuantize = (typeof TFLITE_QUANTIZE)[number];

/** Every value `compress.quantize` takes as one word: the TF.js storage dtypes, then the TFLite-only precisions. */
export const QUANTIZE_VALUES = [...new Set([...QUANTIZED_DTYPES, ...TFLITE_QUANTIZE])] as [
  QuantizedDtype | TfliteQuantize,
  ...(QuantizedDtype | TfliteQuantize)[],
];

/** Bytes per stored element of each fixed-width dtype (strings are variable: a 4-byte length prefix + bytes each). */
export const DTYPE_BYTES: Readonly<Record<Exclude<WeightDtype, 'string'> | QuantizedDtype, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes one stored value of `dtype` takes; undefined for strings and for names that are no dtype. */
export function bytesPerValue(dtype: string): number | undefined {
  return Object.hasOwn(DTYPE_BYTES, dtype) ? DTYPE_BYTES[dtype as keyof typeof DTYPE_BYTES] : undefined;
}

/** Whether `dtype` is one of the quantized storage dtypes. */
export function isQuantizedDtype(dtype: string): dtype is QuantizedDtype {
  return (QUANTIZED_DTYPES as readonly string[]).includes(dtype);
}
