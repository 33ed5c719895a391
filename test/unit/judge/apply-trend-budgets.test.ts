import { describe, expect, it } from 'vitest';
import type { ModelReport, Report } from '../../../src/report/types.js';
import { applyTrendBudgetsToReport } from '../../../src/judge/trend-budgets.js';
import { record } from '../trend/records.js';
import { metricOf, modelOf, reportOf } from './trend-fixtures.js';

const model = (name: string, size: number): ModelReport => modelOf([metricOf('size', 'bytes', size)], { name });
const report = (...models: ModelReport[]): Report => reportOf(models);
// Five default-branch points of 1000 bytes for "gender".
const histories = [
  { model: 'gender', records: Array.from({ length: 5 }, (_, i) => record({ sha: `s${i}`, size: 1000 })), corrupt: 0, newer: 0, truncated: false },
];

describe('applyTrendBudgetsToReport (the CLI and the Action judge trend budgets here)', () => {
  it('a model past its trend budget fails, and so does the report', () => {
    const judged = applyTrendBudgetsToReport(report(model('gender', 1100)), new Map([['gender', { size: 0.05 }]]), histories);
    expect(judged.verdict).toBe('fail');
    expect(judged.models[0]?.verdict).toBe('fail');
    expect(judged.models[0]?.metrics.find((m) => m.key === 'trend.size')).toMatchObject({ status: 'fail', limit: 0.05 });
  });

  it('within the budget it passes with the trend metric shown', () => {
    const judged = applyTrendBudgetsToReport(report(model('gender', 1020)), new Map([['gender', { size: 0.05 }]]), histories);
    expect(judged.verdict).toBe('pass');
    expect(judged.models[0]?.metrics.map((m) => m.key)).toEqual(['size', 'trend.size']);
  });

  it('no history for a model with trend budgets: a note, never a failure', () => {
    const judged = applyTrendBudgetsToReport(report(model('other', 5000)), new Map([['other', { size: 0.05 }]]), histories);
    expect(judged.verdict).toBe('pass');
    expect(judged.models[0]?.notes).toEqual(['trend budgets skipped: no recorded history for this model']);
  });

  it('models without trend budgets are left as they are', () => {
    const input = report(model('gender', 9999));
    expect(applyTrendBudgetsToReport(input, new Map(), histories)).toEqual(input);
  });
});
