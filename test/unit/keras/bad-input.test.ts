import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { loadKerasModel } from '../../../src/formats/keras/index.js';
import { editedH5, fixture, scratchDir } from './fixtures.js';

const dir = scratchDir();
const MLP = fixture('k2-mlp-sequential.h5');
const KERAS3 = fixture('k3-cnn-sequential.keras');

async function failure(path: string, options: Parameters<typeof loadKerasModel>[1] = {}): Promise<ModelLoadError> {
  const error = await loadKerasModel(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ModelLoadError)) throw new Error(`expected a ModelLoadError, got ${String(error)}`);
  expect(error.file).toBe(path);
  return error;
}

function written(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The Keras 3 archive's entries, to rebuild hostile variants of it. */
function kerasEntries(): Record<string, Uint8Array> {
  const { unzipSync } = fflateSync;
  return unzipSync(readFileSync(KERAS3));
}
const fflateSync = await import('fflate');

describe('hostile and broken Keras files', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('refuses a file that is neither HDF5 nor zip', async () => {
    const error = await failure(written('notes.h5', new TextEncoder().encode('these are not the weights you want')));
    expect(error.message).toMatch(/not a Keras model — neither HDF5 \(\.h5\) nor a \.keras zip/);
  });

  it('refuses a truncated .h5 before HDF5 reads it', async () => {
    const bytes = readFileSync(MLP);
    const error = await failure(written('truncated.h5', bytes.subarray(0, 200_000)));
    expect(error.message).toMatch(/truncated: it has 200,000 bytes, its header says 497,872/);
  });

  it('refuses a truncated .keras', async () => {
    const error = await failure(written('truncated.keras', readFileSync(KERAS3).subarray(0, 100_000)));
    expect(error.message).toMatch(/not a valid \.keras archive .*truncated/);
  });

  it.each(['../config.json', '/etc/passwd', 'a/../../b', 'C:\\evil'])('refuses a zip entry named %s', async (name) => {
    const bytes = zipSync({ ...kerasEntries(), [name]: new Uint8Array([1]) });
    const error = await failure(written('escape.keras', bytes));
    expect(error.message).toContain(`entry named "${name}" that points outside the archive`);
  });

  it('refuses a zip bomb from the sizes declared in the central directory, before inflating', async () => {
    const bytes = zipSync({ ...kerasEntries(), 'config.json': new Uint8Array(64 * 1024 * 1024).fill(32) });
    expect(bytes.length).toBeLessThan(1_000_000);
    const error = await failure(written('bomb.keras', bytes), { maxUncompressedBytes: 16 * 1024 * 1024 });
    expect(error.message).toMatch(/would inflate to 67,\d{3},\d{3} bytes, over the limit of 16,777,216 \(maxUncompressedBytes\)/);
  });

  it('stops inflating an entry that grows past its declared size', async () => {
    const bytes = zipSync({ 'config.json': new Uint8Array(8 * 1024 * 1024).fill(32), 'model.weights.h5': new Uint8Array(0) });
    // Rewrite config.json's declared uncompressed size (local header offset 22, central header offset 24) to 1 KiB.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(22, 1024, true);
    const central = bytes.findIndex((_, i) => view.getUint32(i, true) === 0x02014b50);
    view.setUint32(central + 24, 1024, true);
    const error = await failure(written('liar.keras', bytes));
    expect(error.message).toContain('archive entry "config.json" inflates past its declared 1,024 bytes');
  });

  it('caps the number of archive entries', async () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`assets/${i}.txt`, new Uint8Array([i])]));
    const error = await failure(written('many.keras', zipSync({ ...kerasEntries(), ...many })), { maxEntries: 16 });
    expect(error.message).toMatch(/lists 43 entries, over the limit of 16 \(maxEntries\)/);
  });

  it('reads layer_names split into layer_names0, layer_names1 like the unsplit file', async () => {
    const split = await editedH5(MLP, dir, 'split.h5', (file) => {
      const weights = file.get('model_weights');
      if (!(weights && 'attrs' in weights) || !('create_attribute' in weights)) throw new Error('no model_weights');
      const names = weights.attrs.layer_names?.json_value as string[];
      weights.delete_attribute('layer_names');
      weights.create_attribute('layer_names0', names.slice(0, 3));
      weights.create_attribute('layer_names1', names.slice(3));
    });
    const a = await loadKerasModel(MLP);
    const b = await loadKerasModel(split);
    expect(b.artifacts.weightSpecs).toEqual(a.artifacts.weightSpecs);
    expect(Buffer.from(b.artifacts.weightData as ArrayBuffer).equals(Buffer.from(a.artifacts.weightData as ArrayBuffer))).toBe(true);
  });

  it('refuses a dataset with absurd dimensions before reading it', async () => {
    const path = await editedH5(MLP, dir, 'absurd.h5', (file) => {
      const group = file.get('model_weights/dense_1/dense_1');
      if (!(group instanceof Object) || !('create_dataset' in group)) throw new Error('no group');
      const huge = group.create_dataset({ name: 'huge:0', data: new Float32Array([0]), shape: [1, 1], maxshape: [null, null], chunks: [1, 1] });
      huge.resize([1_000_000, 1_000_000]);
      const layer = file.get('model_weights/dense_1');
      if (!(layer instanceof Object) || !('create_attribute' in layer)) throw new Error('no layer');
      layer.delete_attribute('weight_names');
      layer.create_attribute('weight_names', ['dense_1/huge:0', 'dense_1/bias:0']);
    });
    const error = await failure(path);
    expect(error.message).toMatch(/weight "model_weights\/dense_1\/dense_1\/huge:0" declares shape \[1000000, 1000000\] \(4,000,000,000,000 bytes\)/);
  });

  it('refuses a weight whose shape disagrees with the config', async () => {
    const path = await editedH5(MLP, dir, 'shape.h5', (file) => {
      const group = file.get('model_weights/dense_2/dense_2');
      const layer = file.get('model_weights/dense_2');
      if (!(group instanceof Object) || !('create_dataset' in group) || !layer || !('create_attribute' in layer)) throw new Error('no group');
      group.create_dataset({ name: 'short_bias:0', data: new Float32Array(64) });
      layer.delete_attribute('weight_names');
      layer.create_attribute('weight_names', ['dense_2/kernel:0', 'dense_2/short_bias:0']);
    });
    const error = await failure(path);
    expect(error.message).toContain('weight "dense_2/short_bias" has shape [64] but layer "dense_2" needs [128] for "dense_2/bias"');
  });

  it('refuses a file missing a variable the config needs', async () => {
    const path = await editedH5(MLP, dir, 'missing.h5', (file) => {
      const weights = file.get('model_weights');
      if (!weights || !('create_attribute' in weights)) throw new Error('no model_weights');
      const names = (weights.attrs.layer_names?.json_value as string[]).filter((n) => n !== 'dense_3');
      weights.delete_attribute('layer_names');
      weights.create_attribute('layer_names', names);
    });
    const error = await failure(path);
    expect(error.message).toContain('no values for 2 variable(s) the config needs: dense_3/kernel [128, 10], dense_3/bias [10]');
  });

  it('refuses a layer listing a weight the file does not have', async () => {
    const path = await editedH5(MLP, dir, 'listed.h5', (file) => {
      const layer = file.get('model_weights/dense_1');
      if (!layer || !('create_attribute' in layer)) throw new Error('no layer');
      layer.delete_attribute('weight_names');
      layer.create_attribute('weight_names', ['dense_1/kernel:0', 'dense_1/gone:0']);
    });
    expect((await failure(path)).message).toContain('layer "dense_1" lists weight "dense_1/gone:0" but the file has no such dataset');
  });

  it('refuses Lambda and unknown layers in ONE error that says where each sits', async () => {
    const path = await editedH5(MLP, dir, 'lambda.h5', (file) => {
      const config = file.attrs.model_config?.json_value as string;
      file.delete_attribute('model_config');
      file.create_attribute(
        'model_config',
        config.replace('"class_name": "Activation"', '"class_name": "Lambda"').replace('"class_name": "Dropout"', '"class_name": "FancyDropout"'),
      );
    });
    const error = await failure(path);
    expect(error.message).toMatch(/Lambda layers hold Python code, which is never run or dropped: layer "Sequential > activation_1"/);
    expect(error.message).toMatch(/layer classes TF\.js does not know: FancyDropout \(layer "Sequential > dropout_1"\)/);
  });

  it('loads a custom layer class registered by a customLayers module', async () => {
    const path = await editedH5(MLP, dir, 'custom.h5', (file) => {
      const config = file.attrs.model_config?.json_value as string;
      file.delete_attribute('model_config');
      file.create_attribute('model_config', config.replaceAll('"class_name": "Activation"', '"class_name": "ScaledActivation"'));
    });
    expect((await failure(path)).message).toContain('ScaledActivation (layer');
    const loaded = await loadKerasModel(path, { customLayers: fixture('custom-layers.mjs') });
    const model = await tf.loadLayersModel(tf.io.fromMemory(loaded.artifacts));
    expect(model.layers.map((l) => l.getClassName())).toContain('ScaledActivation');
    model.dispose();
  });
});
