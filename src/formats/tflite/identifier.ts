/**
 * TFLite's file identifier, and the cheap test of a file's first bytes that the config needs to know a model's format
 * before anything is loaded (a `.tflite` file committed under another name still runs on LiteRT).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** "TFL3", the flatbuffer file identifier of every .tflite file (bytes 4..8). */
export const TFLITE_IDENTIFIER = 'TFL3';

/** Whether the bytes carry TFLite's file identifier at bytes 4..8. */
export function hasTfliteIdentifier(head: Uint8Array): boolean {
  return head.length >= 8 && String.fromCharCode(...head.subarray(4, 8)) === TFLITE_IDENTIFIER;
}

/**
 * Whether the model at `path` is a TFLite file: its name ends in `.tflite`, or the regular file at `absPath` starts
 * with the identifier. Anything else (absent at this commit, a folder, a FIFO or device, no permission) is judged by
 * its name alone: the path checks and the loader report what is wrong with it.
 */
export function isTfliteModelFile(path: string, absPath: string): boolean {
  if (path.toLowerCase().endsWith('.tflite')) return true;
  let fd: number | undefined;
  try {
    // Non-blocking: a FIFO committed as a model must not hang the config (the path checks refuse it at its line).
    fd = openSync(absPath, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return false;
    const head = new Uint8Array(8);
    return readSync(fd, head, 0, 8, 0) === 8 && hasTfliteIdentifier(head);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
