import type { io } from '@tensorflow/tfjs';
import { dirname } from 'node:path';
import { ModelLoadError, problem } from '../../errors.js';
import type { LoadedModel } from '../../model/types.js';
import { loadModel } from '../index.js';
import type { SaveOptions } from '../types.js';
import { saveModel, weightBytes } from './save.js';

/**
 * A tfjs `IOHandler` over the local file system (tfjs's own `file://` handler needs tfjs-node). `load` goes
 * through the validating loader; `save` writes converter-style model.json + shards.
 *
 * ```ts
 * const model = await tf.loadGraphModel(fileSystemIO('models/net/model.json'));
 * ```
 */
export function fileSystemIO(path: string, options: SaveOptions = {}): io.IOHandler {
  return {
    load: async () => artifactsOf(await loadModel(path)),
    save: async (artifacts: io.ModelArtifacts): Promise<io.SaveResult> => {
      const format = artifacts.format === 'graph-model' || isGraphTopology(artifacts.modelTopology) ? 'graph' : 'layers';
      const dir = path.endsWith('.json') ? dirname(path) : path;
      await saveModel({ artifacts, format }, dir, options);
      const weights = weightBytes(artifacts.weightData);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology ?? null).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

function isGraphTopology(topology: unknown): boolean {
  return typeof topology === 'object' && topology !== null && Array.isArray((topology as { node?: unknown }).node);
}

/** The TF.js artifacts of a loaded model; a `.tflite` model has none (TF.js cannot run it). */
function artifactsOf(model: LoadedModel): io.ModelArtifacts {
  if (model.format === 'tflite') throw new ModelLoadError(problem('model/tflite-not-tfjs', { path: model.path }), { file: model.path });
  return model.artifacts;
}
