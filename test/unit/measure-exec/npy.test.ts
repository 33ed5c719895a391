import { describe, expect, test } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { encodeNpy, parseNpy } from '../../../src/measure/samples/npy.js';

/** A .npy file as numpy writes it: magic, version, header length, padded dict header, then data. */
function npy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const padded = header.padEnd(Math.ceil((pre + header.length + 1) / 64) * 64 - pre - 1, ' ') + '\n';
  const out = new Uint8Array(pre + padded.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), pre);
  out.set(data, pre + padded.length);
  return out;
}

const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('parseNpy reads', () => {
  test.each([
    { what: 'float32', descr: '<f4', shape: '(2, 2)', data: bytes(new Float32Array([1.5, -2, 0, 3])), dtype: 'float32', values: [1.5, -2, 0, 3], dims: [2, 2] },
    {
      what: 'float64 → float32',
      descr: '<f8',
      shape: '(3,)',
      data: bytes(new Float64Array([0.1, 1e40, -1])),
      dtype: 'float32',
      values: [Math.fround(0.1), Infinity, -1],
      dims: [3],
    },
    {
      what: 'int32',
      descr: '<i4',
      shape: '(1, 3)',
      data: bytes(new Int32Array([-7, 0, 2 ** 31 - 1])),
      dtype: 'int32',
      values: [-7, 0, 2 ** 31 - 1],
      dims: [1, 3],
    },
    { what: 'uint8 → int32', descr: '|u1', shape: '(4,)', data: new Uint8Array([0, 1, 128, 255]), dtype: 'int32', values: [0, 1, 128, 255], dims: [4] },
    { what: 'int8 → int32', descr: '|i1', shape: '(2,)', data: new Uint8Array([0xff, 0x7f]), dtype: 'int32', values: [-1, 127], dims: [2] },
    { what: 'bool', descr: '|b1', shape: '(3,)', data: new Uint8Array([1, 0, 2]), dtype: 'bool', values: [1, 0, 1], dims: [3] },
    { what: 'a scalar', descr: '<f4', shape: '()', data: bytes(new Float32Array([0.25])), dtype: 'float32', values: [0.25], dims: [] },
    { what: 'an empty array', descr: '<f4', shape: '(0, 3)', data: new Uint8Array(), dtype: 'float32', values: [], dims: [0, 3] },
  ])('$what', ({ descr, shape, data, dtype, values, dims }) => {
    const file = npy(`{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`, data);
    const array = parseNpy(file, 'x.npy');
    expect(array.dtype).toBe(dtype);
    expect(array.shape).toEqual(dims);
    expect(Array.from(array.data)).toEqual(values);
  });

  test('format version 2 (4-byte header length) and a header with keys in another order', () => {
    const file = npy(`{'shape': (2,), 'fortran_order': False, 'descr': '<i4'}`, bytes(new Int32Array([4, 5])), 2);
    expect(Array.from(parseNpy(file, 'x.npy').data)).toEqual([4, 5]);
  });

  test('what encodeNpy writes', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const array = parseNpy(encodeNpy([1, 2, 3], data), 'x.npy');
    expect(array.shape).toEqual([1, 2, 3]);
    expect(array.data).toEqual(data);
    expect(parseNpy(encodeNpy([6], data), 'x.npy').shape).toEqual([6]);
  });
});

describe('parseNpy refuses, naming the file and the fix', () => {
  const f4 = bytes(new Float32Array([1, 2]));
  test.each([
    {
      what: 'Fortran order',
      file: npy(`{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }`, f4),
      message: /a\.npy: .*Fortran order; save it in C order \(numpy\.ascontiguousarray/,
    },
    {
      what: 'big-endian',
      file: npy(`{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }`, f4),
      message: /dtype >f4 is not supported; save as float32 \(<f4\)/,
    },
    { what: 'complex', file: npy(`{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }`, f4), message: /dtype <c8 is not supported/ },
    { what: 'objects', file: npy(`{'descr': '|O', 'fortran_order': False, 'shape': (2,), }`, f4), message: /dtype \|O is not supported/ },
    {
      what: 'missing data',
      file: npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }`, f4),
      message: /shape \(3\) needs 12 data bytes, the file has 8/,
    },
    { what: 'not npy', file: new TextEncoder().encode('PK\u0003\u0004 a zip file'), message: /does not start with the \\x93NUMPY magic/ },
    { what: 'version 9', file: npy(`{}`, f4, 1).map((b, i) => (i === 6 ? 9 : b)), message: /format version 9 is unknown/ },
    { what: 'a header without shape', file: npy(`{'descr': '<f4', 'fortran_order': False}`, f4), message: /lacks descr, fortran_order or shape/ },
  ])('$what', ({ file, message }) => {
    expect(() => parseNpy(file, 'a.npy')).toThrow(MeasureError);
    expect(() => parseNpy(file, 'a.npy')).toThrow(message);
  });
});
