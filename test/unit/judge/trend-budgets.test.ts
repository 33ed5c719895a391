import { describe, expect, it } from 'vitest';
import type { MetricResult } from '../../../src/report/types.js';
import { judgeTrendBudgets, metricKey } from '../../../src/judge/trend-budgets.js';
import { midpointMedian as median } from '../../../src/measure/stats.js';
import { selectSeries } from '../../../src/trend/series.js';
import { ENV_A, ENV_B, record } from '../trend/records.js';
import { metricOf, modelOf } from './trend-fixtures.js';

const model = (metrics: MetricResult[]) => modelOf(metrics);
const m = metricOf;

// 25 default-branch points: p50 around 10 ms on ENV_A; a few much slower points on ENV_B that must not count.
const history = Array.from({ length: 25 }, (_, i) =>
  record({ sha: `s${i}`, size: 1000 + (i % 3), p50: i % 6 === 5 ? 40 : 9 + (i % 3), env: i % 6 === 5 ? ENV_B : ENV_A }),
);

describe('judgeTrendBudgets', () => {
  it.each([
    { what: 'within 15% of the median passes', p50: 11.4, status: 'pass' },
    { what: 'more than 15% over the median fails', p50: 11.6, status: 'fail' },
    { what: 'faster is never a failure', p50: 2, status: 'pass' },
  ])('$what', ({ p50, status }) => {
    const [result] = judgeTrendBudgets({ budgets: { 'latency-p50': 0.15 }, current: model([m('latency.p50', 'ms', p50)]), history, environment: ENV_A });
    expect(result).toMatchObject({ key: 'latency.p50', status, median: 10, points: 20 });
  });

  it('says what it compared in the message', () => {
    const [result] = judgeTrendBudgets({ budgets: { size: 0.05 }, current: model([m('size', 'bytes', 1100)]), history });
    expect(result?.message).toBe('size: 1.1 KB is +9.9% against the median 1 KB of the last 20 default-branch points, which is more than the 5% trend budget');
    expect(result?.status).toBe('fail');
  });

  it('fails a min metric (accuracy) that dropped, passes one that rose', () => {
    const acc = [0.99, 0.991, 0.99, 0.992].map((v, i) => ({
      ...record({ sha: `a${i}`, size: 1 }),
      metrics: { 'accuracy.cosine': { value: v, unit: 'fraction' as const } },
    }));
    const judge = (v: number): string | undefined =>
      judgeTrendBudgets({ budgets: { 'accuracy-cosine': 0.01 }, current: model([m('accuracy.cosine', 'fraction', v, 'min')]), history: acc })[0]?.status;
    expect(judge(0.97)).toBe('fail');
    expect(judge(0.999)).toBe('pass');
  });

  it('skips with a reason when history is short or the metric was not measured', () => {
    const short = history.slice(0, 2);
    const [few] = judgeTrendBudgets({ budgets: { size: 0.05 }, current: model([m('size', 'bytes', 5)]), history: short });
    expect(few).toMatchObject({ status: 'skip', points: 2 });
    expect(few?.message).toMatch(/needs 3; skipped/);
    const [none] = judgeTrendBudgets({ budgets: { 'latency-p90': 0.1 }, current: model([m('size', 'bytes', 5)]), history });
    expect(none).toMatchObject({ key: 'latency.p90', status: 'skip' });
  });
});

describe('series helpers', () => {
  it('median', () => {
    expect([median([]), median([3]), median([3, 1, 2]), median([4, 1, 3, 2])]).toEqual([undefined, 3, 2, 2.5]);
  });
  it('metricKey', () => {
    expect(['latency-p50', 'accuracy-cosine', 'gzip-size', 'size'].map(metricKey)).toEqual(['latency.p50', 'accuracy.cosine', 'gzip-size', 'size']);
  });
  it("a re-run replaces its commit's value in place; other environments are counted", () => {
    const rs = [record({ sha: 'a', size: 1, p50: 1 }), record({ sha: 'b', size: 2, p50: 2, env: ENV_B }), record({ sha: 'a', size: 3, p50: 3 })];
    expect(selectSeries(rs, 'size').points.map((p) => [p.sha, p.value])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    const lat = selectSeries(rs, 'latency.p50', { environment: ENV_A });
    expect([lat.points.map((p) => p.value), lat.excluded]).toEqual([[3], 1]);
  });
});
