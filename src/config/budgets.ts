import { metricInfo } from './metrics.js';
import type { BudgetInput } from './schema.js';
import type { BudgetEntry, SourceLocation } from './types.js';

type Limits = { readonly max?: number | undefined; readonly min?: number | undefined; readonly warn?: number | undefined };

/** Keys that are settings rather than limits on one metric. */
const NOT_METRICS = new Set(['trend', 'size-increase', 'latency.increase']);

/**
 * Turns the nested `budget:` block into flat entries keyed like report.json (`latency.p90`), each with where it
 * is written, plus the relative budgets (`latency.increase`, `size-increase`, `trend`).
 */
export function flattenBudgets(
  budget: BudgetInput,
  locate: (path: readonly string[]) => SourceLocation,
): {
  budgets: BudgetEntry[];
  latencyIncrease?: number;
  sizeIncrease?: number;
  trend: Record<string, number>;
  /** Where `latency.increase` and `size-increase` are written, for annotations. */
  sources: Record<string, SourceLocation>;
} {
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
