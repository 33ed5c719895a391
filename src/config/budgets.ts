import { metricInfo } from '../metrics.js';
import { legMatches } from '../leg.js';
import type { BudgetInput } from './schema.js';
import type { BudgetEntry, SourceLocation } from './types.js';

/** One `budget:` block, flattened. */
export interface FlatBudgets {
  readonly budgets: readonly BudgetEntry[];
  readonly latencyIncrease?: number;
  readonly sizeIncrease?: number;
  readonly trend: Readonly<Record<string, number>>;
  /** Where `latency.increase` and `size-increase` are written, for annotations. */
  readonly sources: Readonly<Record<string, SourceLocation>>;
}

/** One entry of `budget.per-leg`: the leg pattern and its budgets. */
export interface LegBudgets extends FlatBudgets {
  readonly pattern: string;
}

/**
 * The budgets in force on `leg`: the model's own, with every budget written in a matching `per-leg` block
 * replacing the one of the same metric (blocks in the order written; a later match wins).
 */
export function budgetsForLeg(own: FlatBudgets, perLeg: readonly LegBudgets[], leg: string): FlatBudgets {
  let merged: FlatBudgets = own;
  for (const block of perLeg) {
    if (!legMatches(block.pattern, leg)) continue;
    const replaced = new Set(block.budgets.map((b) => b.key));
    const latencyIncrease = block.latencyIncrease ?? merged.latencyIncrease;
    const sizeIncrease = block.sizeIncrease ?? merged.sizeIncrease;
    merged = {
      budgets: [...merged.budgets.filter((b) => !replaced.has(b.key)), ...block.budgets],
      ...(latencyIncrease === undefined ? {} : { latencyIncrease }),
      ...(sizeIncrease === undefined ? {} : { sizeIncrease }),
      trend: { ...merged.trend, ...block.trend },
      sources: { ...merged.sources, ...block.sources },
    };
  }
  return merged;
}

type Limits = { readonly max?: number | undefined; readonly min?: number | undefined; readonly warn?: number | undefined };

/** Keys that are settings rather than limits on one metric. */
const NOT_METRICS = new Set(['trend', 'size-increase', 'latency.increase', 'per-leg']);

/**
 * Turns the nested `budget:` block into flat entries keyed like report.json (`latency.p90`), each with where it
 * is written, plus the relative budgets (`latency.increase`, `size-increase`, `trend`).
 */
export function flattenBudgets(budget: Omit<BudgetInput, 'per-leg'>, locate: (path: readonly string[]) => SourceLocation): FlatBudgets {
  const budgets: BudgetEntry[] = [];
  const visit = (value: unknown, path: string[]): void => {
    const key = path.join('.');
    if (NOT_METRICS.has(key) || value === undefined) return;
    if (isLimits(value)) {
      const info = metricInfo(key);
      const limit = info.direction === 'max' ? value.max : value.min;
      budgets.push({
        key,
        unit: info.unit,
        direction: info.direction,
        ...(limit === undefined ? {} : { limit }),
        ...(value.warn === undefined ? {} : { warn: value.warn }),
        source: locate(path),
      });
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    }
  };
  visit(budget, []);
  return {
    budgets,
    ...(budget.latency?.increase === undefined ? {} : { latencyIncrease: budget.latency.increase }),
    ...(budget['size-increase'] === undefined ? {} : { sizeIncrease: budget['size-increase'] }),
    trend: Object.fromEntries(
      Object.entries(budget.trend ?? {}).flatMap(([key, fraction]) => (fraction === undefined ? [] : [[key.replace(/^(latency|accuracy)-/, '$1.'), fraction]])),
    ),
    sources: {
      ...(budget.latency?.increase === undefined ? {} : { 'latency.increase': locate(['latency', 'increase']) }),
      ...(budget['size-increase'] === undefined ? {} : { 'size-increase': locate(['size-increase']) }),
    },
  };
}

function isLimits(value: unknown): value is Limits {
  if (value === null || typeof value !== 'object') return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k === 'max' || k === 'min' || k === 'warn');
}
