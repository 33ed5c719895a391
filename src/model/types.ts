import type { io } from '@tensorflow/tfjs';

/** TF.js model flavours: a Keras-style layers model or a converted TensorFlow graph. */
export type TfjsFlavour = 'layers' | 'graph';

/** Where a model came from on disk; `formatOf` (src/formats/index.ts) maps it to the format that loaded it. */
export type SourceKind = 'tfjs' | 'keras-h5' | 'keras-zip' | 'savedmodel';

/**
 * What a file is to its model: `manifest` (TF.js model.json: topology and weight manifest; a SavedModel's
 * saved_model.pb and variables.index), `weights` (a shard the manifest lists; a SavedModel's variables.data-*),
 * `archive` (one file holding both, a Keras `.h5` or `.keras`).
 */
export type FileRole = 'manifest' | 'weights' | 'archive';

/** A file that makes up a model on disk, with its size and role. */
export interface ModelFile {
  /** Absolute path. */
  readonly path: string;
  readonly bytes: number;
  readonly role: FileRole;
}

/**
 * A model in memory, as every stage after `model/` sees it. `artifacts` follows tfjs-core's `io.ModelArtifacts`:
 * `weightSpecs` (the manifest entries, in order) and one `weightData` buffer holding all weights back to back.
 */
export interface LoadedModel {
  readonly format: TfjsFlavour;
  readonly artifacts: io.ModelArtifacts;
  /** The model file the user named (model.json, .h5 or .keras) or SavedModel folder, absolute. */
  readonly path: string;
  readonly sourceKind: SourceKind;
  /**
   * model.json and every shard (or the single Keras file; or a SavedModel's saved_model.pb, variables.index and
   * variables.data-* files), in manifest order, each with its role.
   */
  readonly files: readonly ModelFile[];
  /** What the loader changed to make the model loadable (e.g. Keras training-only settings dropped): report notes. */
  readonly notes?: readonly string[];
}
