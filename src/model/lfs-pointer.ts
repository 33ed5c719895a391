import { readFile } from 'node:fs/promises';
import { ModelLoadError } from '../errors.js';
import { parseLfsPointer } from '../github/lfs.js';

/** Pointer files are at most this large (the Git LFS spec keeps them under 1 KiB). */
const MAX_POINTER_BYTES = 1024;

/**
 * Throws when `file` is a Git LFS pointer instead of the model file it stands for: the checkout did not fetch LFS
 * content, and loading the pointer would fail later with a misleading "not valid JSON" or "truncated shard".
 * `bytes` is the file's size on disk; only files small enough to be pointers are read.
 */
export async function refuseLfsPointer(file: string, bytes: number, model: string = file): Promise<void> {
  if (bytes > MAX_POINTER_BYTES) return;
  const pointer = parseLfsPointer(await readFile(file));
  if (!pointer) return;
  const what = file === model ? file : `${file} (listed in ${model})`;
  throw new ModelLoadError(
    `${what} is a Git LFS pointer to a ${pointer.size.toLocaleString('en-US')}-byte file, not the file itself: the ` +
      'repository was checked out without LFS: add `lfs: true` to actions/checkout (locally: `git lfs pull`)',
    { file: model },
  );
}
