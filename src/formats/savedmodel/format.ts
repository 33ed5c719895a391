import { DEFAULT_MAX_MODEL_BYTES } from '../../limits.js';
import type { TfjsLoadedModel } from '../../model/types.js';
import { countTfjsFlops } from '../tfjs/cost.js';
import { servedFromDisk } from '../tfjs/format.js';
import { saveModel, serializeModel } from '../tfjs/save.js';
import { COMPRESSIONS, type LoadOptions, defineTfjsFormat, type ModelFormat } from '../types.js';
import { guardedFolder, lfsSavedModelSize, SAVED_MODEL_PB, savedModelFilesOf } from './folder.js';

/**
 * A TensorFlow SavedModel folder (`saved_model.pb` + `variables/`), recognised by the `saved_model.pb` in it. It
 * loads by converting one signature in memory into the TF.js graph model `tensorflowjs_converter` would write, so
 * everything after loading — compressing, writing `output:`, FLOPs, running — treats it as that graph model. Its
 * size, unchanged, is the SavedModel on disk: what the repository ships.
 */
export const savedModelFormat: ModelFormat = defineTfjsFormat({
  name: 'savedmodel',
  sourceKinds: ['savedmodel'],
  hasSignatures: true,
  detect: ({ entries }) => entries?.includes(SAVED_MODEL_PB) === true,
  load: loadSavedModel,
  files: (model) => model.files,
  companions: (_bytes, path, entries) => savedModelFilesOf(entries ?? [], path),
  lfsSize: lfsSavedModelSize,
  served: servedFromDisk,
  serialize: serializeModel,
  save: saveModel,
  cost: countTfjsFlops,
  compressions: COMPRESSIONS,
});

/** Converts the SavedModel folder `dir` (absolute), reading at most `options.maxBytes` of its files. */
async function loadSavedModel(dir: string, options: LoadOptions): Promise<TfjsLoadedModel> {
  const folder = guardedFolder(dir, options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES);
  // The protobuf descriptors and the converter are loaded only when a SavedModel is.
  const { convertSavedModel } = await import('./load.js');
  const converted = await convertSavedModel(folder.read, dir, options.signature === undefined ? {} : { signature: options.signature });
  return { format: 'graph', artifacts: converted.artifacts, path: dir, sourceKind: 'savedmodel', files: folder.files(), notes: converted.notes };
}
