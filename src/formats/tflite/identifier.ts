/**
 * TFLite's file identifier, and the cheap test of a file's first bytes that the config needs to know a model's format
 * before anything is loaded (a `.tflite` file committed under another name still runs on LiteRT).
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** "TFL3", the flatbuffer file identifier of every .tflite file (bytes 4..8). */
export const TFLITE_IDENTIFIER = 'TFL3';

/** Whether the bytes carry TFLite's file identifier at bytes 4..8. */
export function hasTfliteIdentifier(head: Uint8Array): boolean {
  return head.length >= 8 && String.fromCharCode(...head.subarray(4, 8)) === TFLITE_IDENTIFIER;
}

/**
 * Whether the model at `path` is a TFLite file: its name ends in `.tflite`, or the regular file at `absPath` starts
 * with the identifier. A file that cannot be read (absent at this commit, a folder, no permission) is judged by its
 * name alone: the loader reports what is wrong with it, at the model.
 */
export function isTfliteModelFile(path: string, absPath: string): boolean {
  if (path.toLowerCase().endsWith('.tflite')) return true;
  let fd: number | undefined;
  try {
    fd = openSync(absPath, 'r');
    const head = new Uint8Array(8);
    return readSync(fd, head, 0, 8, 0) === 8 && hasTfliteIdentifier(head);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
