import { COMPRESSIONS, defineTfjsFormat, type ModelFormat } from '../types.js';
import { countTfjsFlops } from '../tfjs/cost.js';
import { saveModel, serializeModel } from '../tfjs/save.js';

/** First bytes of the Keras containers: HDF5 (`.h5`, old `.keras`) and zip (`.keras`). */
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/**
 * Keras `.h5` and `.keras` files, recognised by their first bytes (never their extension: tf.keras 2.11–2.12 wrote
 * `.keras` files as HDF5; a Git LFS pointer has neither magic and goes to the TF.js loader, which names it). They
 * load into the TF.js layers artifacts the Python converter would produce, so everything after loading — writing
 * `output:`, sizes, FLOPs — treats them as the TF.js layers model they become.
 */
export const kerasFormat: ModelFormat = defineTfjsFormat({
  name: 'keras',
  sourceKinds: ['keras-h5', 'keras-zip'],
  detect: ({ head }) => startsWith(head, HDF5_MAGIC) || startsWith(head, ZIP_MAGIC),
  // The HDF5 library (WebAssembly) is loaded only when a Keras model is.
  load: async (path, options) => (await import('./index.js')).loadKerasModel(path, options),
  files: (model) => model.files,
  companions: () => [],
  lfsSize: () => Promise.resolve(undefined),
  // Served as the converter's output: a Keras file is converted before a browser can load it.
  served: (model) => Promise.resolve(serializeModel(model).files),
  serialize: serializeModel,
  save: saveModel,
  cost: countTfjsFlops,
  compressions: COMPRESSIONS,
});
