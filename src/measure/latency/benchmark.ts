/**
 * Model-level entry points: load a model on the active runtime (timed), make its seeded inputs, run the loop or the
 * A/B, and clean up. These are what the pipeline and `model-budget compare` call.
 */
import { instantiate, runtimeMemory } from '../../runtimes/index.js';
import type { Executable, HostTensor, InstantiateOptions, PlacedInputs, RunnableModel, RuntimeInfo } from '../../runtimes/types.js';
import { outputAgreement, type AgreementResult } from '../agreement.js';
import { makeInputs } from '../inputs.js';
import { compareLatency, type AbOptions, type AbResult } from './ab.js';
import { runLatencyLoop, type LatencyStats, type LoopPorts } from './loop.js';
import type { LatencyOptions } from './options.js';

type ModelInput = RunnableModel;

/** How synthetic inputs are made (the same generator as drift). */
export interface InputOptions {
  /** Seed of the synthetic inputs. Default 1. */
  readonly seed?: number;
  /** Size of an unknown batch dimension. Default 1. */
  readonly batch?: number;
  /** Full input shapes by input name (`inputs.shapes`). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

/** Options of {@link benchmarkModel}. */
export interface BenchmarkOptions extends LatencyOptions, InputOptions, InstantiateOptions {}

/**
 * Latency, memory and load time of one model. Times in ms. `memory.peakTensorBytes` counts only this model's
 * tensors (weights, inputs, activations at the peak), not those of other models loaded in the process.
 */
export interface ModelLatency extends LatencyStats {
  /** `instantiate`: topology parse + weights to the backend (the model files are already read by `loadModel`). */
  readonly loadMs: number;
  /** The runtime it ran on (cpu when the requested runtime lacked a kernel and fell back). */
  readonly runtime: RuntimeInfo;
  /** Fallback notes from the runtime. */
  readonly warnings: readonly string[];
}

function inputsFor(exec: Executable, options: InputOptions): HostTensor[] {
  return makeInputs(exec.inputs, {
    seed: options.seed ?? 1,
    ...(options.batch === undefined ? {} : { batch: options.batch }),
    ...(options.inputShapes === undefined ? {} : { shapes: options.inputShapes }),
  });
}

/**
 * The two sides of an A/B may have different inputs: each gets the configured shapes of its own inputs. A name that
 * neither side has is left in, so `makeInputs` reports it.
 */
function onlyInputsOf(exec: Executable, options: InputOptions, other: Executable): InputOptions {
  if (options.inputShapes === undefined) return options;
  const own = new Set(exec.inputs.map((i) => i.name));
  const theirs = new Set(other.inputs.map((i) => i.name));
  const shapes = Object.fromEntries(Object.entries(options.inputShapes).filter(([k]) => own.has(k) || !theirs.has(k)));
  return { ...options, inputShapes: shapes };
}

async function timedInstantiate(model: ModelInput, options: InstantiateOptions, now: () => number): Promise<{ exec: Executable; loadMs: number }> {
  const t0 = now();
  const exec = await instantiate(model, {
    ...(options.customLayers === undefined ? {} : { customLayers: options.customLayers }),
    ...(options.pinned === undefined ? {} : { pinned: options.pinned }),
  });
  return { exec, loadMs: now() - t0 };
}

/**
 * Benchmarks one model on the active runtime (call `selectRuntime` first): timed load, first inference, warm-up,
 * timed runs, memory, leak check and the top ops. Throws `MeasureError` naming the model on failure or timeout.
 */
export async function benchmarkModel(model: ModelInput, options: BenchmarkOptions = {}, ports: LoopPorts = {}): Promise<ModelLatency> {
  const now = ports.now ?? (() => performance.now());
  // Tensors of other models in this process are not this model's: count from here.
  const bytesBefore = (ports.memory ?? (() => runtimeMemory(model.format)))().numBytes;
  const { exec, loadMs } = await timedInstantiate(model, options, now);
  let inputs: PlacedInputs | undefined;
  try {
    // Placed once, before the loop: the timed runs measure inference and read back, not the upload.
    inputs = exec.place(inputsFor(exec, options));
    const stats = await runLatencyLoop(exec, inputs, { model: model.path, ...options }, ports);
    const peakTensorBytes = Math.max(0, stats.memory.peakTensorBytes - bytesBefore);
    return {
      ...stats,
      memory: { ...stats.memory, peakTensorBytes },
      loadMs,
      runtime: exec.runtime,
      warnings: [...exec.warnings],
    };
  } finally {
    inputs?.dispose();
    exec.dispose();
  }
}

/** Options of {@link compareModels}. */
export interface CompareModelsOptions extends AbOptions, InputOptions, InstantiateOptions {
  /** Also run both once on the baseline's inputs and compare their outputs (`ModelComparison.agreement`). */
  readonly agreement?: boolean;
}

/** {@link AbResult} plus what each side ran on and took to load. */
export interface ModelComparison extends AbResult {
  /** What the candidate ran on. */
  readonly runtime: RuntimeInfo;
  /** What each side ran on (two runtimes when the models are of two formats: TF.js and TFLite). */
  readonly runtimes: { readonly baseline: RuntimeInfo; readonly candidate: RuntimeInfo };
  /**
   * Output agreement on the same inputs (with `agreement: true`, when both sides take the same input shapes): what
   * tells whether two models of two formats compute the same thing. A string says why it was not measured.
   */
  readonly agreement?: AgreementResult | string;
  readonly loadMs: { readonly baseline: number; readonly candidate: number };
  readonly warnings: readonly string[];
}

/**
 * Interleaved A/B of two models on the active runtime, both loaded in this process; inputs from the same seed.
 * Throws `MeasureError` naming the side that failed.
 */
export async function compareModels(
  baseline: ModelInput,
  candidate: ModelInput,
  options: CompareModelsOptions = {},
  ports: Pick<LoopPorts, 'now' | 'setTimer'> = {},
): Promise<ModelComparison> {
  const now = ports.now ?? (() => performance.now());
  const base = await timedInstantiate(baseline, options, now);
  let cand: { exec: Executable; loadMs: number } | undefined;
  const placed: PlacedInputs[] = [];
  try {
    cand = await timedInstantiate(candidate, options, now);
    const baseInputs = base.exec.place(inputsFor(base.exec, onlyInputsOf(base.exec, options, cand.exec)));
    placed.push(baseInputs);
    const candInputs = cand.exec.place(inputsFor(cand.exec, onlyInputsOf(cand.exec, options, base.exec)));
    placed.push(candInputs);
    const result = await compareLatency(
      { runnable: base.exec, inputs: baseInputs, name: baseline.path },
      { runnable: cand.exec, inputs: candInputs, name: candidate.path },
      options,
      ports,
    );
    const agreement = options.agreement ? await agreementOf(base.exec, cand.exec, baseInputs.host) : undefined;
    return {
      ...result,
      ...(agreement === undefined ? {} : { agreement }),
      runtimes: { baseline: base.exec.runtime, candidate: cand.exec.runtime },
      runtime: cand.exec.runtime,
      loadMs: { baseline: base.loadMs, candidate: cand.loadMs },
      warnings: [...base.exec.warnings, ...cand.exec.warnings],
    };
  } finally {
    for (const p of placed) p.dispose();
    base.exec.dispose();
    cand?.exec.dispose();
  }
}

/** Both models run once on the same host inputs, outputs paired and compared; a reason when the inputs differ. */
async function agreementOf(baseline: Executable, candidate: Executable, inputs: readonly HostTensor[]): Promise<AgreementResult | string> {
  const shape = (e: Executable): string => e.inputs.map((i) => i.shape.map((d) => d ?? '?').join('×')).join(', ');
  const fits =
    candidate.inputs.length === inputs.length && candidate.inputs.every((spec, i) => spec.shape.every((d, k) => d === null || d === inputs[i]?.shape[k]));
  if (!fits) return `the inputs differ (baseline ${shape(baseline)}, candidate ${shape(candidate)})`;
  const a = baseline.place(inputs);
  const b = candidate.place(inputs);
  try {
    return outputAgreement(await baseline.run(a), await candidate.run(b));
  } finally {
    a.dispose();
    b.dispose();
  }
}
