import { formatPercent, formatValue } from '../format.js';
import { metricInfo, type MetricDirection } from '../metrics.js';
import type { BudgetEntry, SourceLocation } from '../config/types.js';
import type { LatencyComparison, MetricResult, MetricStatus, Verdict } from '../report/types.js';

/** One measured metric of one model: the value budgets apply to, and what it is compared with. */
export interface Measured {
  readonly value: number;
  /** The uncompressed original's value, when compression is configured. */
  readonly original?: number;
  /** The base branch's value, when a base was measured. */
  readonly base?: number;
}

export interface JudgeInput {
  /** By metric key (`size`, `latency.p90`, …). */
  readonly measured: Readonly<Record<string, Measured>>;
  readonly budgets: readonly BudgetEntry[];
  /** `size-increase`: allowed growth of each size against the base, as a fraction. */
  readonly sizeIncrease?: number;
  readonly latencyComparison?: LatencyComparison;
  /** Where `size-increase` and `latency.increase` are written, so their results can be annotated. */
  readonly sources?: Readonly<Record<string, SourceLocation>>;
}

const SIZE_KEYS = ['size', 'gzip-size', 'brotli-size'] as const;

/**
 * Measurements + budgets (+ base) → one result per metric. Pure; the only place limits are compared.
 * A metric with no budget is reported as `no-budget`; a budget whose metric was not measured warns.
 */
export function judgeModel(input: JudgeInput): MetricResult[] {
  const results: MetricResult[] = [];
  const budgetsByKey = new Map(input.budgets.map((b) => [b.key, b]));
  for (const [key, measured] of Object.entries(input.measured)) {
    results.push(judgeMetric(key, measured, budgetsByKey.get(key)));
  }
  for (const budget of input.budgets) {
    if (input.measured[budget.key] !== undefined) continue;
    results.push({
      key: budget.key,
      unit: budget.unit,
      value: Number.NaN,
      direction: budget.direction,
      ...limits(budget),
      status: 'warn',
      message: notMeasured(budget.key, input.measured),
      source: budget.source,
    });
  }
  const at = (key: string): { source?: SourceLocation } => {
    const source = input.sources?.[key];
    return source ? { source } : {};
  };
  if (input.sizeIncrease !== undefined) {
    results.push(...judgeSizeIncrease(input.measured, input.sizeIncrease).map((r) => ({ ...r, ...at('size-increase') })));
  }
  if (input.latencyComparison) results.push({ ...judgeLatencyIncrease(input.latencyComparison), ...at('latency.increase') });
  return results;
}

/** Why a budgeted metric has no value: drift ran but the metric applies to no output, or it was not measured. */
function notMeasured(key: string, measured: Readonly<Record<string, Measured>>): string {
  const label = metricInfo(key).label;
  if (key.startsWith('accuracy.') && measured['accuracy.max-abs-error'] !== undefined) {
    return `${label} has a budget but applies to none of this model's outputs (see their kinds in the notes; set \`outputs:\` where one is inferred wrong)`;
  }
  return `${label} has a budget but was not measured`;
}

function limits(budget: BudgetEntry): { limit?: number; warn?: number } {
  return { ...(budget.limit === undefined ? {} : { limit: budget.limit }), ...(budget.warn === undefined ? {} : { warn: budget.warn }) };
}

/**
 * The one comparison of a value with a limit: a `max` metric breaks it above, a `min` metric below; equal is inside.
 * A NaN breaks no limit (the judge reports an unmeasured value by its own status).
 */
export function breaksLimit(direction: MetricDirection, value: number, limit: number): boolean {
  return direction === 'max' ? value > limit : value < limit;
}

export function judgeMetric(key: string, measured: Measured, budget: BudgetEntry | undefined): MetricResult {
  const info = metricInfo(key);
  const base = {
    key,
    unit: info.unit,
    value: measured.value,
    direction: info.direction,
    ...(measured.original === undefined ? {} : { original: measured.original }),
    ...(measured.base === undefined ? {} : { base: measured.base }),
  };
  const show = (v: number): string => formatValue(info.unit, v);
  if (!budget) return { ...base, status: 'no-budget', message: `${show(measured.value)} (no budget)` };
  const breaks = (limit: number): boolean => breaksLimit(info.direction, measured.value, limit);
  const by = (limit: number): string => {
    if (limit === 0) return '';
    const off = Math.abs(measured.value - limit) / Math.abs(limit);
    return ` by ${formatPercent(off)}`;
  };
  const over = info.direction === 'max' ? 'over' : 'under';
  let status: MetricStatus = 'pass';
  let message: string;
  if (budget.limit !== undefined && breaks(budget.limit)) {
    status = 'fail';
    message = `${show(measured.value)} is ${over} the ${show(budget.limit)} budget${by(budget.limit)}`;
  } else if (budget.warn !== undefined && breaks(budget.warn)) {
    status = 'warn';
    message = `${show(measured.value)} is ${over} the ${show(budget.warn)} warning level${by(budget.warn)}`;
  } else {
    const limit = budget.limit ?? budget.warn;
    message = limit === undefined ? show(measured.value) : `${show(measured.value)} is within the ${show(limit)} budget`;
  }
  return { ...base, ...limits(budget), status, message, source: budget.source };
}

function judgeSizeIncrease(measured: Readonly<Record<string, Measured>>, allowed: number): MetricResult[] {
  const out: MetricResult[] = [];
  for (const key of SIZE_KEYS) {
    const m = measured[key];
    if (!m || m.base === undefined || m.base <= 0) continue;
    const growth = (m.value - m.base) / m.base;
    const fail = breaksLimit('max', growth, allowed);
    out.push({
      key: `size-increase.${key}`,
      unit: 'fraction',
      value: growth,
      limit: allowed,
      direction: 'max',
      status: fail ? 'fail' : 'pass',
      message: `${metricInfo(key).label} ${growth >= 0 ? 'grew' : 'shrank'} ${formatPercent(Math.abs(growth))} against the base (${formatValue('bytes', m.base)} → ${formatValue('bytes', m.value)}); allowed +${formatPercent(allowed)}`,
    });
  }
  return out;
}

function judgeLatencyIncrease(c: LatencyComparison): MetricResult {
  const ci = `${formatPercent(c.ci[0] - 1)} … ${formatPercent(c.ci[1] - 1)}`;
  const against = c.against === 'base' ? 'the base branch' : 'the uncompressed original';
  const messages: Record<LatencyComparison['verdict'], string> = {
    slower: `slower than ${against}: ${formatPercent(c.ratio - 1)} (${Math.round(c.confidence * 100)}% CI ${ci}) is above the +${formatPercent(c.threshold)} limit`,
    faster: `faster than ${against}: ${formatPercent(c.ratio - 1)} (${Math.round(c.confidence * 100)}% CI ${ci})`,
    same: `same speed as ${against}: ${formatPercent(c.ratio - 1)} (${Math.round(c.confidence * 100)}% CI ${ci})`,
    inconclusive: `inconclusive against ${against}: ${formatPercent(c.ratio - 1)} (${Math.round(c.confidence * 100)}% CI ${ci}) straddles the +${formatPercent(c.threshold)} limit; not failing`,
  };
  return {
    key: 'latency.increase',
    unit: 'fraction',
    value: c.ratio - 1,
    limit: c.threshold,
    direction: 'max',
    status: c.verdict === 'slower' ? 'fail' : 'pass',
    message: messages[c.verdict],
  };
}

/** A model's verdict from its metrics: any fail → fail, any warn → warn, else pass. */
export function modelVerdict(metrics: readonly MetricResult[]): Exclude<Verdict, 'error'> {
  if (metrics.some((m) => m.status === 'fail')) return 'fail';
  if (metrics.some((m) => m.status === 'warn')) return 'warn';
  return 'pass';
}

/** The overall verdict: any model error → error, then fail, warn, pass. */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  for (const v of ['error', 'fail', 'warn'] as const) if (verdicts.includes(v)) return v;
  return 'pass';
}
