/**
 * Builds damaged copies of a SavedModel fixture in memory: re-encoded protos, rebuilt checkpoint index tables,
 * flipped bytes. The table writer follows the LevelDB format TensorFlow uses (one data block, restart every entry).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs/light.js';
import { crc32c, maskCrc } from '../../src/formats/savedmodel/crc32c.js';
import { DESCRIPTOR } from '../../src/formats/savedmodel/proto/descriptor.generated.js';
import { readTable } from '../../src/formats/savedmodel/table.js';
import type { ReadSavedModelFile } from '../../src/formats/savedmodel/load.js';

const root = protobuf.Root.fromJSON(DESCRIPTOR);
export const protoType = (name: string): protobuf.Type => root.lookupType(`tensorboard.${name}`);

/** Every file of a fixture folder, by relative path. */
export function fixtureFiles(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else files.set(path, new Uint8Array(readFileSync(join(dir, path))));
    }
  };
  walk('');
  return files;
}

export const memoryReader =
  (files: ReadonlyMap<string, Uint8Array>): ReadSavedModelFile =>
  (path) =>
    Promise.resolve(files.get(path));

/** Decodes a message, lets `edit` change the plain object, encodes it back. */
export function editProto(type: string, bytes: Uint8Array, edit: (message: Record<string, unknown>) => void): Uint8Array {
  const t = protoType(type);
  const message = t.toObject(t.decode(bytes), { longs: String, enums: String, arrays: true, objects: true }) as Record<string, unknown>;
  edit(message);
  return t.encode(t.fromObject(message)).finish();
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** A table file holding `entries` (sorted by key) in one block, with `blockType` in its trailers (0: uncompressed). */
export function buildTable(entries: ReadonlyMap<string, Uint8Array>, blockType = 0): Uint8Array {
  const encoder = new TextEncoder();
  const block = (items: [Uint8Array, Uint8Array][]): number[] => {
    const bytes: number[] = [];
    const restarts: number[] = [];
    for (const [key, value] of items) {
      restarts.push(bytes.length);
      bytes.push(...varint(0), ...varint(key.length), ...varint(value.length), ...key, ...value);
    }
    const tail = new DataView(new ArrayBuffer(4 * (restarts.length + 1)));
    restarts.forEach((r, i) => tail.setUint32(i * 4, r, true));
    tail.setUint32(restarts.length * 4, restarts.length, true);
    return [...bytes, ...new Uint8Array(tail.buffer)];
  };
  const file: number[] = [];
  const writeBlock = (contents: number[]): [number, number] => {
    const offset = file.length;
    const withType = new Uint8Array([...contents, blockType]);
    const crc = new DataView(new ArrayBuffer(4));
    crc.setUint32(0, maskCrc(crc32c(withType)), true);
    file.push(...withType, ...new Uint8Array(crc.buffer));
    return [offset, contents.length];
  };
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [encoder.encode(k), v] as [Uint8Array, Uint8Array]);
  const [dataOffset, dataSize] = writeBlock(block(sorted));
  const lastKey = sorted[sorted.length - 1]?.[0] ?? new Uint8Array();
  const [metaOffset, metaSize] = writeBlock(block([]));
  const [indexOffset, indexSize] = writeBlock(block([[lastKey, new Uint8Array([...varint(dataOffset), ...varint(dataSize)])]]));
  const footer = [...varint(metaOffset), ...varint(metaSize), ...varint(indexOffset), ...varint(indexSize)];
  while (footer.length < 40) footer.push(0);
  footer.push(0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb);
  return new Uint8Array([...file, ...footer]);
}

/** The index with the BundleEntryProto under `key` edited. */
export function editIndexEntry(index: Uint8Array, key: string, edit: (entry: Record<string, unknown>) => void): Uint8Array {
  const entries = readTable(index, 'index');
  const value = entries.get(key);
  if (value === undefined) throw new Error(`no entry ${key}`);
  entries.set(key, editProto('BundleEntryProto', value, edit));
  return buildTable(entries);
}
