import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ModelLoadError, errorMessage, problem } from '../errors.js';

/** Why a file was refused, in words that fit after its path ("… is a FIFO"). */
export type Refusal = (reason: string, cause?: unknown) => Error;

/**
 * Reads a whole file that must be a regular file of at most `maxBytes`. It is opened without blocking (a FIFO
 * would otherwise wait forever for a writer) and checked on the open handle, so a symlink swapped for a device,
 * FIFO or socket between a check and the read is still caught; a file that grows while read is cut at the cap and
 * refused. `refuse` builds the caller's error from the reason.
 */
export async function readRegularFile(path: string, maxBytes: number, refuse: Refusal): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw refuse(openReason(error), error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse(`is ${kindOf(info)}, not a regular file; refused`);
    if (info.size > maxBytes) throw refuse(`is ${bytes(info.size)}, over the limit of ${bytes(maxBytes)}; refused`);
    const out = new Uint8Array(info.size);
    let at = 0;
    while (at < out.length) {
      const { bytesRead } = await handle.read(out, at, out.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    const extra = await handle.read(new Uint8Array(1), 0, 1, at);
    if (at !== info.size || extra.bytesRead !== 0) throw refuse('changed size while being read; try again');
    return out;
  } finally {
    await handle.close();
  }
}

/** The type of a non-regular file, for messages. */
export function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  isSymbolicLink(): boolean;
}): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function openReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'ENXIO') return 'is a socket or a FIFO without a writer, not a regular file; refused';
  return `cannot be opened (${code ?? 'unknown error'})`;
}

/** `1,048,576 bytes` */
export function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}

/** The error for a model file (or shard) that cannot be read: not found names the config key to check. */
export function notReadable(path: string, error: unknown): ModelLoadError {
  const code = (error as NodeJS.ErrnoException).code;
  const message = code === 'ENOENT' ? problem('model/not-found', { path }) : problem('model/file-unreadable', { path, detail: errorMessage(error) });
  return new ModelLoadError(message, { file: path, cause: error });
}
