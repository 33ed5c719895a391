import { type Json, type JsonObject, arrayAt, isObject, objectAt, stringAt } from './json.js';

/** Keys Keras 3 adds around a serialized object that tfjs-layers does not read (and some that it chokes on). */
const KERAS3_ONLY_KEYS = new Set(['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id']);

/**
 * Rewrites a Keras 3 (or tf.keras 2.13+ `.keras`) model config into the Keras 2 form that tfjs-layers 4.x
 * deserializes. Pure: returns a new value. What changes, and why:
 * - `module` / `registered_name` / `build_config` / `compile_config` / `shared_object_id` are dropped;
 * - a `DTypePolicy` object becomes its dtype string (`mixed_*` policies keep float32 variables, so → `float32`);
 * - a `__tensor__` value becomes its plain value (a one-element list becomes a number, e.g. Masking's `mask_value`);
 * - `InputLayer.batch_shape` becomes `batch_input_shape` (tfjs requires one of its own names);
 * - `LeakyReLU.negative_slope` becomes `alpha`;
 * - a `Flatten` built on rank-2 input (a no-op in Keras, refused by tfjs) becomes a linear `Activation`;
 * - Functional `inbound_nodes` (`{args, kwargs}` with `__keras_tensor__` history) become Keras 2 node lists, and
 *   a single `input_layers` / `output_layers` triple becomes a list of one.
 * A Keras 2 config passes through unchanged apart from the dropped keys.
 */
export function translateKeras3Config(value: Json): Json {
  if (Array.isArray(value)) return value.map(translateKeras3Config);
  if (!isObject(value)) return value;
  const className = stringAt(value, 'class_name');
  if (className === '__tensor__') return tensorValue(objectAt(value, 'config')?.value ?? null);
  if (className !== undefined && /DTypePolicy$|^Policy$/.test(className)) return policyDtype(value);
  if (className === 'Flatten' && arrayAt(objectAt(value, 'build_config'), 'input_shape')?.length === 2) {
    return translateKeras3Config(identityFor(value));
  }
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (className !== undefined && KERAS3_ONLY_KEYS.has(key)) continue;
    out[key] = translateKeras3Config(child);
  }
  const config = objectAt(out, 'config');
  if (config && className === 'InputLayer' && config.batch_shape !== undefined) {
    const { batch_shape: batchShape, ...rest } = config;
    out.config = { ...rest, batch_input_shape: batchShape ?? null };
  }
  if (config && className === 'LeakyReLU' && config.negative_slope !== undefined) {
    const { negative_slope: slope, ...rest } = config;
    out.config = { ...rest, alpha: slope ?? 0.3 };
  }
  if (Array.isArray(value.inbound_nodes)) out.inbound_nodes = value.inbound_nodes.map(translateNode);
  if (config) {
    for (const key of ['input_layers', 'output_layers']) {
      const list = arrayAt(config, key);
      if (list && typeof list[0] === 'string') config[key] = [list];
    }
  }
  return out;
}

function identityFor(flatten: JsonObject): JsonObject {
  const config = objectAt(flatten, 'config') ?? {};
  const kept: JsonObject = { activation: 'linear' };
  for (const key of ['name', 'trainable', 'dtype']) if (config[key] !== undefined) kept[key] = config[key] ?? null;
  const { build_config: _dropped, ...rest } = flatten;
  return { ...rest, class_name: 'Activation', config: kept };
}

function tensorValue(value: Json): Json {
  return Array.isArray(value) && value.length === 1 ? (value[0] ?? null) : value;
}

function policyDtype(policy: JsonObject): string {
  const name = stringAt(objectAt(policy, 'config'), 'name') ?? 'float32';
  return name.startsWith('mixed_') ? 'float32' : name;
}

/** One Keras 3 call node `{args, kwargs}` → a Keras 2 node `[[layer, node, tensor, kwargs], …]`. */
function translateNode(node: Json): Json {
  if (!isObject(node) || !Array.isArray(node.args)) return translateKeras3Config(node);
  const inputs: Json[] = [];
  collectTensors(node.args, inputs);
  const kwargs: JsonObject = {};
  for (const [key, child] of Object.entries(objectAt(node, 'kwargs') ?? {})) {
    // Tensors passed by keyword (initial_state, mask…) travel as extra inputs in the Keras 2 form.
    if (collectTensors(child, inputs) === 0) kwargs[key] = translateKeras3Config(child);
  }
  return inputs.map((history) => (Array.isArray(history) ? [...history.slice(0, 3), kwargs] : history));
}

function collectTensors(value: Json, into: Json[]): number {
  if (Array.isArray(value)) return value.reduce<number>((n, item) => n + collectTensors(item, into), 0);
  if (!isObject(value)) return 0;
  if (stringAt(value, 'class_name') === '__keras_tensor__') {
    into.push(arrayAt(objectAt(value, 'config'), 'keras_history') ?? []);
    return 1;
  }
  return 0;
}
