import type { Group } from 'h5wasm';
import { ModelLoadError, problem, type Problem } from '../../errors.js';
import { LinkRefusedError, type ReadBudget, childDataset, childGroup, childNames, readFloatDataset, stringAttr, stringListAttr } from './hdf5.js';
import { translateKeras3Config } from './keras3-config.js';
import { checkLayerClasses } from './layer-check.js';
import { type FileWeight, type KerasSource, type LayerWeights, parseConfigJson, translateClassNames } from './source.js';

const loadError = (file: string) => (found: Problem, cause: unknown) => new ModelLoadError(found, { file, cause });

/**
 * Reads a full-model Keras HDF5 file (`model.save('x.h5')` from Keras 2 / tf.keras, or Keras 3's legacy writer).
 * Layers are visited in the order HDF5 lists the groups under `model_weights` (by name), weights in `weight_names`
 * order — the order the Python converter writes, so manifests match it entry for entry.
 */
export function readKerasH5(root: Group, file: string, budget: ReadBudget): KerasSource {
  const configText = stringAttr(root, 'model_config');
  if (configText === undefined) {
    const weightsOnly = stringListAttr(root, 'layer_names') !== undefined;
    throw new ModelLoadError(weightsOnly ? problem('keras/h5-weights-only', { file }) : problem('keras/h5-no-model-config', { file }), { file });
  }
  const weightsGroup = childGroup(root, 'model_weights');
  const kerasVersion = stringAttr(root, 'keras_version') ?? (weightsGroup && stringAttr(weightsGroup, 'keras_version')) ?? 'unknown';
  const backend = stringAttr(root, 'backend') ?? (weightsGroup && stringAttr(weightsGroup, 'backend')) ?? 'tensorflow';
  const rawConfig = translateClassNames(parseConfigJson(configText, 'the "model_config" attribute', file, loadError(file)));
  checkLayerClasses(rawConfig, file);
  const trainingText = stringAttr(root, 'training_config');
  const trainingConfig =
    trainingText === undefined ? undefined : translateClassNames(parseConfigJson(trainingText, 'the "training_config" attribute', file, loadError(file)));
  const keras3 = kerasVersion.startsWith('3.');
  return {
    kerasVersion,
    backend,
    modelConfig: keras3 ? translateKeras3Config(rawConfig) : rawConfig,
    trainingConfig,
    layers: weightsGroup ? readLayerGroups(weightsGroup, file, budget) : [],
    naming: keras3 ? 'tfjs' : 'file',
  };
}

function readLayerGroups(weightsGroup: Group, file: string, budget: ReadBudget): LayerWeights[] {
  const layerNames = new Set(stringListAttr(weightsGroup, 'layer_names') ?? []);
  const layers: LayerWeights[] = [];
  for (const layer of childNames(weightsGroup)) {
    if (!layerNames.has(layer)) continue;
    const group = childGroup(weightsGroup, layer);
    if (!group) continue;
    const weights: FileWeight[] = [];
    for (const name of stringListAttr(group, 'weight_names') ?? []) {
      const where = `model_weights/${layer}/${name}`;
      let dataset;
      try {
        dataset = childDataset(group, name);
      } catch (error) {
        if (error instanceof LinkRefusedError) throw error;
        throw new ModelLoadError(problem('keras/h5-unreadable-object', { file, where }), { file, cause: error });
      }
      if (!dataset) {
        throw new ModelLoadError(problem('keras/h5-weight-missing', { file, layer, name }), { file });
      }
      const { shape, values } = readFloatDataset(dataset, where, file, budget);
      weights.push({ fileName: name.endsWith(':0') ? name.slice(0, -2) : name, shape, values });
    }
    if (weights.length > 0) layers.push({ layerPath: [layer], weights });
  }
  return layers;
}
