/**
 * The optional trend budget: `trend: { latency-p50: 15%, size: 5% }` fails a PR whose value moved more than the
 * given fraction away from the median of the last default-branch points from the same environment. A median of
 * many commits does not drift with one noisy run the way a single base measurement does.
 */
import { formatValue } from '../format.js';
import type { Environment, MetricResult, ModelReport, Report } from '../report/types.js';
import { midpointMedian } from '../measure/stats.js';
import { environmentLabel, recordsOfLeg, selectSeries } from '../trend/series.js';
import type { ModelHistory, TrendRecord } from '../trend/types.js';
import { breaksLimit, modelVerdict, overallVerdict } from './judge.js';

/** Default-branch points the median is taken over. */
export const TREND_BUDGET_POINTS = 20;
/** Fewer points than this and the trend budget is skipped (a median of one or two runs is one run). */
export const TREND_BUDGET_MIN_POINTS = 3;

/**
 * The trend history a check judges its `trend:` budgets against: an input of the check, read by the entry that
 * knows where it lives (the CLI from `--history` or the history branch, the Action from its data branch).
 */
export interface TrendHistory {
  /**
   * The recorded history of these models (by name). `undefined`: no history could be read, and trend budgets are
   * left unjudged without a note (the reader has said why).
   */
  readonly read: (models: readonly string[]) => Promise<readonly ModelHistory[] | undefined>;
  /** Only points of this ref (the default branch, `refs/heads/main`) count. Default: every ref. */
  readonly ref?: string;
  /**
   * A model with trend budgets and no recorded point: `note` says so in the model's notes, `skip` leaves the model
   * as it is. Default `note`.
   */
  readonly noHistory?: 'note' | 'skip';
}

export interface TrendBudgetResult {
  /** The metric key (`latency.p50`), after normalizing the config key (`latency-p50`). */
  readonly key: string;
  readonly status: 'pass' | 'fail' | 'skip';
  /** This PR's value. */
  readonly value?: number;
  readonly median?: number;
  /** (value − median) / median, signed. */
  readonly change?: number;
  /** The allowed change as a fraction (0.15 = 15%). */
  readonly threshold: number;
  /** History points the median used. */
  readonly points: number;
  readonly message: string;
}

export interface TrendBudgetInput {
  /** Config key → allowed change as a fraction (0.15 = 15%). Keys: metric keys, `latency-p50` = `latency.p50`. */
  readonly budgets: Readonly<Record<string, number>>;
  readonly current: ModelReport;
  readonly history: readonly TrendRecord[];
  readonly environment?: Environment;
  /** Default-branch ref; other refs are left out. Default: every ref. */
  readonly ref?: string;
  /** Points the median is taken over. Default 20. */
  readonly points?: number;
}

/**
 * Judges each trend budget. `max` metrics (sizes, times) fail when the value is above median·(1+threshold), `min`
 * metrics (accuracy) when below median·(1−threshold). Too little history, or no value in this PR: `skip`.
 */
export function judgeTrendBudgets(input: TrendBudgetInput): TrendBudgetResult[] {
  return Object.entries(input.budgets).map(([configKey, threshold]) => {
    const key = metricKey(configKey);
    const pct = `${+(threshold * 100).toFixed(2)}%`;
    const now = input.current.metrics.find((m) => m.key === key);
    const series = selectSeries(input.history, key, {
      last: input.points ?? TREND_BUDGET_POINTS,
      ...(input.ref === undefined ? {} : { ref: input.ref }),
      ...(input.environment === undefined ? {} : { environment: input.environment }),
    });
    const points = series.points.length;
    if (now === undefined) {
      return { key, status: 'skip', threshold, points, message: `${key}: not measured in this run, trend budget skipped` };
    }
    const mid = midpointMedian(series.points.map((p) => p.value));
    if (mid === undefined || points < TREND_BUDGET_MIN_POINTS) {
      const where = series.excluded > 0 ? ` from ${environmentLabel(series.environment ?? input.environment)}` : '';
      return {
        key,
        status: 'skip',
        value: now.value,
        threshold,
        points,
        message: `${key}: ${points} default-branch point(s)${where}, the trend budget needs ${TREND_BUDGET_MIN_POINTS}; skipped`,
      };
    }
    const change = mid === 0 ? 0 : (now.value - mid) / Math.abs(mid);
    const worse = now.direction === 'min' ? -change : change;
    const status = breaksLimit('max', worse, threshold) ? 'fail' : 'pass';
    const signed = `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
    const verb = status === 'fail' ? 'is more than' : 'is within';
    return {
      key,
      status,
      value: now.value,
      median: mid,
      change,
      threshold,
      points,
      message: `${key}: ${formatValue(now.unit, now.value)} is ${signed} against the median ${formatValue(now.unit, mid)} of the last ${points} default-branch points, which ${verb} the ${pct} trend budget`,
    };
  });
}

/**
 * A model's report with its trend budgets judged: each judged budget becomes a metric `trend.<key>` (the change
 * against the median, limit the allowed change) and counts in the verdict; a skipped one (too little history, or
 * not measured) becomes a note. `runCheck`'s judge step judges trend budgets here, for the CLI and the Action.
 */
export function applyTrendBudgets(input: TrendBudgetInput): ModelReport {
  const model = input.current;
  if (Object.keys(input.budgets).length === 0 || model.error !== undefined) return model;
  const results = judgeTrendBudgets(input);
  const metrics: MetricResult[] = results
    .filter((r) => r.status !== 'skip' && r.change !== undefined)
    .map((r) => ({
      key: `trend.${r.key}`,
      unit: 'fraction',
      value: r.change ?? 0,
      limit: r.threshold,
      direction: 'max',
      status: r.status === 'fail' ? 'fail' : 'pass',
      message: r.message,
    }));
  const notes = results.filter((r) => r.status === 'skip').map((r) => r.message);
  const all = [...model.metrics, ...metrics];
  return { ...model, metrics: all, notes: [...model.notes, ...notes], verdict: modelVerdict(all) };
}

/**
 * Every model of a report with its trend budgets judged against its history (by model name, the report's leg only:
 * another leg's numbers come from another machine), and the overall verdict updated. A model with trend budgets
 * and no history gets a note saying so, unless `noHistory` is `skip`.
 */
export function applyTrendBudgetsToReport(
  report: Report,
  budgets: ReadonlyMap<string, Readonly<Record<string, number>>>,
  histories: readonly ModelHistory[],
  options: Pick<TrendHistory, 'ref' | 'noHistory'> = {},
): Report {
  const leg = report.leg;
  const models = report.models.map((model) => {
    const wanted = budgets.get(model.name) ?? {};
    if (Object.keys(wanted).length === 0 || model.error !== undefined) return model;
    const all = histories.find((h) => h.model === model.name)?.records ?? [];
    const records = leg === undefined ? all : recordsOfLeg(all, leg);
    if (records.length === 0) {
      return options.noHistory === 'skip' ? model : { ...model, notes: [...model.notes, 'trend budgets skipped: no recorded history for this model'] };
    }
    return applyTrendBudgets({
      budgets: wanted,
      current: model,
      history: records,
      ...(report.environment ? { environment: report.environment } : {}),
      ...(options.ref === undefined ? {} : { ref: options.ref }),
    });
  });
  return { ...report, models, verdict: overallVerdict(models.map((m) => m.verdict)) };
}

/** `latency-p50` → `latency.p50`, `accuracy-cosine` → `accuracy.cosine`; other keys unchanged. */
export function metricKey(configKey: string): string {
  return configKey.replace(/^(latency|accuracy)-/, '$1.');
}
