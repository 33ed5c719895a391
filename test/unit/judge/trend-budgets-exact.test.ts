import { describe, expect, it } from 'vitest';
import { applyTrendBudgets, applyTrendBudgetsToReport, judgeTrendBudgets, metricKey } from '../../../src/judge/trend-budgets.js';
import type { TrendRecord } from '../../../src/trend/types.js';
import { ENV_A, ENV_B, record } from '../trend/records.js';
import { metricOf, modelOf, reportOf } from './trend-fixtures.js';

// The trend budgets' exact results: which points count (ref, environment, leg), the boundaries (three points, a
// zero median, no change), and every field of the metrics and notes they add to a report.
const m = metricOf;
const model = modelOf;
const onRef = (r: TrendRecord, ref: string): TrendRecord => ({ ...r, ref });
const sizes = (...values: number[]): TrendRecord[] => values.map((size, i) => record({ sha: `s${i}`, size }));

describe('judgeTrendBudgets, exactly', () => {
  it('counts only the default-branch ref when one is given', () => {
    const history = [...sizes(100, 100, 100), ...sizes(500, 500, 500, 500).map((r, i) => onRef({ ...r, sha: `d${i}` }, 'refs/heads/dev'))];
    const current = model([m('size', 'bytes', 100)]);
    expect(judgeTrendBudgets({ budgets: { size: 0.05 }, current, history, ref: 'refs/heads/main' })[0]).toMatchObject({
      status: 'pass',
      median: 100,
      points: 3,
    });
    // Without a ref every point counts: the median of 3 × 100 and 4 × 500 is 500.
    expect(judgeTrendBudgets({ budgets: { size: 0.05 }, current, history })[0]).toMatchObject({ status: 'pass', median: 500, points: 7, change: -0.8 });
  });

  it("times count only from the given environment, else from the last point's", () => {
    const history = [
      record({ sha: 'a1', size: 1, p50: 10 }),
      record({ sha: 'a2', size: 1, p50: 10 }),
      record({ sha: 'a3', size: 1, p50: 10 }),
      record({ sha: 'b1', size: 1, p50: 40, env: ENV_B }),
      record({ sha: 'b2', size: 1, p50: 40, env: ENV_B }),
      record({ sha: 'b3', size: 1, p50: 40, env: ENV_B }),
    ];
    const current = model([m('latency.p50', 'ms', 10)]);
    expect(judgeTrendBudgets({ budgets: { 'latency-p50': 0.1 }, current, history, environment: ENV_A })[0]).toMatchObject({
      median: 10,
      points: 3,
      status: 'pass',
    });
    expect(judgeTrendBudgets({ budgets: { 'latency-p50': 0.1 }, current, history })[0]).toMatchObject({ median: 40, points: 3, change: -0.75 });
  });

  it('judges from three points on; below that it skips, naming the environment when points were left out', () => {
    const [a1, a2, a3] = ['a1', 'a2', 'a3'].map((sha) => record({ sha, size: 1, p50: 10 }));
    if (!a1 || !a2 || !a3) throw new Error('fixture');
    const three = [a1, a2, a3];
    const current = model([m('latency.p50', 'ms', 10)]);
    expect(judgeTrendBudgets({ budgets: { 'latency-p50': 0.1 }, current, history: three })[0]?.status).toBe('pass');
    // Two points of the last point's environment (ENV_A) and one of ENV_B, left out: skipped, saying from where.
    const mixed = [a1, record({ sha: 'b1', size: 1, p50: 40, env: ENV_B }), a2];
    const [skipped] = judgeTrendBudgets({ budgets: { 'latency-p50': 0.1 }, current, history: mixed });
    expect(skipped).toEqual({
      key: 'latency.p50',
      status: 'skip',
      value: 10,
      threshold: 0.1,
      points: 2,
      message: 'latency.p50: 2 default-branch point(s) from wasm 4.22.0, 1 thread(s), AMD EPYC 7763 64-Core Processor, the trend budget needs 3; skipped',
    });
    // Sizes do not depend on the machine: nothing is left out, and the message names no environment.
    const [size] = judgeTrendBudgets({ budgets: { size: 0.1 }, current: model([m('size', 'bytes', 1)]), history: sizes(1, 1) });
    expect(size?.message).toBe('size: 2 default-branch point(s), the trend budget needs 3; skipped');
  });

  it('a metric this run did not measure is skipped with its key', () => {
    expect(judgeTrendBudgets({ budgets: { 'accuracy-cosine': 0.01 }, current: model([]), history: sizes(1, 1, 1) })).toEqual([
      { key: 'accuracy.cosine', status: 'skip', threshold: 0.01, points: 0, message: 'accuracy.cosine: not measured in this run, trend budget skipped' },
    ]);
  });

  it('no change reads +0.0% and passes; a drop reads with its minus sign; a zero median is no change', () => {
    const [same] = judgeTrendBudgets({ budgets: { size: 0.05 }, current: model([m('size', 'bytes', 1000)]), history: sizes(1000, 1000, 1000) });
    expect(same).toEqual({
      key: 'size',
      status: 'pass',
      value: 1000,
      median: 1000,
      change: 0,
      threshold: 0.05,
      points: 3,
      message: 'size: 1 KB is +0.0% against the median 1 KB of the last 3 default-branch points, which is within the 5% trend budget',
    });
    const [drop] = judgeTrendBudgets({ budgets: { size: 0.05 }, current: model([m('size', 'bytes', 900)]), history: sizes(1000, 1000, 1000) });
    expect(drop?.message).toBe('size: 900 B is -10.0% against the median 1 KB of the last 3 default-branch points, which is within the 5% trend budget');
    const [zero] = judgeTrendBudgets({ budgets: { size: 0.05 }, current: model([m('size', 'bytes', 5)]), history: sizes(0, 0, 0) });
    expect(zero).toMatchObject({ status: 'pass', median: 0, change: 0 });
  });
});

describe('applyTrendBudgets, exactly', () => {
  it('adds one trend metric per judged budget and one note per skipped one, and the verdict follows', () => {
    const current = model([m('size', 'bytes', 1100)]);
    const judged = applyTrendBudgets({ budgets: { size: 0.05, 'latency-p50': 0.1 }, current, history: sizes(1000, 1000, 1000) });
    expect(judged).toEqual({
      ...current,
      verdict: 'fail',
      metrics: [
        current.metrics[0],
        {
          key: 'trend.size',
          unit: 'fraction',
          value: 0.1,
          limit: 0.05,
          direction: 'max',
          status: 'fail',
          message: 'size: 1.1 KB is +10.0% against the median 1 KB of the last 3 default-branch points, which is more than the 5% trend budget',
        },
      ],
      notes: ['latency.p50: not measured in this run, trend budget skipped'],
    });
    const within = applyTrendBudgets({ budgets: { size: 0.2 }, current, history: sizes(1000, 1000, 1000) });
    expect(within.metrics[1]).toMatchObject({ status: 'pass', value: 0.1 });
    expect(within.verdict).toBe('pass');
  });

  it('a model with no trend budget, or one that failed to load, comes back as it was', () => {
    const current = model([m('size', 'bytes', 1100)]);
    expect(applyTrendBudgets({ budgets: {}, current, history: sizes(1, 1, 1) })).toBe(current);
    const broken = model([m('size', 'bytes', 1100)], { error: 'could not load', verdict: 'fail' });
    expect(applyTrendBudgets({ budgets: { size: 0.05 }, current: broken, history: sizes(1, 1, 1) })).toBe(broken);
  });
});

describe('applyTrendBudgetsToReport, exactly', () => {
  const report = reportOf;
  const history = (records: TrendRecord[]) => [{ model: 'gender', records, corrupt: 0, newer: 0, truncated: false }];

  it("a leg is judged against its own leg's points only", () => {
    const legs = [
      ...[1000, 1000, 1000].map((size, i) => record({ sha: `a${i}`, size, leg: 'linux' })),
      ...[2000, 2000, 2000].map((size, i) => record({ sha: `b${i}`, size, leg: 'mac' })),
    ];
    const judged = applyTrendBudgetsToReport(report([model([m('size', 'bytes', 2000)])], { leg: 'mac' }), new Map([['gender', { size: 0.05 }]]), history(legs));
    expect(judged.models[0]?.metrics[1]).toMatchObject({ key: 'trend.size', status: 'pass', value: 0 });
    const other = applyTrendBudgetsToReport(
      report([model([m('size', 'bytes', 2000)])], { leg: 'linux' }),
      new Map([['gender', { size: 0.05 }]]),
      history(legs),
    );
    expect(other.models[0]?.metrics[1]).toMatchObject({ status: 'fail', value: 1 });
    expect(other.verdict).toBe('fail');
    // A report without a leg (a run outside a matrix) reads every leg's points: the median of all six is 1500.
    const none = applyTrendBudgetsToReport(report([model([m('size', 'bytes', 2000)])]), new Map([['gender', { size: 0.05 }]]), history(legs));
    expect(none.models[0]?.metrics[1]?.value).toBeCloseTo(1 / 3, 12);
  });

  it("passes the report's environment and the ref on", () => {
    const records = [
      ...[10, 10, 10].map((p50, i) => record({ sha: `a${i}`, size: 1, p50 })),
      ...[40, 40, 40].map((p50, i) => record({ sha: `b${i}`, size: 1, p50, env: ENV_B })),
    ];
    const current = model([m('latency.p50', 'ms', 10)]);
    const judged = applyTrendBudgetsToReport(report([current]), new Map([['gender', { 'latency-p50': 0.1 }]]), history(records));
    // ENV_A (the report's), not ENV_B (the last point's).
    expect(judged.models[0]?.metrics[1]).toMatchObject({ status: 'pass', value: 0 });
    const refs = [
      ...records.slice(0, 3),
      ...records.slice(0, 3).map((r, i) => onRef({ ...r, sha: `x${i}`, metrics: { 'latency.p50': { value: 100, unit: 'ms' } } }, 'refs/heads/dev')),
    ];
    const mainOnly = applyTrendBudgetsToReport(report([current]), new Map([['gender', { 'latency-p50': 0.1 }]]), history(refs), { ref: 'refs/heads/main' });
    expect(mainOnly.models[0]?.metrics[1]).toMatchObject({ status: 'pass', value: 0 });
    const every = applyTrendBudgetsToReport(report([current]), new Map([['gender', { 'latency-p50': 0.1 }]]), history(refs));
    expect(every.models[0]?.metrics[1]).toMatchObject({ value: -0.8181818181818182 });
  });

  it('no history: a note by default, nothing with noHistory: skip; a model that failed to load is left alone', () => {
    const current = model([m('size', 'bytes', 1)]);
    const budgets = new Map([['gender', { size: 0.05 }]]);
    expect(applyTrendBudgetsToReport(report([current]), budgets, []).models[0]?.notes).toEqual(['trend budgets skipped: no recorded history for this model']);
    expect(applyTrendBudgetsToReport(report([current]), budgets, [], { noHistory: 'skip' }).models[0]).toBe(current);
    const broken = model([], { error: 'could not load', verdict: 'fail' });
    const judged = applyTrendBudgetsToReport(report([broken]), budgets, history(sizes(1, 1, 1)));
    expect(judged.models[0]).toBe(broken);
    expect(judged.verdict).toBe('fail');
  });

  it('a model without trend budgets, or one that failed to load, gets no "no history" note', () => {
    const plain = model([m('size', 'bytes', 1)], { name: 'other' });
    const broken = model([], { name: 'other', error: 'could not load', verdict: 'fail' });
    const judged = applyTrendBudgetsToReport(report([plain, broken]), new Map([['other', {}]]), history(sizes(1, 1, 1)));
    expect(judged.models[0]).toBe(plain);
    const withBudget = applyTrendBudgetsToReport(report([broken]), new Map([['other', { size: 0.05 }]]), []);
    expect(withBudget.models[0]).toBe(broken);
  });

  it('metricKey rewrites only a leading latency- or accuracy-', () => {
    expect(['latency-p50', 'accuracy-top1-agreement', 'trend-latency-p50', 'load-time'].map(metricKey)).toEqual([
      'latency.p50',
      'accuracy.top1-agreement',
      'trend-latency-p50',
      'load-time',
    ]);
  });
});
