import * as z from 'zod';
import { metricResultSchema, modelReportSchema, reportSchema } from './schema.js';
import type { Report } from './types.js';

const metricFields = metricResultSchema.unwrap();

/**
 * One metric in report.json: the report's metric less its key (the key it is filed under in `metrics`) and what
 * only annotations use (`direction`, `source`). Values are in bytes, ms, fractions or plain counts, as `unit` says;
 * `null`: not measured (the report's NaN, which JSON cannot hold).
 */
const reportJsonMetricSchema = metricFields
  .pick({ limit: true, warn: true, status: true, unit: true, base: true, original: true, message: true })
  .extend({ value: metricFields.shape.value.in })
  .readonly();

/** One model in report.json: the report's model with its metrics by key, without the tables only the comment shows. */
const reportJsonModelSchema = modelReportSchema
  .unwrap()
  .pick({ name: true, path: true, format: true, verdict: true, error: true, notes: true, base: true, latencyComparison: true, precision: true, frontier: true })
  .extend({ metrics: z.record(metricFields.shape.key, reportJsonMetricSchema).readonly() })
  .readonly();

/** The stable, scriptable shape of report.json (`schemaVersion: 1`), derived from the report's schema. */
export const reportJsonSchema = reportSchema
  .unwrap()
  .extend({ models: z.array(reportJsonModelSchema).readonly() })
  .readonly();

export type ReportJsonMetric = z.infer<typeof reportJsonMetricSchema>;
export type ReportJson = z.infer<typeof reportJsonSchema>;

/** Report → report.json: metrics keyed by their budget key (`size`, `latency.p90`, …). Pure. */
export function toReportJson(report: Report): ReportJson {
  return {
    schemaVersion: 1,
    verdict: report.verdict,
    config: report.config,
    models: report.models.map((m) => ({
      name: m.name,
      path: m.path,
      ...(m.format === undefined ? {} : { format: m.format }),
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
      ...(m.frontier === undefined ? {} : { frontier: m.frontier }),
    })),
    ...(report.environment === undefined ? {} : { environment: report.environment }),
    ...(report.leg === undefined ? {} : { leg: report.leg }),
    tool: report.tool,
  };
}
