import { problem, type Problem } from '../../errors.js';
import type { Json } from './json.js';

/** One weight as stored in the Keras file, in the file's order for its layer. */
export interface FileWeight {
  /** Where it sits in the file: the `weight_names` entry without `:0`, or a `.keras` variable path. */
  readonly fileName: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** The weights of one layer (a path of layer names when nested models are involved). */
export interface LayerWeights {
  readonly layerPath: readonly string[];
  readonly weights: readonly FileWeight[];
}

/** What a Keras reader hands to the assembler: a tfjs-ready config plus weights grouped by layer. */
export interface KerasSource {
  readonly kerasVersion: string;
  readonly backend: string;
  /** Config as tfjs-layers deserializes it (class names translated, Keras 3 rewritten). */
  readonly modelConfig: Json;
  readonly trainingConfig: Json | undefined;
  /** Layers in manifest order. */
  readonly layers: readonly LayerWeights[];
  /**
   * `file`: keep the file's weight names where tfjs resolves them (what the Python converter writes, Keras 2 HDF5);
   * `tfjs`: name each weight after the tfjs variable it fills (Keras 3, whose files name weights by position).
   */
  readonly naming: 'file' | 'tfjs';
}

/** Class renames the Python converter applies (tf 1.13-era serializations). */
const CLASS_NAME_MAP: Readonly<Record<string, string>> = {
  BatchNormalizationV1: 'BatchNormalization',
  UnifiedGRU: 'GRU',
  UnifiedLSTM: 'LSTM',
};

/** Applies {@link CLASS_NAME_MAP} to every `class_name` in a config. Pure. */
export function translateClassNames(value: Json): Json {
  if (Array.isArray(value)) return value.map(translateClassNames);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, Json> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = key === 'class_name' && typeof child === 'string' ? (CLASS_NAME_MAP[child] ?? child) : translateClassNames(child);
  }
  return out;
}

/** Parses a JSON config stored in a Keras file, naming the file on failure. */
export function parseConfigJson(text: string, what: string, file: string, onError: (found: Problem, cause: unknown) => Error): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw onError(problem('keras/config-not-json', { file, what }), error);
  }
}
