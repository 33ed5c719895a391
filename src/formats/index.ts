/**
 * The model formats, in the order detection asks them. A new format is one folder with a `ModelFormat` and one
 * line here; detection happens here, once per file, and a loaded model finds its format again by `sourceKind`.
 */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ModelLoadError } from '../errors.js';
import { kindOf, notReadable } from '../model/read-file.js';
import type { LoadedModel } from '../model/types.js';
import type { FlopsOptions, FlopsReport } from './cost.js';
import { kerasFormat } from './keras/format.js';
import { tfjsFormat } from './tfjs/format.js';
import { PROBE_BYTES, type FileProbe, type LoadOptions, type ModelFormat } from './types.js';

export const FORMATS: readonly ModelFormat[] = [
  kerasFormat, // .h5 / .keras, by their first bytes
  tfjsFormat, // model.json; last: it claims every file the others do not
];

/** The format of the file at `path` (absolute), from its first bytes. Refuses folders and non-regular files. */
export async function detectFormat(path: string): Promise<ModelFormat> {
  return formatFor({ path, head: await readHead(path) });
}

/** The format of a file whose first bytes are known (`head` may be longer than {@link PROBE_BYTES}). */
export function formatFor(probe: FileProbe): ModelFormat {
  const format = FORMATS.find((f) => f.detect(probe));
  if (!format) throw new ModelLoadError(`${probe.path} is not a model file model-budget knows`, { file: probe.path });
  return format;
}

/** The format that loaded `model`. */
export function formatOf(model: Pick<LoadedModel, 'sourceKind'>): ModelFormat {
  const format = FORMATS.find((f) => f.sourceKinds.includes(model.sourceKind));
  if (!format) throw new Error(`no model format loads source kind "${model.sourceKind}"`);
  return format;
}

/**
 * Loads a model from disk in the format its content shows: a TF.js model.json with its shards, or a Keras `.h5` /
 * `.keras` file. Everything is validated before weights are allocated; errors name the file and the fix.
 */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<LoadedModel> {
  return (await detectFormat(path)).load(path, options);
}

/** The files a model file names besides itself (repository paths, posix), read from its bytes: see `ModelFormat.companions`. */
export function companionsOf(bytes: Uint8Array, repoPath: string): readonly string[] {
  return formatFor({ path: repoPath, head: bytes }).companions(bytes, repoPath);
}

/** Size of the model at `path` as its Git LFS pointers say: see `ModelFormat.lfsSize`. */
export async function lfsModelSize(path: string): Promise<number | undefined> {
  return (await detectFormat(path)).lfsSize(path);
}

/** FLOPs, MACs and params of a loaded model, counted by its format. */
export async function countFlops(model: LoadedModel, options: FlopsOptions = {}): Promise<FlopsReport> {
  return formatOf(model).cost(model, options);
}

async function readHead(path: string): Promise<Uint8Array> {
  let handle;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new ModelLoadError(`${path} is a folder; point \`path\` at the model.json inside it (or a .h5 / .keras file)`, { file: path });
    }
    // A FIFO or device would block or never end: refused before it is opened (and opened without blocking).
    if (!info.isFile()) throw new ModelLoadError(`${path} is ${kindOf(info)}, not a regular file; refused`, { file: path });
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const buffer = new Uint8Array(PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    throw notReadable(path, error);
  } finally {
    await handle?.close();
  }
}
