import * as tf from '@tensorflow/tfjs';
import { MeasureError, errorMessage, problem } from '../../errors.js';
import { startCpu } from '../cpu/start.js';
import type { Executable, HostTensor, InputSpec, InstantiateOptions, OutputValue, PlacedInputs, RunProfile, RuntimeInfo, TfjsModel } from '../types.js';
import { tfjsBackend } from './backend.js';
import { loadCustomLayers, loadNetwork, type Network } from './network.js';

/** The tf tensors behind inputs placed by a tfjs executable (any tfjs executable can run them). */
const placedTensors = new WeakMap<PlacedInputs, readonly tf.Tensor[]>();

/** Host tensors as tf tensors on the active backend; the caller disposes them. */
export function toTensors(host: readonly HostTensor[]): tf.Tensor[] {
  return host.map((h) => tf.tensor(h.data, [...h.shape], h.dtype));
}

/** Places host inputs as tf tensors on the active backend. */
function placeTensors(host: readonly HostTensor[]): PlacedInputs {
  const tensors = toTensors(host);
  const placed: PlacedInputs = { host, dispose: () => tf.dispose(tensors) };
  placedTensors.set(placed, tensors);
  return placed;
}

function tensorsOf(placed: PlacedInputs, where: string): readonly tf.Tensor[] {
  const tensors = placedTensors.get(placed);
  if (tensors === undefined) throw new MeasureError(problem('runtime/inputs-not-placed', { where, by: 'by a tfjs runtime' }));
  return tensors;
}

/** tfjs's profiler around one run, leaving the engine out of profiling mode even when the run fails or times out. */
async function profileRun(work: () => Promise<void>): Promise<RunProfile> {
  try {
    // tfjs only turns profiling off after a successful run; every later kernel would be profiled.
    return await tf.profile(async () => {
      await work();
      return [];
    });
  } finally {
    tf.engine().state.profiling = false;
  }
}

/**
 * Loads `model` on the tf backend of `runtime` (started by it) and returns its `Executable`. The first run detects a
 * kernel the runtime lacks: the model is reloaded on cpu with a warning, or, when `pinned`, the run fails with
 * MeasureError.
 */
export async function instantiateTfjs(model: TfjsModel, started: RuntimeInfo, options: InstantiateOptions): Promise<Executable> {
  if (options.customLayers !== undefined) await loadCustomLayers(options.customLayers);
  let runtime = started;
  let network = await loadNetwork(model, runtime);
  const warnings: string[] = [];
  let proven = false;
  const where = model.path;

  // A model that fell back to cpu runs there, then hands the backend back so the next model loads where asked.
  const runOn = (net: Network, rt: RuntimeInfo, inputs: readonly tf.Tensor[]): Promise<OutputValue[]> => tfjsBackend.during(rt.backend, () => net.run(inputs));

  const run = async (placed: PlacedInputs): Promise<readonly OutputValue[]> => {
    const inputs = tensorsOf(placed, where);
    if (proven) return runOn(network, runtime, inputs);
    try {
      const out = await runOn(network, runtime, inputs);
      proven = true;
      return out;
    } catch (error) {
      if (runtime.backend === 'cpu') throw await network.explain(error, inputs);
      if (options.pinned) {
        throw new MeasureError(problem('runtime/cannot-run-pinned', { where, name: runtime.name, detail: errorMessage(error) }), { cause: error });
      }
      const previous = runtime;
      tfjsBackend.enterProductionMode();
      const cpu = tfjsBackend.record(await startCpu());
      const fallback = await loadNetwork(model, cpu);
      let out: OutputValue[];
      try {
        out = await runOn(fallback, cpu, inputs);
      } catch (cpuError) {
        fallback.dispose();
        await tfjsBackend.use(previous.backend);
        throw await network.explain(cpuError, inputs);
      } finally {
        // Leave the backend the caller chose active for other models.
        await tfjsBackend.use(previous.backend);
      }
      network.dispose();
      network = fallback;
      runtime = cpu;
      proven = true;
      warnings.push(
        `${where}: runtime "${previous.name}" cannot run this model (${firstLine(errorMessage(error))}); ` +
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
    place(host) {
      checkInputs(network.inputs, host, where);
      return placeTensors(host);
    },
    run,
    memory: () => tfjsBackend.memory(),
    profile: profileRun,
    dispose: () => network.dispose(),
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function checkInputs(specs: readonly InputSpec[], inputs: readonly HostTensor[], where: string): void {
  if (inputs.length !== specs.length) {
    throw new MeasureError(
      problem('runtime/input-count', { where, count: specs.length, names: ` (${specs.map((s) => s.name).join(', ')})`, got: inputs.length }),
    );
  }
  specs.forEach((spec, i) => {
    const t = inputs[i];
    if (!t) return;
    const fits = spec.unknownRank === true || (t.shape.length === spec.shape.length && spec.shape.every((d, k) => d === null || d < 0 || d === t.shape[k]));
    if (!fits) {
      throw new MeasureError(
        problem('runtime/input-shape', { where, name: spec.name, spec: spec.shape.map((d) => d ?? '?').join(', '), shape: t.shape.join(', ') }),
      );
    }
  });
}
