import { describe, expect, it } from 'vitest';
import { modelConfigOf, modelParams } from '../../../src/formats/tfjs/declared-params.js';

const seq = (...layers: object[]) => ({ class_name: 'Sequential', config: { name: 's', layers } });
const layer = (class_name: string, config: object) => ({ class_name, config });

describe('modelParams: a lower bound of the parameters a layers config declares, from the config alone', () => {
  it.each([
    {
      what: 'Dense after a declared input: exact',
      model: seq(layer('InputLayer', { batch_shape: [null, 784] }), layer('Dense', { units: 10 })),
      expected: 784 * 10 + 10,
    },
    { what: 'Dense without bias', model: seq(layer('Dense', { units: 10, use_bias: false, batch_input_shape: [null, 4] })), expected: 40 },
    {
      what: 'a Dense stack carries its width',
      model: seq(layer('Dense', { units: 8, batch_input_shape: [null, 4] }), layer('Dropout', {}), layer('Dense', { units: 2 })),
      expected: 4 * 8 + 8 + 8 * 2 + 2,
    },
    { what: 'Flatten forgets the width (counted as 1)', model: seq(layer('Flatten', {}), layer('Dense', { units: 3 })), expected: 3 + 3 },
    {
      what: 'Conv2D: kernel × channels × filters + bias',
      model: seq(layer('Conv2D', { filters: 16, kernel_size: [3, 3], batch_input_shape: [null, 28, 28, 3] })),
      expected: 3 * 3 * 3 * 16 + 16,
    },
    {
      what: 'channels_first: the last dimension is not the channel count',
      model: seq(layer('Conv2D', { filters: 16, kernel_size: [3, 3], data_format: 'channels_first', batch_input_shape: [null, 3, 28, 28] })),
      expected: 3 * 3 * 16 + 16,
    },
    { what: 'Embedding is exact', model: seq(layer('Embedding', { input_dim: 1000, output_dim: 64 })), expected: 64_000 },
    {
      what: 'LSTM: 4 gates, recurrent kernel exact',
      model: seq(layer('LSTM', { units: 32, batch_input_shape: [null, 10, 8] })),
      expected: 4 * 32 * (8 + 32) + 4 * 32,
    },
    {
      what: 'Bidirectional doubles its layer',
      model: seq(layer('Bidirectional', { layer: layer('GRU', { units: 4 }) })),
      expected: 2 * (3 * 4 * (1 + 4) + 12),
    },
    { what: 'nested models count', model: { class_name: 'Functional', config: { layers: [seq(layer('Dense', { units: 5 }))] } }, expected: 10 },
    { what: 'units = 1e9 is at least 2e9', model: seq(layer('Dense', { units: 1e9 })), expected: 2e9 },
    { what: 'a negative or non-finite size is absurd', model: seq(layer('Dense', { units: -1 })), expected: Number.POSITIVE_INFINITY },
    { what: 'unknown layers count 0', model: seq(layer('MyLayer', { units: 1e12 })), expected: 0 },
    { what: 'not a model', model: 'nonsense', expected: 0 },
  ])('$what', ({ model, expected }) => {
    expect(modelParams(model)).toBe(expected);
  });

  it('finds the model config inside a TF.js layers topology', () => {
    const model = seq(layer('Dense', { units: 1 }));
    expect(modelConfigOf({ model_config: model })).toBe(model);
    expect(modelConfigOf(model)).toBe(model);
  });
});
