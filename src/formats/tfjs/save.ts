import type { io } from '@tensorflow/tfjs';
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OutputError, problem } from '../../errors.js';
import type { LoadedModel, ModelFile } from '../../model/types.js';
import type { SaveOptions, SerializedModel, ServedFile } from '../types.js';

/** Shard size the TF.js converter uses (4 MiB). */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

const SHARD_NAME = /^group\d+-shard\d+of\d+\.bin$/;

/** Keys of ModelArtifacts that become model.json fields under the same name. */
const PASSTHROUGH = ['generatedBy', 'convertedBy', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature', 'trainingConfig'] as const;

/**
 * Serializes artifacts to model.json + `group1-shardNofM.bin` files (converter naming), in memory. The weights go
 * into one group split at `shardBytes`; model.json keeps every field the source had.
 */
export function serializeModel(model: Pick<LoadedModel, 'artifacts' | 'format'>, options: SaveOptions = {}): SerializedModel {
  const { artifacts } = model;
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isInteger(shardBytes) || shardBytes < 1) throw new RangeError(`shardBytes must be a positive integer, got ${shardBytes}`);
  const data = weightBytes(artifacts.weightData);
  const count = data.byteLength === 0 ? 0 : Math.ceil(data.byteLength / shardBytes);
  const names = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  const json: Record<string, unknown> = {
    format: model.format === 'graph' ? 'graph-model' : 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: options.convertedBy ?? artifacts.convertedBy,
    modelTopology: artifacts.modelTopology,
  };
  for (const key of PASSTHROUGH) {
    if (key === 'generatedBy' || key === 'convertedBy') continue;
    if (artifacts[key] !== undefined) json[key] = artifacts[key];
  }
  json['weightsManifest'] = [{ paths: names, weights: artifacts.weightSpecs ?? [] }];
  const files: ServedFile[] = [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)), role: 'manifest' }];
  names.forEach((name, i) => files.push({ name, bytes: data.subarray(i * shardBytes, Math.min(data.byteLength, (i + 1) * shardBytes)), role: 'weights' }));
  return { files };
}

/** The file that marks a folder as written by model-budget; it lists the files the last save wrote. */
export const OUTPUT_MARKER = '.model-budget-output';

/**
 * Writes a model to `dir` as model.json + shards. `dir` must be new, empty, or a folder an earlier save wrote (it
 * holds {@link OUTPUT_MARKER}); anything else is refused with an OutputError, so a save never overwrites or
 * deletes a file it did not write. Only files of an earlier save (named in the marker) that the new model does
 * not use are removed. A file is never written through a symbolic link: each is unlinked and created afresh.
 * model.json is written last, through a temporary name, so a reader never sees a model.json whose shards are not
 * all there.
 */
export async function saveModel(model: Pick<LoadedModel, 'artifacts' | 'format'>, dir: string, options: SaveOptions = {}): Promise<ModelFile[]> {
  const { files } = serializeModel(model, options);
  if (options.within !== undefined || options.protect !== undefined) await confine(dir, options);
  const earlier = await claimOutputFolder(dir);
  const keep = new Set(files.map((f) => f.name));
  // The marker lists old and new files while writing, so an interrupted save leaves nothing unaccounted for.
  await writeOwned(dir, OUTPUT_MARKER, markerBytes([...new Set([...earlier, ...keep])]));
  for (const name of earlier) {
    if (!keep.has(name)) await rm(join(dir, name), { force: true });
  }
  const [json, ...shards] = files;
  const written: ModelFile[] = [];
  for (const shard of shards) {
    await writeOwned(dir, shard.name, shard.bytes);
    written.push({ path: join(dir, shard.name), bytes: shard.bytes.byteLength, role: shard.role });
  }
  if (json) {
    const target = join(dir, json.name);
    await writeOwned(dir, `${json.name}.tmp`, json.bytes);
    await rename(`${target}.tmp`, target);
    written.unshift({ path: target, bytes: json.bytes.byteLength, role: json.role });
  }
  await writeOwned(dir, OUTPUT_MARKER, markerBytes([...keep]));
  return written;
}

/**
 * Where `dir` really is (the nearest folder of it that exists, symbolic links followed, plus the rest), checked
 * against `within` and `protect`: a committed link must not carry the output out of the repository or into a
 * source model's folder.
 */
async function confine(dir: string, options: Pick<SaveOptions, 'within' | 'protect'>): Promise<void> {
  const target = resolve(dir);
  let existing = target;
  while (
    !(await lstat(existing).then(
      () => true,
      () => false,
    )) &&
    dirname(existing) !== existing
  )
    existing = dirname(existing);
  const real = join(await realpath(existing), relative(existing, target));
  if (options.within !== undefined && !isInside(real, await realpath(options.within))) {
    throw new OutputError(problem('output/symlink-outside', { dir, real, within: options.within }), { file: dir });
  }
  for (const source of options.protect ?? []) {
    const realSource = await realpath(source).catch(() => resolve(source));
    if (isInside(real, realSource) || isInside(realSource, real)) {
      throw new OutputError(problem('output/overlaps-source', { dir, real, source }), { file: dir });
    }
  }
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Names a save writes: model.json and converter-named shards, never a path (a marker cannot point elsewhere). */
function isOwnName(name: string): boolean {
  return name === 'model.json' || SHARD_NAME.test(name);
}

/**
 * Makes sure `dir` is a folder this program may write into, creating it if absent; returns the files an earlier
 * save wrote there (as its marker lists them, names only).
 */
async function claimOutputFolder(dir: string): Promise<string[]> {
  let info;
  try {
    info = await lstat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dir, { recursive: true });
    return [];
  }
  if (info.isSymbolicLink()) throw new OutputError(problem('output/symlink', { dir }), { file: dir });
  if (!info.isDirectory()) throw new OutputError(problem('output/not-folder', { dir }), { file: dir });
  const entries = await readdir(dir);
  if (!entries.includes(OUTPUT_MARKER)) {
    if (entries.length === 0) return [];
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    throw new OutputError(problem('output/foreign-files', { dir, shown }), { file: dir });
  }
  const marker = await lstat(join(dir, OUTPUT_MARKER));
  if (!marker.isFile()) throw new OutputError(problem('output/marker-not-file', { marker: join(dir, OUTPUT_MARKER) }), { file: dir });
  return listedFiles(await readFile(join(dir, OUTPUT_MARKER), 'utf8'));
}

function listedFiles(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const files = typeof parsed === 'object' && parsed !== null ? (parsed as { files?: unknown }).files : undefined;
  return Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string' && isOwnName(f)) : [];
}

function markerBytes(files: readonly string[]): string {
  return `${JSON.stringify({ writtenBy: 'model-budget', files: [...files].sort() }, null, 2)}\n`;
}

/** Replaces `dir/name` with `bytes`: whatever was there (a symbolic link included) is unlinked, never written through. */
async function writeOwned(dir: string, name: string, bytes: Uint8Array | string): Promise<void> {
  const path = join(dir, name);
  await rm(path, { force: true });
  await writeFile(path, bytes, { flag: 'wx' });
}

/** The weights of artifacts as one byte view (tfjs allows an ArrayBuffer or a list of them). */
export function weightBytes(weightData: io.ModelArtifacts['weightData']): Uint8Array {
  if (weightData === undefined) return new Uint8Array(0);
  if (!Array.isArray(weightData)) return new Uint8Array(weightData);
  const total = weightData.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of weightData) {
    out.set(new Uint8Array(part), at);
    at += part.byteLength;
  }
  return out;
}
