import { type Json, type JsonObject, isObject, stringAt } from './json.js';

/**
 * Layer settings that only act while training: weight and activity regularizers add loss terms, constraints
 * project weights after each optimizer step. Neither changes a prediction, and tfjs-layers knows only some of their
 * classes (`L1L2` but not Keras 2.4+'s `L2`, so a model with `kernel_regularizer=l2` fails with "Unknown
 * regularizer: L2"). docs/keras.md lists them.
 */
const TRAINING_ONLY_KEY = /^(?:[a-z]+_)*(?:regularizer|constraint)$/;

/** One dropped setting, aggregated over the layers that had it. */
export interface DroppedSetting {
  /** The config key, e.g. `kernel_regularizer`. */
  readonly key: string;
  /** The serialized class (`L2`, `MaxNorm`), or the string the config held. */
  readonly className: string;
  /** Names of the layers (or cells) it was dropped from, in config order. */
  readonly layers: readonly string[];
}

/**
 * Sets every regularizer and constraint in a model config to `null` (what Keras writes when there is none), at any
 * depth (nested models, `Bidirectional` / `TimeDistributed` wrappers, RNN cells). Pure: returns a new config and
 * what was dropped.
 */
export function dropTrainingOnly(modelConfig: Json): { readonly config: Json; readonly dropped: readonly DroppedSetting[] } {
  const found = new Map<string, { key: string; className: string; layers: string[] }>();
  const visit = (value: Json, owner: string): Json => {
    if (Array.isArray(value)) return value.map((item) => visit(item, owner));
    if (!isObject(value)) return value;
    const name = stringAt(value, 'name') ?? owner;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      if (TRAINING_ONLY_KEY.test(key) && child !== null) {
        const className = typeof child === 'string' ? child : (stringAt(child, 'class_name') ?? 'unknown');
        const id = `${key}\u0000${className}`;
        const entry = found.get(id) ?? { key, className, layers: [] };
        if (!entry.layers.includes(name)) entry.layers.push(name);
        found.set(id, entry);
        out[key] = null;
      } else {
        out[key] = visit(child, name);
      }
    }
    return out;
  };
  const config = visit(modelConfig, '(model)');
  return { config, dropped: [...found.values()] };
}

/** The report note for what {@link dropTrainingOnly} dropped; `undefined` when nothing was. */
export function droppedNote(dropped: readonly DroppedSetting[]): string | undefined {
  if (dropped.length === 0) return undefined;
  const parts = dropped.map((d) => {
    const shown = d.layers.slice(0, 3).join(', ') + (d.layers.length > 3 ? ` and ${d.layers.length - 3} more` : '');
    return `${d.key} ${d.className} (${shown})`;
  });
  return `Keras training-only settings dropped (they do not change predictions): ${parts.join('; ')}`;
}
