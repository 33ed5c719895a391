/**
 * The output folder a compressed model is written to (`output:`): claimed with a marker file, confined to the
 * repository, never written through a symbolic link. Shared by every format's `save`.
 */
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OutputError, problem } from '../errors.js';
import type { ModelFile } from '../model/types.js';
import type { SaveOptions, ServedFile } from './types.js';

const SHARD_NAME = /^group\d+-shard\d+of\d+\.bin$/;
const TFLITE_NAME = /^[^/\\]+\.tflite$/;

/** The file that marks a folder as written by model-budget; it lists the files the last save wrote. */
export const OUTPUT_MARKER = '.model-budget-output';

/**
 * Writes a model's files (as a format serializes them) to `dir`. `dir` must be new, empty, or a folder an earlier save wrote (it
 * holds {@link OUTPUT_MARKER}); anything else is refused with an OutputError, so a save never overwrites or
 * deletes a file it did not write. Only files of an earlier save (named in the marker) that the new model does
 * not use are removed. A file is never written through a symbolic link: each is unlinked and created afresh.
 * The manifest (model.json) is written last, through a temporary name, so a reader never sees a model.json whose
 * shards are not all there.
 */
export async function saveServedFiles(files: readonly ServedFile[], dir: string, options: Pick<SaveOptions, 'within' | 'protect'> = {}): Promise<ModelFile[]> {
  if (options.within !== undefined || options.protect !== undefined) await confine(dir, options);
  const earlier = await claimOutputFolder(dir);
  const keep = new Set(files.map((f) => f.name));
  // The marker lists old and new files while writing, so an interrupted save leaves nothing unaccounted for.
  await writeOwned(dir, OUTPUT_MARKER, markerBytes([...new Set([...earlier, ...keep])]));
  for (const name of earlier) {
    if (!keep.has(name)) await rm(join(dir, name), { force: true });
  }
  const json = files.find((f) => f.role === 'manifest');
  const shards = files.filter((f) => f !== json);
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

/**
 * Names a save writes: model.json and converter-named shards, a `.tflite` file; never a path (a marker cannot
 * point elsewhere).
 */
function isOwnName(name: string): boolean {
  return name === 'model.json' || SHARD_NAME.test(name) || TFLITE_NAME.test(name);
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
