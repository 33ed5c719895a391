import type { io } from '@tensorflow/tfjs';

/** TF.js model flavours: a Keras-style layers model or a converted TensorFlow graph. */
export type TfjsFlavour = 'layers' | 'graph';

/** Where a model came from on disk; `formatOf` (src/formats/index.ts) maps it to the format that loaded it. */
export type SourceKind = TfjsSourceKind | 'tflite';

/** The source kinds whose models are held as TF.js artifacts (a TF.js model, or a Keras file / SavedModel converted to one). */
export type TfjsSourceKind = 'tfjs' | 'keras-h5' | 'keras-zip' | 'savedmodel';

/** What a loaded model is, as reports name it: a TF.js flavour, or a TFLite flatbuffer. */
export type ModelFlavour = TfjsFlavour | 'tflite';

/**
 * What a file is to its model: `manifest` (TF.js model.json: topology and weight manifest; a SavedModel's
 * saved_model.pb and variables.index), `weights` (a shard the manifest lists; a SavedModel's variables.data-*),
 * `archive` (one file holding both, a Keras `.h5` or `.keras`, a `.tflite` flatbuffer).
 */
export type FileRole = 'manifest' | 'weights' | 'archive';

/** A file that makes up a model on disk, with its size and role. */
export interface ModelFile {
  /** Absolute path. */
  readonly path: string;
  readonly bytes: number;
  readonly role: FileRole;
}

/** What every loaded model has, whatever its format. */
interface LoadedModelCommon {
  /** The model file the user named (model.json, .h5, .keras or .tflite) or SavedModel folder, absolute. */
  readonly path: string;
  /**
   * model.json and every shard (or the single Keras or TFLite file; or a SavedModel's saved_model.pb,
   * variables.index and variables.data-* files), in manifest order, each with its role.
   */
  readonly files: readonly ModelFile[];
  /** What the loader changed to make the model loadable (e.g. Keras training-only settings dropped): report notes. */
  readonly notes?: readonly string[];
}

/**
 * A model held as TF.js artifacts (a TF.js model, or a Keras file or SavedModel converted on load). `artifacts`
 * follows tfjs-core's `io.ModelArtifacts`: `weightSpecs` (the manifest entries, in order) and one `weightData`
 * buffer holding all weights back to back.
 */
export interface TfjsLoadedModel extends LoadedModelCommon {
  readonly format: TfjsFlavour;
  readonly artifacts: io.ModelArtifacts;
  readonly sourceKind: TfjsSourceKind;
}

/**
 * A TFLite (LiteRT) model: the flatbuffer's bytes, validated on load. The file is the model: what is sized, run on
 * LiteRT and written by `output:`; src/formats/tflite reads the graph from it where a stage needs one.
 */
export interface TfliteLoadedModel extends LoadedModelCommon {
  readonly format: 'tflite';
  readonly sourceKind: 'tflite';
  readonly bytes: Uint8Array;
  /** The signature measurements run (the configured one, else the model's first); absent when it has none. */
  readonly signature?: string;
}

/** A model in memory, as every stage after the load sees it; `format` tells the two kinds apart. */
export type LoadedModel = TfjsLoadedModel | TfliteLoadedModel;

/** Whether `model` is held as TF.js artifacts (every format but TFLite). */
export function isTfjsModel(model: LoadedModel): model is TfjsLoadedModel {
  return model.format !== 'tflite';
}
