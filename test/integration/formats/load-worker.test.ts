import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { describe, expect, it } from 'vitest';
import { MeasureError, ModelLoadError } from '../../../src/errors.js';
import { loadModel } from '../../../src/formats/index.js';
import { loadModelInWorker, workerHeapMb } from '../../../src/formats/worker/load.js';
import { ModelDeadline } from '../../../src/measure/deadline.js';
import type { LoadedModel } from '../../../src/model/types.js';
import { loadStage } from '../../../src/stages.js';
import { corpusModel } from '../../helpers/corpus.js';
import { editedH5, fixture, scratchDir } from '../../unit/keras/fixtures.js';

const dir = scratchDir();
const MLP = fixture('k2-mlp-sequential.h5');

/** Every byte of a model's weights, whether one buffer or several. */
function weightBytes(model: LoadedModel): Uint8Array {
  if (model.format === 'tflite') return model.bytes;
  const data = model.artifacts.weightData;
  const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
  return Buffer.concat(buffers.map((b) => new Uint8Array(b)));
}

/** What an outcome of a load says: the model without its weight buffers and the weights' bytes, or the error. */
async function outcome(load: Promise<LoadedModel>): Promise<unknown> {
  try {
    const model = await load;
    if (model.format === 'tflite') return { model: { ...model, bytes: model.bytes.byteLength } };
    const { weightData: _, ...artifacts } = model.artifacts;
    // A digest: comparing megabytes element by element would take the matcher minutes.
    const weights = weightBytes(model);
    return { model: { ...model, artifacts }, weights: { bytes: weights.byteLength, sha256: createHash('sha256').update(weights).digest('hex') } };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { error: { class: error.constructor.name, name: error.name, message: error.message, file: (error as ModelLoadError).file } };
  }
}

/** A custom-layers module that never returns to the event loop once imported. */
function spinningModule(): string {
  const path = join(dir, 'spin.mjs');
  writeFileSync(path, 'for (;;) {}\n');
  return path;
}

const spec = (absPath: string, customLayers: string | undefined): Parameters<typeof loadStage>[0] => ({
  path: 'models/mlp.h5',
  absPath,
  limits: { 'model-size': 1024 ** 3, 'sample-size': 256 * 1024 ** 2 },
  ...(customLayers === undefined ? {} : { customLayers }),
  configuredInputs: [],
});

describe('loading in a worker thread', () => {
  it.each([
    'k2-mlp-sequential.h5',
    'k2-cnn-batchnorm-sequential.h5',
    'k2-embedding-lstm-sequential.h5',
    'k2-lstm-bidirectional-multi-io.h5',
    'k2.15-mlp-sequential.keras',
    'k3-cnn-sequential.keras',
    'k3-legacy-cnn-sequential.h5',
    'k3-subclassed-custom.keras',
    'k2-toyresnet.weights.h5',
  ])('loads Keras %s exactly as the main thread does (weights byte for byte, or the same error)', async (name) => {
    const inThread = await outcome(loadModel(fixture(name)));
    expect(await outcome(loadModelInWorker(fixture(name)))).toEqual(inThread);
  });

  it.each(['pixelator', 'human-faceres-deep'])('loads the TF.js corpus model %s exactly as the main thread does', async (id) => {
    const { path } = corpusModel(id);
    const inThread = await outcome(loadModel(path));
    expect(inThread).toHaveProperty('weights');
    expect(await outcome(loadModelInWorker(path))).toEqual(inThread);
  });

  it('hands the weights over without copying them (one transferred buffer)', async () => {
    const model = await loadModelInWorker(fixture('k2-mlp-sequential.h5'));
    expect(model.format === 'tflite' ? undefined : model.artifacts.weightData).toBeInstanceOf(ArrayBuffer);
    expect(weightBytes(model).byteLength).toBeGreaterThan(0);
  });

  it('loads a .tflite model in the worker and hands its bytes over as they are in the file', async () => {
    const face = corpusModel('mediapipe-face-short').path;
    const model = await loadModelInWorker(face);
    expect(model).toMatchObject({ format: 'tflite', sourceKind: 'tflite', path: face, files: [{ path: face, role: 'archive' }] });
    expect(Buffer.from(weightBytes(model)).equals(readFileSync(face))).toBe(true);
  });

  it('keeps the class, message and file of a corrupt model.json', async () => {
    const path = join(dir, 'model.json');
    writeFileSync(path, '{"format": "layers-model", "modelTopology": ');
    const error = await loadModelInWorker(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(await outcome(loadModelInWorker(path))).toEqual(await outcome(loadModel(path)));
    expect((error as ModelLoadError).file).toBe(path);
  });

  it('keeps the refusal of an HDF5 external link intact', async () => {
    await h5wasm.ready;
    const secret = join(dir, 'secret.h5');
    const file = new h5wasm.File(secret, 'w');
    file.create_dataset({ name: 'secret', data: new Float32Array(128).fill(7) });
    file.close();
    const path = await editedH5(MLP, dir, 'external-link.h5', (h5) => {
      const group = h5.get('model_weights/dense_1/dense_1');
      const layer = h5.get('model_weights/dense_1');
      if (!group || !('create_external_link' in group) || !layer || !('create_attribute' in layer)) throw new Error('no group');
      group.create_external_link(secret, '/secret', 'leak:0');
      layer.delete_attribute('weight_names');
      layer.create_attribute('weight_names', ['dense_1/kernel:0', 'dense_1/leak:0']);
    });
    const error = await loadModelInWorker(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).message).toContain('is an external link to another file');
    expect((error as ModelLoadError).file).toBe(path);
    expect(await outcome(loadModelInWorker(path))).toEqual(await outcome(loadModel(path)));
  });

  it('registers custom layers in the worker, so a model that needs them loads', async () => {
    const path = await editedH5(MLP, dir, 'custom.h5', (h5) => {
      const config = h5.attrs.model_config?.json_value as string;
      h5.delete_attribute('model_config');
      h5.create_attribute('model_config', config.replaceAll('"class_name": "Activation"', '"class_name": "ScaledActivation"'));
    });
    await expect(loadModelInWorker(path)).rejects.toThrow('ScaledActivation (layer');
    const model = await loadModelInWorker(path, { customLayers: fixture('custom-layers.mjs') });
    expect(model.format === 'tflite' ? undefined : JSON.stringify(model.artifacts.modelTopology)).toContain('ScaledActivation');
  });

  it('stops a load that never returns at benchmark.timeout, naming the model and the stage', async () => {
    const deadline = new ModelDeadline(1000, 'mlp');
    const error = await loadStage(spec(MLP, spinningModule()), { step: () => {}, deadline }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeasureError);
    expect((error as MeasureError).message).toBe(
      'mlp: the 1 s benchmark.timeout ran out at loading; raise benchmark.timeout (it bounds every stage of one model) or use a smaller input shape',
    );
  });

  it('settles an aborted load only once the worker thread has exited', async () => {
    const reason = new Error('stopped');
    const controller = new AbortController();
    const load = loadModelInWorker(MLP, { customLayers: spinningModule() }, controller.signal);
    setTimeout(() => controller.abort(reason), 200);
    await expect(load).rejects.toBe(reason);
  });

  it('stops a load whose JavaScript heap outgrows what limits.model-size allows', async () => {
    const hog = join(dir, 'hog.mjs');
    writeFileSync(hog, 'const kept = [];\nfor (;;) kept.push({ at: kept.length, text: `${kept.length}` });\n');
    const maxBytes = 1024 ** 2;
    const error = await loadModelInWorker(MLP, { customLayers: hog, maxBytes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).message).toBe(
      `${MLP}: loading the model took more than the ${workerHeapMb(maxBytes)} MB of JavaScript heap that limits.model-size allows; raise limits.model-size if the model is that large`,
    );
  });

  it('derives the heap from limits.model-size', () => {
    expect(workerHeapMb(1024 ** 3)).toBe(256 + 2048);
    expect(workerHeapMb(1)).toBe(258);
  });
});
