/** Trend records for tests, built through the real record builder from a report shaped like the judge's. */
import type { Environment, MetricResult, Report } from '../../../src/report/types.js';
import { buildTrendRecords } from '../../../src/trend/record.js';
import type { TrendRecord } from '../../../src/trend/types.js';

export const ENV_A: Environment = {
  runtime: 'wasm',
  runtimeVersion: '4.22.0',
  threads: 1,
  cpu: 'AMD EPYC 7763 64-Core Processor',
  cores: 4,
  node: 'v20.20.2',
};
export const ENV_B: Environment = { ...ENV_A, runtime: 'cpu', cpu: 'Intel(R) Xeon(R) Platinum 8370C' };

function metric(key: string, unit: MetricResult['unit'], value: number, limit?: number): MetricResult {
  return {
    key,
    unit,
    value,
    direction: key.startsWith('accuracy') ? 'min' : 'max',
    status: limit === undefined ? 'no-budget' : value <= limit ? 'pass' : 'fail',
    message: '',
    ...(limit === undefined ? {} : { limit }),
  };
}

export interface Point {
  readonly model?: string;
  readonly sha: string;
  readonly size: number;
  readonly p50?: number;
  readonly env?: Environment;
  readonly date?: string;
  readonly sizeLimit?: number;
  readonly p50Limit?: number;
  readonly leg?: string;
}

export function record(point: Point): TrendRecord {
  const metrics = [metric('size', 'bytes', point.size, point.sizeLimit), metric('gzip-size', 'bytes', Math.round(point.size * 0.9))];
  if (point.p50 !== undefined) {
    metrics.push(metric('latency.p50', 'ms', point.p50, point.p50Limit), metric('latency.p90', 'ms', point.p50 * 1.2));
  }
  const report: Report = {
    schemaVersion: 1,
    verdict: 'pass',
    config: 'model-budget.yml',
    models: [{ name: point.model ?? 'gender', path: 'models/gender/model.json', format: 'graph', verdict: 'pass', metrics, weights: [], notes: [] }],
    ...(point.env === undefined && point.p50 === undefined ? {} : { environment: point.env ?? ENV_A }),
    ...(point.leg === undefined ? {} : { leg: point.leg }),
    tool: { name: 'model-budget', version: '0.1.0' },
  };
  const [built] = buildTrendRecords(report, {
    sha: point.sha,
    ref: 'refs/heads/main',
    date: point.date ?? '2025-01-01T00:00:00.000Z',
    configHash: 'c0ffee',
  });
  if (built === undefined) throw new Error('no record built');
  return built;
}
