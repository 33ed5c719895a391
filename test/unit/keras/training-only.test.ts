import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKerasModel } from '../../../src/formats/keras/index.js';
import type { Json } from '../../../src/formats/keras/json.js';
import { dropTrainingOnly, droppedNote } from '../../../src/formats/keras/training-only.js';
import type { TfjsLoadedModel } from '../../../src/model/types.js';
import { editedH5, fixture, scratchDir } from './fixtures.js';

/** Serialized as tf.keras 2.4+ writes `kernel_regularizer=l2(1e-4)` and `kernel_constraint=max_norm(2)`. */
const L2 = { class_name: 'L2', config: { l2: 1e-4 } };
const L1 = { class_name: 'L1', config: { l1: 1e-5 } };
const MAX_NORM = { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } };
/** The same in Keras 3's form. */
const K3_L2 = { module: 'keras.regularizers', class_name: 'L2', config: { l2: 1e-4 }, registered_name: null };
const K3_NON_NEG = { module: 'keras.constraints', class_name: 'NonNeg', config: {}, registered_name: null };

describe('dropTrainingOnly', () => {
  it.each<{ what: string; input: Json; config: Json; dropped: ReturnType<typeof dropTrainingOnly>['dropped'] }>([
    {
      what: 'nothing to drop: the config comes back equal',
      input: { class_name: 'Dense', config: { name: 'd', kernel_regularizer: null, kernel_constraint: null, units: 2 } },
      config: { class_name: 'Dense', config: { name: 'd', kernel_regularizer: null, kernel_constraint: null, units: 2 } },
      dropped: [],
    },
    {
      what: 'every regularizer and constraint key, aggregated by key and class over layers',
      input: {
        class_name: 'Sequential',
        config: {
          name: 'seq',
          layers: [
            { class_name: 'Dense', config: { name: 'a', kernel_regularizer: L2, bias_regularizer: L1, activity_regularizer: L1, kernel_constraint: MAX_NORM } },
            { class_name: 'Dense', config: { name: 'b', kernel_regularizer: L2, bias_constraint: 'non_neg' } },
            { class_name: 'SeparableConv2D', config: { name: 'c', depthwise_regularizer: L2, pointwise_constraint: MAX_NORM } },
          ],
        },
      },
      config: {
        class_name: 'Sequential',
        config: {
          name: 'seq',
          layers: [
            {
              class_name: 'Dense',
              config: { name: 'a', kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null },
            },
            { class_name: 'Dense', config: { name: 'b', kernel_regularizer: null, bias_constraint: null } },
            { class_name: 'SeparableConv2D', config: { name: 'c', depthwise_regularizer: null, pointwise_constraint: null } },
          ],
        },
      },
      dropped: [
        { key: 'kernel_regularizer', className: 'L2', layers: ['a', 'b'] },
        { key: 'bias_regularizer', className: 'L1', layers: ['a'] },
        { key: 'activity_regularizer', className: 'L1', layers: ['a'] },
        { key: 'kernel_constraint', className: 'MaxNorm', layers: ['a'] },
        { key: 'bias_constraint', className: 'non_neg', layers: ['b'] },
        { key: 'depthwise_regularizer', className: 'L2', layers: ['c'] },
        { key: 'pointwise_constraint', className: 'MaxNorm', layers: ['c'] },
      ],
    },
    {
      what: 'inside a wrapper (Bidirectional > LSTM), Keras 3 form, named after the inner layer',
      input: {
        class_name: 'Bidirectional',
        config: {
          name: 'bi',
          layer: { module: 'keras.layers', class_name: 'LSTM', config: { name: 'lstm', recurrent_regularizer: K3_L2, kernel_constraint: K3_NON_NEG } },
        },
      },
      config: {
        class_name: 'Bidirectional',
        config: {
          name: 'bi',
          layer: { module: 'keras.layers', class_name: 'LSTM', config: { name: 'lstm', recurrent_regularizer: null, kernel_constraint: null } },
        },
      },
      dropped: [
        { key: 'recurrent_regularizer', className: 'L2', layers: ['lstm'] },
        { key: 'kernel_constraint', className: 'NonNeg', layers: ['lstm'] },
      ],
    },
    {
      what: 'keys that only look alike are kept',
      input: { class_name: 'Dense', config: { name: 'd', regularizer_note: 'x', kernel_initializer: { class_name: 'GlorotUniform', config: {} } } },
      config: { class_name: 'Dense', config: { name: 'd', regularizer_note: 'x', kernel_initializer: { class_name: 'GlorotUniform', config: {} } } },
      dropped: [],
    },
  ])('$what', ({ input, config, dropped }) => {
    const before = JSON.stringify(input);
    const result = dropTrainingOnly(input);
    expect(result.config).toEqual(config);
    expect(result.dropped).toEqual(dropped);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('the note names key, class and layers, shortening long lists', () => {
    expect(droppedNote([])).toBeUndefined();
    expect(droppedNote([{ key: 'kernel_regularizer', className: 'L2', layers: ['c1', 'c2', 'c3', 'c4', 'c5'] }])).toBe(
      'Keras training-only settings dropped (they do not change predictions): kernel_regularizer L2 (c1, c2, c3 and 2 more)',
    );
  });
});

/** The model's prediction on a fixed input, through the stock tfjs loader. */
async function predict(loaded: TfjsLoadedModel, input: tf.Tensor): Promise<Float32Array> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(loaded.artifacts));
  const out = model.predict(input) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  out.dispose();
  model.dispose();
  return values;
}

/** Adds the settings to every layer config of a class in a Keras model config. */
function withSettings(config: Json, className: string, settings: Record<string, Json>): Json {
  type Layer = { class_name: string; config: Record<string, Json> };
  const parsed = JSON.parse(JSON.stringify(config)) as { config: Layer[] | { layers: Layer[] } };
  // Keras <= 2.2 writes a Sequential's config as the layer list itself.
  const layers = Array.isArray(parsed.config) ? parsed.config : parsed.config.layers;
  for (const layer of layers) if (layer.class_name === className) Object.assign(layer.config, settings);
  return parsed;
}

describe('authentic Keras files with training-only settings load, predicting as without them', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('Keras 2 HDF5 (tf.keras 2.4+ serialization: "Unknown regularizer: L2" before)', async () => {
    const dir = scratchDir();
    const edited = await editedH5(fixture('k2-mlp-sequential.h5'), dir, 'regularized.h5', (file) => {
      const config = JSON.parse(String(file.attrs.model_config?.json_value)) as Json;
      file.delete_attribute('model_config');
      file.create_attribute(
        'model_config',
        JSON.stringify(withSettings(config, 'Dense', { kernel_regularizer: L2, bias_regularizer: L1, kernel_constraint: MAX_NORM })),
      );
    });
    const loaded = await loadKerasModel(edited);
    expect(loaded.notes).toEqual([
      // In the config's key order: Keras 2.2 writes kernel_constraint before the regularizers.
      'Keras training-only settings dropped (they do not change predictions): kernel_constraint MaxNorm (dense_1, dense_2, dense_3); ' +
        'bias_regularizer L1 (dense_1, dense_2, dense_3); kernel_regularizer L2 (dense_1, dense_2, dense_3)',
    ]);
    const input = tf.randomUniform([2, 784], 0, 1, 'float32', 3);
    expect(await predict(loaded, input)).toEqual(await predict(await loadKerasModel(fixture('k2-mlp-sequential.h5')), input));
    input.dispose();
  });

  it('Keras 3 .keras archive (module/registered_name form)', async () => {
    const entries = unzipSync(readFileSync(fixture('k3-mlp-leakyrelu-sequential.keras')));
    const config = JSON.parse(strFromU8(entries['config.json'] ?? new Uint8Array())) as Json;
    const path = join(scratchDir(), 'regularized.keras');
    writeFileSync(
      path,
      zipSync({
        ...entries,
        'config.json': strToU8(JSON.stringify(withSettings(config, 'Dense', { kernel_regularizer: K3_L2, bias_constraint: K3_NON_NEG }))),
      }),
    );
    const loaded = await loadKerasModel(path);
    expect(loaded.notes?.[0]).toMatch(
      /^Keras training-only settings dropped .*: kernel_regularizer L2 \(dense, dense_1, dense_2 and 1 more\); bias_constraint NonNeg/,
    );
    const input = tf.randomUniform([3, 2], -1, 1, 'float32', 5);
    expect(await predict(loaded, input)).toEqual(await predict(await loadKerasModel(fixture('k3-mlp-leakyrelu-sequential.keras')), input));
    input.dispose();
  });

  it('a file without any says nothing', async () => {
    expect((await loadKerasModel(fixture('k2-mlp-sequential.h5'))).notes).toBeUndefined();
  });
});
