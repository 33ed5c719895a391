/**
 * The model formats, in the order detection asks them. A new format is one folder with a `ModelFormat` and one
 * line here; detection happens here, once per file, and a loaded model finds its format again by `sourceKind`.
 */
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { ModelLoadError, problem } from '../errors.js';
import { kindOf, notReadable } from '../model/read-file.js';
import type { LoadedModel, TfjsLoadedModel } from '../model/types.js';
import type { FlopsOptions, FlopsReport } from './cost.js';
import { kerasFormat } from './keras/format.js';
import { savedModelFormat } from './savedmodel/format.js';
import { tfjsFormat } from './tfjs/format.js';
import { tfliteFormat } from './tflite/format.js';
import { PROBE_BYTES, type FileProbe, type LoadOptions, type ModelFormat } from './types.js';

export const FORMATS: readonly ModelFormat[] = [
  savedModelFormat, // a folder holding saved_model.pb
  kerasFormat, // .h5 / .keras, by their first bytes
  tfliteFormat, // .tflite, by its identifier or name
  tfjsFormat, // model.json; last: it claims every file the others do not
];

/**
 * The format of the file or folder at `path` (absolute), from a file's first bytes or the names in a folder.
 * Refuses non-regular files, and folders no format claims.
 */
export async function detectFormat(path: string): Promise<ModelFormat> {
  return formatFor(await probe(path));
}

/** The format of a file whose first bytes are known (`head` may be longer than {@link PROBE_BYTES}), or of a folder. */
export function formatFor(probe: FileProbe): ModelFormat {
  const format = FORMATS.find((f) => f.detect(probe));
  if (format) return format;
  if (probe.entries !== undefined) {
    throw new ModelLoadError(problem('model/is-folder', { path: probe.path }), { file: probe.path });
  }
  throw new ModelLoadError(problem('model/unknown-format', { path: probe.path }), { file: probe.path });
}

/** The format that loaded `model`. */
export function formatOf(model: Pick<LoadedModel, 'sourceKind'>): ModelFormat {
  const format = FORMATS.find((f) => f.sourceKinds.includes(model.sourceKind));
  if (!format) throw new Error(`no model format loads source kind "${model.sourceKind}"`);
  return format;
}

/**
 * Loads a model from disk in the format its content shows: a TF.js model.json with its shards, a Keras `.h5` /
 * `.keras` file, or a TensorFlow SavedModel folder. Everything is validated before weights are allocated; errors name the file and the fix.
 */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const format = await detectFormat(path);
  if (options.signature !== undefined && format.hasSignatures !== true) {
    throw new ModelLoadError(problem('model/signature-not-applicable', { path, format: format.name }), { file: path });
  }
  return format.load(path, options);
}

/**
 * {@link loadModel} for callers that need TF.js artifacts (the `convert` command, tools over TF.js graphs): a
 * `.tflite` model is refused with the fix.
 */
export async function loadAsTfjs(path: string, options: LoadOptions = {}): Promise<TfjsLoadedModel> {
  const model = await loadModel(path, options);
  if (model.format === 'tflite') throw new ModelLoadError(problem('model/tflite-not-tfjs', { path }), { file: path });
  return model;
}

/** The files a model file names besides itself (repository paths, posix), read from its bytes: see `ModelFormat.companions`. */
export function companionsOf(bytes: Uint8Array, repoPath: string): readonly string[] {
  return formatFor({ path: repoPath, head: bytes }).companions(bytes, repoPath);
}

/**
 * The files of a folder model (repository paths, posix) from the files under the folder in a git commit (`files`:
 * posix paths relative to it, subfolders included); none when no format claims the folder.
 */
export function folderFilesOf(files: readonly string[], repoPath: string): readonly string[] {
  const entries = [...new Set(files.map((f) => f.split('/')[0] ?? f))];
  const format = FORMATS.find((f) => f.detect({ path: repoPath, head: new Uint8Array(), entries }));
  return format?.companions(new Uint8Array(), repoPath, files) ?? [];
}

/** Size of the model at `path` as its Git LFS pointers say: see `ModelFormat.lfsSize`. */
export async function lfsModelSize(path: string): Promise<number | undefined> {
  return (await detectFormat(path)).lfsSize(path);
}

/** FLOPs, MACs and params of a loaded model, counted by its format. */
export async function countFlops(model: LoadedModel, options: FlopsOptions = {}): Promise<FlopsReport> {
  return formatOf(model).cost(model, options);
}

/** What detection sees of `path`: a file's first bytes, or the names in a folder. */
async function probe(path: string): Promise<FileProbe> {
  let handle;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { path, head: new Uint8Array(), entries: await readdir(path) };
    // A FIFO or device would block or never end: refused before it is opened (and opened without blocking).
    if (!info.isFile()) throw new ModelLoadError(problem('model/not-regular-file', { path, kind: kindOf(info) }), { file: path });
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const buffer = new Uint8Array(PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, 0);
    return { path, head: buffer.subarray(0, bytesRead) };
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    throw notReadable(path, error);
  } finally {
    await handle?.close();
  }
}
