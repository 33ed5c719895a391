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
  type TfjsModel,
} from './types.js';
import { wasmRuntime } from './wasm/index.js';
import { webgpuRuntime } from './webgpu/index.js';

export { importOptional, resolveInWorkspace, resolveOptional } from './optional.js';
export { resolveWasmDir } from './wasm/index.js';
export * from './types.js';

/**
 * Every runtime a config can name, by that name. LiteRT (`./litert/`, a `Runtime` of `.tflite` bytes) joins when the
 * TFLite format is wired into the pipeline; until then it stays out of this import graph, so the bundle does not
 * carry @litertjs/core.
 */
export const RUNTIMES: Readonly<Record<ConcreteRuntimeName, Runtime>> = {
  wasm: wasmRuntime,
  cpu: cpuRuntime,
  tensorflow: tensorflowRuntime,
  'tensorflow-gpu': tensorflowGpuRuntime,
  webgpu: webgpuRuntime,
};

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
  tfjsBackend.enterProductionMode();
  return tfjsBackend.record(await startRuntime(name, options));
}

async function startRuntime(name: RuntimeName, options: StartOptions): Promise<RuntimeInfo> {
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

/** Live memory of the runtimes (tensors and bytes), e.g. before a model is loaded, to count only its own. */
export function runtimeMemory(): RuntimeMemory {
  return tfjsBackend.memory();
}

/**
 * Loads `model` on the runtime started last (wasm is started when none was) and returns its `Executable`.
 * The first run detects a kernel the runtime lacks: the model is reloaded on cpu with a warning, or, when `pinned`,
 * the run fails with MeasureError.
 */
export async function instantiate(model: TfjsModel, options: InstantiateOptions = {}): Promise<Executable> {
  const info = activeRuntime() ?? (await selectRuntime('wasm'));
  if (info.name === 'litert') throw new MeasureError(problem('runtime/litert-tfjs-model'));
  return RUNTIMES[info.name].instantiate(model, info, options);
}
