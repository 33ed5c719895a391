import { describe, expect, test } from 'vitest';
import type { BudgetEntry } from '../../../src/config/types.js';
import { diffBudgets } from '../../../src/judge/budget-changes.js';
import { judgeMetric, judgeModel } from '../../../src/judge/judge.js';
import type { LatencyComparison } from '../../../src/report/types.js';

const at = { file: 'model-budget.yml', line: 7, column: 13 };
const size = (limit?: number, warn?: number): BudgetEntry => ({
  key: 'size',
  unit: 'bytes',
  direction: 'max',
  ...(limit === undefined ? {} : { limit }),
  ...(warn === undefined ? {} : { warn }),
  source: at,
});
const cosine = (limit: number): BudgetEntry => ({ key: 'accuracy.cosine', unit: 'number', direction: 'min', limit, source: at });

describe('a metric result carries every number it was judged with', () => {
  test('value, original, base, both limits and the source', () => {
    expect(judgeModel({ measured: { size: { value: 4.8e6, original: 6e6, base: 4e6 } }, budgets: [size(5e6, 4.5e6)] })).toEqual([
      {
        key: 'size',
        unit: 'bytes',
        value: 4.8e6,
        original: 6e6,
        base: 4e6,
        direction: 'max',
        limit: 5e6,
        warn: 4.5e6,
        status: 'warn',
        message: '4.8 MB is over the 4.5 MB warning level by 6.7%',
        source: at,
      },
    ]);
  });

  test('no original, base or limit that was not given', () => {
    const result = judgeMetric('size', { value: 10 }, size(undefined, 20));
    expect(Object.keys(result).sort()).toEqual(['direction', 'key', 'message', 'source', 'status', 'unit', 'value', 'warn']);
    expect(Object.keys(judgeMetric('size', { value: 10 }, size(20)))).not.toContain('warn');
  });

  test('a budget with neither limit nor warning level shows the value alone', () => {
    expect(judgeMetric('size', { value: 5 }, size()).message).toBe('5 B');
  });

  test('a limit of 0 is broken without a percentage (it would be infinite)', () => {
    expect(judgeMetric('size', { value: 10 }, size(0))).toMatchObject({ status: 'fail', message: '10 B is over the 0 B budget' });
  });

  test('a budget that was not measured keeps its limits', () => {
    const [result] = judgeModel({ measured: {}, budgets: [size(5e6, 4e6)] });
    expect(result).toEqual({
      key: 'size',
      unit: 'bytes',
      value: Number.NaN,
      direction: 'max',
      limit: 5e6,
      warn: 4e6,
      status: 'warn',
      message: 'size on disk has a budget but was not measured',
      source: at,
    });
  });

  test('a measured budget gives one result, not a second "not measured" one', () => {
    expect(judgeModel({ measured: { size: { value: 1 } }, budgets: [size(5)] }).map((r) => r.status)).toEqual(['pass']);
  });

  test('"applies to no output" only for an accuracy metric, and only once drift ran', () => {
    const drift = { 'accuracy.max-abs-error': { value: 0.1 } };
    expect(judgeModel({ measured: drift, budgets: [size(5)] }).find((r) => r.key === 'size')?.message).toBe('size on disk has a budget but was not measured');
    expect(judgeModel({ measured: {}, budgets: [cosine(0.99)] })[0]?.message).toBe('cosine similarity has a budget but was not measured');
  });
});

describe('size-increase', () => {
  test('not judged unless configured', () => {
    expect(judgeModel({ measured: { size: { value: 110, base: 100 } }, budgets: [] }).map((r) => r.key)).toEqual(['size']);
  });

  test('a size without a base, or with a base of 0 bytes, is not compared', () => {
    const results = judgeModel({ measured: { size: { value: 110 }, 'gzip-size': { value: 50, base: 0 } }, budgets: [], sizeIncrease: 0.1 });
    expect(results.filter((r) => r.key.startsWith('size-increase'))).toEqual([]);
  });

  test('the full result of a shrinking model', () => {
    const results = judgeModel({ measured: { 'brotli-size': { value: 90, base: 100 } }, budgets: [], sizeIncrease: 0.05 });
    const { message, ...rest } = results.find((r) => r.key === 'size-increase.brotli-size') ?? { message: '' };
    expect(rest).toEqual({ key: 'size-increase.brotli-size', unit: 'fraction', value: -0.1, limit: 0.05, direction: 'max', status: 'pass' });
    expect(message).toMatch(/ shrank 10\.0% against the base \(100 B → 90 B\); allowed \+5\.0%$/);
  });
});

describe('latency.increase', () => {
  const comparison = (verdict: LatencyComparison['verdict'], against: LatencyComparison['against']): LatencyComparison => ({
    against,
    ratio: 1.12,
    ci: [1.05, 1.2],
    confidence: 0.9,
    threshold: 0.1,
    verdict,
  });

  test.each([
    { verdict: 'slower', against: 'base', message: 'slower than the base branch: 12.0% (90% CI 5.0% … 20.0%) is above the +10.0% limit' },
    { verdict: 'faster', against: 'original', message: 'faster than the uncompressed original: 12.0% (90% CI 5.0% … 20.0%)' },
    { verdict: 'same', against: 'base', message: 'same speed as the base branch: 12.0% (90% CI 5.0% … 20.0%)' },
    {
      verdict: 'inconclusive',
      against: 'original',
      message: 'inconclusive against the uncompressed original: 12.0% (90% CI 5.0% … 20.0%) straddles the +10.0% limit; not failing',
    },
  ] as const)('$verdict against $against', ({ verdict, against, message }) => {
    const source = { file: 'model-budget.yml', line: 9, column: 5 };
    const [result] = judgeModel({ measured: {}, budgets: [], latencyComparison: comparison(verdict, against), sources: { 'latency.increase': source } });
    expect(result?.value).toBeCloseTo(0.12, 12);
    expect({ ...result, value: 0 }).toEqual({
      key: 'latency.increase',
      unit: 'fraction',
      value: 0,
      limit: 0.1,
      direction: 'max',
      status: verdict === 'slower' ? 'fail' : 'pass',
      message,
      source,
    });
  });
});

test('diffBudgets leaves out limits that did not change', () => {
  expect(diffBudgets([size(5e6), cosine(0.99)], [cosine(0.99), size(5e6, 4e6)])).toEqual([]);
});
