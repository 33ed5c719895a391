import { readFile } from 'node:fs/promises';
import type { StoredWeight } from '../formats/types.js';
import type { FileRole, ModelFile } from '../model/types.js';
import type { WeightChange, WeightShare } from '../report/types.js';
import { compressOnWorkers, processSizeCache, SizeCache, type CompressJob, type CompressLengths, type Encoding } from './compress-pool.js';

/** Sizes of a model as it is served: every file on its own, summed (that is what a browser downloads). */
export interface SizeMeasurement {
  /** Every file of the model (model.json + shards, or the one archive), bytes on disk. */
  readonly bytes: number;
  /** Sum of each file gzip-compressed at level 9; absent when not asked for. */
  readonly gzipBytes?: number;
  /** Sum of each file brotli-compressed at quality 11; absent when not asked for. */
  readonly brotliBytes?: number;
  /** Bytes of the files whose role is `weights` (the shards). */
  readonly weightBytes: number;
}

/** Which compressed sizes to compute: brotli at quality 11 runs at about 0.5 MB/s per core, so only on demand. */
export interface SizeNeeds {
  readonly gzip: boolean;
  readonly brotli: boolean;
}

export interface SizeOptions {
  readonly needs: SizeNeeds;
  /** Default: worker threads, one per core. */
  readonly compress?: CompressLengths;
  /** Default: the process-wide cache, so unchanged shards are compressed once per check. */
  readonly cache?: SizeCache;
}

/** A model's files as served, each with its role (which ones hold the weights). */
type Files = readonly { readonly bytes: Uint8Array; readonly role: FileRole }[];

/**
 * Measures several models' files at once (each as its format serves it), so that every core compresses
 * something: the compressed, the original and the base model's shards share one pool and one cache.
 */
export async function measureSizes(models: readonly Files[], options: SizeOptions): Promise<SizeMeasurement[]> {
  const cache = options.cache ?? processSizeCache;
  const compress = options.compress ?? ((jobs: readonly CompressJob[]) => compressOnWorkers(jobs));
  const encodings: Encoding[] = [...(options.needs.gzip ? (['gzip'] as const) : []), ...(options.needs.brotli ? (['brotli'] as const) : [])];
  const pending = new Map<string, CompressJob>();
  const keyed = models.map((files) =>
    files.map(
      (file) =>
        Object.fromEntries(
          encodings.map((encoding) => {
            const key = SizeCache.key(file.bytes, encoding);
            if (cache.get(key) === undefined) pending.set(key, { bytes: file.bytes, encoding });
            return [encoding, key];
          }),
        ) as Partial<Record<Encoding, string>>,
    ),
  );
  // Bytes another call is compressing right now (the original, sized while compression runs) are awaited, not redone.
  const waiting = [...pending.keys()].flatMap((key) => {
    const running = cache.running(key);
    if (running) pending.delete(key);
    return running ? [running.then((length) => cache.set(key, length))] : [];
  });
  const jobs = [...pending];
  const done = compress(jobs.map(([, job]) => job));
  jobs.forEach(([key], i) =>
    cache.start(
      key,
      done.then((lengths) => lengths[i] ?? 0),
    ),
  );
  const lengths = await done;
  jobs.forEach(([key], i) => cache.set(key, lengths[i] ?? 0));
  await Promise.all(waiting);

  return models.map((files, m) => {
    const total = (encoding: Encoding): number | undefined =>
      encodings.includes(encoding) ? (keyed[m] ?? []).reduce((a, keys) => a + (cache.get(keys[encoding] ?? '') ?? 0), 0) : undefined;
    const gzipBytes = total('gzip');
    const brotliBytes = total('brotli');
    return {
      bytes: files.reduce((a, f) => a + f.bytes.byteLength, 0),
      weightBytes: files.reduce((a, f) => a + (f.role === 'weights' ? f.bytes.byteLength : 0), 0),
      ...(gzipBytes === undefined ? {} : { gzipBytes }),
      ...(brotliBytes === undefined ? {} : { brotliBytes }),
    };
  });
}

/** Measures one model's files given as bytes (a serialized model). */
export async function measureSize(files: Files, options: SizeOptions = { needs: { gzip: true, brotli: true } }): Promise<SizeMeasurement> {
  const [only] = await measureSizes([files], options);
  if (!only) throw new Error('measureSizes returned nothing for one model');
  return only;
}

/** Measures a model's files on disk (`LoadedModel.files`). */
export async function measureFiles(files: readonly Pick<ModelFile, 'path' | 'role'>[], options?: SizeOptions): Promise<SizeMeasurement> {
  const read = [];
  for (const file of files) read.push({ bytes: await readFile(file.path), role: file.role });
  return measureSize(read, options);
}

/** Every weight with its storage bytes and share of all weight bytes, largest first. */
export function weightBreakdown(weights: readonly StoredWeight[]): WeightShare[] {
  const rows = weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype, bytes: w.bytes }));
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
