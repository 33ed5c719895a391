import { describe, expect, it } from 'vitest';
import type { TensorProto, TensorShapeProto } from '../../../src/formats/savedmodel/proto.js';
import { constValue } from '../../../src/formats/savedmodel/tensor.js';

const proto = (fields: Partial<TensorProto>): TensorProto => ({
  floatVal: [],
  doubleVal: [],
  intVal: [],
  int64Val: [],
  boolVal: [],
  halfVal: [],
  stringVal: [],
  ...fields,
});
const shape = (...dims: number[]): TensorShapeProto => ({ dim: dims.map((d) => ({ size: String(d) })) });

function values(bytes: Uint8Array, dtype: string): number[] {
  const buffer = bytes.slice().buffer;
  return Array.from(dtype === 'float32' ? new Float32Array(buffer) : dtype === 'int32' ? new Int32Array(buffer) : new Uint8Array(buffer));
}

describe('constValue', () => {
  it.each([
    {
      what: 'float_val fills the shape with its last value',
      input: proto({ dtype: 'DT_FLOAT', tensorShape: shape(3), floatVal: [2] }),
      dtype: 'float32',
      expected: [2, 2, 2],
    },
    {
      what: 'int64 that fits becomes int32',
      input: proto({ dtype: 'DT_INT64', tensorShape: shape(2), int64Val: ['-5', '2147483647'] }),
      dtype: 'int32',
      expected: [-5, 2147483647],
    },
    {
      what: 'double tensor_content becomes float32',
      input: proto({ dtype: 'DT_DOUBLE', tensorShape: shape(2), tensorContent: new Uint8Array(new Float64Array([0.5, -1.25]).buffer) }),
      dtype: 'float32',
      expected: [0.5, -1.25],
    },
    {
      what: 'int64 tensor_content',
      input: proto({ dtype: 'DT_INT64', tensorShape: shape(2), tensorContent: new Uint8Array(new BigInt64Array([7n, -1n]).buffer) }),
      dtype: 'int32',
      expected: [7, -1],
    },
    { what: 'half values', input: proto({ dtype: 'DT_HALF', tensorShape: shape(2), halfVal: [0x3c00, 0xc000] }), dtype: 'float32', expected: [1, -2] },
    { what: 'bool', input: proto({ dtype: 'DT_BOOL', tensorShape: shape(2), boolVal: [true, false] }), dtype: 'bool', expected: [1, 0] },
    { what: 'a scalar', input: proto({ dtype: 'DT_INT32', intVal: [4] }), dtype: 'int32', expected: [4] },
  ])('$what', ({ input, dtype, expected }) => {
    const value = constValue(input, 'node');
    expect(value.dtype).toBe(dtype);
    expect(values(value.bytes, value.dtype)).toEqual(expected);
  });

  it.each([
    {
      what: 'int64 outside int32',
      input: proto({ dtype: 'DT_INT64', tensorShape: shape(1), int64Val: ['2147483648'] }),
      message: 'node holds 2147483648 at index 0, outside int32',
    },
    {
      what: 'tensor_content of the wrong length',
      input: proto({ dtype: 'DT_FLOAT', tensorShape: shape(3), tensorContent: new Uint8Array(8) }),
      message: 'node holds 8 bytes of DT_FLOAT, but shape [3] needs 12',
    },
    {
      what: 'more values than the shape holds',
      input: proto({ dtype: 'DT_FLOAT', tensorShape: shape(1), floatVal: [1, 2] }),
      message: 'node lists 2 values for shape [1]',
    },
    { what: 'a dtype tfjs cannot hold', input: proto({ dtype: 'DT_COMPLEX128', tensorShape: shape(1) }), message: 'node has dtype DT_COMPLEX128' },
    { what: 'an absurd shape', input: proto({ dtype: 'DT_FLOAT', tensorShape: shape(65536, 65536) }), message: 'more than 2147483647' },
  ])('refuses $what', ({ input, message }) => {
    expect(() => constValue(input, 'node')).toThrow(message);
  });
});
