import { Inflate } from 'fflate';
import { ModelLoadError, problem } from '../../errors.js';

/** Limits on what an archive may make us allocate. */
export interface ZipLimits {
  /** Most entries the central directory may list. */
  readonly maxEntries: number;
  /** Most bytes all extracted entries may inflate to, together. */
  readonly maxUncompressedBytes: number;
}

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly localHeaderAt: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** Compressed bytes fed to the inflater per step: DEFLATE expands at most ~1032×, so one step stays under ~17 MB. */
const INFLATE_STEP_BYTES = 16 * 1024;

/**
 * Extracts the named entries of a zip archive in memory. Every entry name in the central directory is checked
 * (no `..` segments, no absolute or drive paths), the entry count and the *declared* sizes are checked against
 * `limits` before anything is inflated, and inflation stops as soon as an entry grows past its declared size.
 * Missing wanted entries are simply absent from the result.
 */
export function extractZipEntries(bytes: Uint8Array, wanted: readonly string[], limits: ZipLimits, file: string): Map<string, Uint8Array> {
  const entries = readCentralDirectory(bytes, limits, file);
  const picked = entries.filter((e) => wanted.includes(e.name));
  const declared = picked.reduce((sum, e) => sum + e.uncompressedBytes, 0);
  if (declared > limits.maxUncompressedBytes) {
    throw new ModelLoadError(
      problem('keras/zip-over-limit', { file, bytes: declared.toLocaleString('en-US'), limit: limits.maxUncompressedBytes.toLocaleString('en-US') }),
      { file },
    );
  }
  const out = new Map<string, Uint8Array>();
  for (const entry of picked) out.set(entry.name, inflateEntry(bytes, entry, file));
  return out;
}

function corrupt(file: string, what: string): ModelLoadError {
  return new ModelLoadError(problem('keras/zip-invalid', { file, what }), { file });
}

function readCentralDirectory(bytes: Uint8Array, limits: ZipLimits, file: string): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw corrupt(file, 'no end of central directory: the file is truncated');
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const start = view.getUint32(eocd + 16, true);
  if (count === 0xffff || start === 0xffffffff) throw corrupt(file, 'ZIP64 archives are not supported');
  if (count > limits.maxEntries) {
    throw new ModelLoadError(problem('keras/zip-too-many-entries', { file, count: count.toLocaleString('en-US'), maxEntries: limits.maxEntries }), { file });
  }
  if (start + size > eocd) throw corrupt(file, 'the central directory points past its end: the file is truncated');
  const entries: Entry[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw corrupt(file, 'bad central directory');
    const nameBytes = view.getUint16(at + 28, true);
    const extraBytes = view.getUint16(at + 30, true);
    const commentBytes = view.getUint16(at + 32, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameBytes));
    checkEntryName(name, file);
    entries.push({
      name,
      method: view.getUint16(at + 10, true),
      compressedBytes: view.getUint32(at + 20, true),
      uncompressedBytes: view.getUint32(at + 24, true),
      localHeaderAt: view.getUint32(at + 42, true),
    });
    at += 46 + nameBytes + extraBytes + commentBytes;
  }
  return entries;
}

/** Refuses entry names that could escape a directory if anyone ever extracted the archive to disk. */
function checkEntryName(name: string, file: string): void {
  const segments = name.split(/[\\/]/);
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || segments.includes('..')) {
    throw new ModelLoadError(problem('keras/zip-entry-escapes', { file, name }), { file });
  }
}

function inflateEntry(bytes: Uint8Array, entry: Entry, file: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderAt;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_SIGNATURE) {
    throw corrupt(file, `bad local header for "${entry.name}"`);
  }
  const dataAt = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const data = bytes.subarray(dataAt, dataAt + entry.compressedBytes);
  if (data.length !== entry.compressedBytes) throw corrupt(file, `"${entry.name}" is cut off: the file is truncated`);
  if (entry.method === 0) {
    if (entry.compressedBytes !== entry.uncompressedBytes) throw corrupt(file, `stored "${entry.name}" has two sizes`);
    return data.slice();
  }
  if (entry.method !== 8) throw corrupt(file, `"${entry.name}" uses compression method ${entry.method}`);
  const out = new Uint8Array(entry.uncompressedBytes);
  let written = 0;
  const tooBig = (): ModelLoadError =>
    new ModelLoadError(problem('keras/zip-entry-bomb', { file, name: entry.name, bytes: entry.uncompressedBytes.toLocaleString('en-US') }), { file });
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > out.length) throw tooBig();
    out.set(chunk, written);
    written += chunk.length;
  });
  try {
    for (let offset = 0; offset < data.length; offset += INFLATE_STEP_BYTES) {
      const end = Math.min(offset + INFLATE_STEP_BYTES, data.length);
      inflater.push(data.subarray(offset, end), end === data.length);
    }
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    throw new ModelLoadError(problem('keras/zip-entry-corrupt', { file, name: entry.name, detail: String(error) }), {
      file,
      cause: error,
    });
  }
  if (written !== out.length) throw corrupt(file, `"${entry.name}" is shorter than its declared size`);
  return out;
}
