import { describe, expect, it } from 'vitest';
import { translateKeras3Config } from '../../../src/formats/keras/keras3-config.js';
import { toSnakeCase } from '../../../src/formats/keras/zip-model.js';

const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

describe('toSnakeCase (Keras naming.to_snake_case)', () => {
  it.each([
    ['Conv2D', 'conv2d'],
    ['MaxPooling2D', 'max_pooling2d'],
    ['LeakyReLU', 'leaky_re_lu'],
    ['BatchNormalization', 'batch_normalization'],
    ['LSTM', 'lstm'],
    ['InputLayer', 'input_layer'],
    ['GlobalAveragePooling2D', 'global_average_pooling2d'],
  ])('%s → %s', (input, expected) => {
    expect(toSnakeCase(input)).toBe(expected);
  });
});

describe('translateKeras3Config', () => {
  it.each([
    {
      what: 'InputLayer batch_shape → batch_input_shape',
      input: { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 4], dtype: 'float32', name: 'in' }, registered_name: null },
      expected: { class_name: 'InputLayer', config: { dtype: 'float32', name: 'in', batch_input_shape: [null, 4] } },
    },
    {
      what: 'DTypePolicy → dtype string; build_config dropped',
      input: { class_name: 'Dense', config: { name: 'd', dtype: policy, units: 2 }, build_config: { input_shape: [null, 3] } },
      expected: { class_name: 'Dense', config: { name: 'd', dtype: 'float32', units: 2 } },
    },
    {
      what: 'mixed precision policy → float32 variables',
      input: { class_name: 'Dense', config: { dtype: { class_name: 'DTypePolicy', config: { name: 'mixed_float16' } } } },
      expected: { class_name: 'Dense', config: { dtype: 'float32' } },
    },
    {
      what: '__tensor__ mask_value → number',
      input: { class_name: 'Masking', config: { mask_value: { class_name: '__tensor__', config: { value: [0.5], dtype: 'float32' } } } },
      expected: { class_name: 'Masking', config: { mask_value: 0.5 } },
    },
    {
      what: 'LeakyReLU negative_slope → alpha',
      input: { class_name: 'LeakyReLU', config: { name: 'l', negative_slope: 0.2 } },
      expected: { class_name: 'LeakyReLU', config: { name: 'l', alpha: 0.2 } },
    },
    {
      what: 'Flatten on rank-2 input → linear Activation',
      input: {
        class_name: 'Flatten',
        config: { name: 'f', trainable: true, dtype: 'float32', data_format: 'channels_last' },
        build_config: { input_shape: [null, 8] },
      },
      expected: { class_name: 'Activation', config: { activation: 'linear', name: 'f', trainable: true, dtype: 'float32' } },
    },
    {
      what: 'Functional nodes → Keras 2 node lists; single input_layers triple → list',
      input: {
        class_name: 'Functional',
        config: {
          name: 'm',
          layers: [
            {
              class_name: 'Add',
              name: 'add',
              config: { name: 'add' },
              inbound_nodes: [
                {
                  args: [
                    [
                      { class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: ['a', 0, 0] } },
                      { class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: ['b', 1, 0] } },
                    ],
                  ],
                  kwargs: { training: false },
                },
              ],
            },
          ],
          input_layers: ['a', 0, 0],
          output_layers: [['add', 0, 0]],
        },
      },
      expected: {
        class_name: 'Functional',
        config: {
          name: 'm',
          layers: [
            {
              class_name: 'Add',
              name: 'add',
              config: { name: 'add' },
              inbound_nodes: [
                [
                  ['a', 0, 0, { training: false }],
                  ['b', 1, 0, { training: false }],
                ],
              ],
            },
          ],
          input_layers: [['a', 0, 0]],
          output_layers: [['add', 0, 0]],
        },
      },
    },
  ])('$what', ({ input, expected }) => {
    const before = JSON.stringify(input);
    expect(translateKeras3Config(input)).toEqual(expected);
    expect(JSON.stringify(input)).toBe(before);
  });
});
