/**
 * `levels: auto`: per uint8 weight, the fewest codes (16, 32, 64, 128 or 256 of the 256, still plain uint8) that keep
 * the model acceptable. Fewer distinct bytes compress better for transfer (gzip/brotli); raw bytes stay the same.
 * Acceptable is the model's accuracy budget when it has one, else "max-abs drift no worse than the 256-level uint8
 * model" on the same inputs. Weights are tried biggest first (they hold the bytes), each by a binary search over
 * the bits 4…8 with every earlier choice in place, until the evaluations run out; the rest keep 256 levels.
 */
import type { io } from '@tensorflow/tfjs';
import type { DriftLike } from './auto.js';
import type { QuantizeResult } from './quantize.js';

/** Most evaluations `levels: auto` runs unless told (the 256-level reference included). */
export const DEFAULT_LEVELS_EVALUATIONS = 40;
const MIN_BITS = 4;
const MAX_BITS = 8;

/** One finished evaluation, for a progress line. */
export interface LevelsProgress {
  readonly evaluation: number;
  readonly cap: number;
  /** The weight tried (absent: the 256-level reference). */
  readonly weight?: string;
  readonly levels: number;
  readonly maxAbsError: number;
  readonly accepted: boolean;
}

/** `levels: 12/40 conv2/kernel at 32 levels: max-abs 0.0031, kept`. */
export function formatLevelsProgress(p: LevelsProgress): string {
  const error = `max-abs ${Number(p.maxAbsError.toPrecision(3))}`;
  const what =
    p.weight === undefined ? `every weight at 256 levels: ${error}` : `${p.weight} at ${p.levels} levels: ${error}, ${p.accepted ? 'kept' : 'rejected'}`;
  return `levels: ${p.evaluation}/${p.cap} ${what}`;
}

/** Options of {@link chooseLevels}. */
export interface LevelsOptions<D extends DriftLike = DriftLike> {
  /** The quantized model with the given codes per weight (absent: 256). */
  readonly quantize: (levels: ReadonlyMap<string, number>) => QuantizeResult;
  readonly evaluate: (candidate: io.ModelArtifacts) => Promise<D>;
  /** The accuracy budget; absent: max-abs no worse than the 256-level model. */
  readonly withinBudget?: (drift: D) => boolean;
  readonly maxEvaluations?: number;
  readonly onEvaluation?: (progress: LevelsProgress) => void;
}

/** Result of {@link chooseLevels}. */
export interface LevelsResult<D extends DriftLike = DriftLike> {
  readonly result: QuantizeResult;
  /** Codes per uint8 weight, as chosen (weights not tried: 256). */
  readonly levels: ReadonlyMap<string, number>;
  readonly evaluations: number;
  /** Weights tried before the evaluations ran out, of those quantized to uint8. */
  readonly tried: number;
  readonly candidates: number;
  /** Drift of the 256-level model and of the result. */
  readonly reference: D;
  readonly drift: D;
  /** The 256-level model already breaks the budget: nothing was tried. */
  readonly overBudget: boolean;
}

/** Searches the levels per weight (see the module comment). */
export async function chooseLevels<D extends DriftLike>(options: LevelsOptions<D>): Promise<LevelsResult<D>> {
  const cap = Math.max(1, options.maxEvaluations ?? DEFAULT_LEVELS_EVALUATIONS);
  const chosen = new Map<string, number>();
  const base = options.quantize(chosen);
  const candidates = base.tensors.filter((t) => t.to === 'uint8').sort((a, b) => b.elements - a.elements || a.name.localeCompare(b.name));
  let evaluations = 1;
  const reference = await options.evaluate(base.artifacts);
  const accept = options.withinBudget ?? ((d: D) => !Number.isNaN(d.maxAbsError) && d.maxAbsError <= reference.maxAbsError);
  const overBudget = !accept(reference);
  options.onEvaluation?.({ evaluation: 1, cap, levels: 256, maxAbsError: reference.maxAbsError, accepted: !overBudget });
  let best = { result: base, drift: reference };
  let tried = 0;
  if (!overBudget) {
    for (const t of candidates) {
      if (evaluations >= cap) break;
      tried++;
      let lo = MIN_BITS;
      let hi = MAX_BITS;
      while (lo < hi && evaluations < cap) {
        const mid = Math.floor((lo + hi) / 2);
        const trial = new Map(chosen).set(t.name, 2 ** mid);
        const result = options.quantize(trial);
        const drift = await options.evaluate(result.artifacts);
        evaluations++;
        const ok = accept(drift);
        options.onEvaluation?.({ evaluation: evaluations, cap, weight: t.name, levels: 2 ** mid, maxAbsError: drift.maxAbsError, accepted: ok });
        if (ok) {
          hi = mid;
          best = { result, drift };
        } else lo = mid + 1;
      }
      if (hi < MAX_BITS) chosen.set(t.name, 2 ** hi);
    }
  }
  // `best` is the last accepted candidate, which holds every choice made.
  const result = chosen.size === 0 ? base : best.result;
  return {
    result,
    levels: chosen,
    evaluations,
    tried,
    candidates: candidates.length,
    reference,
    drift: chosen.size === 0 ? reference : best.drift,
    overBudget,
  };
}
