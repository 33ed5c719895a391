/**
 * The seam every model format plugs into. A format is one folder under `src/formats/<name>/` exporting one
 * `ModelFormat`, and one line in the registry (`src/formats/index.ts`); nothing else in the pipeline names it.
 */
import { isTfjsModel, type FileRole, type LoadedModel, type ModelFile, type SourceKind, type TfjsLoadedModel, type TfliteLoadedModel } from '../model/types.js';
import type { FlopsOptions, FlopsReport } from './cost.js';
import { declaredInputNames } from './tfjs/inputs.js';
import { storedWeights } from './tfjs/manifest.js';

/** The compression techniques by name (`compress:` keys), in the order `compressModel` runs them (`TECHNIQUE_NAMES`). */
export const COMPRESSIONS = ['optimize', 'fold-batchnorm', 'prune-channels', 'prune', 'quantize', 'auto'] as const;
export type CompressionName = (typeof COMPRESSIONS)[number];

/**
 * What detection looks at: the path the user named and the file's first bytes (at most {@link PROBE_BYTES}); for a
 * folder, the names in it instead (and an empty `head`).
 */
export interface FileProbe {
  /** Absolute path of the model file or folder (a repository path, posix, when the probe comes from a git commit). */
  readonly path: string;
  readonly head: Uint8Array;
  /** Set when `path` is a folder: the names of the entries directly in it. File formats claim no folder. */
  readonly entries?: readonly string[];
}

/** Bytes of a model file read for detection. */
export const PROBE_BYTES = 8;

export interface LoadOptions {
  /** A JS module registering custom layers (used by the Keras loader). */
  readonly customLayers?: string;
  /** The SavedModel signature to convert (config key `signature`); default `serving_default`. */
  readonly signature?: string;
  /**
   * Most bytes one model may make us read or allocate (`limits.model-size`): its files on disk together, a Keras
   * archive inflated, the weights an HDF5 file or the layer configs declare. Default 1 GiB.
   */
  readonly maxBytes?: number;
}

/** A file as it is served (what sizes measure), in memory. */
export interface ServedFile {
  /** File name relative to the model's folder. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly role: FileRole;
}

/** One stored weight of a model, as its format keeps it. */
export interface StoredWeight {
  readonly name: string;
  readonly shape: readonly number[];
  /** Storage dtype (`float32`, `uint8`, `float16`, `int8`, …). */
  readonly dtype: string;
  readonly bytes: number;
}

/** A model serialized exactly as `output:` writes it. */
export interface SerializedModel {
  readonly files: readonly ServedFile[];
}

export interface SaveOptions {
  /** Bytes per shard file; default 4 MiB like the converter. */
  readonly shardBytes?: number;
  /** Written as `convertedBy` in model.json. */
  readonly convertedBy?: string;
  /** A folder the output must stay inside once symbolic links are followed (the repository). */
  readonly within?: string;
  /** Paths the output must not be, hold or lie inside once symbolic links are followed (the source models' files). */
  readonly protect?: readonly string[];
}

/**
 * One model format: how to recognise its files, load them (every limit and hostile-input check inside `load`),
 * list the files a model is made of, write it back, and count its cost. A loaded model names its format through
 * `LoadedModel.sourceKind`, which the registry maps back to the format (`formatOf`).
 */
export interface ModelFormat<M extends LoadedModel = LoadedModel> {
  /** Short name, as messages and docs use it (`tfjs`, `keras`). */
  readonly name: string;
  /** The `sourceKind`s this format's `load` returns. */
  readonly sourceKinds: readonly SourceKind[];
  /** Set when a model of this format has signatures to choose from (`LoadOptions.signature`); others refuse one. */
  readonly hasSignatures?: true;
  /** Whether the file is this format's, judged from its content (and name). Called once, by the registry. */
  detect(probe: FileProbe): boolean;
  /**
   * Loads and validates the model at `path` (absolute), reading at most `options.maxBytes` in all.
   * @throws ModelLoadError naming the file and the fix, before weights are allocated where the check can be made.
   */
  load(path: string, options: LoadOptions): Promise<M>;
  /** The files the model was loaded from, with their roles, in the order a browser would fetch them. */
  files(model: M): readonly ModelFile[];
  /**
   * The other files a model file names (TF.js: the shards its manifest lists), as posix paths relative to the
   * repository, read from the file's bytes without loading it; unsafe entries are left out (`load` reports them).
   * Used to copy a model out of a git commit. `path` is the model file's repository path (posix). For a folder
   * model, `bytes` is empty and `entries` lists the files under the folder in the commit (posix paths relative to it,
   * subfolders included).
   */
  companions(bytes: Uint8Array, path: string, entries?: readonly string[]): readonly string[];
  /**
   * Size on disk as Git LFS pointers say the real files are, when some of the model's files are pointers;
   * `undefined` when none is, or when it cannot be known.
   */
  lfsSize(path: string): Promise<number | undefined>;
  /** The model as it is served: the files on disk for an `unchanged` model that has them, else `serialize`'s files. */
  served(model: M, unchanged: boolean): Promise<readonly Pick<ServedFile, 'bytes' | 'role'>[]>;
  /** The files `output:` writes, in memory. */
  serialize(model: M, options?: SaveOptions): SerializedModel;
  /** Writes `serialize`'s files into `dir` (created, or replacing an earlier save; see SaveOptions for the guards); returns what it wrote. */
  save(model: M, dir: string, options?: SaveOptions): Promise<readonly ModelFile[]>;
  /** FLOPs, MACs and parameters for one inference at the given input shapes. */
  cost(model: M, options: FlopsOptions): Promise<FlopsReport>;
  /** The input names the model declares (the config's `inputs` names are checked against them). */
  inputNames(model: M): readonly string[];
  /** Every stored weight with its storage dtype and bytes: the report's weight table and the weight changes. */
  weights(model: M): readonly StoredWeight[];
  /** The compression techniques that apply to this format's models. */
  readonly compressions: readonly CompressionName[];
}

/**
 * A format written over its own kind of model (`M`: TF.js artifacts, or TFLite bytes), as the registry holds every
 * format: the registry hands a model only to the format whose `sourceKinds` name it, so another kind here is a bug.
 */
export function defineFormat<M extends LoadedModel>(owns: (model: LoadedModel) => model is M, format: ModelFormat<M>): ModelFormat {
  const own = (model: LoadedModel): M => {
    if (!owns(model)) throw new Error(`the ${format.name} format was handed a ${model.sourceKind} model (${model.path})`);
    return model;
  };
  return {
    ...format,
    files: (model) => format.files(own(model)),
    served: (model, unchanged) => format.served(own(model), unchanged),
    serialize: (model, options) => format.serialize(own(model), options),
    save: (model, dir, options) => format.save(own(model), dir, options),
    cost: (model, options) => format.cost(own(model), options),
    inputNames: (model) => format.inputNames(own(model)),
    weights: (model) => format.weights(own(model)),
  };
}

/**
 * {@link defineFormat} for the formats whose models are held as TF.js artifacts (tfjs, keras, savedmodel): their
 * input names and weights are read from the artifacts alike.
 */
export function defineTfjsFormat(format: Omit<ModelFormat<TfjsLoadedModel>, 'inputNames' | 'weights'>): ModelFormat {
  return defineFormat<TfjsLoadedModel>(isTfjsModel, {
    ...format,
    inputNames: declaredInputNames,
    weights: (model) => storedWeights(model.artifacts.weightSpecs ?? []),
  });
}

/** Whether `model` is a TFLite flatbuffer. */
export function isTfliteModel(model: LoadedModel): model is TfliteLoadedModel {
  return model.format === 'tflite';
}
