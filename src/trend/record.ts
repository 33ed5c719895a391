import type { Report } from '../report/types.js';
import { TREND_SCHEMA_VERSION, type TrendContext, type TrendMetric, type TrendRecord } from './types.js';

/**
 * Builds one trend record per checked model of a report. Models that could not be checked (verdict `error`, no
 * metrics) are left out: a hole in the history is truer than a point of zeros. Pure; `rerun` is always false
 * here, the store sets it when the file already holds the same sha.
 */
export function buildTrendRecords(report: Report, context: TrendContext): TrendRecord[] {
  const records: TrendRecord[] = [];
  for (const model of report.models) {
    if (model.verdict === 'error' || model.metrics.length === 0) continue;
    const metrics: Record<string, TrendMetric> = {};
    for (const metric of model.metrics) {
      if (!Number.isFinite(metric.value)) continue;
      metrics[metric.key] =
        metric.limit === undefined ? { value: metric.value, unit: metric.unit } : { value: metric.value, unit: metric.unit, limit: metric.limit };
    }
    records.push({
      schemaVersion: TREND_SCHEMA_VERSION,
      model: model.name,
      sha: context.sha,
      ref: context.ref,
      date: context.date,
      configHash: context.configHash,
      metrics,
      ...(report.environment === undefined ? {} : { environment: report.environment }),
      ...(report.leg === undefined ? {} : { leg: report.leg }),
      tool: report.tool.version,
      rerun: false,
    });
  }
  return records;
}
