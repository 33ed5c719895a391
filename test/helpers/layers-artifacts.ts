import type * as tf from '@tensorflow/tfjs';
import { io } from '@tensorflow/tfjs';

/**
 * The in-memory artifacts of a tfjs-layers model built in a test or bench (model.json topology + weights), as
 * `loadModel` would give them for the same model on disk.
 */
export async function layersModelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    io.withSaveHandler((artifacts) => {
      saved = artifacts;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
  );
  if (!saved) throw new Error('the model did not save');
  return saved;
}
