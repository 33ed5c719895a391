/**
 * Constant values: TensorProto (Const nodes) and TensorBundle tensors (variables) turned into the weight dtypes a
 * TF.js graph model stores — float32, int32, bool. float64 and float16 become float32; int64 becomes int32 when
 * every value fits, and is refused otherwise.
 */
import { ModelLoadError, problem } from '../../errors.js';
import { shapeDims, type BundleTensor } from './bundle.js';
import type { TensorProto } from './proto.js';

export type TfjsDtype = 'float32' | 'int32' | 'bool';

export interface ConstValue {
  readonly dtype: TfjsDtype;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/** TensorFlow dtype → the dtype tfjs keeps it in; undefined when tfjs has no such weight. */
const TFJS_DTYPE: Readonly<Record<string, TfjsDtype>> = {
  DT_FLOAT: 'float32',
  DT_DOUBLE: 'float32',
  DT_HALF: 'float32',
  DT_INT32: 'int32',
  DT_INT64: 'int32',
  DT_INT16: 'int32',
  DT_INT8: 'int32',
  DT_UINT8: 'int32',
  DT_UINT16: 'int32',
  DT_BOOL: 'bool',
};

/** The graph-model dtype enum a converted tensor is declared with. */
export const GRAPH_DTYPE: Readonly<Record<TfjsDtype, string>> = { float32: 'DT_FLOAT', int32: 'DT_INT32', bool: 'DT_BOOL' };

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Reads `count` elements of `dtype` from little-endian bytes as numbers (int64 as bigint, checked later). */
function readRaw(bytes: Uint8Array, dtype: string, count: number): (number | bigint)[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: (number | bigint)[] = new Array<number | bigint>(count);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'DT_FLOAT':
        out[i] = view.getFloat32(i * 4, true);
        break;
      case 'DT_DOUBLE':
        out[i] = view.getFloat64(i * 8, true);
        break;
      case 'DT_HALF':
        out[i] = half(view.getUint16(i * 2, true));
        break;
      case 'DT_INT32':
        out[i] = view.getInt32(i * 4, true);
        break;
      case 'DT_INT64':
        out[i] = view.getBigInt64(i * 8, true);
        break;
      case 'DT_INT16':
        out[i] = view.getInt16(i * 2, true);
        break;
      case 'DT_UINT16':
        out[i] = view.getUint16(i * 2, true);
        break;
      case 'DT_INT8':
        out[i] = view.getInt8(i);
        break;
      case 'DT_UINT8':
      case 'DT_BOOL':
        out[i] = view.getUint8(i);
        break;
      default:
        throw new ModelLoadError(problem('savedmodel/dtype-unreadable', { dtype }));
    }
  }
  return out;
}

/** Packs values into tfjs weight bytes; int64 values outside int32 are refused (`what` names the tensor). */
function pack(values: readonly (number | bigint)[], dtype: TfjsDtype, what: string): Uint8Array {
  if (dtype === 'float32') return new Uint8Array(Float32Array.from(values, Number).buffer);
  if (dtype === 'bool') return Uint8Array.from(values, (v) => (Number(v) === 0 ? 0 : 1));
  const out = new Int32Array(values.length);
  values.forEach((v, i) => {
    const n = typeof v === 'bigint' ? v : BigInt(v);
    if (n < -2147483648n || n > 2147483647n) {
      throw new ModelLoadError(problem('savedmodel/int64-out-of-range', { what, value: String(n), index: i }));
    }
    out[i] = Number(n);
  });
  return new Uint8Array(out.buffer);
}

function tfjsDtype(dtype: string, what: string): TfjsDtype {
  const mapped = TFJS_DTYPE[dtype];
  if (mapped === undefined) throw new ModelLoadError(problem('savedmodel/weight-dtype', { what, dtype }));
  return mapped;
}

/** A TensorBundle variable as a weight; `expected` is the shape the object graph declares (checked when known). */
export function variableValue(tensor: BundleTensor, expected: readonly number[] | undefined): ConstValue {
  const what = `variable "${tensor.key}"`;
  if (expected !== undefined && (expected.length !== tensor.shape.length || expected.some((d, i) => d >= 0 && d !== tensor.shape[i]))) {
    throw new ModelLoadError(problem('savedmodel/weight-shape-mismatch', { what, stored: tensor.shape.join(', '), expected: expected.join(', ') }));
  }
  const dtype = tfjsDtype(tensor.dtype, what);
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  if ((tensor.dtype === 'DT_FLOAT' && dtype === 'float32') || (tensor.dtype === 'DT_INT32' && dtype === 'int32') || tensor.dtype === 'DT_BOOL') {
    return { dtype, shape: tensor.shape, bytes: tensor.bytes.slice() };
  }
  return { dtype, shape: tensor.shape, bytes: pack(readRaw(tensor.bytes, tensor.dtype, count), dtype, what) };
}

/** The value of a Const node's TensorProto (`what` names the node). Short value lists repeat their last value, as in TensorFlow. */
export function constValue(proto: TensorProto, what: string): ConstValue {
  const tfDtype = proto.dtype ?? 'DT_INVALID';
  const dtype = tfjsDtype(tfDtype, what);
  const shape = shapeDims(proto.tensorShape, what);
  const count = shape.reduce((a, b) => a * b, 1);
  const content = proto.tensorContent;
  if (content !== undefined && content.byteLength > 0) {
    const width =
      { DT_FLOAT: 4, DT_DOUBLE: 8, DT_HALF: 2, DT_INT32: 4, DT_INT64: 8, DT_INT16: 2, DT_UINT16: 2, DT_INT8: 1, DT_UINT8: 1, DT_BOOL: 1 }[tfDtype] ?? 1;
    if (content.byteLength !== count * width)
      throw new ModelLoadError(
        problem('savedmodel/weight-size', { what, byteLength: content.byteLength, tfDtype, shape: shape.join(', '), needed: count * width }),
      );
    return { dtype, shape, bytes: pack(readRaw(content, tfDtype, count), dtype, what) };
  }
  const listed: readonly (number | bigint | boolean | string)[] =
    tfDtype === 'DT_FLOAT'
      ? proto.floatVal
      : tfDtype === 'DT_DOUBLE'
        ? proto.doubleVal
        : tfDtype === 'DT_INT64'
          ? proto.int64Val
          : tfDtype === 'DT_BOOL'
            ? proto.boolVal
            : tfDtype === 'DT_HALF'
              ? proto.halfVal.map(half)
              : proto.intVal;
  if (listed.length > count) throw new ModelLoadError(problem('savedmodel/weight-value-count', { what, count: listed.length, shape: shape.join(', ') }));
  const last = listed[listed.length - 1] ?? 0;
  const values = Array.from({ length: count }, (_, i) => {
    const v = listed[i] ?? last;
    return typeof v === 'string' ? BigInt(v) : typeof v === 'boolean' ? Number(v) : v;
  });
  return { dtype, shape, bytes: pack(values, dtype, what) };
}
