import { describe, expect, test } from 'vitest';
import type { BudgetEntry } from '../../../src/config/types.js';
import { diffBudgets } from '../../../src/judge/budget-changes.js';
import { judgeMetric, judgeModel, modelVerdict, overallVerdict } from '../../../src/judge/judge.js';

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
const top1 = (limit: number, warn?: number): BudgetEntry => ({
  key: 'accuracy.top1-agreement',
  unit: 'fraction',
  direction: 'min',
  limit,
  ...(warn === undefined ? {} : { warn }),
  source: at,
});

describe('judgeMetric', () => {
  test.each([
    { what: 'under the hard limit', value: 4e6, budget: size(5e6), status: 'pass', message: '4 MB is within the 5 MB budget' },
    { what: 'exactly at the limit passes', value: 5e6, budget: size(5e6), status: 'pass', message: '5 MB is within the 5 MB budget' },
    { what: 'over the hard limit', value: 5.5e6, budget: size(5e6), status: 'fail', message: '5.5 MB is over the 5 MB budget by 10.0%' },
    { what: 'over the soft limit only', value: 4.8e6, budget: size(5e6, 4.5e6), status: 'warn', message: '4.8 MB is over the 4.5 MB warning level by 6.7%' },
    { what: 'a soft-only budget', value: 4.8e6, budget: size(undefined, 4.5e6), status: 'warn', message: '4.8 MB is over the 4.5 MB warning level by 6.7%' },
    { what: 'no budget', value: 4.8e6, budget: undefined, status: 'no-budget', message: '4.8 MB (no budget)' },
    { what: 'a floor kept', value: 0.9995, budget: cosine(0.999), status: 'pass', message: '0.9995 is within the 0.999 budget' },
    { what: 'a floor broken', value: 0.99, budget: cosine(0.999), status: 'fail', message: '0.99 is under the 0.999 budget by 0.9%' },
    {
      what: 'exactly at a floor passes: top1 100% with perfect agreement',
      value: 1,
      budget: top1(1),
      status: 'pass',
      message: '100.0% is within the 100.0% budget',
    },
    { what: 'just under a 100% floor fails', value: 0.995, budget: top1(1), status: 'fail', message: '99.50% is under the 100.0% budget by 0.5%' },
    { what: 'exactly at a soft floor passes', value: 0.99, budget: top1(0.98, 0.99), status: 'pass', message: '99.0% is within the 98.0% budget' },
    { what: 'exactly at a soft ceiling passes', value: 4.5e6, budget: size(5e6, 4.5e6), status: 'pass', message: '4.5 MB is within the 5 MB budget' },
    { what: 'a cosine floor of 1 kept by an identical model', value: 1, budget: cosine(1), status: 'pass', message: '1 is within the 1 budget' },
  ])('$what', ({ value, budget, status, message }) => {
    const result = judgeMetric(budget?.key ?? 'size', { value }, budget);
    expect(result.status).toBe(status);
    expect(result.message).toBe(message);
    if (budget) expect(result.source).toEqual(at);
  });
});

describe('judgeModel', () => {
  test('a budget whose metric was not measured warns instead of passing silently', () => {
    const results = judgeModel({ measured: {}, budgets: [size(5e6)] });
    expect(results).toMatchObject([{ key: 'size', status: 'warn', message: 'size on disk has a budget but was not measured' }]);
  });

  test('an unchanged model passes size-increase: 0%; one byte more fails it', () => {
    const same = judgeModel({ measured: { size: { value: 1000, base: 1000 } }, budgets: [], sizeIncrease: 0 });
    expect(same.filter((r) => r.key === 'size-increase.size')).toMatchObject([{ status: 'pass', value: 0, limit: 0 }]);
    const grown = judgeModel({ measured: { size: { value: 1001, base: 1000 } }, budgets: [], sizeIncrease: 0 });
    expect(grown.filter((r) => r.key === 'size-increase.size')).toMatchObject([{ status: 'fail' }]);
  });

  test('an accuracy budget on a metric that applies to no output says so, and warns', () => {
    const results = judgeModel({ measured: { 'accuracy.max-abs-error': { value: 0.094 } }, budgets: [cosine(0.999)] });
    expect(results.find((r) => r.key === 'accuracy.cosine')).toMatchObject({
      status: 'warn',
      message:
        "cosine similarity has a budget but applies to none of this model's outputs (see their kinds in the notes; set `outputs:` where one is inferred wrong)",
    });
  });

  test('size-increase compares with the base', () => {
    const results = judgeModel({
      measured: { size: { value: 110, base: 100 }, 'gzip-size': { value: 50, base: 50 } },
      budgets: [],
      sizeIncrease: 0.05,
    });
    expect(results.filter((r) => r.key.startsWith('size-increase')).map((r) => [r.key, r.status, r.message])).toEqual([
      ['size-increase.size', 'fail', 'size on disk grew 10.0% against the base (100 B → 110 B); allowed +5.0%'],
      ['size-increase.gzip-size', 'pass', 'gzip size grew 0.0% against the base (50 B → 50 B); allowed +5.0%'],
    ]);
  });

  test.each([
    { verdict: 'slower', status: 'fail' },
    { verdict: 'inconclusive', status: 'pass' },
    { verdict: 'same', status: 'pass' },
    { verdict: 'faster', status: 'pass' },
  ] as const)('latency A/B $verdict → $status (inconclusive never fails)', ({ verdict, status }) => {
    const [result] = judgeModel({
      measured: {},
      budgets: [],
      latencyComparison: { against: 'base', ratio: 1.12, ci: [1.05, 1.2], confidence: 0.95, threshold: 0.1, verdict },
    });
    expect(result?.key).toBe('latency.increase');
    expect(result?.status).toBe(status);
  });

  test('verdicts: fail beats warn beats pass; error beats everything', () => {
    expect(modelVerdict([])).toBe('pass');
    expect(modelVerdict(judgeModel({ measured: { size: { value: 6 } }, budgets: [size(5)] }))).toBe('fail');
    expect(modelVerdict(judgeModel({ measured: { size: { value: 6 } }, budgets: [size(10, 5)] }))).toBe('warn');
    expect(overallVerdict(['pass', 'warn', 'fail'])).toBe('fail');
    expect(overallVerdict(['pass', 'error', 'fail'])).toBe('error');
    expect(overallVerdict(['pass', 'pass'])).toBe('pass');
  });
});

test('diffBudgets lists hard limits that changed, appeared or went away', () => {
  const latency: BudgetEntry = { key: 'latency.p90', unit: 'ms', direction: 'max', limit: 30, source: at };
  expect(diffBudgets([size(5e6), latency], [size(6e6), cosine(0.999)])).toEqual([
    { key: 'size', unit: 'bytes', from: 5e6, to: 6e6 },
    { key: 'latency.p90', unit: 'ms', from: 30 },
    { key: 'accuracy.cosine', unit: 'number', to: 0.999 },
  ]);
});

test('relative budgets carry the line they are written on, for annotations', () => {
  const source = { file: 'model-budget.yml', line: 12, column: 17 };
  const results = judgeModel({
    measured: { size: { value: 120, base: 100 } },
    budgets: [],
    sizeIncrease: 0.1,
    sources: { 'size-increase': source },
  });
  expect(results.find((r) => r.key === 'size-increase.size')).toMatchObject({ status: 'fail', source });
});
