import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeasureError, ModelLoadError } from '../../../src/errors.js';
import { loadSamples } from '../../../src/measure/samples/load.js';
import { encodeNpy } from '../../../src/measure/samples/npy.js';
import { modelParams } from '../../../src/formats/tfjs/declared-params.js';
import { loadAsTfjs } from '../../../src/formats/index.js';
import { editedH5, fixture } from '../../unit/keras/fixtures.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mb-hostile-'));
}

async function refusal<T extends Error>(work: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`);
  return error;
}

/** A tfjs layers model.json: one Dense layer declaring `units`, with the weights of a 4→2 Dense in its manifest. */
async function layersModel(dir: string, units: number): Promise<string> {
  const modelTopology = {
    class_name: 'Sequential',
    config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units, use_bias: true, batch_input_shape: [null, 4] } }] },
  };
  const weights = [
    { name: 'd/kernel', shape: [4, 2], dtype: 'float32' },
    { name: 'd/bias', shape: [2], dtype: 'float32' },
  ];
  await writeFile(join(dir, 'w.bin'), new Uint8Array(40));
  const path = join(dir, 'model.json');
  await writeFile(
    path,
    JSON.stringify({ format: 'layers-model', modelTopology: { model_config: modelTopology }, weightsManifest: [{ paths: ['w.bin'], weights }] }),
  );
  return path;
}

describe('small files that would take gigabytes or block forever are refused before they do', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('refuses a .keras whose Dense declares 1e17 units (1e9 is refused the same way), from the config alone, before tfjs builds anything', async () => {
    const dir = await scratch();
    const entries = unzipSync(readFileSync(fixture('k3-mlp-leakyrelu-sequential.keras')));
    const config = JSON.parse(strFromU8(entries['config.json'] ?? new Uint8Array())) as {
      config: { layers: { class_name: string; config: { units?: number } }[] };
    };
    const dense = config.config.layers.find((l) => l.class_name === 'Dense');
    if (!dense) throw new Error('no Dense layer');
    // Far past what any allocation can take, so that tfjs fails fast instead of filling memory if the check is gone.
    dense.config.units = 1e17;
    const path = join(dir, 'bomb.keras');
    await writeFile(path, zipSync({ ...entries, 'config.json': strToU8(JSON.stringify(config)) }));
    const error = await refusal(loadAsTfjs(path), ModelLoadError);
    expect(error.message).toMatch(/its layer configs declare at least [\d,]+ parameters but the file holds [\d,]+ weight values/);
  });

  it('refuses a TF.js layers model.json whose config declares far more than its manifest holds', async () => {
    const dir = await scratch();
    const error = await refusal(loadAsTfjs(await layersModel(dir, 3e9)), ModelLoadError);
    expect(error.message).toMatch(/declare at least 15,000,000,000 parameters but the manifest holds 10/);
    // The same file with the honest width loads.
    expect((await loadAsTfjs(await layersModel(dir, 2))).format).toBe('layers');
  });

  it('refuses a config whose parameters fit the file but not limits.model-size', async () => {
    const dir = await scratch();
    // 1e6 units is within what tfjs would build before naming the bad weight, but not within a 1 MB limit.
    const error = await refusal(loadAsTfjs(await layersModel(dir, 1e6), { maxBytes: 1e6 }), ModelLoadError);
    expect(error.message).toMatch(/declare at least 5,000,000 parameters \(20,000,000 bytes as float32\), over limits\.model-size \(1,000,000 bytes\)/);
  });

  it('refuses an HDF5 weight whose declared data is mostly unwritten chunks (a few KB that read back as MBs)', async () => {
    const dir = await scratch();
    const path = await editedH5(fixture('k2-mlp-sequential.h5'), dir, 'sparse.h5', (file) => {
      const group = file.get('model_weights/dense_1/dense_1');
      const layer = file.get('model_weights/dense_1');
      if (!group || !('create_dataset' in group) || !layer || !('create_attribute' in layer)) throw new Error('no group');
      const sparse = group.create_dataset({ name: 'sparse:0', data: new Float32Array([0]), shape: [1, 1], maxshape: [null, null], chunks: [64, 64] });
      sparse.resize([2048, 1024]);
      layer.delete_attribute('weight_names');
      layer.create_attribute('weight_names', ['dense_1/sparse:0', 'dense_1/bias:0']);
    });
    const error = await refusal(loadAsTfjs(path), ModelLoadError);
    expect(error.message).toMatch(
      /weight "model_weights\/dense_1\/dense_1\/sparse:0" declares shape \[2048, 1024\] \(8,388,608 bytes\) but is stored uncompressed in an HDF5 file of [\d,]+ bytes/,
    );
  });

  it('refuses shards over limits.model-size from their sizes on disk, before reading a byte (sparse files)', async () => {
    const dir = await scratch();
    await cp(example, join(dir, 'net'), { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, 'net', 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    const shard = join(dir, 'net', manifest.weightsManifest[0]?.paths[0] ?? '');
    await truncate(shard, 64 * 1024 ** 2);
    const error = await refusal(loadAsTfjs(join(dir, 'net', 'model.json'), { maxBytes: 16 * 1024 ** 2 }), ModelLoadError);
    expect(error.message).toMatch(
      /model\.json and its shards come to [\d,]+ bytes or more, over limits\.model-size \(16,777,216 bytes\); refused before reading the shards/,
    );
    // The default limit (1 GiB) refuses a 1.75 GiB all-zero shard the same way, without allocating it.
    await truncate(shard, 1.75 * 1024 ** 3);
    expect((await refusal(loadAsTfjs(join(dir, 'net', 'model.json')), ModelLoadError)).message).toMatch(/over limits\.model-size \(1,073,741,824 bytes\)/);
  });

  it('refuses a FIFO as the model, a model.json or a Keras file, instead of blocking forever', async () => {
    const dir = await scratch();
    const fifo = join(dir, 'model.json');
    execFileSync('mkfifo', [fifo]);
    expect((await refusal(loadAsTfjs(fifo), ModelLoadError)).message).toMatch(/model\.json is a FIFO \(named pipe\), not a regular file; refused/);
    const keras = await import('../../../src/formats/keras/index.js');
    expect((await refusal(keras.loadKerasModel(fifo), ModelLoadError)).message).toMatch(/the model file is a FIFO \(named pipe\)/);
  });

  it('never quotes the file when model.json is not JSON (it may be a secret the path was pointed at)', async () => {
    const dir = await scratch();
    const path = join(dir, 'model.json');
    await writeFile(path, 'root:x:0:0:root:/root:/bin/bash\n');
    const error = await refusal(loadAsTfjs(path), ModelLoadError);
    expect(error.message).toMatch(/model\.json is not valid JSON/);
    expect(error.message).not.toContain('root:x');
    expect(error.cause).toBeUndefined();
  });

  describe('samples', () => {
    const specs = [{ name: 'x', shape: [null, 4], dtype: 'float32' as const }];

    it('refuses a sample symlinked to /dev/zero and a FIFO sample, without reading them', async () => {
      const dir = await scratch();
      await symlink('/dev/zero', join(dir, 'zero.npy'));
      execFileSync('mkfifo', [join(dir, 'fifo.npy')]);
      for (const [name, kind] of [
        ['zero.npy', 'a device'],
        ['fifo.npy', 'a FIFO'],
      ] as const) {
        const error = await refusal(loadSamples({ specs, npy: { x: join(dir, name) } }), MeasureError);
        expect(error.message).toContain(`${name} is ${kind}`);
      }
    });

    it('caps a sample file at limits.sample-size', async () => {
      const dir = await scratch();
      await writeFile(join(dir, 'big.npy'), encodeNpy([64, 4], new Float32Array(256)));
      const error = await refusal(loadSamples({ specs, npy: { x: join(dir, 'big.npy') }, maxFileBytes: 512 }), MeasureError);
      expect(error.message).toMatch(/is 1,152 bytes, over the limit of 512 bytes; refused \(limits\.sample-size\)/);
    });

    it('refuses an image in the sample folder that is a symlink out of it', async () => {
      const dir = await scratch();
      await mkdir(join(dir, 'images'));
      await writeFile(join(dir, 'outside.png'), new Uint8Array(8));
      await symlink(join(dir, 'outside.png'), join(dir, 'images', 'a.png'));
      const image = [{ name: 'img', shape: [1, 2, 2, 3], dtype: 'float32' as const }];
      const error = await refusal(loadSamples({ specs: image, images: { dir: join(dir, 'images') } }), MeasureError);
      expect(error.message).toMatch(/images\/a\.png is a symbolic link that leads out of its folder/);
    });
  });
});

describe('the declared-parameter bound never exceeds a real model', () => {
  it.each([
    'k2-mlp-sequential.h5',
    'k2-cnn-batchnorm-sequential.h5',
    'k2-cnn-maxpool-prelu-multioutput.h5',
    'k2-embedding-lstm-sequential.h5',
    'k2-lstm-bidirectional-multi-io.h5',
    'k3-legacy-cnn-sequential.h5',
    'k3-cnn-sequential.keras',
    'k3-masking-lstm-sequential.keras',
    'k3-mlp-leakyrelu-sequential.keras',
    'k2.15-mlp-sequential.keras',
  ])('%s: bound ≤ weights it holds, and the bound is not trivially 0', async (name) => {
    const model = await loadAsTfjs(fixture(name));
    const held = (model.artifacts.weightSpecs ?? []).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    const topology = model.artifacts.modelTopology as { model_config: unknown };
    const bound = modelParams(topology.model_config);
    expect(bound).toBeLessThanOrEqual(held);
    expect(bound).toBeGreaterThan(0);
  });
});
