import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelLoadError, problem } from '../../errors.js';
import { DEFAULT_MAX_MODEL_BYTES } from '../../limits.js';
import { readRegularFile } from '../../model/read-file.js';
import type { TfjsLoadedModel } from '../../model/types.js';
import { assembleArtifacts } from './assemble.js';
import { isKerasFile } from './detect.js';
import { withHdf5 } from './hdf5.js';
import { readKerasH5 } from './h5-model.js';
import { loadCustomLayers } from './custom-layers.js';
import { dropTrainingOnly, droppedNote } from './training-only.js';
import { readKerasZip } from './zip-model.js';

export { isKerasFile } from './detect.js';

/** Options of {@link loadKerasModel}. */
export interface KerasLoadOptions {
  /** Most bytes of the file on disk (`limits.model-size`). Default 1 GiB. */
  readonly maxBytes?: number;
  /** Most bytes a `.keras` archive may inflate to, and most bytes of weights read from HDF5. Default `maxBytes`. */
  readonly maxUncompressedBytes?: number;
  /** Most entries a `.keras` archive may list. Default 1,000. */
  readonly maxEntries?: number;
  /** Absolute path of an ES module that registers custom layer classes with `tf.serialization.registerClass`. */
  readonly customLayers?: string;
}

/** Default of {@link KerasLoadOptions.maxBytes} and `maxUncompressedBytes`: 1 GiB (`limits.model-size`). */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = DEFAULT_MAX_MODEL_BYTES;
/** Default of {@link KerasLoadOptions.maxEntries}. */
export const DEFAULT_MAX_ENTRIES = 1000;

/**
 * Loads a Keras model file — Keras 2 / tf.keras HDF5 (`.h5`), Keras 3 legacy HDF5, or a `.keras` zip (Keras 3 or
 * tf.keras 2.13+) — into the TF.js layers artifacts the Python converter would produce: `modelTopology` is
 * `{ keras_version, backend, model_config, training_config? }`, weights are float32. The format is detected from the
 * file's first bytes, not its extension. Throws {@link ModelLoadError} for anything it cannot convert faithfully.
 */
export async function loadKerasModel(path: string, options: KerasLoadOptions = {}): Promise<TfjsLoadedModel> {
  const file = resolve(path);
  const bytes = await readRegularFile(
    file,
    options.maxBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES,
    (reason, cause) => new ModelLoadError(problem('keras/unreadable', { file, reason }), { file, ...(cause === undefined ? {} : { cause }) }),
  );
  const kind = isKerasFile(bytes);
  if (kind === undefined) {
    throw new ModelLoadError(problem('keras/not-keras', { file }), { file });
  }
  await tf.ready();
  if (options.customLayers !== undefined) await loadCustomLayers(options.customLayers);
  const maxUncompressedBytes = options.maxUncompressedBytes ?? options.maxBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  const budget = { bytesLeft: maxUncompressedBytes, hdf5Bytes: bytes.length };
  const source =
    kind === 'h5'
      ? await withHdf5(bytes, file, (root) => readKerasH5(root, file, budget))
      : await readKerasZip(bytes, file, { maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES, maxUncompressedBytes }, budget);
  const { config: modelConfig, dropped } = dropTrainingOnly(source.modelConfig);
  const artifacts = await assembleArtifacts({ ...source, modelConfig }, file, maxUncompressedBytes);
  const note = droppedNote(dropped);
  return {
    format: 'layers',
    artifacts,
    path: file,
    sourceKind: kind === 'h5' ? 'keras-h5' : 'keras-zip',
    files: [{ path: file, bytes: bytes.length, role: 'archive' }],
    ...(note === undefined ? {} : { notes: [note] }),
  };
}
