import type { io } from '@tensorflow/tfjs';

/** TF.js model flavours: a Keras-style layers model or a converted TensorFlow graph. */
export type ModelFormat = 'layers' | 'graph';

/** Where a model came from on disk. */
export type SourceKind = 'tfjs' | 'keras-h5' | 'keras-zip';

/** A file that makes up a model on disk, with its size. */
export interface ModelFile {
  /** Absolute path. */
  readonly path: string;
  readonly bytes: number;
}

/**
 * A model in memory, as every stage after `model/` sees it. `artifacts` follows tfjs-core's `io.ModelArtifacts`:
 * `weightSpecs` (the manifest entries, in order) and one `weightData` buffer holding all weights back to back.
 */
export interface LoadedModel {
  readonly format: ModelFormat;
  readonly artifacts: io.ModelArtifacts;
  /** The model file the user named (model.json, .h5 or .keras), absolute. */
  readonly path: string;
  readonly sourceKind: SourceKind;
  /** model.json and every shard (or the single Keras file), in manifest order. */
  readonly files: readonly ModelFile[];
  /** What the loader changed to make the model loadable (e.g. Keras training-only settings dropped): report notes. */
  readonly notes?: readonly string[];
}
