/**
 * A SavedModel folder on disk, read for a model `path:`: every file checked before it is read (inside the folder
 * once symbolic links are followed, a regular file, not a Git LFS pointer), all of them together at most
 * `limits.model-size`, and each file read remembered with its role, for sizes.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { ModelLoadError, problem } from '../../errors.js';
import { parseLfsPointer } from '../../model/lfs.js';
import { lfsPointerError } from '../../model/lfs-pointer.js';
import { notReadable, readRegularFile } from '../../model/read-file.js';
import type { FileRole, ModelFile } from '../../model/types.js';
import type { ReadSavedModelFile } from './load.js';

/** The graph file that makes a folder a SavedModel. */
export const SAVED_MODEL_PB = 'saved_model.pb';
const INDEX = 'variables/variables.index';
const DATA_SHARD = /^variables\/variables\.data-\d{5}-of-\d{5}$/;

/** The role of a file of a SavedModel (posix path relative to its folder), or undefined when it is none of its files. */
export function savedModelRole(relativePath: string): FileRole | undefined {
  if (relativePath === SAVED_MODEL_PB || relativePath === INDEX) return 'manifest';
  if (DATA_SHARD.test(relativePath)) return 'weights';
  return undefined;
}

export interface GuardedFolder {
  readonly read: ReadSavedModelFile;
  /** The files read so far, in the order they were read. */
  readonly files: () => readonly ModelFile[];
}

/** Reads the SavedModel folder `dir` (absolute) through the guards above, at most `maxBytes` in all. */
export function guardedFolder(dir: string, maxBytes: number): GuardedFolder {
  const files: ModelFile[] = [];
  let total = 0;
  let realDir: Promise<string> | undefined;
  const read: ReadSavedModelFile = async (relativePath) => {
    const file = join(dir, ...relativePath.split('/'));
    let real: string;
    try {
      await lstat(file);
      real = await realpath(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw notReadable(file, error);
    }
    realDir ??= realpath(dir);
    const rel = relative(await realDir, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new ModelLoadError(problem('savedmodel/file-resolves-outside', { file: relativePath, dir, real }), { file: dir });
    }
    const size = (await stat(real)).size;
    if (total + size > maxBytes) {
      throw new ModelLoadError(
        problem('savedmodel/over-size-limit', { dir, limit: maxBytes.toLocaleString('en-US'), file: relativePath, bytes: size.toLocaleString('en-US') }),
        { file: dir },
      );
    }
    const bytes = await readRegularFile(
      real,
      maxBytes - total,
      (reason, cause) => new ModelLoadError(problem('savedmodel/file-unreadable', { file, reason }), { file: dir, cause }),
    );
    const pointer = lfsPointerError(bytes, file, dir);
    if (pointer) throw pointer;
    total += bytes.byteLength;
    const role = savedModelRole(relativePath);
    if (role !== undefined) files.push({ path: file, bytes: bytes.byteLength, role });
    return bytes;
  };
  return { read, files: () => [...files] };
}

/** The SavedModel's files among the files under its folder (posix, relative), as repository paths under `repoPath`. */
export function savedModelFilesOf(entries: readonly string[], repoPath: string): string[] {
  return entries.filter((e) => savedModelRole(e) !== undefined).map((e) => posix.join(repoPath, e));
}

/**
 * Size on disk of a SavedModel folder whose files are (partly) Git LFS pointers, as the pointers say the real files
 * are; `undefined` when none is, or when its files cannot be listed.
 */
export async function lfsSavedModelSize(dir: string): Promise<number | undefined> {
  const variables = await readdir(join(dir, 'variables')).catch(() => []);
  const names = [SAVED_MODEL_PB, ...variables.map((v) => `variables/${v}`).filter((v) => savedModelRole(v) !== undefined)];
  let total = 0;
  let pointers = 0;
  for (const name of names) {
    const file = join(dir, ...name.split('/'));
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const head = info.size <= 1024 ? await readRegularFile(file, 1024, (reason) => new Error(reason)) : undefined;
    const pointer = head === undefined ? undefined : parseLfsPointer(Buffer.from(head));
    if (pointer) pointers++;
    total += pointer ? pointer.size : info.size;
  }
  return pointers > 0 ? total : undefined;
}
