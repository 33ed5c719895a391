import type * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../config/load.js';
import type { DriftLike } from '../compress/auto.js';
import { DEFAULT_DRIFT_SAMPLES, DEFAULT_INPUT_SEED } from '../config/defaults.js';
import { CompressError, problem } from '../errors.js';
import { breaksLimit } from '../judge/judge.js';
import type { LoadedModel } from '../model/types.js';
import { instantiate } from '../runtimes/index.js';
import type { Executable, HostTensor, RunnableModel } from '../runtimes/types.js';
import { ModelDeadline } from './deadline.js';
import { measureDrift, type DriftResult } from './drift.js';
import { makeInputSets } from './inputs.js';
import { loadSamples, type ImageSamples } from './samples/load.js';

/** The original model loaded once, with fixed inputs, against which any number of candidates are compared. */
export interface DriftSession {
  /** Drift of a TF.js candidate, given as artifacts of the original's flavour (what the `auto` search makes). */
  evaluate(candidate: tf.io.ModelArtifacts): Promise<DriftResult>;
  /** Drift of a candidate model of the original's kind (a rewritten `.tflite`, or TF.js artifacts with their flavour). */
  evaluateModel(candidate: RunnableModel): Promise<DriftResult>;
  /** What the drift was computed on, for the report. */
  readonly inputsNote: string;
  /** The input sets every candidate is run on (user samples, else seeded synthetic ones); calibration reads them too. */
  readonly inputs: readonly (readonly HostTensor[])[];
  /** Only seeded synthetic inputs: no `inputs.images` or `inputs.npy` samples were given. */
  readonly synthetic: boolean;
  dispose(): void;
}

/** Loads `original` on the active runtime and prepares its inputs (user samples, else seeded synthetic ones). */
export async function openDriftSession(original: LoadedModel, spec: ModelSpec): Promise<DriftSession> {
  const options = {
    ...(spec.customLayers === undefined ? {} : { customLayers: spec.customLayers }),
    pinned: spec.benchmark['pin-runtime'],
  };
  const reference = await instantiate(original, options);
  let inputs: HostTensor[][] = [];
  try {
    const inputsConfig = spec.inputs;
    const seed = inputsConfig?.seed ?? DEFAULT_INPUT_SEED;
    const shapes = inputsConfig?.shapes;
    const values = inputsConfig?.values;
    let inputsNote: string;
    if (inputsConfig?.npy || inputsConfig?.images) {
      inputs = await loadSamples({
        specs: reference.inputs,
        ...(inputsConfig.npy ? { npy: inputsConfig.npy } : {}),
        // zod leaves absent optional keys absent, which is what ImageSamples means.
        ...(inputsConfig.images ? { images: inputsConfig.images as ImageSamples } : {}),
        seed,
        ...(shapes ? { shapes } : {}),
        ...(values ? { values } : {}),
        maxFileBytes: spec.limits['sample-size'],
      });
      inputsNote = `${inputs.length} user sample(s)`;
    } else {
      inputs = makeInputSets(reference.inputs, {
        seed,
        count: inputsConfig?.samples ?? DEFAULT_DRIFT_SAMPLES,
        batch: spec.benchmark.batch,
        ...(shapes ? { shapes } : {}),
        ...(values ? { values } : {}),
      });
      inputsNote = `${inputs.length} seeded synthetic input set(s)`;
    }
    const sets = inputs;
    const evaluateModel = async (candidate: RunnableModel): Promise<DriftResult> => {
      let exec: Executable | undefined;
      const drift = async (): Promise<DriftResult> => {
        exec = await instantiate(candidate, options);
        return measureDrift(reference, exec, sets, spec.outputs ?? {});
      };
      try {
        // Each evaluation gets the whole benchmark.timeout (the auto search runs many); the model's own clock
        // bounds the search as a whole.
        return await new ModelDeadline(spec.benchmark.timeout, spec.name).race('measuring accuracy drift', drift);
      } finally {
        exec?.dispose();
      }
    };
    return {
      inputsNote,
      inputs: sets,
      synthetic: !(inputsConfig?.npy || inputsConfig?.images),
      evaluateModel,
      evaluate(candidate) {
        if (original.format === 'tflite') throw new Error(`${original.path}: a .tflite model has no TF.js artifacts to evaluate`);
        return evaluateModel({ format: original.format, artifacts: candidate, path: original.path });
      },
      dispose() {
        reference.dispose();
      },
    };
  } catch (error) {
    reference.dispose();
    throw error;
  }
}

/**
 * The report's notice when accuracy was checked on synthetic inputs only: noise can hide drift that real inputs show
 * (a uint8 model can keep max-abs error 70× smaller on noise than on photos), so it says so and points at real samples.
 */
export const SYNTHETIC_INPUTS_NOTICE =
  'accuracy was checked on seeded synthetic inputs only, which can hide drift that real inputs show: ' +
  'add real samples with `inputs.images: { dir: … }` (or `inputs.npy`) to check accuracy on data like yours';

/** Whether `spec` has a hard accuracy budget (what {@link withinAccuracyBudget} needs). */
export function hasAccuracyBudget(spec: ModelSpec): boolean {
  return spec.budgets.some((b) => b.key.startsWith('accuracy.') && (b.limit ?? b.warn) !== undefined);
}

/** Whether a drift stays inside the model's hard accuracy budgets; the auto search's acceptance test. */
export function withinAccuracyBudget(spec: ModelSpec): (drift: DriftLike) => boolean {
  const limits = accuracyLimits(spec);
  return (drift) =>
    limits.every((b) => {
      const limit = b.limit ?? b.warn ?? 0;
      const value = driftValue(drift, b.key);
      if (value === undefined) return true;
      // The judge's comparison; a drift that came out NaN is never inside the budget.
      return !Number.isNaN(value) && !breaksLimit(b.direction, value, limit);
    });
}

/**
 * The share of the accuracy budget a drift uses: 0 = no drift, 1.0 = at the limit, above 1 = over it. The maximum
 * over every budgeted accuracy metric (hard limit, else warn), measured from each metric's ideal so that the number
 * means the same whatever the direction: a ceiling (max-abs, RMSE, keypoint error) gives value / limit; a floor on a
 * fraction that is 1 when exact (cosine, top-1 agreement) gives (1 − value) / (1 − limit); PSNR gives the ratio of
 * the mean squared errors, 10^((limit − value) / 10). A NaN drift uses an infinite share; a metric the drift lacks
 * does not apply. `use(d) ≤ 1` exactly when {@link withinAccuracyBudget} accepts `d`. The auto search ranks weights
 * and draws its frontier with it.
 */
export function accuracyBudgetUse(spec: ModelSpec): (drift: DriftLike) => number {
  const limits = accuracyLimits(spec);
  return (drift) => {
    let use = 0;
    for (const b of limits) {
      const value = driftValue(drift, b.key);
      if (value === undefined) continue;
      use = Math.max(use, budgetShare(b.key, b.direction, value, b.limit ?? b.warn ?? 0));
    }
    return use;
  };
}

/** One metric's share of its limit (see {@link accuracyBudgetUse}). */
export function budgetShare(key: string, direction: 'max' | 'min', value: number, limit: number): number {
  if (Number.isNaN(value)) return Infinity;
  if (direction === 'max') return limit > 0 ? Math.max(0, value) / limit : value > 0 ? Infinity : 0;
  if (key === 'accuracy.psnr') return value === Infinity ? 0 : 10 ** ((limit - value) / 10);
  // Floors on a fraction whose ideal is 1 (cosine, top-1 agreement).
  const room = 1 - limit;
  const lost = Math.max(0, 1 - value);
  return room > 0 ? lost / room : lost > 0 ? Infinity : 0;
}

/** A drift metric by its budget key (`accuracy.cosine` → cosine). */
export function driftValue(drift: DriftLike, key: string): number | undefined {
  switch (key) {
    case 'accuracy.max-abs-error':
      return drift.maxAbsError;
    case 'accuracy.rmse':
      return drift.rmse;
    case 'accuracy.cosine':
      return drift.cosine;
    case 'accuracy.top1-agreement':
      return drift.top1Agreement;
    case 'accuracy.psnr':
      return drift.psnr;
    case 'accuracy.keypoint-error':
      return drift.keypointError;
    default:
      return undefined;
  }
}

/** The model's hard (else warn) accuracy budgets; a CompressError at the model when it has none. */
function accuracyLimits(spec: ModelSpec): ModelSpec['budgets'] {
  const limits = spec.budgets.filter((b) => b.key.startsWith('accuracy.') && (b.limit ?? b.warn) !== undefined);
  if (limits.length === 0) {
    throw new CompressError(problem('compress/auto-no-accuracy-budget', { name: spec.name }), {
      file: spec.source.file,
      line: spec.source.line,
      column: spec.source.column,
    });
  }
  return limits;
}
