import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import h5wasm from 'h5wasm/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { withHdf5 } from '../../../src/formats/keras/hdf5.js';
import { loadKerasModel } from '../../../src/formats/keras/index.js';
import { editedH5, fixture, scratchDir } from './fixtures.js';

const dir = scratchDir();
const MLP = fixture('k2-mlp-sequential.h5');

/**
 * Another HDF5 file on disk holding a float dataset shaped like the MLP's dense_1 bias, filled with 7s. Written
 * with h5wasm's Node build, whose file system is the real one, straight into the scratch folder.
 */
async function secretFile(): Promise<string> {
  await h5wasm.ready;
  const out = join(dir, 'secret.h5');
  const file = new h5wasm.File(out, 'w');
  file.create_dataset({ name: 'secret', data: new Float32Array(128).fill(7) });
  file.close();
  return out;
}

async function failure(path: string): Promise<ModelLoadError> {
  const error = await loadKerasModel(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ModelLoadError)) throw new Error(`expected a ModelLoadError, got ${String(error)}`);
  return error;
}

describe('HDF5 files that point at other files', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('refuses a weight that is an external link to another file, naming where it sits', async () => {
    const secret = await secretFile();
    const path = await editedH5(MLP, dir, 'external-link.h5', (file) => {
      const group = file.get('model_weights/dense_1/dense_1');
      const layer = file.get('model_weights/dense_1');
      if (!group || !('create_external_link' in group) || !layer || !('create_attribute' in layer)) throw new Error('no group');
      group.create_external_link(secret, '/secret', 'leak:0');
      layer.delete_attribute('weight_names');
      layer.create_attribute('weight_names', ['dense_1/kernel:0', 'dense_1/leak:0']);
    });
    const error = await failure(path);
    expect(error.message).toContain('"/model_weights/dense_1/dense_1/leak:0" in the HDF5 file is an external link to another file');
    expect(error.message).not.toContain('secret');
  });

  it('refuses a soft link (Keras writes none; it could alias any dataset)', async () => {
    const path = await editedH5(MLP, dir, 'soft-link.h5', (file) => {
      const group = file.get('model_weights/dense_1/dense_1');
      const layer = file.get('model_weights/dense_1');
      if (!group || !('create_soft_link' in group) || !layer || !('create_attribute' in layer)) throw new Error('no group');
      group.create_soft_link('/model_weights/dense_2/dense_2/bias:0', 'alias:0');
      layer.delete_attribute('weight_names');
      layer.create_attribute('weight_names', ['dense_1/kernel:0', 'dense_1/alias:0']);
    });
    expect((await failure(path)).message).toContain('"/model_weights/dense_1/dense_1/alias:0" in the HDF5 file is a soft link');
  });

  it('lets HDF5 open no file but the one it was given, whatever path inside the library asks (external storage, virtual datasets)', async () => {
    const secret = await secretFile();
    const path = await editedH5(MLP, dir, 'guarded.h5', (file) => {
      file.create_external_link(secret, '/secret', 'outside');
    });
    const bytes = new Uint8Array(readFileSync(path));
    let seen: unknown;
    const error = await withHdf5(bytes, path, (root) => {
      // Follows the link the way a dataset's external storage would be followed: inside the HDF5 library.
      seen = root.get('outside');
      return 'read';
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(seen).not.toBeInstanceOf(h5wasm.Dataset);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).message).toContain('the HDF5 file refers to another file');
  });

  it('still reads the unedited file (the guard lets its own file through)', async () => {
    const model = await loadKerasModel(MLP);
    expect(model.artifacts.weightSpecs?.length).toBeGreaterThan(0);
  });
});
