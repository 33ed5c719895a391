import * as tf from '@tensorflow/tfjs';
import { ModelLoadError, problem } from '../../errors.js';
import { BUILD_SLACK_PARAMS, modelParams } from '../tfjs/declared-params.js';
import type { KerasSource, LayerWeights } from './source.js';

type LayerVariable = tf.LayerVariable;

/**
 * Turns a Keras source into TF.js layers artifacts, checked against the model tfjs-layers builds from the config:
 * every weight in the file must fill one variable of the right shape, and every variable must be filled, so a model
 * that loads here also loads with `tf.loadLayersModel`. Weight data is float32, back to back in manifest order.
 */
export async function assembleArtifacts(source: KerasSource, file: string, maxBytes: number): Promise<tf.io.ModelArtifacts> {
  checkDeclaredParams(source, file, maxBytes);
  const modelTopology: Record<string, unknown> = {
    keras_version: source.kerasVersion,
    backend: source.backend,
    model_config: source.modelConfig,
    ...(source.trainingConfig === undefined ? {} : { training_config: source.trainingConfig }),
  };
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology } as unknown as tf.io.ModelJSON);
  } catch (error) {
    throw new ModelLoadError(problem('keras/rebuild-failed', { file, detail: error instanceof Error ? error.message : String(error) }), { file, cause: error });
  }
  try {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const chunks: Float32Array[] = [];
    const filled = new Set<LayerVariable>();
    for (const layer of source.layers) {
      const targets = findLayer(model, layer, file).weights;
      if (targets.length !== layer.weights.length) {
        throw new ModelLoadError(
          problem('keras/weight-count-mismatch', {
            file,
            layer: layer.layerPath.join('/'),
            inFile: layer.weights.length,
            inConfig: targets.length,
            targets: targets.map((t) => t.originalName).join(', ') || 'none',
          }),
          { file },
        );
      }
      layer.weights.forEach((weight, i) => {
        const target = targets[i];
        if (!target) return;
        if (!sameShape(target.shape, weight.shape)) {
          throw new ModelLoadError(
            problem('keras/weight-shape-mismatch', {
              file,
              weight: weight.fileName,
              shape: weight.shape.join(', '),
              layer: layer.layerPath.join('/'),
              needed: target.shape.join(', '),
              variable: target.originalName,
            }),
            { file },
          );
        }
        filled.add(target);
        const name = source.naming === 'file' && resolvesTo(weight.fileName, target.originalName) ? weight.fileName : target.originalName;
        specs.push({ name, shape: [...weight.shape], dtype: 'float32' });
        chunks.push(weight.values);
      });
    }
    const missing = model.weights.filter((v) => !filled.has(v));
    if (missing.length > 0) {
      throw new ModelLoadError(
        problem('keras/variables-missing', {
          file,
          count: missing.length,
          missing: missing.map((v) => `${v.originalName} [${v.shape.join(', ')}]`).join(', '),
        }),
        { file },
      );
    }
    return { modelTopology, weightSpecs: specs, weightData: concat(chunks), format: 'layers-model', generatedBy: `keras v${source.kerasVersion}` };
  } finally {
    model.dispose();
  }
}

/**
 * Refuses a config that declares more parameters than the file holds (or than `maxBytes` as float32) before tfjs
 * builds it: building allocates every variable, so `Dense(units=1e9)` in a small file would take gigabytes first.
 */
function checkDeclaredParams(source: KerasSource, file: string, maxBytes: number): void {
  const declared = modelParams(source.modelConfig);
  const held = source.layers.reduce((n, l) => n + l.weights.reduce((m, w) => m + w.values.length, 0), 0);
  if (declared <= held + BUILD_SLACK_PARAMS && declared * 4 <= maxBytes) return;
  throw new ModelLoadError(
    declared > held + BUILD_SLACK_PARAMS
      ? problem('keras/params-disagree', { file, declared: Math.round(declared).toLocaleString('en-US'), held: held.toLocaleString('en-US') })
      : problem('model/params-over-limit', {
          path: file,
          declared: Math.round(declared).toLocaleString('en-US'),
          bytes: Math.round(declared * 4).toLocaleString('en-US'),
          limit: maxBytes.toLocaleString('en-US'),
        }),
    { file },
  );
}

function findLayer(model: tf.LayersModel, layer: LayerWeights, file: string): tf.layers.Layer {
  let current: tf.layers.Layer | undefined;
  let container: tf.LayersModel | undefined = model;
  for (const name of layer.layerPath) {
    current = container?.layers.find((l) => l.name === name);
    container = current instanceof tf.LayersModel ? current : undefined;
  }
  if (!current) {
    throw new ModelLoadError(problem('keras/weights-without-layer', { file, layer: layer.layerPath.join('/') }), { file });
  }
  return current;
}

function sameShape(expected: readonly (number | null)[], actual: readonly number[]): boolean {
  return expected.length === actual.length && expected.every((d, i) => d === actual[i]);
}

/** tfjs-layers matches a weight by its name, or with an inner cell scope removed (`lstm/lstm_cell/kernel`). */
function resolvesTo(fileName: string, originalName: string): boolean {
  if (fileName === originalName) return true;
  const tokens = fileName.split('/');
  return [...tokens.slice(0, -2), ...tokens.slice(-1)].join('/') === originalName;
}

function concat(chunks: readonly Float32Array[]): ArrayBuffer {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out.buffer;
}
