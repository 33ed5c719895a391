/**
 * Mixed-precision search inside an accuracy budget: the smallest per-weight assignment of uint8 / uint16 /
 * float16 / float32 whose drift the caller accepts. All uint8 first; if that breaks the budget, each weight's
 * sensitivity is measured (quantized alone) and the most sensitive weights are promoted one precision step at a
 * time until the budget holds. The evaluator is injected, so the search knows nothing about how drift is measured.
 */
import type { io } from '@tensorflow/tfjs';
import { DEFAULT_AUTO_EVALUATIONS } from '../config/defaults.js';
import { decodeFloat16, encodeFloat16, FLOAT16_MAX } from './float16.js';
import { quantizeAffine, quantizeTensors } from './quantize.js';
import type { WeightTarget } from './select.js';
import { decodeWeights, elementCount, type NamedTensor } from './weights.js';

/** The drift numbers the search passes around; `measureDrift`'s result fits. */
export interface DriftLike {
  readonly maxAbsError: number;
  readonly rmse?: number;
  readonly cosine?: number;
  readonly top1Agreement?: number;
  readonly psnr?: number;
  readonly keypointError?: number;
}

/** Options of {@link autoCompress}. */
export interface AutoOptions<D extends DriftLike = DriftLike> {
  /** Drift of a candidate against the original model (same inputs every call). */
  readonly evaluate: (candidate: io.ModelArtifacts) => Promise<D>;
  /** Whether a drift is inside the accuracy budget. */
  readonly withinBudget: (drift: D) => boolean;
  /** Most candidate evaluations the search may run. Default 48. */
  readonly maxEvaluations?: number;
  /** Weights with fewer elements keep their source storage. Default 0. */
  readonly minElements?: number;
  /** Told after each evaluation, for a progress line (`auto: 12/48 …`). */
  readonly onEvaluation?: (progress: AutoProgress) => void;
}

/** One finished evaluation of the search. */
export interface AutoProgress {
  /** 1-based number of this evaluation, and the cap. */
  readonly evaluation: number;
  readonly cap: number;
  /** `sensitivity`: one weight alone at uint8; `candidate`: a whole assignment judged against the budget. */
  readonly kind: 'sensitivity' | 'candidate';
  /** The weight measured (`sensitivity`). */
  readonly weight?: string;
  readonly maxAbsError: number;
  /** Weight bytes of the candidate, and whether it is inside the budget (`candidate`). */
  readonly bytes?: number;
  readonly withinBudget?: boolean;
}

/** `auto: 12/48 candidate 1.02 MB weights, max-abs 0.0031, within budget`. */
export function formatAutoProgress(p: AutoProgress): string {
  const error = `max-abs ${Number(p.maxAbsError.toPrecision(3))}`;
  const what =
    p.kind === 'sensitivity'
      ? `sensitivity of ${p.weight ?? '?'}: ${error}`
      : `candidate ${((p.bytes ?? 0) / 1e6).toFixed(2)} MB weights, ${error}, ${p.withinBudget ? 'within budget' : 'over budget'}`;
  return `auto: ${p.evaluation}/${p.cap} ${what}`;
}

/** One weight's place in the result. */
export interface AutoAssignment {
  readonly name: string;
  readonly elements: number;
  readonly dtype: WeightTarget;
  /** Max abs error with only this weight quantized to uint8; absent when not measured. */
  readonly sensitivity?: number;
}

/** Result of {@link autoCompress}. */
export interface AutoResult<D extends DriftLike = DriftLike> {
  readonly artifacts: io.ModelArtifacts;
  readonly assignment: readonly AutoAssignment[];
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Drift of the returned artifacts; undefined when they are the unchanged original. */
  readonly drift: D | undefined;
  readonly withinBudget: boolean;
  readonly evaluations: number;
  /** The evaluation cap stopped the search early: the result is the best found, maybe not the smallest. */
  readonly capped: boolean;
  readonly warnings: readonly string[];
}

class Capped extends Error {}

/**
 * The 2-byte rung of one weight: uint16 or float16, whichever reconstructs its values with the smaller RMS error
 * (uint16 suits evenly spread values, float16 wide-ranging ones). A float16 source stays float16.
 */
function twoByteRung(tensor: NamedTensor): WeightTarget {
  if (tensor.quantization?.dtype === 'float16') return 'float16';
  const values = tensor.data as Float32Array;
  const { codes, min, scale } = quantizeAffine(values, 'uint16');
  const half = decodeFloat16(encodeFloat16(values));
  let affine = 0;
  let float16 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    affine += ((codes[i] ?? 0) * scale + min - v) ** 2;
    float16 += ((half[i] ?? 0) - v) ** 2;
  }
  return float16 < affine && values.every((v) => Math.abs(v) <= FLOAT16_MAX) ? 'float16' : 'uint16';
}

/**
 * Finds a small mixed-precision quantization of `artifacts` within the budget.
 * Evaluations: 1 (all uint8), then up to 60 % of the cap measuring weights' sensitivity (largest first), then a
 * doubling-then-bisecting search per precision step, then whatever is left of `maxEvaluations` moving promoted
 * weights back to uint8 where the budget allows.
 */
export async function autoCompress<D extends DriftLike>(artifacts: io.ModelArtifacts, options: AutoOptions<D>): Promise<AutoResult<D>> {
  const cap = options.maxEvaluations ?? DEFAULT_AUTO_EVALUATIONS;
  const floor = options.minElements ?? 0;
  // Weights stored as uint8 already cannot get smaller: they stay as they are and are not searched.
  const candidates = decodeWeights(artifacts).filter((t) => t.dtype === 'float32' && t.quantization?.dtype !== 'uint8' && elementCount(t.shape) >= floor);
  const names = candidates.map((t) => t.name);
  const elements = new Map(candidates.map((t) => [t.name, elementCount(t.shape)]));
  const rungs = new Map(candidates.map((t) => [t.name, ['uint8', twoByteRung(t), 'float32'] as const]));
  const warnings: string[] = [];
  let evaluations = 0;
  let best: { targets: Map<string, WeightTarget>; drift: D; bytes: number } | undefined;

  const build = (targets: Map<string, WeightTarget>): ReturnType<typeof quantizeTensors> => quantizeTensors(artifacts, targets);
  const tryTargets = async (targets: Map<string, WeightTarget>): Promise<{ drift: D; ok: boolean }> => {
    if (evaluations >= cap) throw new Capped();
    evaluations++;
    return measure(targets);
  };
  // Every evaluated candidate inside the budget competes for the result, sensitivity probes included.
  // `probe` names the weight a sensitivity probe quantizes alone; its progress line says so.
  const measure = async (targets: Map<string, WeightTarget>, probe?: string): Promise<{ drift: D; ok: boolean }> => {
    const result = build(targets);
    const drift = await options.evaluate(result.artifacts);
    const ok = options.withinBudget(drift);
    options.onEvaluation?.(
      probe === undefined
        ? { evaluation: evaluations, cap, kind: 'candidate', maxAbsError: drift.maxAbsError, bytes: result.bytesAfter, withinBudget: ok }
        : { evaluation: evaluations, cap, kind: 'sensitivity', weight: probe, maxAbsError: drift.maxAbsError },
    );
    if (ok && (best === undefined || result.bytesAfter < best.bytes)) best = { targets, drift, bytes: result.bytesAfter };
    return { drift, ok };
  };
  const sensitivity = new Map<string, number>();
  let capped = false;

  if (names.length === 0) warnings.push('auto: no float32 or float16 weight to quantize (uint8 weights stay as they are)');
  else {
    try {
      if (!(await tryTargets(new Map(names.map((n) => [n, 'uint8'])))).ok) {
        // Largest weights first: when the cap cuts the measurement short, the unmeasured (small, cheap to keep
        // precise) weights are promoted first, as one block.
        const bySize = [...names].sort((a, b) => (elements.get(b) ?? 0) - (elements.get(a) ?? 0));
        const share = Math.max(1, Math.floor((cap - 1) * 0.6));
        for (const name of bySize) {
          if (sensitivity.size >= share || evaluations >= cap - 1) break;
          evaluations++;
          const { drift } = await measure(new Map([[name, 'uint8']]), name);
          sensitivity.set(name, drift.maxAbsError);
        }
        if (sensitivity.size < names.length) {
          warnings.push(`auto: measured the sensitivity of ${sensitivity.size} of ${names.length} weights (evaluation cap ${cap})`);
        }
        const order = [...names].sort((a, b) => (sensitivity.get(b) ?? Infinity) - (sensitivity.get(a) ?? Infinity));
        await promote(order, names.length - sensitivity.size, rungs, tryTargets);
        // Refinement with the evaluations left: move promoted weights back to uint8, most bytes saved per unit of
        // measured sensitivity first, keeping each move that stays inside the budget.
        const worth = (n: string): number => (elements.get(n) ?? 0) / ((sensitivity.get(n) ?? Infinity) + 1e-12);
        const demotable = order.filter((n) => sensitivity.has(n)).sort((a, b) => worth(b) - worth(a));
        for (const name of demotable) {
          const current = best?.targets;
          if (current === undefined || evaluations >= cap) break;
          if (current.get(name) === 'uint8') continue;
          await tryTargets(new Map([...current, [name, 'uint8']]));
        }
      }
    } catch (error) {
      if (!(error instanceof Capped)) throw error;
      capped = true;
      warnings.push(`auto: stopped at the evaluation cap (${cap}); the result is the smallest passing candidate found`);
    }
  }

  const chosen = best as { targets: Map<string, WeightTarget>; drift: D; bytes: number } | undefined;
  if (chosen === undefined && names.length > 0) warnings.push('auto: no candidate stayed inside the budget; the model is left as it was');
  const final = build(chosen?.targets ?? new Map<string, WeightTarget>());
  return {
    artifacts: chosen ? final.artifacts : artifacts,
    assignment: final.tensors.map((t) => ({
      name: t.name,
      elements: t.elements,
      dtype: t.to,
      ...(sensitivity.has(t.name) ? { sensitivity: sensitivity.get(t.name) ?? 0 } : {}),
    })),
    bytesBefore: final.bytesBefore,
    bytesAfter: chosen ? final.bytesAfter : final.bytesBefore,
    drift: chosen?.drift,
    withinBudget: chosen !== undefined || names.length === 0,
    evaluations,
    capped,
    warnings,
  };
}

/**
 * For each precision step, promote the k most sensitive weights (k = 1, 2, 4, … then bisect to the smallest k that
 * passes); when even all of them at this step fail, all move up and the next step starts. The first `block`
 * weights (unmeasured) always move together.
 */
async function promote(
  order: readonly string[],
  block: number,
  rungs: ReadonlyMap<string, readonly WeightTarget[]>,
  tryTargets: (t: Map<string, WeightTarget>) => Promise<{ ok: boolean }>,
): Promise<void> {
  for (let level = 1; level < 3; level++) {
    const at = (k: number): Map<string, WeightTarget> => new Map(order.map((n, i) => [n, rungs.get(n)?.[i < k ? level : level - 1] ?? 'float32']));
    let pass: number | undefined;
    let fail = Math.max(0, block - 1);
    for (let step = 1; ; step *= 2) {
      const k = Math.min(order.length, Math.max(block, 0) + step - (block > 0 ? 1 : 0));
      if ((await tryTargets(at(k))).ok) {
        pass = k;
        break;
      }
      fail = k;
      if (k === order.length) break;
    }
    if (pass === undefined) continue;
    while (pass - fail > 1) {
      const mid = Math.floor((pass + fail) / 2);
      if ((await tryTargets(at(mid))).ok) pass = mid;
      else fail = mid;
    }
    return;
  }
}
