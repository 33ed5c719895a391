import { randomUUID } from 'node:crypto';
// The browser/ESM build, not `h5wasm/node`: its emscripten file system is in memory (MEMFS), whereas the Node build
// maps every path onto the real disk (NODERAWFS), so opening a file there meant writing a copy to `/`, which a
// non-root user may not do and a killed run leaves behind. The ESM build embeds its wasm and runs in Node as is.
import h5wasm, { type Dataset, type Group } from 'h5wasm';
import { firstLine, ModelBudgetError, ModelLoadError, problem } from '../../errors.js';
import { checkHdf5Length } from './detect.js';

/** HDF5 type classes as h5wasm reports them in `metadata.type`. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;

/** Running totals that keep a hostile file from making us allocate without bound. */
export interface ReadBudget {
  /** Bytes of dataset values still allowed. */
  bytesLeft: number;
  /**
   * Size of the HDF5 file being read. An unfiltered (uncompressed) dataset cannot hold more bytes than its file:
   * one that declares more is mostly unwritten chunks, a few bytes on disk that read back as gigabytes.
   */
  hdf5Bytes: number;
}

/** A weight read from HDF5: its shape and values, widened or narrowed to float32. */
export interface H5Weight {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * Opens HDF5 bytes with h5wasm (WebAssembly HDF5), runs `read` on the root group, then closes and deletes the
 * in-memory copy. Nothing is written to the real file system. `read` must be synchronous so nothing else touches
 * the h5wasm file system meanwhile.
 *
 * While `read` runs, the HDF5 library may open the one file it was given and nothing else: an external link, a
 * dataset with external raw storage or a virtual dataset is refused (defence in depth: the in-memory file system
 * holds no other model file, but a link must never silently resolve to anything).
 */
export async function withHdf5<T>(bytes: Uint8Array, file: string, read: (root: Group) => T): Promise<T> {
  checkHdf5Length(bytes, file);
  const module = await h5wasm.ready;
  // libhdf5 prints its error stack ("HDF5-DIAG: …", pages of it) to stderr by default; this handler hands it to
  // us as the thrown Error's message instead, which becomes one catalog line (the full text stays in `cause`).
  module.activate_throwing_error_handler();
  const name = `/model-budget-${randomUUID()}.h5`;
  module.FS.writeFile(name, bytes);
  let h5: InstanceType<typeof h5wasm.File> | undefined;
  const fs = module.FS as unknown as { open: (path: string, ...rest: unknown[]) => unknown; ErrnoError: new (errno: number) => Error };
  const open = fs.open;
  const refused: string[] = [];
  fs.open = (path: string, ...rest: unknown[]) => {
    // libc's tmpfile() (the throwing error handler captures libhdf5's error stack in one) is the library's own
    // scratch file, never data a model can name.
    if (path !== name && !LIBC_TMPFILE.test(path)) {
      refused.push(path);
      throw new fs.ErrnoError(EMSCRIPTEN_EACCES);
    }
    return open.call(fs, path, ...rest);
  };
  try {
    try {
      h5 = new h5wasm.File(name, 'r');
    } catch (error) {
      throw new ModelLoadError(problem('keras/hdf5-unreadable', { file, detail: hdf5Reason(error) }), { file, cause: error });
    }
    try {
      const result = read(h5);
      if (refused.length > 0) throw otherFileError(file, refused);
      return result;
    } catch (error) {
      if (error instanceof LinkRefusedError) {
        throw new ModelLoadError(problem('keras/hdf5-link-refused', { file, detail: error.message }), { file, cause: error });
      }
      // HDF5 reports the refused open as a missing object or a read failure; name the real reason instead.
      if (refused.length > 0 && !(error instanceof ModelBudgetError)) throw otherFileError(file, refused, error);
      // Only libhdf5's own errors mean the file is damaged; ours pass through. It aborts (a WebAssembly
      // RuntimeError) on some damage, e.g. a variable-length string it cannot free.
      if (isWasmAbort(error)) {
        throw new ModelLoadError(problem('keras/hdf5-damaged', { file, detail: `libhdf5 aborted on it: ${firstLine(error.message)}` }), { file, cause: error });
      }
      if (error instanceof ModelBudgetError || !isHdf5Error(error)) throw error;
      throw new ModelLoadError(problem('keras/hdf5-damaged', { file, detail: hdf5Reason(error) }), { file, cause: error });
    }
  } finally {
    fs.open = open;
    h5?.close();
    module.FS.unlink(name);
  }
}

/** A soft or external link met while reading; {@link withHdf5} names the file in the ModelLoadError it becomes. */
export class LinkRefusedError extends Error {
  constructor(
    readonly where: string,
    readonly kind: string,
  ) {
    super(`"${where}" in the HDF5 file is ${kind}`);
    this.name = 'LinkRefusedError';
  }
}

/** The names emscripten's libc gives tmpfile() files. */
const LIBC_TMPFILE = /^\/tmp\/tmpfile_[A-Za-z0-9]+$/;

/** Emscripten's errno for "permission denied" (its numbering, not Linux's). */
const EMSCRIPTEN_EACCES = 2;

function otherFileError(file: string, paths: readonly string[], cause?: unknown): ModelLoadError {
  return new ModelLoadError(problem('keras/hdf5-external-file', { file, attempts: paths.length }), { file, ...(cause === undefined ? {} : { cause }) });
}

/** libhdf5's own errors (raised by the handler), or its abort on a damaged file (e.g. a vlen string it cannot free). */
function isHdf5Error(error: unknown): boolean {
  return isWasmAbort(error) || (error instanceof Error && error.message.includes('HDF5-DIAG'));
}

/** Emscripten's abort: a `WebAssembly.RuntimeError` "Aborted(…)". */
function isWasmAbort(error: unknown): error is Error {
  return error instanceof Error && error.name === 'RuntimeError' && error.message.startsWith('Aborted');
}

/**
 * The innermost reason of a libhdf5 error stack (`#003: H5Oint.c line 1 in H5O_protect(): bad object header`
 * → `bad object header`), else the first line of the message.
 */
export function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const reasons = Array.from(text.matchAll(/^\s*#\d+:.* in [\w.]+\(\): (.+)$/gm), (m) => m[1]?.trim() ?? '');
  return reasons.at(-1) || firstLine(text) || 'libhdf5 gave no reason';
}

/** A group's child, or undefined when it is absent or not a group. */
export function childGroup(group: Group, name: string): Group | undefined {
  const entity = hardChild(group, name);
  return entity instanceof h5wasm.Group ? entity : undefined;
}

/** A group's child dataset, or undefined when it is absent or not a dataset. */
export function childDataset(group: Group, name: string): Dataset | undefined {
  const entity = hardChild(group, name);
  return entity instanceof h5wasm.Dataset ? entity : undefined;
}

/**
 * `group.get(name)`, after refusing soft and external links: Keras writes neither, and following one would read
 * whatever it points at (another file, or another place in this one). The link is inspected without following it.
 */
function hardChild(group: Group, name: string): ReturnType<Group['get']> {
  // A name may be a path ("dense_1/kernel:0"): walk it one link at a time, so every step is checked for links and
  // an absent step is found by listing (asking libhdf5 about an absent link throws with the throwing error handler).
  let at: Group = group;
  const steps = name.split('/').filter((s) => s !== '');
  for (const [i, step] of steps.entries()) {
    if (!at.keys().includes(step)) return null;
    const path = `${at.path === '/' ? '' : at.path}/${step}`;
    const external = at.get_external_link(path) as { filename?: string; obj_path?: string } | undefined;
    const soft = at.get_link(path) as string | null;
    if (external?.filename !== undefined || (soft !== null && soft !== undefined)) {
      throw new LinkRefusedError(path, external?.filename !== undefined ? 'an external link to another file' : 'a soft link');
    }
    const entity = at.get(step);
    if (i === steps.length - 1) return entity;
    if (!(entity instanceof h5wasm.Group)) return null;
    at = entity;
  }
  return at;
}

/** Names of the child groups/datasets, as HDF5 lists them (by name, byte order). */
export function childNames(group: Group): string[] {
  return group.keys();
}

/** A string attribute (HDF5 stores them as fixed or variable-length strings, sometimes as bytes). */
export function stringAttr(node: Group, name: string): string | undefined {
  const attr = node.attrs[name];
  if (attr === undefined) return undefined;
  const value = attr.json_value;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return undefined;
}

/**
 * A list-of-strings attribute such as `layer_names` or `weight_names`. HDF5 limits an attribute's size, so Keras
 * splits long lists into `name0`, `name1`, …; those chunks are joined in order.
 */
export function stringListAttr(node: Group, name: string): string[] | undefined {
  const attrs = node.attrs;
  if (attrs[name] !== undefined) return toStringList(attrs[name].json_value);
  if (attrs[`${name}0`] === undefined) return undefined;
  const out: string[] = [];
  for (let chunk = 0; attrs[`${name}${chunk}`] !== undefined; chunk++) {
    out.push(...toStringList(attrs[`${name}${chunk}`]?.json_value ?? []));
  }
  return out;
}

function toStringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string');
}

/**
 * Reads a float dataset as float32 after checking its declared size against the budget, so a dataset that claims
 * absurd dimensions is refused before anything is allocated. float64 is narrowed (as the Python converter does).
 */
export function readFloatDataset(dataset: Dataset, where: string, file: string, budget: ReadBudget): H5Weight {
  const meta = dataset.metadata;
  const shape = meta.shape ?? [];
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelLoadError(problem('keras/h5-weight-bad-shape', { file, where, shape: shape.join(', ') }), {
      file,
    });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = count * meta.size;
  if (!Number.isSafeInteger(bytes) || bytes > budget.bytesLeft) {
    throw new ModelLoadError(
      problem('keras/h5-weight-over-limit', {
        file,
        where,
        shape: shape.join(', '),
        bytes: bytes.toLocaleString('en-US'),
        left: budget.bytesLeft.toLocaleString('en-US'),
      }),
      { file },
    );
  }
  if (bytes > budget.hdf5Bytes && dataset.filters.length === 0) {
    throw new ModelLoadError(
      problem('keras/h5-weight-data-missing', {
        file,
        where,
        shape: shape.join(', '),
        bytes: bytes.toLocaleString('en-US'),
        fileBytes: budget.hdf5Bytes.toLocaleString('en-US'),
      }),
      { file },
    );
  }
  if (meta.type !== H5T_FLOAT || (meta.size !== 4 && meta.size !== 8)) {
    const kind = meta.type === H5T_INTEGER ? `int${meta.size * 8}` : `HDF5 type class ${meta.type}, ${meta.size} bytes`;
    throw new ModelLoadError(problem('keras/h5-weight-dtype', { file, where, kind }), { file });
  }
  budget.bytesLeft -= bytes;
  const raw = dataset.value;
  const values = raw instanceof Float32Array ? raw : raw instanceof Float64Array ? Float32Array.from(raw) : undefined;
  if (values?.length !== count) {
    throw new ModelLoadError(problem('keras/h5-weight-unreadable', { file, where, count }), {
      file,
    });
  }
  return { shape, values };
}
