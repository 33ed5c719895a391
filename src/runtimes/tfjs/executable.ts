import * as tf from '@tensorflow/tfjs';
import { MeasureError, errorMessage } from '../errors.js';
import type { LoadedModel } from '../model/types.js';
import { loadCustomLayers, loadNetwork, type Network } from './network.js';
import { activeRuntime, selectRuntime, type RuntimeInfo } from './runtime.js';

/** One model input, as the signature (graph) or `model.inputs` (layers) gives it. */
export interface InputSpec {
  /** The name to feed (graph: the signature key or node name, e.g. `input_1:0`; layers: the input layer name). */
  readonly name: string;
  /** `null` = unknown dimension. `[]` = scalar, or unknown rank when `unknownRank` is set. */
  readonly shape: readonly (number | null)[];
  readonly dtype: 'float32' | 'int32' | 'bool' | 'string';
  /** The model does not say the rank; synthetic inputs make it a scalar. */
  readonly unknownRank?: boolean;
}

/** One output read back, with its shape (for top-1 agreement over the last dimension). */
export interface OutputValue {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/** A model ready to run on a tf backend. */
export interface Executable {
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly string[];
  /** What it runs on. May change to cpu after the first run when the runtime lacks a kernel (see `warnings`). */
  readonly runtime: RuntimeInfo;
  /** One inference: feed, predict / execute(Async when control flow), read EVERY output back, dispose outputs. */
  run(inputs: readonly tf.Tensor[]): Promise<readonly (Float32Array | Int32Array | Uint8Array)[]>;
  /** Like `run`, with output names and shapes. */
  runShaped?(inputs: readonly tf.Tensor[]): Promise<readonly OutputValue[]>;
  /** Fallbacks and other notes for the report (e.g. "wasm lacks a kernel ...; ran on cpu"). */
  readonly warnings?: readonly string[];
  /** Graph models with control flow run through `executeAsync`. */
  readonly async?: boolean;
  dispose(): void;
}

/** Options of {@link instantiate}. */
export interface InstantiateOptions {
  /** Absolute path of a JS module that registers custom layer classes (config key `custom-layers`). */
  readonly customLayers?: string;
  /** The user pinned the runtime: a missing kernel fails instead of falling back to cpu. Default false. */
  readonly pinned?: boolean;
}

/** Model name for messages. */
function label(model: Pick<LoadedModel, 'path'>): string {
  return model.path;
}

/**
 * Loads `model` on the active backend (see `selectRuntime`; wasm is chosen when none was) and returns a runner.
 * The first run detects a kernel the runtime lacks: the model is reloaded on cpu with a warning, or, when `pinned`,
 * the run fails with MeasureError.
 */
export async function instantiate(
  model: Pick<LoadedModel, 'format' | 'artifacts' | 'path'>,
  options: InstantiateOptions = {},
): Promise<Executable> {
  if (options.customLayers !== undefined) await loadCustomLayers(options.customLayers);
  let runtime = activeRuntime() ?? (await selectRuntime('wasm'));
  let network = await loadNetwork(model, runtime);
  const warnings: string[] = [];
  let proven = false;

  const runOn = async (net: Network, rt: RuntimeInfo, inputs: readonly tf.Tensor[]): Promise<OutputValue[]> => {
    const before = tf.getBackend();
    if (before === rt.backend) return net.run(inputs);
    // A model that fell back to cpu runs there, then hands the backend back so the next model loads where asked.
    await tf.setBackend(rt.backend);
    try {
      return await net.run(inputs);
    } finally {
      await tf.setBackend(before);
    }
  };

  const runShaped = async (inputs: readonly tf.Tensor[]): Promise<readonly OutputValue[]> => {
    checkInputs(network.inputs, inputs, label(model));
    if (proven) return runOn(network, runtime, inputs);
    try {
      const out = await runOn(network, runtime, inputs);
      proven = true;
      return out;
    } catch (error) {
      if (runtime.backend === 'cpu') throw await network.explain(error, inputs);
      if (options.pinned) {
        throw new MeasureError(
          `${label(model)}: runtime "${runtime.name}" cannot run this model: ${errorMessage(error)}. ` +
            'The runtime is pinned; use runtime: cpu (or unpin it to fall back automatically)',
          { cause: error },
        );
      }
      const previous = runtime;
      const cpu = await selectRuntime('cpu');
      const fallback = await loadNetwork(model, cpu);
      let out: OutputValue[];
      try {
        out = await runOn(fallback, cpu, inputs);
      } catch (cpuError) {
        fallback.dispose();
        await tf.setBackend(previous.backend);
        throw await network.explain(cpuError, inputs);
      } finally {
        // Leave the backend the caller chose active for other models.
        if (tf.getBackend() !== previous.backend) await tf.setBackend(previous.backend);
      }
      network.dispose();
      network = fallback;
      runtime = cpu;
      proven = true;
      warnings.push(
        `${label(model)}: runtime "${previous.name}" cannot run this model (${firstLine(errorMessage(error))}); ` +
          'it ran on cpu instead. Pin runtime: cpu to silence this, or use a runtime with the kernel',
      );
      return out;
    }
  };

  return {
    get inputs() {
      return network.inputs;
    },
    get outputs() {
      return network.outputs;
    },
    get runtime() {
      return runtime;
    },
    get async() {
      return network.async;
    },
    warnings,
    runShaped,
    run: async (inputs) => (await runShaped(inputs)).map((o) => o.data),
    dispose: () => network.dispose(),
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function checkInputs(specs: readonly InputSpec[], inputs: readonly tf.Tensor[], where: string): void {
  if (inputs.length !== specs.length) {
    throw new MeasureError(
      `${where}: the model takes ${specs.length} input(s) (${specs.map((s) => s.name).join(', ')}), got ${inputs.length}`,
    );
  }
  specs.forEach((spec, i) => {
    const t = inputs[i];
    if (!t) return;
    const fits =
      spec.unknownRank === true ||
      (t.shape.length === spec.shape.length && spec.shape.every((d, k) => d === null || d < 0 || d === t.shape[k]));
    if (!fits) {
      throw new MeasureError(
        `${where}: input "${spec.name}" expects shape [${spec.shape.map((d) => d ?? '?').join(', ')}], ` +
          `got [${t.shape.join(', ')}]. Fix the configured input shape or the samples`,
      );
    }
  });
}
