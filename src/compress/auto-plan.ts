/**
 * The pure half of the `auto` search: which weights it measures one by one and which in groups, the model that
 * predicts an assignment's budget use from those measurements, and the promotion list it bisects. No evaluation
 * happens here.
 */
import type { Rung } from './ladder.js';

/** A searched weight and its ladder. */
export interface SearchedWeight {
  readonly name: string;
  readonly elements: number;
  readonly ladder: readonly Rung[];
}

/** What the search moves as one: a large weight alone, or a group of small ones (each member at its own rung i). */
export interface Unit {
  /** The weight's name, or `group 2 (41 small weights)`. */
  readonly label: string;
  readonly members: readonly SearchedWeight[];
  /** 1-based group number for a group of small weights. */
  readonly group?: number;
  /** Number of rungs: the longest member ladder. */
  readonly rungs: number;
}

/** Weights that together hold at most this share of the searched bytes are measured in groups, not one by one. */
export const SMALL_WEIGHTS_SHARE = 0.04;
/** A weight holding less than this share of the searched bytes is never measured alone. */
export const MIN_ALONE_SHARE = 0.005;
/** A group of small weights holds about this share of the searched bytes. */
const GROUP_SHARE = 0.02;

/** A member's rung at unit rung `i` (a shorter ladder stays on its top rung). */
export function rungOf(w: SearchedWeight, i: number): Rung {
  const r = w.ladder[Math.min(i, w.ladder.length - 1)];
  if (r === undefined) throw new Error(`weight ${w.name} has no rungs`);
  return r;
}

export const unitBytes = (u: Unit, i: number): number => u.members.reduce((n, w) => n + rungOf(w, i).bytes, 0);
const unitSse = (u: Unit, i: number): number => u.members.reduce((n, w) => n + rungOf(w, i).sse, 0);

/**
 * Splits the weights into units: the largest alone (at most `alone`, each at least {@link MIN_ALONE_SHARE} of the
 * bytes, never the smallest ones that together hold {@link SMALL_WEIGHTS_SHARE}), the rest in groups of neighbours in
 * model order, about {@link GROUP_SHARE} of the bytes each and at most `groups` of them. Units come largest first.
 */
export function planUnits(weights: readonly SearchedWeight[], alone: number, groups: number): Unit[] {
  const top = (w: SearchedWeight): number => rungOf(w, Infinity).bytes;
  const total = weights.reduce((n, w) => n + top(w), 0);
  const bySize = [...weights].sort((a, b) => top(b) - top(a));
  let tail = 0;
  let small = 0;
  for (let i = bySize.length - 1; i >= 0; i--) {
    const w = bySize[i];
    if (w === undefined || tail + top(w) > SMALL_WEIGHTS_SHARE * total) break;
    tail += top(w);
    small++;
  }
  const single = bySize.slice(0, bySize.length - small).filter((w) => top(w) >= MIN_ALONE_SHARE * total);
  const reserved = single.length < bySize.length ? 1 : 0;
  const kept = new Set(single.slice(0, Math.max(0, alone - reserved)));
  const rest = weights.filter((w) => !kept.has(w));
  const restBytes = rest.reduce((n, w) => n + top(w), 0);
  const count = Math.max(1, Math.min(groups, rest.length, Math.round(restBytes / (GROUP_SHARE * total))));
  const units: Unit[] = [...kept].map((w) => ({ label: w.name, members: [w], rungs: w.ladder.length }));
  const split: SearchedWeight[][] = [];
  let current: SearchedWeight[] = [];
  let sum = 0;
  for (const w of rest) {
    current.push(w);
    sum += top(w);
    if (split.length < count - 1 && sum >= (restBytes * (split.length + 1)) / count) {
      split.push(current);
      current = [];
    }
  }
  if (current.length > 0) split.push(current);
  split.forEach((members, g) =>
    units.push({
      label: `group ${g + 1} (${members.length} small weight${members.length === 1 ? '' : 's'})`,
      members,
      group: g + 1,
      rungs: Math.max(...members.map((w) => w.ladder.length)),
    }),
  );
  return units;
}

/**
 * Predicted budget use of an assignment from the probes: each unit alone at uint8 used `alone[u]` of the budget; at a
 * higher rung it uses that times (RMS reconstruction error ratio)^p; units combine as an ℓq norm, scaled by c.
 * q and c are fitted so the all-uint8 prediction is the measured one; p so the all-2-byte prediction is.
 */
export interface UseModel {
  readonly q: number;
  readonly p: number;
  readonly c: number;
  /** Predicted use of unit `u` at rung `i`, before combining. */
  readonly est: (u: number, i: number) => number;
}

/** A huge but finite stand-in for a probe that broke the budget without a number (NaN drift). */
const HUGE = 1e6;

export function fitUseModel(units: readonly Unit[], alone: readonly number[], allUint8: number, all2Byte: number | undefined): UseModel {
  const s = alone.map((x) => (Number.isFinite(x) ? Math.max(0, x) : HUGE));
  const norm = (xs: readonly number[], q: number): number => xs.reduce((n, x) => n + x ** q, 0) ** (1 / q);
  const u0 = Number.isFinite(allUint8) ? allUint8 : HUGE;
  // The ℓq norm falls as q grows: bisect for the q whose norm of the probes is the all-uint8 use.
  const q = solveFalling((x) => norm(s, x), u0, 0.5, 4);
  const base = norm(s, q);
  const c = base > 0 ? u0 / base : 1;
  const ratio = units.map((unit) => (i: number) => {
    const e0 = unitSse(unit, 0);
    return e0 > 0 ? Math.sqrt(unitSse(unit, i) / e0) : 0;
  });
  const at = (p: number) => (u: number, i: number) => (i === 0 ? (s[u] ?? 0) : (s[u] ?? 0) * (ratio[u]?.(i) ?? 0) ** p);
  let p = 1;
  if (all2Byte !== undefined && Number.isFinite(all2Byte)) {
    p = solveFalling(
      (x) =>
        c *
        norm(
          units.map((_, u) => at(x)(u, 1)),
          q,
        ),
      all2Byte,
      0.25,
      3,
    );
  }
  return { q, p, c, est: at(p) };
}

/** x in [lo, hi] where the falling f(x) is closest to `target` (clamped to the ends). */
function solveFalling(f: (x: number) => number, target: number, lo: number, hi: number): number {
  if (f(lo) <= target) return lo;
  if (f(hi) >= target) return hi;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** One step up the ladder of one unit. */
export interface Move {
  readonly unit: number;
  /** The rung the unit moves to. */
  readonly to: number;
  /** Predicted budget use (in the model's ℓq space) the move removes, per byte it adds. */
  readonly worth: number;
  /** Predicted use (ℓq space) it removes. */
  readonly gain: number;
}

/**
 * Every unit's steps up its ladder, most budget removed per byte added first; a unit's steps stay in ladder
 * order (a later step is never worth more than the one before it).
 */
export function promotionList(units: readonly Unit[], model: UseModel): Move[] {
  const moves: Move[] = [];
  units.forEach((unit, u) => {
    let cap = Infinity;
    for (let to = 1; to < unit.rungs; to++) {
      const gain = model.est(u, to - 1) ** model.q - model.est(u, to) ** model.q;
      const cost = Math.max(1e-9, unitBytes(unit, to) - unitBytes(unit, to - 1));
      cap = Math.min(cap, gain / cost);
      moves.push({ unit: u, to, worth: cap, gain });
    }
  });
  // Stable: equal worth keeps ladder order within a unit and the units' order (largest first) between them.
  return moves
    .map((m, i) => ({ m, i }))
    .sort((a, b) => b.m.worth - a.m.worth || a.i - b.i)
    .map(({ m }) => m);
}

/** The assignment after the first `k` moves from all-uint8 (rung index per unit). */
export function prefixAssignment(units: readonly Unit[], moves: readonly Move[], k: number): number[] {
  const at = units.map(() => 0);
  for (const m of moves.slice(0, k)) at[m.unit] = Math.max(at[m.unit] ?? 0, m.to);
  return at;
}

/** Predicted budget use of each prefix 0…moves.length. */
export function predictPrefixes(units: readonly Unit[], moves: readonly Move[], model: UseModel): number[] {
  let sum = units.reduce((n, _, u) => n + model.est(u, 0) ** model.q, 0);
  const out = [model.c * Math.max(0, sum) ** (1 / model.q)];
  for (const m of moves) {
    sum -= m.gain;
    out.push(model.c * Math.max(0, sum) ** (1 / model.q));
  }
  return out;
}
