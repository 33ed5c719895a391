/**
 * The runtime registry: one line per runtime. `selectRuntime` starts one by its config name (`auto` included) and
 * `instantiate` loads a model on the runtime started last.
 */
import { MeasureError, errorMessage, problem } from '../errors.js';
import { note } from '../note.js';
import { cpuRuntime } from './cpu/index.js';
import { tfjsBackend } from './tfjs/backend.js';
import { tensorflowGpuRuntime, tensorflowRuntime } from './tfjs-node/index.js';
import {
  RUNTIME_NAMES,
  type ConcreteRuntimeName,
  type Executable,
  type InstantiateOptions,
  type Runtime,
  type RuntimeInfo,
  type RuntimeMemory,
  type RuntimeName,
  type StartOptions,
  type RunnableModel,
  type TfjsModel,
  type TfliteModel,
} from './types.js';
import { litertRuntime } from './litert/index.js';
import { wasmRuntime } from './wasm/index.js';
import { webgpuRuntime } from './webgpu/index.js';

export { importOptional, resolveInWorkspace, resolveOptional } from './optional.js';
export { resolveWasmDir } from './wasm/index.js';
export * from './types.js';

/** The runtimes of TF.js models (every concrete runtime but LiteRT). */
export type TfjsRuntimeName = Exclude<ConcreteRuntimeName, 'litert'>;

/** Every runtime a config can name, by that name: the tfjs backends run TF.js models, LiteRT runs `.tflite` files. */
export const RUNTIMES: Readonly<Record<TfjsRuntimeName, Runtime<TfjsModel>> & { readonly litert: Runtime<Pick<TfliteModel, 'bytes' | 'path' | 'signature'>> }> =
  {
    wasm: wasmRuntime,
    cpu: cpuRuntime,
    tensorflow: tensorflowRuntime,
    'tensorflow-gpu': tensorflowGpuRuntime,
    webgpu: webgpuRuntime,
    litert: litertRuntime,
  };

/** The LiteRT runtime started last (LiteRT lives beside tfjs: starting it leaves the active tfjs backend alone). */
let litertInfo: RuntimeInfo | undefined;

/** The message up to its first `. ` (the reason, without the fix that follows it). */
function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end < 0 ? message : message.slice(0, end);
}

/**
 * Starts runtime `name` (making it the one models are instantiated on) and says what it is. `auto` tries
 * `tensorflow` and falls back to `wasm`, never cpu. Throws MeasureError with the fix when the runtime is unavailable.
 */
export async function selectRuntime(name: RuntimeName, options: StartOptions = {}): Promise<RuntimeInfo> {
  if (name === 'litert') {
    litertInfo = await RUNTIMES.litert.start(options);
    return litertInfo;
  }
  tfjsBackend.enterProductionMode();
  return tfjsBackend.record(await startRuntime(name, options));
}

async function startRuntime(name: Exclude<RuntimeName, 'litert'>, options: StartOptions): Promise<RuntimeInfo> {
  if (name === 'auto') {
    // Never cpu: tensorflow when it starts and computes, else the default wasm, saying why in the report.
    try {
      return await RUNTIMES.tensorflow.start(options);
    } catch (error) {
      const wasm = await RUNTIMES.wasm.start(options);
      return { ...wasm, note: note`runtime auto chose wasm: ${firstSentence(errorMessage(error))}` };
    }
  }
  const runtime = Object.hasOwn(RUNTIMES, name) ? RUNTIMES[name] : undefined;
  if (runtime === undefined) {
    throw new MeasureError(problem('runtime/unknown', { name: String(name), names: RUNTIME_NAMES.join(', ') }));
  }
  return runtime.start(options);
}

/** The runtime models are instantiated on now, when it was started through {@link selectRuntime}. */
export function activeRuntime(): RuntimeInfo | undefined {
  return tfjsBackend.active();
}

/**
 * Live memory of the runtime that runs models of `format` (tensors and bytes), e.g. before a model is loaded, to
 * count only its own. LiteRT does not account its tensors: nothing (its `memory` metric is not measured).
 */
export function runtimeMemory(format?: RunnableModel['format']): RuntimeMemory {
  return format === 'tflite' ? { numTensors: 0, numBytes: 0 } : tfjsBackend.memory();
}

/**
 * Loads `model` on the runtime started last for its kind (a `.tflite` model on LiteRT; a TF.js model on the active
 * tfjs backend, wasm when none was started) and returns its `Executable`. For a TF.js model, the first run detects a
 * kernel the runtime lacks: the model is reloaded on cpu with a warning, or, when `pinned`, the run fails with
 * MeasureError.
 */
export async function instantiate(model: RunnableModel, options: InstantiateOptions = {}): Promise<Executable> {
  if (model.format === 'tflite') {
    const info = litertInfo ?? (await selectRuntime('litert'));
    return RUNTIMES.litert.instantiate(model, info, options);
  }
  const info = activeRuntime() ?? (await selectRuntime('wasm'));
  if (info.name === 'litert') throw new Error('the tfjs backend is recorded as LiteRT');
  return RUNTIMES[info.name].instantiate(model, info, options);
}
