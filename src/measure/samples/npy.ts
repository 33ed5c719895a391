import { MeasureError, problem } from '../../errors.js';

/** An array read from a `.npy` file, in the dtype tfjs will hold it in. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly data: Float32Array | Int32Array | Uint8Array;
  /** The file's own numpy dtype (`<f4`, `|u1`, ...). */
  readonly descr: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** numpy dtypes we read, and how each becomes a tfjs dtype. `<f8` narrows to float32; `|u1` widens to int32. */
const DESCRS: Readonly<Record<string, { bytes: number; dtype: NpyArray['dtype'] }>> = {
  '<f4': { bytes: 4, dtype: 'float32' },
  '<f8': { bytes: 8, dtype: 'float32' },
  '<i4': { bytes: 4, dtype: 'int32' },
  '|u1': { bytes: 1, dtype: 'int32' },
  '<u1': { bytes: 1, dtype: 'int32' },
  '|i1': { bytes: 1, dtype: 'int32' },
  '|b1': { bytes: 1, dtype: 'bool' },
};

/**
 * Parses a `.npy` file (format versions 1–3): little-endian `<f4`, `<f8` (→ float32), `<i4`, `|u1`, `|i1`
 * (→ int32) and `|b1` (→ bool), C order only. `file` names the file in messages.
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (why: string): never => {
    throw new MeasureError(problem('measure/npy-unreadable', { file, why }), { file });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('it does not start with the \\x93NUMPY magic');
  const major = bytes[6] ?? 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('the header is cut short');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(`format version ${major} is unknown (1, 2 and 3 are read)`);
  }
  if (headerStart + headerLength > bytes.length) fail('the header is cut short');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail(`its header (${headerLength} bytes) lacks descr, fortran_order or shape`);
  }
  if (fortran === 'True') {
    fail('it is stored in Fortran order; save it in C order (numpy.ascontiguousarray(a) before numpy.save)');
  }
  const kind = DESCRS[descr];
  if (!kind) {
    return fail(
      `dtype ${descr} is not supported; save as float32 (<f4), float64 (<f8), int32 (<i4), uint8 (|u1), int8 (|i1) ` + 'or bool (|b1), little-endian',
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      return Number.isInteger(n) && n >= 0 ? n : fail('its shape has an entry that is not a whole number');
    });
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLength;
  const need = count * kind.bytes;
  if (bytes.length - start < need) fail(`shape (${shape.join(', ')}) needs ${need} data bytes, the file has ${bytes.length - start}`);
  return { shape, dtype: kind.dtype, descr, data: decode(view, start, count, descr) };
}

function decode(view: DataView, start: number, count: number, descr: string): Float32Array | Int32Array | Uint8Array {
  switch (descr) {
    case '<f4': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, true);
      return out;
    }
    case '<f8': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, true);
      return out;
    }
    case '<i4': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, true);
      return out;
    }
    case '|i1': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt8(start + i);
      return out;
    }
    case '|b1': {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint8(start + i) === 0 ? 0 : 1;
      return out;
    }
    default: {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint8(start + i);
      return out;
    }
  }
}

/** Writes a C-order `.npy` (version 1) file's bytes; used to make test data and by tools that export samples. */
export function encodeNpy(shape: readonly number[], data: Float32Array | Int32Array | Uint8Array, descr = '<f4'): Uint8Array {
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shapeText}), }`;
  // Pad so the data starts on a 64-byte boundary, as numpy does.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(10 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}
