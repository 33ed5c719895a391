import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/types.js';
import { buildTrendRecords } from '../../../src/trend/record.js';
import { ENV_A } from './records.js';

const report: Report = {
  schemaVersion: 1,
  verdict: 'fail',
  config: 'model-budget.yml',
  models: [
    {
      name: 'gender',
      path: 'models/gender/model.json',
      format: 'graph',
      verdict: 'fail',
      metrics: [
        { key: 'size', unit: 'bytes', value: 4_200_000, limit: 4_000_000, direction: 'max', status: 'fail', message: '' },
        { key: 'latency.p50', unit: 'ms', value: 3.25, direction: 'max', status: 'no-budget', message: '' },
        { key: 'accuracy.cosine', unit: 'fraction', value: 0.9991, limit: 0.999, direction: 'min', status: 'pass', message: '' },
        { key: 'flops', unit: 'count', value: Number.NaN, direction: 'max', status: 'no-budget', message: '' },
      ],
      weights: [],
      notes: [],
    },
    { name: 'broken', path: 'x/model.json', format: 'layers', verdict: 'error', metrics: [], weights: [], notes: [], error: 'gone' },
  ],
  environment: ENV_A,
  tool: { name: 'model-budget', version: '0.1.0' },
};

describe('buildTrendRecords', () => {
  it('records every finite metric with its unit and limit, the context, environment and tool', () => {
    const records = buildTrendRecords(report, { sha: 'abc', ref: 'refs/heads/main', date: '2025-02-03T04:05:06Z', configHash: 'h1' });
    expect(records).toEqual([
      {
        schemaVersion: 1,
        model: 'gender',
        sha: 'abc',
        ref: 'refs/heads/main',
        date: '2025-02-03T04:05:06Z',
        configHash: 'h1',
        metrics: {
          size: { value: 4_200_000, unit: 'bytes', limit: 4_000_000 },
          'latency.p50': { value: 3.25, unit: 'ms' },
          'accuracy.cosine': { value: 0.9991, unit: 'fraction', limit: 0.999 },
        },
        environment: ENV_A,
        tool: '0.1.0',
        rerun: false,
      },
    ]);
  });

  it('leaves the environment out when the report has none', () => {
    const { environment: _drop, ...noEnv } = report;
    const [first] = buildTrendRecords(noEnv, { sha: 'a', ref: 'r', date: '2025-01-01T00:00:00Z', configHash: '' });
    expect(first && 'environment' in first).toBe(false);
  });
});
