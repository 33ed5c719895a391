import { ModelLoadError, problem } from '../errors.js';
import { parseLfsPointer } from './lfs.js';
import { readRegularFile } from './read-file.js';

/** Pointer files are at most this large (the Git LFS spec keeps them under 1 KiB). */
const MAX_POINTER_BYTES = 1024;

/**
 * The error for `content` when it is a Git LFS pointer instead of the model file it stands for: the checkout did not
 * fetch LFS content, and loading the pointer would fail later with a misleading "not valid JSON" or "truncated
 * shard". `model` is the model the file belongs to (the file itself for model.json or a Keras file).
 */
export function lfsPointerError(content: Uint8Array, file: string, model: string = file): ModelLoadError | undefined {
  if (content.byteLength > MAX_POINTER_BYTES) return undefined;
  const pointer = parseLfsPointer(Buffer.from(content.buffer, content.byteOffset, content.byteLength));
  if (!pointer) return undefined;
  const what = file === model ? file : `${file} (listed in ${model})`;
  return new ModelLoadError(problem('model/lfs-pointer', { what, bytes: pointer.size.toLocaleString('en-US') }), { file: model });
}

/** Throws {@link lfsPointerError} for a file on disk of `bytes` bytes; only files small enough to be pointers are read. */
export async function refuseLfsPointer(file: string, bytes: number, model: string = file): Promise<void> {
  if (bytes > MAX_POINTER_BYTES) return;
  const content = await readRegularFile(
    file,
    MAX_POINTER_BYTES,
    (reason) => new ModelLoadError(problem('model/lfs-pointer-unreadable', { file, reason }), { file: model }),
  );
  const error = lfsPointerError(content, file, model);
  if (error) throw error;
}
