/**
 * The runtime seam: what every runtime offers (start it, instantiate a model on it) and the `Executable` the
 * measurements drive. Values crossing it are plain host data — {@link HostTensor} in, {@link OutputValue} out — so
 * `src/measure/` never holds a runtime's own tensor type.
 */
import { RUNTIMES } from '../config/schema.js';
import type { TfjsLoadedModel, TfliteLoadedModel } from '../model/types.js';

/**
 * The runtimes a model can be executed on, as `benchmark.runtime` names them (the config schema's enum is the one
 * list). `auto` = `tensorflow` when `@tensorflow/tfjs-node` loads, else `wasm`.
 */
export type RuntimeName = (typeof RUNTIMES)[number];

/** A runtime that can actually be started (`auto` chooses one of these). */
export type ConcreteRuntimeName = Exclude<RuntimeName, 'auto'>;

/** Every concrete runtime, in the order `docs/runtimes.md` lists them. */
export const RUNTIME_NAMES: readonly ConcreteRuntimeName[] = RUNTIMES.filter((n): n is ConcreteRuntimeName => n !== 'auto');

/** What a measurement ran on; every report names it. */
export interface RuntimeInfo {
  readonly name: ConcreteRuntimeName;
  /** The tf backend name (`wasm`, `cpu`, `tensorflow`, `webgpu`); the build for LiteRT (`relaxed-simd`, …). */
  readonly backend: string;
  /** Version of the package that provides the backend, e.g. `4.22.0`. */
  readonly version: string;
  /** Threads the backend computes with (1 for wasm in Node and for cpu). */
  readonly threads: number;
  /** Extra facts worth a line in the report (SIMD, GPU adapter, ...). */
  readonly detail?: string;
  /** Why this runtime ran rather than the preferred one (`auto` where tensorflow did not start); a report note. */
  readonly note?: string;
}

/** Finds an optional package's entry file; throws when it is not installed. */
export type PackageResolver = (pkg: string, cwd: string) => string;

/** Options of {@link Runtime.start}. */
export interface StartOptions {
  /** Threads to ask the backend for; wasm honours it only where multi-threading is available (not in Node). */
  readonly threads?: number;
  /** Workspace whose `node_modules` provides optional runtimes (`tensorflow`, `webgpu`). Default `process.cwd()`. */
  readonly cwd?: string;
  /** Where optional packages are looked for. Default: the workspace, then model-budget's own `node_modules`. */
  readonly resolvePackage?: PackageResolver;
}

/** The element types a host tensor carries. `bool` is stored as 0/1 bytes. */
export type HostDtype = 'float32' | 'int32' | 'bool';

/** A tensor in host memory, owned by no runtime: what inputs are made of and what outputs are read back into. */
export interface HostTensor {
  readonly dtype: HostDtype;
  /** `[]` = scalar. */
  readonly shape: readonly number[];
  /** Row-major values; `data.length` is the product of `shape`. */
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/** One model input, as the model's signature (graph) or input layers (layers) give it. */
export interface InputSpec {
  /** The name to feed (graph: the signature key or node name, e.g. `input_1:0`; layers: the input layer name). */
  readonly name: string;
  /** `null` = unknown dimension. `[]` = scalar, or unknown rank when `unknownRank` is set. */
  readonly shape: readonly (number | null)[];
  readonly dtype: 'float32' | 'int32' | 'bool' | 'string';
  /** The model does not say the rank; synthetic inputs make it a scalar. */
  readonly unknownRank?: boolean;
}

/** One output read back, with its name and shape (for top-1 agreement over the last dimension). */
export interface OutputValue {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/**
 * Inputs placed on a runtime once (uploaded, converted), so that a timed run measures the inference and the read
 * back, not the upload. Made by {@link Executable.place}; the caller disposes it.
 */
export interface PlacedInputs {
  /** The host tensors these were placed from, in input order. */
  readonly host: readonly HostTensor[];
  dispose(): void;
}

/** Live runtime memory: tensors and their bytes (the runtime's whole engine, not one model). */
export interface RuntimeMemory {
  readonly numTensors: number;
  readonly numBytes: number;
}

/** One profiled run: the peak of live bytes inside it and the kernels it ran, with their times. */
export interface RunProfile {
  readonly peakBytes: number;
  readonly kernels: readonly { readonly name: string; readonly kernelTimeMs: unknown }[];
}

/** A model instantiated on a runtime, ready to run. */
export interface Executable {
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly string[];
  /** What it runs on. May change to cpu after the first run when the runtime lacks a kernel (see `warnings`). */
  readonly runtime: RuntimeInfo;
  /** Fallbacks and other notes for the report (e.g. "wasm lacks a kernel ...; ran on cpu"). */
  readonly warnings: readonly string[];
  /** Graph models with control flow run through `executeAsync`. */
  readonly async: boolean;
  /** Puts `inputs` on the runtime (checked against {@link inputs}); reuse the result for every run, then dispose it. */
  place(inputs: readonly HostTensor[]): PlacedInputs;
  /** One inference: feed, predict / execute, read EVERY output back to the host, dispose what the runtime made. */
  run(inputs: PlacedInputs): Promise<readonly OutputValue[]>;
  /** Live memory of the runtime now (the latency loop samples it after every run). */
  memory(): RuntimeMemory;
  /** Runs `work` once with the runtime's profiler on; the profiler is off again afterwards, even when `work` throws. */
  profile(work: () => Promise<void>): Promise<RunProfile>;
  dispose(): void;
}

/** A model as the tfjs runtimes take it: its format, in-memory artifacts and path (for messages). */
export type TfjsModel = Pick<TfjsLoadedModel, 'format' | 'artifacts' | 'path'>;

/** A model as LiteRT takes it: the `.tflite` bytes and the path (for messages). */
export type TfliteModel = Pick<TfliteLoadedModel, 'format' | 'bytes' | 'path' | 'signature'>;

/** Any model a runtime can execute; `format` says which kind of runtime: `tflite` runs on LiteRT, the rest on tfjs. */
export type RunnableModel = TfjsModel | TfliteModel;

/** Options of {@link Runtime.instantiate}. */
export interface InstantiateOptions {
  /** Absolute path of a JS module that registers custom layer classes (config key `custom-layers`). */
  readonly customLayers?: string;
  /** The user pinned the runtime: a missing kernel fails instead of falling back to cpu. Default false. */
  readonly pinned?: boolean;
}

/**
 * One runtime: `start` makes it ready (and says what it is), `instantiate` loads a model on it. A started runtime
 * can instantiate any number of models; each `Executable` is disposed by its caller.
 */
export interface Runtime<Model = TfjsModel> {
  readonly name: string;
  /** Starts the runtime (again, when it ran before: it becomes the one models load on). Throws MeasureError with the fix. */
  start(options: StartOptions): Promise<RuntimeInfo>;
  /** Loads `model` on this runtime, which `info` (from `start`) describes. */
  instantiate(model: Model, info: RuntimeInfo, options: InstantiateOptions): Promise<Executable>;
}
