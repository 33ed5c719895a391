/**
 * Reader for the LevelDB-format table TensorFlow writes as `variables.index` (tensorflow/core/lib/io/table*):
 * a 48-byte footer (metaindex and index block handles, magic 0xdb4775248b80fb57), blocks of prefix-compressed
 * entries closed by a restart array, each block followed by a 5-byte trailer (compression type + masked crc32c).
 */
import { ModelLoadError, problem } from '../../errors.js';
import { crc32c, maskCrc } from './crc32c.js';

const FOOTER_BYTES = 48;
const MAGIC_LOW = 0x8b80fb57;
const MAGIC_HIGH = 0xdb477524;
const TRAILER_BYTES = 5;

interface BlockHandle {
  readonly offset: number;
  readonly size: number;
}

class Cursor {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly what: string,
  ) {}

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ModelLoadError(problem('savedmodel/table-varint-overrun', { what: this.what }));
      const byte = this.bytes[this.pos++] ?? 0;
      result += (byte & 0x7f) * scale;
      if (result > Number.MAX_SAFE_INTEGER) throw new ModelLoadError(problem('savedmodel/table-varint-too-large', { what: this.what }));
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new ModelLoadError(problem('savedmodel/table-varint-too-long', { what: this.what }));
  }

  take(length: number): Uint8Array {
    if (length > this.end - this.pos) throw new ModelLoadError(problem('savedmodel/table-entry-overrun', { what: this.what, length }));
    const slice = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }
}

function readBlockHandle(cursor: Cursor): BlockHandle {
  return { offset: cursor.varint(), size: cursor.varint() };
}

/** The checked contents of one block (without its trailer). */
function readBlock(file: Uint8Array, handle: BlockHandle, what: string): Uint8Array {
  if (handle.offset + handle.size + TRAILER_BYTES > file.byteLength) {
    throw new ModelLoadError(problem('savedmodel/table-block-outside', { what, offset: handle.offset, size: handle.size, byteLength: file.byteLength }));
  }
  const contents = file.subarray(handle.offset, handle.offset + handle.size);
  const type = file[handle.offset + handle.size] ?? -1;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const stored = view.getUint32(handle.offset + handle.size + 1, true);
  const actual = maskCrc(crc32c(file.subarray(handle.offset, handle.offset + handle.size + 1)));
  if (stored !== actual) {
    throw new ModelLoadError(problem('savedmodel/table-crc', { what, offset: handle.offset, stored: hex(stored), computed: hex(actual) }));
  }
  if (type !== 0) {
    // TensorFlow writes bundle indexes uncompressed (tensor_bundle.cc sets kNoCompression); snappy (1) only
    // appears in tables written with other options.
    throw new ModelLoadError(problem('savedmodel/table-compressed', { what, type }));
  }
  return contents;
}

const hex = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;

/** Decodes a block's entries in order (keys restored from their shared prefixes). */
function* blockEntries(block: Uint8Array, what: string): Generator<[Uint8Array, Uint8Array]> {
  if (block.byteLength < 4) throw new ModelLoadError(problem('savedmodel/table-block-short', { what, byteLength: block.byteLength }));
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const restarts = view.getUint32(block.byteLength - 4, true);
  const restartBytes = (restarts + 1) * 4;
  if (restartBytes > block.byteLength) throw new ModelLoadError(problem('savedmodel/table-restarts', { what, restarts, byteLength: block.byteLength }));
  const cursor = new Cursor(block, 0, block.byteLength - restartBytes, what);
  let key = new Uint8Array(0);
  while (cursor.pos < cursor.end) {
    const shared = cursor.varint();
    const unshared = cursor.varint();
    const valueLength = cursor.varint();
    if (shared > key.byteLength) throw new ModelLoadError(problem('savedmodel/table-shared-key', { what, shared, byteLength: key.byteLength }));
    const next = new Uint8Array(shared + unshared);
    next.set(key.subarray(0, shared));
    next.set(cursor.take(unshared), shared);
    key = next;
    yield [key, cursor.take(valueLength)];
  }
}

/** Reads every key → value of a table file; `what` names the file in errors. */
export function readTable(file: Uint8Array, what: string): Map<string, Uint8Array> {
  if (file.byteLength < FOOTER_BYTES) throw new ModelLoadError(problem('savedmodel/table-too-short', { what, byteLength: file.byteLength }));
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magicAt = file.byteLength - 8;
  if (view.getUint32(magicAt, true) !== MAGIC_LOW || view.getUint32(magicAt + 4, true) !== MAGIC_HIGH) {
    throw new ModelLoadError(problem('savedmodel/table-magic', { what }));
  }
  const footer = new Cursor(file, file.byteLength - FOOTER_BYTES, file.byteLength - 8, `${what} footer`);
  readBlockHandle(footer); // metaindex: TensorFlow writes it empty
  const indexHandle = readBlockHandle(footer);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const entries = new Map<string, Uint8Array>();
  const index = readBlock(file, indexHandle, `${what} index block`);
  for (const [, handleBytes] of blockEntries(index, `${what} index block`)) {
    const handle = readBlockHandle(new Cursor(handleBytes, 0, handleBytes.byteLength, `${what} index block`));
    const data = readBlock(file, handle, `${what} data block`);
    for (const [key, value] of blockEntries(data, `${what} data block`)) entries.set(decoder.decode(key), value);
  }
  return entries;
}
