/**
 * `compress:` of a `.tflite` model, as the pipeline runs it: the precisions that need no samples are pure rewrites
 * (src/formats/tflite/compress.ts); full `int8` is calibrated on the drift session's samples (the user's
 * `inputs.images` / `inputs.npy`) by running the float model on LiteRT with its activations exposed; `auto` builds
 * every precision mix and keeps the smallest inside the accuracy budget, checked on LiteRT with the same samples.
 */
import type { ModelSpec } from '../config/load.js';
import { CompressError, problem } from '../errors.js';
import { calibrateTflite } from '../formats/tflite/calibrate.js';
import { compressTflite, float32Of, quantizeCalibrated, tfliteQuantizeOf, withGraph, type TfliteCompressed } from '../formats/tflite/compress.js';
import { searchTflitePrecision } from '../formats/tflite/precision-search.js';
import { formatBytes } from '../format.js';
import type { TfliteLoadedModel } from '../model/types.js';
import { RUNTIMES, selectRuntime } from '../runtimes/index.js';
import type { DriftSession } from './drift-session.js';
import { withinAccuracyBudget } from './drift-session.js';

/** A `.tflite` setting: a precision word, or `auto`. */
export type TflitePlan = { readonly auto: true } | { readonly quantize: unknown };

/** Whether the plan needs the drift session before the rewrite (samples to calibrate on, candidates to check). */
export function tfliteNeedsSamples(model: TfliteLoadedModel, plan: TflitePlan): boolean {
  return 'auto' in plan || tfliteQuantizeOf(model, plan.quantize) === 'int8';
}

/**
 * Compresses `model` as `plan` says. `session` (the original loaded for drift, with its samples) is required for
 * `int8` and `auto`. Full int8 refuses synthetic inputs: ranges recorded on noise quantize real inputs badly.
 */
export async function compressTfliteWith(
  model: TfliteLoadedModel,
  plan: TflitePlan,
  spec: ModelSpec,
  session: DriftSession | undefined,
  step: (what: string) => void,
): Promise<TfliteCompressed> {
  if (!('auto' in plan) && tfliteQuantizeOf(model, plan.quantize) !== 'int8') return compressTflite(model, plan.quantize);
  if (!session) throw new Error('int8 and auto need the drift session');
  const float32 = float32Of(model);
  const real = !session.synthetic;
  const info = real ? await selectRuntime('litert') : undefined;
  if (!('auto' in plan)) {
    if (!info) throw new CompressError(problem('tflite/calibrate-no-samples'), { file: spec.source.file, line: spec.source.line, column: spec.source.column });
    step(`calibrating int8 on ${session.inputs.length} sample(s)`);
    const calibration = await calibrateTflite(float32, session.inputs, RUNTIMES.litert, info);
    return quantizeCalibrated(model, float32, calibration);
  }
  const within = withinAccuracyBudget(spec);
  const calibration = info ? await calibrateTflite(float32, session.inputs, RUNTIMES.litert, info) : undefined;
  let evaluations = 0;
  const found = await searchTflitePrecision(float32, {
    maxError: 0,
    ...(calibration ? { calibration } : {}),
    evaluate: async (graph) => {
      const drift = await session.evaluateModel(withGraph(model, graph));
      step(`auto: evaluation ${++evaluations}`);
      return within(drift) ? 0 : 1;
    },
  });
  const tried = (found?.steps ?? [])
    .filter((s) => s.error !== undefined)
    .map((s) => `${s.name} (${formatBytes(s.bytes)}) ${s.error === 0 ? 'within' : 'outside'} the budget`)
    .join(', ');
  const int8 = calibration ? '' : '; int8 mixes not tried: no inputs.images or inputs.npy to calibrate on';
  if (!found) {
    throw new CompressError(problem('tflite/auto-nothing-within', { name: spec.name }), {
      file: spec.source.file,
      line: spec.source.line,
      column: spec.source.column,
    });
  }
  return {
    model: withGraph(model, found.graph),
    notes: [`auto: ${found.name}, the smallest mix within the accuracy budget (${formatBytes(found.bytes)}); tried smallest first: ${tried}${int8}`],
  };
}
