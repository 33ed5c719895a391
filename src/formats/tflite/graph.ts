import { TensorType, type BuiltinOperator, type ModelT, type OperatorCodeT } from './generated/schema_generated.js';

/**
 * A .tflite model in memory: the flatbuffer's object tree (`model`) with every `Buffer.data` left empty, and the
 * bytes of buffer `i` in `buffers[i]` (a view into the file for buffers read from one, empty when the buffer holds
 * nothing). Keeping the bytes out of the object tree avoids the generated code's one-JS-number-per-byte arrays.
 */
export interface TfliteGraph {
  readonly model: ModelT;
  readonly buffers: readonly Uint8Array[];
}

/** Bytes per element of a tensor type; 0.5 for 4-bit, 0.25 for 2-bit; undefined where the size is not fixed. */
export function bytesPerElement(type: TensorType): number | undefined {
  switch (type) {
    case TensorType.FLOAT32:
    case TensorType.INT32:
    case TensorType.UINT32:
      return 4;
    case TensorType.FLOAT16:
    case TensorType.INT16:
    case TensorType.UINT16:
    case TensorType.BFLOAT16:
      return 2;
    case TensorType.UINT8:
    case TensorType.INT8:
    case TensorType.BOOL:
    case TensorType.FLOAT8_E4M3FN:
    case TensorType.FLOAT8_E5M2:
      return 1;
    case TensorType.INT64:
    case TensorType.UINT64:
    case TensorType.FLOAT64:
    case TensorType.COMPLEX64:
      return 8;
    case TensorType.COMPLEX128:
      return 16;
    case TensorType.INT4:
    case TensorType.UINT4:
      return 0.5;
    case TensorType.INT2:
      return 0.25;
    default:
      return undefined; // STRING, RESOURCE, VARIANT
  }
}

/** The builtin of an operator code: `builtin_code`, or the byte-sized `deprecated_builtin_code` of older files. */
export function builtinOf(code: OperatorCodeT): BuiltinOperator {
  return Math.max(code.builtinCode, code.deprecatedBuiltinCode);
}
