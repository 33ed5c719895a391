/**
 * TensorBundle reader (TensorFlow's checkpoint format V2): `variables/variables.index` maps each checkpoint key to
 * a BundleEntryProto (dtype, shape, shard, offset, size, crc32c) pointing into `variables.data-SSSSS-of-NNNNN`.
 * Every entry is checked against its shard's size and its masked crc32c before it is used.
 */
import { ModelLoadError, problem } from '../../errors.js';
import { crc32c, maskCrc } from './crc32c.js';
import { decodeBundleEntry, decodeBundleHeader, type BundleEntryProto, type TensorShapeProto } from './proto.js';
import { readTable } from './table.js';

/** Bytes per element of the dtypes a bundle stores as raw little-endian arrays. */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  DT_FLOAT: 4,
  DT_DOUBLE: 8,
  DT_INT32: 4,
  DT_INT64: 8,
  DT_INT16: 2,
  DT_INT8: 1,
  DT_UINT8: 1,
  DT_UINT16: 2,
  DT_BOOL: 1,
  DT_HALF: 2,
};

/** Largest element count accepted for one tensor (2^31 - 1, what tfjs can index). */
const MAX_ELEMENTS = 2 ** 31 - 1;

/** Reads the files of a bundle by name (`variables.index`, `variables.data-00000-of-00001`); undefined when absent. */
export type ReadBundleFile = (name: string) => Promise<Uint8Array | undefined>;

export interface BundleTensor {
  readonly key: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** The raw little-endian bytes (for DT_STRING: the strings themselves). */
  readonly bytes: Uint8Array;
  readonly strings?: readonly Uint8Array[];
}

export interface Bundle {
  readonly keys: readonly string[];
  readonly entry: (key: string) => BundleEntryProto | undefined;
  /** The checked tensor under `key`; throws ModelLoadError when it is missing, damaged or out of bounds. */
  readonly tensor: (key: string) => BundleTensor;
}

/** Turns a TensorShapeProto into dims, refusing unknown or negative ones (`what` names it in errors). */
export function shapeDims(shape: TensorShapeProto | undefined, what: string): number[] {
  if (shape?.unknownRank === true) throw new ModelLoadError(problem('savedmodel/unknown-rank', { what }));
  const dims = (shape?.dim ?? []).map((d) => Number(d.size ?? '0'));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new ModelLoadError(problem('savedmodel/shape-unknown-dimension', { what, dims: dims.join(', ') }));
  const elements = dims.reduce((a, b) => a * b, 1);
  if (elements > MAX_ELEMENTS) throw new ModelLoadError(problem('savedmodel/shape-too-large', { what, dims: dims.join(', '), elements, limit: MAX_ELEMENTS }));
  return dims;
}

function int64(value: string | undefined, what: string): number {
  const n = Number(value ?? '0');
  if (!Number.isSafeInteger(n) || n < 0) throw new ModelLoadError(problem('savedmodel/not-byte-count', { what, value: String(value) }));
  return n;
}

const shardName = (prefix: string, id: number, count: number): string => `${prefix}.data-${String(id).padStart(5, '0')}-of-${String(count).padStart(5, '0')}`;

/** Opens the bundle `prefix` (normally `variables`): reads and checks its index, then every shard it names. */
export async function openBundle(read: ReadBundleFile, prefix = 'variables'): Promise<Bundle> {
  const indexName = `${prefix}.index`;
  const indexBytes = await read(indexName);
  if (indexBytes === undefined) throw new ModelLoadError(problem('savedmodel/variables-index-missing', { indexName }));
  const table = readTable(indexBytes, `variables/${indexName}`);
  const headerBytes = table.get('');
  if (headerBytes === undefined) throw new ModelLoadError(problem('savedmodel/variables-no-header', { indexName }));
  const header = decodeBundleHeader(headerBytes, `variables/${indexName} header`);
  if ((header.endianness ?? 'LITTLE') !== 'LITTLE') throw new ModelLoadError(problem('savedmodel/variables-big-endian', { indexName }));
  const shardCount = header.numShards ?? 0;
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 100_000)
    throw new ModelLoadError(problem('savedmodel/variables-shard-count', { indexName, shardCount }));
  const shards: Uint8Array[] = [];
  for (let id = 0; id < shardCount; id++) {
    const name = shardName(prefix, id, shardCount);
    const bytes = await read(name);
    if (bytes === undefined) throw new ModelLoadError(problem('savedmodel/variables-shard-missing', { name, shardCount }));
    shards.push(bytes);
  }
  const entries = new Map<string, BundleEntryProto>();
  for (const [key, value] of table) if (key !== '') entries.set(key, decodeBundleEntry(value, `variables/${indexName} entry "${key}"`));

  const tensor = (key: string): BundleTensor => {
    const entry = entries.get(key);
    const what = `variable "${key}"`;
    if (entry === undefined) throw new ModelLoadError(problem('savedmodel/variable-not-in-index', { what, indexName }));
    if (entry.slices.length > 0) throw new ModelLoadError(problem('savedmodel/variable-sliced', { what }));
    const dtype = entry.dtype ?? 'DT_INVALID';
    const shape = shapeDims(entry.shape, what);
    const shardId = entry.shardId ?? 0;
    const shard = shards[shardId];
    if (shard === undefined) throw new ModelLoadError(problem('savedmodel/variable-shard-unknown', { what, shardId, shardCount }));
    const offset = int64(entry.offset, `${what} offset`);
    const size = int64(entry.size, `${what} size`);
    const name = `variables/${shardName(prefix, shardId, shardCount)}`;
    if (offset + size > shard.byteLength)
      throw new ModelLoadError(problem('savedmodel/variable-out-of-bounds', { what, offset, end: offset + size, name, byteLength: shard.byteLength }));
    const bytes = shard.subarray(offset, offset + size);
    const stored = entry.crc32c ?? 0;
    const elements = shape.reduce((a, b) => a * b, 1);
    const strings = dtype === 'DT_STRING' ? readStrings(bytes, elements, what) : undefined;
    const actual = maskCrc(strings === undefined ? crc32c(bytes) : stringsCrc(bytes, strings));
    if (stored !== actual)
      throw new ModelLoadError(problem('savedmodel/variable-crc', { what, name, stored: stored.toString(16), computed: actual.toString(16) }));
    if (strings !== undefined) return { key, dtype, shape, bytes, strings };
    const width = DTYPE_BYTES[dtype];
    if (width === undefined) throw new ModelLoadError(problem('savedmodel/variable-dtype', { what, dtype }));
    if (elements * width !== size)
      throw new ModelLoadError(problem('savedmodel/variable-size', { what, size, dtype, shape: shape.join(', '), needed: elements * width }));
    return { key, dtype, shape, bytes };
  };
  return { keys: [...entries.keys()], entry: (key) => entries.get(key), tensor };
}

/** DT_STRING layout (tensor_bundle.cc WriteStringTensor): n varint lengths, a 4-byte checksum of them, the bytes. */
function readStrings(bytes: Uint8Array, count: number, what: string): Uint8Array[] {
  let pos = 0;
  const lengths: number[] = [];
  for (let i = 0; i < count; i++) {
    let length = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[pos++];
      if (byte === undefined) throw new ModelLoadError(problem('savedmodel/string-lengths-overrun', { what }));
      length += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) break;
      scale *= 128;
      if (scale > 2 ** 49) throw new ModelLoadError(problem('savedmodel/string-length-varint', { what }));
    }
    lengths.push(length);
  }
  pos += 4;
  const strings: Uint8Array[] = [];
  for (const length of lengths) {
    if (pos + length > bytes.byteLength) throw new ModelLoadError(problem('savedmodel/string-overrun', { what, length }));
    strings.push(bytes.subarray(pos, pos + length));
    pos += length;
  }
  return strings;
}

/**
 * The checksum TensorFlow keeps for a string tensor: each length as a little-endian uint32 (uint64 past 4 GiB), not
 * the varint written, then the 4 stored checksum bytes, then the string bytes.
 */
function stringsCrc(bytes: Uint8Array, strings: readonly Uint8Array[]): number {
  let crc = 0;
  const length = new DataView(new ArrayBuffer(8));
  for (const s of strings) {
    length.setBigUint64(0, BigInt(s.byteLength), true);
    crc = crc32c(new Uint8Array(length.buffer, 0, s.byteLength <= 0xffffffff ? 4 : 8), crc);
  }
  const first = strings[0];
  const checksumAt = (first === undefined ? bytes.byteLength : first.byteOffset - bytes.byteOffset) - 4;
  crc = crc32c(bytes.subarray(checksumAt, checksumAt + 4), crc);
  for (const s of strings) crc = crc32c(s, crc);
  return crc;
}
