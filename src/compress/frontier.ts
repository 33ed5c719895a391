/**
 * The size/accuracy frontier of the `auto` search: every candidate it evaluated as (weight bytes, share of the
 * accuracy budget used), with the Pareto points marked: those no other candidate beats on both at once.
 */

/** What an evaluated candidate was. */
export type CandidateKind = 'all-uint8' | 'all-2-byte' | 'probe' | 'candidate';

/** One evaluated candidate. */
export interface FrontierPoint {
  /** Weight bytes of the candidate. */
  readonly bytes: number;
  /** Share of the accuracy budget its drift used (1 = at the limit); null when the drift was not a number. */
  readonly budgetUse: number | null;
  readonly withinBudget: boolean;
  /**
   * `all-uint8`: every searched weight at uint8; `all-2-byte`: every one at its 2-byte rung (uint16 or float16);
   * `probe`: one weight (or group of small ones) at uint8, the rest as shipped; `candidate`: a mixed assignment.
   */
  readonly kind: CandidateKind;
  /** No other candidate is at most as big with less of the budget used, or smaller with at most as much. */
  readonly pareto: boolean;
  /** The search's result. */
  readonly chosen: boolean;
}

/** The frontier of one search. */
export interface Frontier {
  /** Weight bytes of the model as it came in. */
  readonly bytesBefore: number;
  /** Every evaluated candidate, smallest first. */
  readonly points: readonly FrontierPoint[];
}

/** `points` smallest first, with `pareto` set: a point is on the front when no other point dominates it. */
export function paretoFront<P extends Omit<FrontierPoint, 'pareto'>>(points: readonly P[]): (P & { pareto: boolean })[] {
  const use = (p: P): number => p.budgetUse ?? Infinity;
  const sorted = [...points].sort((a, b) => a.bytes - b.bytes || use(a) - use(b));
  const out: (P & { pareto: boolean })[] = [];
  let bestUse = Infinity;
  for (const p of sorted) {
    out.push({ ...p, pareto: use(p) < bestUse });
    bestUse = Math.min(bestUse, use(p));
  }
  return out;
}
