/**
 * `levels: auto`: per uint8 or uint16 weight, the fewest codes that keep the model acceptable, still a plain uint8
 * or uint16 tensor: 16, 32, 64, 128 or all 256 codes of a uint8 weight; 512 … 32768 or all 65536 of a uint16 one.
 * Fewer distinct values compress better for transfer (gzip/brotli); raw bytes stay the same. Acceptable is the
 * model's accuracy budget when it has one, else "max-abs drift no worse than the model on every code" on the same
 * inputs. Weights are tried biggest in bytes first (they hold the bytes), each by a binary search over its dtype's
 * bits (4…8, 9…16) with every earlier choice in place, until the evaluations run out; the rest keep every code.
 */
import type { io } from '@tensorflow/tfjs';
import type { DriftLike } from './auto.js';
import type { QuantizeResult } from './quantize.js';

/** Most evaluations `levels: auto` runs unless told (the 256-level reference included). */
export const DEFAULT_LEVELS_EVALUATIONS = 40;
/** The bits searched per dtype: below a uint16 weight's 9 bits, uint8 would hold the same codes in half the bytes. */
const BITS = { uint8: [4, 8], uint16: [9, 16] } as const;

/** One finished evaluation, for a progress line. */
export interface LevelsProgress {
  readonly evaluation: number;
  readonly cap: number;
  /** The weight tried (absent: the reference, every weight on all of its codes). */
  readonly weight?: string;
  /** Codes tried for `weight`; 256 on the reference's line, which does not show it. */
  readonly levels: number;
  readonly maxAbsError: number;
  readonly accepted: boolean;
}

/** `levels: 12/40 conv2/kernel at 32 levels: max-abs 0.0031, kept`. */
export function formatLevelsProgress(p: LevelsProgress): string {
  const error = `max-abs ${Number(p.maxAbsError.toPrecision(3))}`;
  const what =
    p.weight === undefined ? `every weight on all its codes: ${error}` : `${p.weight} at ${p.levels} levels: ${error}, ${p.accepted ? 'kept' : 'rejected'}`;
  return `levels: ${p.evaluation}/${p.cap} ${what}`;
}

/** Options of {@link chooseLevels}. */
export interface LevelsOptions<D extends DriftLike = DriftLike> {
  /** The quantized model with the given codes per weight (absent: all of its dtype's). */
  readonly quantize: (levels: ReadonlyMap<string, number>) => QuantizeResult;
  readonly evaluate: (candidate: io.ModelArtifacts) => Promise<D>;
  /** The accuracy budget; absent: max-abs no worse than the model on every code. */
  readonly withinBudget?: (drift: D) => boolean;
  readonly maxEvaluations?: number;
  readonly onEvaluation?: (progress: LevelsProgress) => void;
}

/** Result of {@link chooseLevels}. */
export interface LevelsResult<D extends DriftLike = DriftLike> {
  readonly result: QuantizeResult;
  /** Codes per uint8 / uint16 weight, as chosen (weights not named keep every code). */
  readonly levels: ReadonlyMap<string, number>;
  readonly evaluations: number;
  /** Weights tried before the evaluations ran out, of those quantized to uint8 or uint16 (`candidates`). */
  readonly tried: number;
  readonly candidates: number;
  /** The dtypes of the candidates, uint8 first. */
  readonly dtypes: readonly ('uint8' | 'uint16')[];
  /** Drift of the model on every code and of the result. */
  readonly reference: D;
  readonly drift: D;
  /** The model on every code already breaks the budget: nothing was tried. */
  readonly overBudget: boolean;
}

/** Searches the levels per weight (see the module comment). */
export async function chooseLevels<D extends DriftLike>(options: LevelsOptions<D>): Promise<LevelsResult<D>> {
  const cap = Math.max(1, options.maxEvaluations ?? DEFAULT_LEVELS_EVALUATIONS);
  const chosen = new Map<string, number>();
  const base = options.quantize(chosen);
  const candidates = base.tensors
    .flatMap((t) => (t.to === 'uint8' || t.to === 'uint16' ? [{ name: t.name, dtype: t.to, bits: BITS[t.to], bytes: t.bytesAfter }] : []))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
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
      let lo: number = t.bits[0];
      let hi: number = t.bits[1];
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
      if (hi < t.bits[1]) chosen.set(t.name, 2 ** hi);
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
    dtypes: (['uint8', 'uint16'] as const).filter((d) => candidates.some((c) => c.dtype === d)),
    reference,
    drift: chosen.size === 0 ? reference : best.drift,
    overBudget,
  };
}

/** `13 of 24 uint8/uint16 weight(s) on fewer codes (16/4096), 17 tried in 40 evaluations`: what a search chose. */
export function describeLevels(found: Omit<LevelsResult, 'result' | 'reference' | 'drift'>): string {
  const counts = [...new Set(found.levels.values())].sort((a, b) => a - b);
  const dtypes = found.dtypes.join('/') || 'uint8/uint16';
  return `${found.levels.size} of ${found.candidates} ${dtypes} weight(s) on fewer codes (${counts.join('/') || 'none'}), ${found.tried} tried in ${found.evaluations} evaluations`;
}
