/**
 * A lower bound of the parameters a Keras / TF.js layers config declares, computed from the config alone — before
 * tfjs builds a layer, which allocates every variable (a 100 KB file saying `Dense(units=1e9)` would take gigabytes
 * before any weight is checked). A valid model's file holds exactly its parameters, so a bound above the weights
 * present, or above the size limit, proves the file hostile or broken without building anything.
 *
 * The bound is exact for the weight shapes a layer's own config fixes (Embedding, recurrent kernels) and counts an
 * unknown input width as 1; in a Sequential stack the width is carried from layer to layer where it is known.
 */

type Config = Record<string, unknown>;

/**
 * How many parameters beyond those in the file a config may declare before it is refused unbuilt (2^24: 64 MiB as
 * float32). Below it tfjs builds the model and the loader names the exact weight that disagrees.
 */
export const BUILD_SLACK_PARAMS = 2 ** 24;

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);
/** Layers whose output keeps the input's last dimension (so a Sequential stack knows the next layer's width). */
const KEEPS_WIDTH = new Set([
  'Activation',
  'Dropout',
  'BatchNormalization',
  'LayerNormalization',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'Softmax',
  'ThresholdedReLU',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'Masking',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
]);

/** Declared input shapes removed (for a layer whose last dimension is not its width). */
const NO_SHAPE = { batch_input_shape: undefined, batch_shape: undefined, batchInputShape: undefined, input_shape: undefined, inputShape: undefined };

function isConfig(value: unknown): value is Config {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-negative number from a config field (`units`, `filters`, …); 1 when absent or not a number. */
function size(config: Config, ...keys: string[]): number {
  for (const key of keys) {
    const value = config[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    if (typeof value === 'number') return Number.POSITIVE_INFINITY; // NaN/Infinity/negative: absurd on purpose
  }
  return 1;
}

function product(value: unknown): number {
  if (typeof value === 'number') return Math.max(0, value);
  if (!Array.isArray(value)) return 1;
  return value.reduce<number>((a, v) => a * (typeof v === 'number' && v >= 0 ? v : 1), 1);
}

function bias(config: Config, count: number): number {
  const use = config['use_bias'] ?? config['useBias'];
  return use === false ? 0 : count;
}

/** Last dimension of a declared input shape (`batch_input_shape`, `batch_shape`, `input_shape`), if fixed. */
function declaredWidth(config: Config): number | undefined {
  for (const key of ['batch_input_shape', 'batch_shape', 'batchInputShape', 'input_shape', 'inputShape']) {
    const shape = config[key];
    if (Array.isArray(shape) && shape.length > 0) {
      const last: unknown = shape[shape.length - 1];
      return typeof last === 'number' && last > 0 ? last : undefined;
    }
  }
  return undefined;
}

/** Lower bound of one layer's parameters, and the width (last dimension) of its output where it is known. */
function layerParams(layer: Config, width: number | undefined): { params: number; width: number | undefined } {
  const className = typeof layer['class_name'] === 'string' ? layer['class_name'] : '';
  const config = isConfig(layer['config']) ? layer['config'] : {};
  if (MODEL_CLASSES.has(className)) return { params: modelParams(layer), width: undefined };
  // Channels first: the last dimension is not the channel count, so no width is known going in or out.
  const format = config['data_format'] ?? config['dataFormat'];
  if (format === 'channels_first' || format === 'channelsFirst') {
    return { params: layerParams({ class_name: className, config: { ...config, data_format: 'unknown', ...NO_SHAPE } }, undefined).params, width: undefined };
  }
  const inWidth = declaredWidth(config) ?? width;
  const w = inWidth ?? 1;
  switch (className) {
    case 'Dense': {
      const units = size(config, 'units');
      return { params: w * units + bias(config, units), width: units };
    }
    case 'Embedding':
      return { params: size(config, 'input_dim', 'inputDim') * size(config, 'output_dim', 'outputDim'), width: size(config, 'output_dim', 'outputDim') };
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'Conv1DTranspose':
    case 'Conv2DTranspose':
    case 'Conv3DTranspose': {
      const filters = size(config, 'filters');
      return { params: product(config['kernel_size'] ?? config['kernelSize']) * w * filters + bias(config, filters), width: filters };
    }
    case 'DepthwiseConv1D':
    case 'DepthwiseConv2D': {
      const multiplier = size(config, 'depth_multiplier', 'depthMultiplier');
      return { params: product(config['kernel_size'] ?? config['kernelSize']) * w * multiplier, width: inWidth === undefined ? undefined : w * multiplier };
    }
    case 'SeparableConv1D':
    case 'SeparableConv2D': {
      const multiplier = size(config, 'depth_multiplier', 'depthMultiplier');
      const filters = size(config, 'filters');
      const kernel = product(config['kernel_size'] ?? config['kernelSize']);
      return { params: kernel * w * multiplier + w * multiplier * filters + bias(config, filters), width: filters };
    }
    case 'LSTM':
    case 'LSTMCell':
    case 'GRU':
    case 'GRUCell':
    case 'SimpleRNN':
    case 'SimpleRNNCell': {
      const gates = className.startsWith('LSTM') ? 4 : className.startsWith('GRU') ? 3 : 1;
      const units = size(config, 'units');
      return { params: gates * units * (w + units) + bias(config, gates * units), width: units };
    }
    case 'ConvLSTM2D': {
      const filters = size(config, 'filters');
      const kernel = product(config['kernel_size'] ?? config['kernelSize']);
      return { params: 4 * filters * kernel * (w + filters), width: filters };
    }
    case 'Bidirectional':
    case 'TimeDistributed':
    case 'RNN': {
      const inner = [config['layer'], config['cell'], config['forward_layer']].find(isConfig);
      if (!inner) return { params: 0, width: undefined };
      const one = layerParams(inner, inWidth);
      return className === 'Bidirectional' ? { params: 2 * one.params, width: undefined } : one;
    }
    default:
      return { params: 0, width: KEEPS_WIDTH.has(className) || className === 'InputLayer' ? inWidth : undefined };
  }
}

/** Lower bound of the parameters of a model config (`{ class_name, config: { layers } }`), nested models included. */
export function modelParams(model: unknown): number {
  if (!isConfig(model)) return 0;
  const config = model['config'];
  const layers = Array.isArray(config) ? config : isConfig(config) && Array.isArray(config['layers']) ? config['layers'] : [];
  // Only a Sequential stack passes its width from one layer to the next; a functional graph may branch and merge.
  const sequential = model['class_name'] === 'Sequential';
  let width: number | undefined;
  let total = 0;
  for (const layer of layers as unknown[]) {
    if (!isConfig(layer)) continue;
    const result = layerParams(layer, sequential ? width : undefined);
    total += result.params;
    width = result.width;
  }
  return total;
}

/** The Keras model config inside a TF.js layers topology (`{ model_config }`), or the topology itself. */
export function modelConfigOf(topology: unknown): unknown {
  return isConfig(topology) && 'model_config' in topology ? topology['model_config'] : topology;
}
