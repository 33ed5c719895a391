/**
 * The graph optimizer behind the drift gate: with an evaluator (drift against the original model), a rewrite
 * pattern whose result moves any output by more than {@link OPTIMIZE_MAX_ABS_DRIFT} is refused and the model is
 * rewritten without it. Without an evaluator every pattern applies (each is exact up to float rounding).
 */
import type { io } from '@tensorflow/tfjs';
import { optimizeGraph, OPTIMIZE_PATTERNS, type OptimizePattern, type OptimizeResult } from './optimize-graph.js';

/** Largest max-abs output change a rewrite may cause on a float32 model. */
export const OPTIMIZE_MAX_ABS_DRIFT = 1e-5;

/** Drift of a candidate against the original (max abs over every output). */
export type OptimizeEvaluate = (candidate: io.ModelArtifacts) => Promise<{ readonly maxAbsError: number }>;

/** Result of {@link optimizeChecked}: the optimizer's, plus the patterns refused for drift. */
export interface CheckedOptimizeResult extends OptimizeResult {
  readonly refused: readonly OptimizePattern[];
  /** Max abs drift of the returned artifacts, when an evaluator measured it. */
  readonly maxAbsDrift?: number;
}

const within = (d: { readonly maxAbsError: number }): boolean => d.maxAbsError <= OPTIMIZE_MAX_ABS_DRIFT;

/** Optimizes, then (given `evaluate`) checks the drift and drops each pattern that breaks the limit on its own. */
export async function optimizeChecked(artifacts: io.ModelArtifacts, evaluate?: OptimizeEvaluate): Promise<CheckedOptimizeResult> {
  const all = optimizeGraph(artifacts);
  const applied = OPTIMIZE_PATTERNS.filter((p) => all.rewrites[p] > 0);
  if (!evaluate || applied.length === 0) return { ...all, refused: [] };
  const drift = await evaluate(all.artifacts);
  if (within(drift)) return { ...all, refused: [], maxAbsDrift: drift.maxAbsError };
  const refused: OptimizePattern[] = [];
  for (const p of applied) {
    const alone = optimizeGraph(artifacts, { patterns: [p] });
    if (!within(await evaluate(alone.artifacts))) refused.push(p);
  }
  const kept = OPTIMIZE_PATTERNS.filter((p) => !refused.includes(p));
  const again = optimizeGraph(artifacts, { patterns: kept });
  const final = await evaluate(again.artifacts);
  const warn = (what: readonly OptimizePattern[]): string =>
    `optimize: left out ${what.join(', ')}: the rewritten model's outputs moved by more than ${OPTIMIZE_MAX_ABS_DRIFT.toFixed(5)} (max abs) from the original's`;
  if (!within(final)) {
    return { ...optimizeGraph(artifacts, { patterns: [] }), refused: applied, maxAbsDrift: 0, warnings: [warn(applied)] };
  }
  const warnings = refused.length > 0 ? [warn(refused)] : [];
  return { ...again, refused, maxAbsDrift: final.maxAbsError, warnings: [...again.warnings, ...warnings] };
}
