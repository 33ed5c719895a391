import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isKerasFile, loadKerasModel } from '../../../src/formats/keras/index.js';
import { ModelLoadError } from '../../../src/errors.js';
import { copiedFixture, fixture, scratchDir } from './fixtures.js';

/** Seeded input for one model input: token ids for Embedding models, uniform floats otherwise. */
function seededInput(shape: readonly (number | null)[], integers: boolean, seed: number): tf.Tensor {
  const concrete = shape.map((d, i) => (d === null ? (i === 0 ? 2 : 12) : d));
  return integers ? tf.randomUniformInt(concrete, 0, 4, seed) : tf.randomUniform(concrete, -1, 1, 'float32', seed);
}

async function predictFinite(path: string, integers = false): Promise<{ outputs: number; shapes: number[][] }> {
  const loaded = await loadKerasModel(path);
  const model = await tf.loadLayersModel(tf.io.fromMemory(loaded.artifacts));
  const inputs = model.inputs.map((input, i) => seededInput(input.shape, integers, 11 + i));
  const raw = model.predict(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs);
  const outputs = Array.isArray(raw) ? raw : [raw];
  for (const output of outputs) {
    const values = await output.data();
    expect(values.length).toBeGreaterThan(0);
    expect(Array.from(values).every(Number.isFinite)).toBe(true);
  }
  const shapes = outputs.map((o) => o.shape);
  tf.dispose([...inputs, ...outputs]);
  model.dispose();
  return { outputs: outputs.length, shapes };
}

describe('loadKerasModel on authentic Keras files', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    { file: 'k2-mlp-sequential.h5', outputs: [[2, 10]] },
    { file: 'k2-cnn-batchnorm-sequential.h5', outputs: [[2, 2048]] },
    {
      file: 'k2-cnn-maxpool-prelu-multioutput.h5',
      outputs: [
        [2, 1, 1, 2],
        [2, 1, 1, 4],
      ],
    },
    { file: 'k2-hdf5-named-dot-keras.keras', outputs: [[2, 2]] },
    { file: 'k3-legacy-cnn-sequential.h5', outputs: [[2, 10]] },
    { file: 'k3-cnn-sequential.keras', outputs: [[2, 10]] },
    { file: 'k3-mlp-leakyrelu-sequential.keras', outputs: [[2, 2]] },
    { file: 'k3-masking-lstm-sequential.keras', outputs: [[2, 1]] },
    { file: 'k2.15-mlp-sequential.keras', outputs: [[2, 1]] },
  ])('$file loads and predicts finite values', async ({ file, outputs }) => {
    const result = await predictFinite(fixture(file));
    expect(result.shapes).toEqual(outputs);
  });

  it('runs an Embedding > LSTM model on token ids', async () => {
    expect((await predictFinite(fixture('k2-embedding-lstm-sequential.h5'), true)).shapes).toEqual([[2, 10, 6]]);
  });

  it('runs the 5-input / 17-output LSTM + Bidirectional stress model', async () => {
    expect((await predictFinite(fixture('k2-lstm-bidirectional-multi-io.h5'))).outputs).toBe(17);
  });

  it('writes the topology the converter writes, names weights as TF.js expects, float32 back to back', async () => {
    const loaded = await loadKerasModel(fixture('k2-mlp-sequential.h5'));
    expect(loaded).toMatchObject({ format: 'layers', sourceKind: 'keras-h5', files: [{ path: fixture('k2-mlp-sequential.h5'), bytes: 497_872 }] });
    const topology = loaded.artifacts.modelTopology as Record<string, unknown>;
    expect(Object.keys(topology)).toEqual(['keras_version', 'backend', 'model_config', 'training_config']);
    expect(topology).toMatchObject({ keras_version: '2.2.2', backend: 'tensorflow' });
    expect(topology).not.toHaveProperty('distributed_config');
    const specs = loaded.artifacts.weightSpecs ?? [];
    expect(specs.map((s) => s.name)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias', 'dense_3/kernel', 'dense_3/bias']);
    const elements = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect((loaded.artifacts.weightData as ArrayBuffer).byteLength).toBe(elements * 4);
  });

  it('gives the Keras 3 legacy .h5 and the .keras of the same architecture the same structure', async () => {
    const h5 = await loadKerasModel(fixture('k3-legacy-cnn-sequential.h5'));
    const zip = await loadKerasModel(fixture('k3-cnn-sequential.keras'));
    expect(zip.sourceKind).toBe('keras-zip');
    const structure = (m: typeof h5): string[] => (m.artifacts.weightSpecs ?? []).map((s) => `${s.name} [${s.shape.join(',')}]`);
    expect(structure(h5)).toEqual(structure(zip));
    expect(structure(zip)).toEqual([
      'conv2d/kernel [3,3,1,32]',
      'conv2d/bias [32]',
      'conv2d_1/kernel [3,3,32,64]',
      'conv2d_1/bias [64]',
      'dense/kernel [1600,10]',
      'dense/bias [10]',
    ]);
    // Separate training runs: same shapes, different values.
    expect(Buffer.compare(Buffer.from(h5.artifacts.weightData as ArrayBuffer), Buffer.from(zip.artifacts.weightData as ArrayBuffer))).not.toBe(0);
  });

  it('maps a Keras 3 LSTM cell (layers/lstm/cell/vars/*) onto the TF.js LSTM weights', async () => {
    const loaded = await loadKerasModel(fixture('k3-masking-lstm-sequential.keras'));
    expect(loaded.artifacts.weightSpecs?.map((s) => `${s.name} [${s.shape.join(',')}]`)).toEqual([
      'lstm/kernel [2,4]',
      'lstm/recurrent_kernel [1,4]',
      'lstm/bias [4]',
    ]);
    const config = JSON.stringify(loaded.artifacts.modelTopology);
    expect(config).toContain('"mask_value":0');
    expect(config).toContain('"batch_input_shape":[2,3,2]');
    expect(config).not.toContain('DTypePolicy');
  });

  it('detects the format from the content, not the extension', async () => {
    const dir = scratchDir();
    const { readFileSync } = await import('node:fs');
    expect(isKerasFile(readFileSync(fixture('k2-hdf5-named-dot-keras.keras')))).toBe('h5');
    expect(isKerasFile(readFileSync(fixture('k3-cnn-sequential.keras')))).toBe('zip');
    expect(isKerasFile(new TextEncoder().encode('{"format":"layers-model"}'))).toBeUndefined();
    const renamed = await loadKerasModel(copiedFixture('k3-cnn-sequential.keras', dir, 'model.bin'));
    expect(renamed.sourceKind).toBe('keras-zip');
  });

  it('refuses a weights-only .h5: weights only, no architecture', async () => {
    await expect(loadKerasModel(fixture('k2-toyresnet.weights.h5'))).rejects.toThrow(/weights only, no architecture/);
  });

  it('refuses a subclassed Keras 3 model, naming its class', async () => {
    const error = await loadKerasModel(fixture('k3-subclassed-custom.keras')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(String(error)).toMatch(/subclassed Keras model \("NestedDenseModel".*cannot be converted/s);
  });
});
