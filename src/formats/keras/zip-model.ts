import type { Group } from 'h5wasm';
import { ModelLoadError, problem, type Problem } from '../../errors.js';
import { type ReadBudget, childDataset, childGroup, childNames, readFloatDataset, withHdf5 } from './hdf5.js';
import { type Json, layersOf, objectAt, stringAt } from './json.js';
import { translateKeras3Config } from './keras3-config.js';
import { checkLayerClasses } from './layer-check.js';
import { type FileWeight, type KerasSource, type LayerWeights, parseConfigJson, translateClassNames } from './source.js';
import { type ZipLimits, extractZipEntries } from './zip.js';

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);
/** Sub-objects Keras saves in a fixed order that alphabetical order would get wrong. */
const CHILD_ORDER: Readonly<Record<string, readonly string[]>> = { Bidirectional: ['forward_layer', 'backward_layer'] };
/** Saved state that is not a model weight (random-number generator seeds). */
const NOT_WEIGHTS = /(^|_)seed_generator(_\d+)?$/;

/**
 * Reads a `.keras` archive (Keras 3, or tf.keras 2.13+): `config.json`, `metadata.json` and `model.weights.h5`.
 * Keras stores each layer's variables at `layers/<snake_case class name>[_N]/vars/<i>`, where `_N` counts earlier
 * layers of the same class in the model's layer order (keras/src/saving/saving_lib.py), and sub-objects (an RNN's
 * `cell`, a Bidirectional's `forward_layer`/`backward_layer`, a wrapper's `layer`) under their attribute names.
 */
export async function readKerasZip(bytes: Uint8Array, file: string, limits: ZipLimits, budget: ReadBudget): Promise<KerasSource> {
  const entries = extractZipEntries(bytes, ['config.json', 'metadata.json', 'model.weights.h5'], limits, file);
  const configBytes = entries.get('config.json');
  if (!configBytes) {
    throw new ModelLoadError(problem('keras/zip-without-config', { file }), { file });
  }
  const onError = (found: Problem, cause: unknown): Error => new ModelLoadError(found, { file, cause });
  const decoder = new TextDecoder();
  const metadataBytes = entries.get('metadata.json');
  const metadata = metadataBytes ? parseConfigJson(decoder.decode(metadataBytes), 'metadata.json', file, onError) : null;
  const rawConfig = translateClassNames(parseConfigJson(decoder.decode(configBytes), 'config.json', file, onError));
  checkLayerClasses(rawConfig, file);
  const modelConfig = translateKeras3Config(rawConfig);
  const weightsBytes = entries.get('model.weights.h5');
  if (weightsBytes) budget.hdf5Bytes = weightsBytes.length;
  const layers = weightsBytes
    ? await withHdf5(weightsBytes, `${file} (model.weights.h5)`, (root) => {
        const out: LayerWeights[] = [];
        walkModel(root, modelConfig, [], `${file} (model.weights.h5)`, budget, out);
        return out;
      })
    : [];
  return {
    kerasVersion: stringAt(metadata, 'keras_version') ?? 'unknown',
    // A .keras archive does not record the backend; tfjs ignores the field, the converter writes "tensorflow".
    backend: 'tensorflow',
    modelConfig,
    trainingConfig: undefined,
    layers,
    naming: 'tfjs',
  };
}

/** Keras' `naming.to_snake_case`: `MaxPooling2D` → `max_pooling2d`, `LeakyReLU` → `leaky_re_lu`. */
export function toSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function walkModel(group: Group | undefined, model: Json, prefix: readonly string[], file: string, budget: ReadBudget, out: LayerWeights[]): void {
  const layersGroup = group && childGroup(group, 'layers');
  const used = new Map<string, number>();
  for (const layer of layersOf(model)) {
    const className = stringAt(layer, 'class_name') ?? '';
    const name = stringAt(objectAt(layer, 'config'), 'name') ?? stringAt(layer, 'name') ?? '';
    const snake = toSnakeCase(className);
    const seen = used.get(snake);
    used.set(snake, seen === undefined ? 0 : seen + 1);
    const key = seen === undefined ? snake : `${snake}_${seen + 1}`;
    const layerGroup = layersGroup && childGroup(layersGroup, key);
    const path = [...prefix, name];
    if (MODEL_CLASSES.has(className)) {
      walkModel(layerGroup, layer, path, file, budget, out);
      continue;
    }
    const weights: FileWeight[] = [];
    if (layerGroup) collectVars(layerGroup, className, `layers/${key}`, file, budget, weights);
    if (weights.length > 0) out.push({ layerPath: path, weights });
  }
}

function collectVars(group: Group, className: string, where: string, file: string, budget: ReadBudget, out: FileWeight[]): void {
  const vars = childGroup(group, 'vars');
  if (vars) {
    const indices = childNames(vars)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b));
    for (const index of indices) {
      const dataset = childDataset(vars, index);
      if (!dataset) continue;
      const fileName = `${where}/vars/${index}`;
      out.push({ fileName, ...readFloatDataset(dataset, fileName, file, budget) });
    }
  }
  const children = CHILD_ORDER[className] ?? childNames(group).filter((k) => k !== 'vars' && !NOT_WEIGHTS.test(k));
  for (const child of children) {
    const sub = childGroup(group, child);
    if (sub) collectVars(sub, '', `${where}/${child}`, file, budget, out);
  }
}
