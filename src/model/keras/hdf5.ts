import { randomUUID } from 'node:crypto';
// The browser/ESM build, not `h5wasm/node`: its emscripten file system is in memory (MEMFS), whereas the Node build
// maps every path onto the real disk (NODERAWFS), so opening a file there meant writing a copy to `/`, which a
// non-root user may not do and a killed run leaves behind. The ESM build embeds its wasm and runs in Node as is.
import h5wasm, { type Dataset, type Group } from 'h5wasm';
import { ModelLoadError } from '../../errors.js';
import { checkHdf5Length } from './detect.js';

/** HDF5 type classes as h5wasm reports them in `metadata.type`. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;

/** Running totals that keep a hostile file from making us allocate without bound. */
export interface ReadBudget {
  /** Bytes of dataset values still allowed. */
  bytesLeft: number;
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
 */
export async function withHdf5<T>(bytes: Uint8Array, file: string, read: (root: Group) => T): Promise<T> {
  checkHdf5Length(bytes, file);
  const module = await h5wasm.ready;
  const name = `/model-budget-${randomUUID()}.h5`;
  module.FS.writeFile(name, bytes);
  let h5: InstanceType<typeof h5wasm.File> | undefined;
  try {
    try {
      h5 = new h5wasm.File(name, 'r');
    } catch (error) {
      throw new ModelLoadError(`${file}: not a readable HDF5 file (${errorText(error)}); re-save the model with Keras`, {
        file,
        cause: error,
      });
    }
    return read(h5);
  } finally {
    h5?.close();
    module.FS.unlink(name);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A group's child, or undefined when it is absent or not a group. */
export function childGroup(group: Group, name: string): Group | undefined {
  const entity = group.get(name);
  return entity instanceof h5wasm.Group ? entity : undefined;
}

/** A group's child dataset, or undefined when it is absent or not a dataset. */
export function childDataset(group: Group, name: string): Dataset | undefined {
  const entity = group.get(name);
  return entity instanceof h5wasm.Dataset ? entity : undefined;
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
    throw new ModelLoadError(`${file}: weight "${where}" has an invalid shape [${shape.join(', ')}]; re-save the model`, {
      file,
    });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = count * meta.size;
  if (!Number.isSafeInteger(bytes) || bytes > budget.bytesLeft) {
    throw new ModelLoadError(
      `${file}: weight "${where}" declares shape [${shape.join(', ')}] (${bytes.toLocaleString('en-US')} bytes), ` +
        `more than the ${budget.bytesLeft.toLocaleString('en-US')} bytes left under maxUncompressedBytes; ` +
        'the file is corrupt or hostile — re-save it, or raise the limit if the model is really that large',
      { file },
    );
  }
  if (meta.type !== H5T_FLOAT || (meta.size !== 4 && meta.size !== 8)) {
    const kind = meta.type === H5T_INTEGER ? `int${meta.size * 8}` : `HDF5 type class ${meta.type}, ${meta.size} bytes`;
    throw new ModelLoadError(
      `${file}: weight "${where}" is ${kind}; only float32/float64 weights can be converted — cast the model to ` +
        'float32 in Keras and save again',
      { file },
    );
  }
  budget.bytesLeft -= bytes;
  const raw = dataset.value;
  const values =
    raw instanceof Float32Array ? raw : raw instanceof Float64Array ? Float32Array.from(raw) : undefined;
  if (values?.length !== count) {
    throw new ModelLoadError(`${file}: weight "${where}" could not be read as ${count} floats; re-save the model`, {
      file,
    });
  }
  return { shape, values };
}
