import { readdir, realpath } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { errorMessage, MeasureError, problem } from '../../errors.js';
import { DEFAULT_MAX_SAMPLE_BYTES } from '../../limits.js';
import { readRegularFile } from '../../model/read-file.js';
import { hostTensor } from '../../runtimes/host.js';
import type { HostTensor, InputSpec } from '../../runtimes/types.js';
import { byInputName, checkInputNames, makeInputs, resolveShape } from '../inputs.js';
import { decodeImage, imageToValues, resizeBilinear, type Normalize } from './image.js';
import { parseNpy, type NpyArray } from './npy.js';

/** A folder of PNG/JPEG images fed to one image input, one image per sample. */
export interface ImageSamples {
  /** Folder of `.png`, `.jpg`, `.jpeg` files, read in name order. */
  readonly dir: string;
  /** The input the images go to. Default: the first input of rank 4. */
  readonly input?: string;
  /** `[height, width]` in pixels every image is resized to (bilinear). Default: the input's fixed size, else each image's own. */
  readonly resize?: readonly [number, number];
  readonly normalize?: Normalize;
  /** At most this many images, in name order. Default 32. */
  readonly limit?: number;
}

/** Options of {@link loadSamples}. Relative paths resolve against `cwd`. */
export interface LoadSamplesOptions {
  /** The model's inputs (`Executable.inputs`). */
  readonly specs: readonly InputSpec[];
  /** `.npy` files by input name; a list gives one sample per file. Every listed input needs the same count. */
  readonly npy?: Readonly<Record<string, string | readonly string[]>>;
  readonly images?: ImageSamples;
  /** Inputs neither source covers are synthetic (seeded like `makeInputs`). */
  readonly seed?: number;
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
  readonly values?: Readonly<Record<string, number>>;
  /** Default `process.cwd()`. */
  readonly cwd?: string;
  /** Most bytes of one sample file (`limits.sample-size`). Default 256 MiB. */
  readonly maxFileBytes?: number;
}

/** Default cap on images read from a sample folder. */
export const DEFAULT_IMAGE_LIMIT = 32;

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/**
 * Reads user samples into host input sets: `result[sample][input]`, inputs in `specs` order. Throws MeasureError naming the file when a sample does not fit its input.
 */
export async function loadSamples(options: LoadSamplesOptions): Promise<HostTensor[][]> {
  const cwd = options.cwd ?? process.cwd();
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_SAMPLE_BYTES;
  checkInputNames(options.specs, options.shapes, 'shapes');
  checkInputNames(options.specs, options.values, 'values');
  const perInput = new Map<string, { values: Float32Array | Int32Array | Uint8Array; shape: number[] }[]>();

  for (const [name, value] of Object.entries(options.npy ?? {})) {
    const spec = findSpec(options.specs, name);
    const files = typeof value === 'string' ? [value] : value;
    const arrays: { values: Float32Array | Int32Array | Uint8Array; shape: number[] }[] = [];
    for (const file of files) {
      const path = resolve(cwd, file);
      const bytes = await readBytes(path, maxBytes);
      arrays.push(fitNpy(parseNpy(bytes, path), spec, path));
    }
    perInput.set(spec.name, arrays);
  }

  if (options.images) {
    const spec = options.images.input === undefined ? options.specs.find((s) => s.shape.length === 4) : findSpec(options.specs, options.images.input);
    if (!spec) throw new MeasureError(problem('measure/images-no-rank4-input'));
    perInput.set(spec.name, await readImages(options.images, spec, cwd, maxBytes));
  }

  const counts = [...perInput].map(([name, list]) => ({ name, count: list.length }));
  const first = counts[0];
  if (!first) throw new MeasureError(problem('measure/samples-empty'));
  const mismatch = counts.find((c) => c.count !== first.count);
  if (mismatch) {
    throw new MeasureError(
      problem('measure/samples-count-mismatch', { name: first.name, count: first.count, other: mismatch.name, otherCount: mismatch.count }),
    );
  }
  const sets: HostTensor[][] = [];
  for (let i = 0; i < first.count; i++) {
    // Inputs without samples (e.g. a recurrent state) get the synthetic value, seeded per sample.
    const synthetic = options.specs.filter((s) => !perInput.has(s.name));
    const made = makeInputs(synthetic, {
      seed: (options.seed ?? 0) + i,
      shapes: only(synthetic, options.shapes),
      values: only(synthetic, options.values),
    });
    sets.push(
      options.specs.map((spec) => {
        const given = perInput.get(spec.name)?.[i];
        if (given) return hostTensor(given.values, given.shape, spec.dtype === 'int32' ? 'int32' : spec.dtype === 'bool' ? 'bool' : 'float32');
        const t = made[synthetic.indexOf(spec)];
        if (!t) throw new MeasureError(problem('measure/samples-input-missing', { name: spec.name }));
        return t;
      }),
    );
  }
  return sets;
}

/** The entries of `record` for `specs` only, keyed by spec name. */
function only<T>(specs: readonly InputSpec[], record: Readonly<Record<string, T>> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const spec of specs) {
    const value = byInputName(record, spec.name);
    if (value !== undefined) out[spec.name] = value;
  }
  return out;
}

function findSpec(specs: readonly InputSpec[], name: string): InputSpec {
  const spec = specs.find((s) => s.name === name || s.name === `${name}:0` || s.name.replace(/:0$/, '') === name);
  if (!spec) {
    throw new MeasureError(problem('measure/samples-unknown-input', { name, specs: specs.map((s) => s.name).join(', ') }));
  }
  return spec;
}

/** A sample file: a regular file of at most `maxBytes` (never a device, FIFO or socket). */
async function readBytes(path: string, maxBytes: number): Promise<Uint8Array> {
  return readRegularFile(
    path,
    maxBytes,
    (reason, cause) =>
      new MeasureError(problem('measure/sample-unreadable', { path, reason, limit: /over the limit/.test(reason) ? ' (limits.sample-size)' : '' }), {
        file: path,
        ...(cause === undefined ? {} : { cause }),
      }),
  );
}

/** An image in a sample folder must really be in it: a symlink out of the folder is refused. */
async function checkInsideFolder(path: string, dir: string): Promise<void> {
  const [real, realDir] = await Promise.all([realpath(path).catch(() => path), realpath(dir).catch(() => dir)]);
  const rel = relative(realDir, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith(sep)) {
    throw new MeasureError(problem('measure/image-symlink-outside', { path, dir }), { file: path });
  }
}

/** Checks an npy array against the input: same rank, fixed dims equal, dtype compatible; a missing batch dim is added. */
function fitNpy(array: NpyArray, spec: InputSpec, path: string): { values: Float32Array | Int32Array | Uint8Array; shape: number[] } {
  let shape = [...array.shape];
  if (!spec.unknownRank && shape.length === spec.shape.length - 1) shape = [1, ...shape];
  const fits = spec.unknownRank === true || (shape.length === spec.shape.length && spec.shape.every((d, i) => d === null || d === shape[i]));
  if (!fits) {
    throw new MeasureError(
      problem('measure/npy-shape', { path, shape: array.shape.join(', '), name: spec.name, spec: spec.shape.map((d) => d ?? '?').join(', ') }),
      { file: path },
    );
  }
  if (spec.dtype === 'float32' && array.dtype !== 'float32') return { values: Float32Array.from(array.data), shape };
  if (spec.dtype === 'int32' && array.dtype === 'float32') {
    throw new MeasureError(problem('measure/npy-floats-for-int', { path, descr: array.descr, name: spec.name }), { file: path });
  }
  return { values: array.data, shape };
}

async function readImages(
  options: ImageSamples,
  spec: InputSpec,
  cwd: string,
  maxBytes: number,
): Promise<{ values: Float32Array | Int32Array; shape: number[] }[]> {
  const dir = resolve(cwd, options.dir);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  } catch (error) {
    throw new MeasureError(problem('measure/image-folder-unreadable', { dir, detail: errorMessage(error) }), { cause: error, file: dir });
  }
  if (names.length === 0) throw new MeasureError(problem('measure/image-folder-empty', { dir }), { file: dir });
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
    throw new MeasureError(problem('measure/images-dtype', { name: spec.name, dtype: spec.dtype }));
  }
  const fixed = resolveShape(spec, { shapes: {} });
  const channels = spec.shape[3] ?? 3;
  const [fixedH, fixedW] = [spec.shape[1], spec.shape[2]];
  const out: { values: Float32Array | Int32Array; shape: number[] }[] = [];
  for (const name of names.slice(0, options.limit ?? DEFAULT_IMAGE_LIMIT)) {
    const path = join(dir, name);
    await checkInsideFolder(path, dir);
    let image = decodeImage(await readBytes(path, maxBytes), path);
    const [h, w] = options.resize ?? [fixedH ?? image.height, fixedW ?? image.width];
    if ((fixedH != null && h !== fixedH) || (fixedW != null && w !== fixedW)) {
      throw new MeasureError(problem('measure/images-resize', { h, w, name: spec.name, height: String(fixed[1]), width: String(fixed[2]) }));
    }
    image = resizeBilinear(image, h, w);
    out.push({ values: imageToValues(image, channels, spec.dtype, options.normalize), shape: [1, h, w, channels] });
  }
  return out;
}
