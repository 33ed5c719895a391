/**
 * Mixed-precision search inside an accuracy budget: the smallest per-weight assignment of rungs (uint8, the 2-byte
 * rung, the source storage; see ladder.ts) whose drift the caller accepts. The evaluator and the budget are
 * injected, so the search knows nothing about how drift is measured; it ranks with the budget's own metric through
 * `budgetUse` (the share of the accuracy budget a drift uses, 1 at the limit).
 *
 * Evaluations, in order: all uint8 (done if it passes); all at the 2-byte rung; one probe per unit (a large weight
 * alone, or a group of small ones, at uint8 with the rest as shipped); the promotion list — every unit's steps up its
 * ladder, most predicted budget removed per byte added first — bisected for its shortest passing prefix; then a pass
 * that moves promoted units back down where the budget still holds. Each evaluated candidate is a point of the
 * frontier, and the smallest one inside the budget is the result.
 */
import type { io } from '@tensorflow/tfjs';
import { DEFAULT_AUTO_EVALUATIONS } from '../config/defaults.js';
import { fitUseModel, planUnits, predictPrefixes, prefixAssignment, promotionList, unitBytes, type SearchedWeight, type Unit } from './auto-plan.js';
import { paretoFront, type CandidateKind, type Frontier } from './frontier.js';
import { DEFAULT_LADDER, ladderOf, type RungKind } from './ladder.js';
import { weightQuantizer } from './quantize.js';
import type { WeightTarget } from './select.js';
import { decodeWeights, elementCount } from './weights.js';

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
  /** Whether a drift is inside the accuracy budget: the acceptance test. */
  readonly withinBudget: (drift: D) => boolean;
  /** Share of the accuracy budget a drift uses (1 = at the limit), with the budget's own metrics: the ranking. */
  readonly budgetUse: (drift: D) => number;
  /** Most candidate evaluations the search may run. Default 48. */
  readonly maxEvaluations?: number;
  /** Weights with fewer elements keep their source storage. Default 0. */
  readonly minElements?: number;
  /** Milliseconds left of the model's timeout; the search stops while 3 of its slowest evaluations still fit. */
  readonly timeLeftMs?: () => number;
  /** Rung kinds, cheapest first. Default {@link DEFAULT_LADDER}. */
  readonly ladder?: readonly RungKind[];
  /** Told after each evaluation, for a progress line (`auto: 12/48 …`). */
  readonly onEvaluation?: (progress: AutoProgress) => void;
}

/** One finished evaluation of the search. */
export interface AutoProgress {
  /** 1-based number of this evaluation, and the cap. */
  readonly evaluation: number;
  readonly cap: number;
  readonly kind: CandidateKind;
  /** The unit a probe measured: a weight's name or `group 1 (57 small weights)`. */
  readonly weight?: string;
  /** Share of the accuracy budget used (1 = at the limit). */
  readonly budgetUse: number;
  /** Weight bytes of the candidate. */
  readonly bytes: number;
  readonly withinBudget: boolean;
}

const percent = (use: number): string => (Number.isFinite(use) ? `${Number((use * 100).toPrecision(3))}%` : 'NaN');

/** `auto: 12/48 candidate 1.02 MB weights, 87% of the accuracy budget, within budget`. */
export function formatAutoProgress(p: AutoProgress): string {
  const used = `${percent(p.budgetUse)} of the accuracy budget`;
  const what =
    p.kind === 'probe'
      ? `probe ${p.weight ?? '?'} at uint8: ${used}`
      : `${p.kind} ${(p.bytes / 1e6).toFixed(2)} MB weights, ${used}, ${p.withinBudget ? 'within budget' : 'over budget'}`;
  return `auto: ${p.evaluation}/${p.cap} ${what}`;
}

/** One weight's place in the result. */
export interface AutoAssignment {
  readonly name: string;
  readonly elements: number;
  readonly dtype: WeightTarget;
  /** Share of the accuracy budget its probe used (the weight, or its group, alone at uint8); absent when not probed. */
  readonly sensitivity?: number;
  /** The group of small weights it was measured and moved with. */
  readonly group?: number;
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
  /** The evaluation cap or the model's timeout stopped the search early: the result is the best found. */
  readonly capped: boolean;
  /** Every evaluated candidate, with the Pareto points and the result marked. */
  readonly frontier: Frontier;
  readonly warnings: readonly string[];
}

class Stop extends Error {}

/** A demotion saving less than this share of the weight bytes is not worth an evaluation. */
const MIN_DEMOTION_SHARE = 0.001;

/** Finds a small mixed-precision quantization of `artifacts` within the budget (see the file's comment). */
export async function autoCompress<D extends DriftLike>(artifacts: io.ModelArtifacts, options: AutoOptions<D>): Promise<AutoResult<D>> {
  const cap = options.maxEvaluations ?? DEFAULT_AUTO_EVALUATIONS;
  const floor = options.minElements ?? 0;
  // Weights stored as uint8 already cannot get smaller: they stay as they are and are not searched.
  const weights = decodeWeights(artifacts)
    .filter((t) => t.dtype === 'float32' && t.quantization?.dtype !== 'uint8' && elementCount(t.shape) >= floor)
    .map((t) => ({ name: t.name, elements: elementCount(t.shape), ladder: ladderOf(t, options.ladder ?? DEFAULT_LADDER) }))
    .filter((w) => w.ladder.length >= 2);
  const units: Unit[] = planUnits(weights, Math.max(1, Math.floor((cap - 2) / 2)), 4);
  const index = new Map(weights.map((w, i) => [w.name, i]));
  const membersOf = units.map((u) => u.members.map((w) => index.get(w.name) ?? 0));
  /** Unit rungs → each weight's rung (a shorter ladder stays on its top rung). */
  const expand = (unitAt: readonly number[]): number[] => {
    const at = weights.map((w) => w.ladder.length - 1);
    membersOf.forEach((members, u) => {
      for (const m of members) at[m] = Math.min(unitAt[u] ?? 0, (weights[m]?.ladder.length ?? 1) - 1);
    });
    return at;
  };
  const top = units.map((u) => u.rungs - 1);
  const warnings: string[] = [];
  const points: { bytes: number; budgetUse: number | null; withinBudget: boolean; kind: CandidateKind; key: string }[] = [];
  const seen = new Map<string, { use: number; ok: boolean }>();
  let evaluations = 0;
  let slowestMs = 0;
  let best: { at: readonly number[]; drift: D; bytes: number; key: string } | undefined;

  const targetsOf = (at: readonly number[]): Map<string, WeightTarget> =>
    new Map(weights.map((w, i) => [w.name, (w.ladder[at[i] ?? 0] ?? w.ladder[0])?.target ?? 'float32'] as const));
  const quantize = weightQuantizer(artifacts);
  const build = (at: readonly number[]) => quantize(targetsOf(at), { rounding: 'sum-preserving' });
  /** Evaluates a per-weight assignment once (a repeat is answered from memory, without an evaluation). */
  const measure = async (at: readonly number[], kind: CandidateKind, weight?: string): Promise<{ use: number; ok: boolean }> => {
    const key = at.join(',');
    const known = seen.get(key);
    if (known) return known;
    if (evaluations >= cap) throw new Stop(`auto: stopped at the evaluation cap (${cap}); the result is the smallest passing candidate found`);
    const left = options.timeLeftMs?.();
    if (left !== undefined && evaluations > 0 && left < 3 * slowestMs) {
      throw new Stop(
        `auto: stopped after ${evaluations} evaluations with ${(left / 1000).toFixed(1)} s of the model's timeout left; the result is the smallest passing candidate found`,
      );
    }
    const result = build(at);
    const start = performance.now();
    const drift = await options.evaluate(result.artifacts);
    slowestMs = Math.max(slowestMs, performance.now() - start);
    evaluations++;
    const ok = options.withinBudget(drift);
    const raw = options.budgetUse(drift);
    const use = Number.isNaN(raw) ? Infinity : raw;
    options.onEvaluation?.({
      evaluation: evaluations,
      cap,
      kind,
      ...(weight === undefined ? {} : { weight }),
      budgetUse: use,
      bytes: result.bytesAfter,
      withinBudget: ok,
    });
    points.push({ bytes: result.bytesAfter, budgetUse: Number.isFinite(use) ? use : null, withinBudget: ok, kind, key });
    if (ok && (best === undefined || result.bytesAfter < best.bytes)) best = { at, drift, bytes: result.bytesAfter, key };
    seen.set(key, { use, ok });
    return { use, ok };
  };
  const byUnits = (unitAt: readonly number[], kind: CandidateKind, weight?: string) => measure(expand(unitAt), kind, weight);
  const alone = new Map<number, number>();
  let capped = false;
  // Every weight shipped at its 2-byte rung (float16): the all-2-byte candidate is the original, inside any budget.
  let shippedIsTwoByte = false;

  if (units.length === 0) warnings.push('auto: no float32 or float16 weight to quantize (uint8 weights stay as they are)');
  else {
    try {
      const uint8 = units.map(() => 0);
      const first = await byUnits(uint8, 'all-uint8');
      if (!first.ok) {
        const twoByte = units.map((u) => Math.min(1, u.rungs - 1));
        // A ladder of two rungs (a float16 source) tops out at the source: that candidate is the original itself.
        shippedIsTwoByte = twoByte.every((r, i) => r === (top[i] ?? 0));
        const second = shippedIsTwoByte ? undefined : await byUnits(twoByte, 'all-2-byte');
        for (const [u, unit] of units.entries()) {
          alone.set(
            u,
            (
              await byUnits(
                top.map((t, i) => (i === u ? 0 : t)),
                'probe',
                unit.label,
              )
            ).use,
          );
        }
        const model = fitUseModel(
          units,
          units.map((_, u) => alone.get(u) ?? Infinity),
          first.use,
          second?.use,
        );
        const moves = promotionList(units, model);
        await bisect(units, moves, predictPrefixes(units, moves, model), byUnits);
        const pieces = membersOf.map((members, u) => ({ members, hopeless: (alone.get(u) ?? Infinity) > 1 }));
        const minBytes = MIN_DEMOTION_SHARE * units.reduce((n, u) => n + unitBytes(u, u.rungs - 1), 0);
        await demote(weights, pieces, minBytes, () => best?.at, measure);
      }
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
      capped = true;
      warnings.push(error.message);
    }
  }
  if (units.length > 0 && alone.size < units.length && alone.size > 0)
    warnings.push(`auto: probed ${alone.size} of ${units.length} weights and groups before it stopped`);

  const chosen = best as { at: readonly number[]; drift: D; bytes: number; key: string } | undefined;
  if (chosen === undefined && shippedIsTwoByte) {
    warnings.push('auto: no candidate smaller than the shipped float16 weights stayed inside the budget; the model is left as it was');
    points.push({ bytes: quantize(new Map()).bytesBefore, budgetUse: 0, withinBudget: true, kind: 'all-2-byte', key: 'shipped' });
  } else if (chosen === undefined && units.length > 0) warnings.push('auto: no candidate stayed inside the budget; the model is left as it was');
  const final = chosen ? build(chosen.at) : quantize(new Map());
  const unitOf = new Map(units.flatMap((u, i) => u.members.map((w) => [w.name, i] as const)));
  const bytesBefore = final.bytesBefore;
  return {
    artifacts: chosen ? final.artifacts : artifacts,
    assignment: final.tensors.map((t) => {
      const u = unitOf.get(t.name);
      const group = u === undefined ? undefined : units[u]?.group;
      const s = u === undefined ? undefined : alone.get(u);
      return {
        name: t.name,
        elements: t.elements,
        dtype: t.to,
        ...(s === undefined || !Number.isFinite(s) ? {} : { sensitivity: s }),
        ...(group === undefined ? {} : { group }),
      };
    }),
    bytesBefore,
    bytesAfter: chosen ? final.bytesAfter : bytesBefore,
    drift: chosen?.drift,
    withinBudget: chosen !== undefined || units.length === 0 || shippedIsTwoByte,
    evaluations,
    capped,
    frontier: {
      bytesBefore,
      points: paretoFront(points.map(({ key, ...p }) => ({ ...p, chosen: key === (chosen?.key ?? (shippedIsTwoByte ? 'shipped' : undefined)) }))),
    },
    warnings,
  };
}

type Measure = (at: readonly number[], kind: CandidateKind, weight?: string) => Promise<{ ok: boolean }>;

/**
 * The shortest passing prefix of the promotion list: prefix 0 (all uint8) is known to fail, the whole list (every
 * unit as shipped) to pass. The first split is the shortest prefix predicted inside the budget; then halving.
 */
async function bisect(units: readonly Unit[], moves: Parameters<typeof prefixAssignment>[1], predicted: readonly number[], measure: Measure): Promise<void> {
  let fail = 0;
  let pass = moves.length;
  const guess = predicted.findIndex((u) => u <= 1);
  let next = guess > fail && guess < pass ? guess : Math.floor((fail + pass) / 2);
  while (pass - fail > 1) {
    if ((await measure(prefixAssignment(units, moves, next), 'candidate')).ok) pass = next;
    else fail = next;
    next = Math.floor((fail + pass) / 2);
  }
}

/** Weights the demotion pass moves together; `hopeless`: measured alone at uint8 over the budget. */
interface Piece {
  readonly members: readonly number[];
  readonly hopeless: boolean;
}

/**
 * Moves pieces (units, at first) of the best candidate one rung down, most bytes saved first, keeping each move the
 * budget allows; a piece that moved down is tried again, lower. A group of weights that cannot move down as one is
 * split in two halves (by bytes, in model order), each tried on its own. Never tried: a move saving less than
 * `minBytes`, and a move to uint8 of a piece whose probe alone at uint8 broke the budget.
 */
async function demote(
  weights: readonly SearchedWeight[],
  start: readonly Piece[],
  minBytes: number,
  current: () => readonly number[] | undefined,
  measure: (at: readonly number[], kind: CandidateKind) => Promise<{ ok: boolean }>,
): Promise<void> {
  let pieces = [...start];
  const rungAt = (at: readonly number[], p: Piece): number => Math.max(...p.members.map((m) => at[m] ?? 0));
  const lower = (at: readonly number[], p: Piece): number[] => {
    const to = rungAt(at, p) - 1;
    const next = [...at];
    for (const m of p.members) next[m] = Math.min(next[m] ?? 0, to);
    return next;
  };
  const bytesOf = (at: readonly number[], members: readonly number[]): number => members.reduce((n, m) => n + (weights[m]?.ladder[at[m] ?? 0]?.bytes ?? 0), 0);
  const saving = (at: readonly number[], p: Piece): number => (rungAt(at, p) === 0 ? 0 : bytesOf(at, p.members) - bytesOf(lower(at, p), p.members));
  const tried = new Set<string>();
  const keyOf = (at: readonly number[], p: Piece): string => `${p.members.join('+')}@${rungAt(at, p)}`;
  for (;;) {
    const at = current();
    if (at === undefined) return;
    const open = pieces.filter((p) => saving(at, p) >= minBytes && !tried.has(keyOf(at, p)) && !(p.hopeless && rungAt(at, p) === 1));
    const piece = open.sort((a, b) => saving(at, b) - saving(at, a))[0];
    if (piece === undefined) return;
    tried.add(keyOf(at, piece));
    if ((await measure(lower(at, piece), 'candidate')).ok || piece.members.length < 2) continue;
    // Split by bytes: the first half holds about half the piece's bytes.
    const total = bytesOf(at, piece.members);
    let sum = 0;
    const cut = Math.max(1, Math.min(piece.members.length - 1, piece.members.findIndex((m) => (sum += bytesOf(at, [m])) >= total / 2) + 1));
    const halves = [piece.members.slice(0, cut), piece.members.slice(cut)].map((members) => ({ members, hopeless: false }));
    pieces = [...pieces.filter((p) => p !== piece), ...halves];
  }
}
