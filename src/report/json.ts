import type { Report, Verdict } from './types.js';

/** One metric in report.json. Values are in bytes, ms, fractions or plain counts, as `unit` says. */
export interface ReportJsonMetric {
  readonly value: number | null;
  readonly limit?: number;
  readonly warn?: number;
  readonly status: string;
  readonly unit: string;
  readonly base?: number;
  readonly original?: number;
  readonly message: string;
}

/** The stable, scriptable shape of report.json (`schemaVersion: 1`). */
export interface ReportJson {
  readonly schemaVersion: 1;
  readonly verdict: Verdict;
  readonly config: string;
  readonly models: readonly {
    readonly name: string;
    readonly path: string;
    readonly verdict: string;
    readonly error?: string;
    readonly metrics: Readonly<Record<string, ReportJsonMetric>>;
    readonly notes: readonly string[];
    readonly base?: unknown;
    readonly latencyComparison?: unknown;
    readonly precision?: unknown;
  }[];
  readonly environment?: unknown;
  /** The leg of a job matrix the numbers were measured on. */
  readonly leg?: string;
  readonly tool: { readonly name: string; readonly version: string };
}

/** Report → report.json: metrics keyed by their budget key (`size`, `latency.p90`, …). Pure. */
export function toReportJson(report: Report): ReportJson {
  return {
    schemaVersion: 1,
    verdict: report.verdict,
    config: report.config,
    models: report.models.map((m) => ({
      name: m.name,
      path: m.path,
      verdict: m.verdict,
      ...(m.error === undefined ? {} : { error: m.error }),
      metrics: Object.fromEntries(
        m.metrics.map((r) => [
          r.key,
          {
            // JSON has no NaN: a budgeted metric that was not measured is null.
            value: Number.isFinite(r.value) ? r.value : null,
            ...(r.limit === undefined ? {} : { limit: r.limit }),
            ...(r.warn === undefined ? {} : { warn: r.warn }),
            status: r.status,
            unit: r.unit,
            ...(r.base === undefined ? {} : { base: r.base }),
            ...(r.original === undefined ? {} : { original: r.original }),
            message: r.message,
          },
        ]),
      ),
      notes: m.notes,
      ...(m.base === undefined ? {} : { base: m.base }),
      ...(m.latencyComparison === undefined ? {} : { latencyComparison: m.latencyComparison }),
      ...(m.precision === undefined ? {} : { precision: m.precision }),
    })),
    ...(report.environment === undefined ? {} : { environment: report.environment }),
    ...(report.leg === undefined ? {} : { leg: report.leg }),
    tool: report.tool,
  };
}
