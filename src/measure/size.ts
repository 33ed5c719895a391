import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import type { io } from '@tensorflow/tfjs';
import { specBytes } from '../model/manifest.js';
import type { WeightChange, WeightShare } from '../report/types.js';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Sizes of a model as it is served: every file on its own, summed (that is what a browser downloads). */
export interface SizeMeasurement {
  /** model.json + shards, bytes on disk. */
  readonly bytes: number;
  /** Sum of each file gzip-compressed at level 9. */
  readonly gzipBytes: number;
  /** Sum of each file brotli-compressed at quality 11. */
  readonly brotliBytes: number;
  /** Bytes of weight data alone (the shards). */
  readonly weightBytes: number;
}

/** Measures files given as bytes (a serialized model: model.json first, then shards). */
export async function measureSize(files: readonly { readonly bytes: Uint8Array }[]): Promise<SizeMeasurement> {
  // zlib runs in libuv's thread pool, so the files compress in parallel on every core (brotli at quality 11 is
  // the slow part: about 0.5 MB/s per core).
  const sizes = await Promise.all(
    files.map(async (file) => ({
      gzip: (await gzipAsync(file.bytes, { level: 9 })).byteLength,
      brotli: (
        await brotliAsync(file.bytes, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: file.bytes.byteLength },
        })
      ).byteLength,
    })),
  );
  const bytes = files.reduce((a, f) => a + f.bytes.byteLength, 0);
  const gzipBytes = sizes.reduce((a, s) => a + s.gzip, 0);
  const brotliBytes = sizes.reduce((a, s) => a + s.brotli, 0);
  const weightBytes = files.slice(1).reduce((a, f) => a + f.bytes.byteLength, 0);
  return { bytes, gzipBytes, brotliBytes, weightBytes };
}

/** Measures model files on disk (model.json first, then shards). */
export async function measureFiles(paths: readonly string[]): Promise<SizeMeasurement> {
  const files = [];
  for (const path of paths) files.push({ bytes: await readFile(path) });
  return measureSize(files);
}

/** Every weight with its storage bytes and share of all weight bytes, largest first. */
export function weightBreakdown(specs: readonly io.WeightsManifestEntry[], stringBytes: (name: string) => number = () => 0): WeightShare[] {
  const rows = specs.map((spec) => ({
    name: spec.name,
    shape: [...spec.shape],
    dtype: spec.quantization?.dtype ?? spec.dtype,
    bytes: specBytes(spec) ?? stringBytes(spec.name),
  }));
  const total = rows.reduce((a, r) => a + r.bytes, 0);
  return rows.map((r) => ({ ...r, share: total === 0 ? 0 : r.bytes / total })).sort((a, b) => b.bytes - a.bytes);
}

/** Weights whose stored bytes differ between base and head (added, removed, resized or re-typed), largest change first. */
export function weightChanges(base: readonly WeightShare[], head: readonly WeightShare[], limit = 10): WeightChange[] {
  const before = new Map(base.map((w) => [w.name, w]));
  const after = new Map(head.map((w) => [w.name, w]));
  const changes: WeightChange[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(name);
    const h = after.get(name);
    if (b && h && b.bytes === h.bytes && b.dtype === h.dtype) continue;
    changes.push({
      name,
      ...(h ? { bytes: h.bytes, dtype: h.dtype } : {}),
      ...(b ? { baseBytes: b.bytes, baseDtype: b.dtype } : {}),
    });
  }
  const delta = (c: WeightChange): number => Math.abs((c.bytes ?? 0) - (c.baseBytes ?? 0));
  return changes.sort((x, y) => delta(y) - delta(x) || x.name.localeCompare(y.name)).slice(0, limit);
}
