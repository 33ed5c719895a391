/**
 * One comparison of a value with a limit, shared by the budgets, the trend budgets and `compress: auto`'s
 * acceptance test: the search accepts exactly the drifts the judge passes against the same limits.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { breaksLimit, judgeMetric } from '../../../src/judge/judge.js';
import { withinAccuracyBudget } from '../../../src/measure/drift-session.js';

describe('breaksLimit', () => {
  const cases = [
    { what: 'max, above', direction: 'max', value: 2, limit: 1, expected: true },
    { what: 'max, equal', direction: 'max', value: 1, limit: 1, expected: false },
    { what: 'max, below', direction: 'max', value: 0.5, limit: 1, expected: false },
    { what: 'min, below', direction: 'min', value: 0.98, limit: 0.99, expected: true },
    { what: 'min, equal', direction: 'min', value: 0.99, limit: 0.99, expected: false },
    { what: 'min, above', direction: 'min', value: 1, limit: 0.99, expected: false },
    { what: 'NaN breaks no limit', direction: 'max', value: Number.NaN, limit: 1, expected: false },
  ] as const;
  it.each(cases)('$what', ({ direction, value, limit, expected }) => {
    expect(breaksLimit(direction, value, limit)).toBe(expected);
  });
});

describe("compress: auto's acceptance test is the judge's comparison", () => {
  const spec = (accuracy: string) => {
    const text = `version: 1\nmodels:\n  - name: m\n    path: m/model.json\n    compress: auto\n    budget:\n      accuracy: ${accuracy}\n`;
    const model = parseConfig(text, '/repo/model-budget.yml', 'model-budget.yml').models[0];
    if (!model) throw new Error('no model parsed');
    return model;
  };

  it('accepts a drift exactly when the judge passes each accuracy budget against its limit', () => {
    const model = spec('{ max-abs-error: 0.01, cosine: 0.999 }');
    const within = withinAccuracyBudget(model);
    const judged = (maxAbsError: number, cosine: number): boolean =>
      model.budgets
        .filter((b) => b.key.startsWith('accuracy.'))
        .every((b) => {
          const value = b.key === 'accuracy.cosine' ? cosine : maxAbsError;
          return judgeMetric(b.key, { value }, b).status !== 'fail';
        });
    for (const [maxAbsError, cosine] of [
      [0.005, 0.9995],
      [0.01, 0.999],
      [0.0101, 0.9995],
      [0.005, 0.9989],
    ] as const) {
      expect(within({ maxAbsError, cosine }), `max-abs ${maxAbsError}, cosine ${cosine}`).toBe(judged(maxAbsError, cosine));
    }
    expect(within({ maxAbsError: 0.01, cosine: 0.999 })).toBe(true);
    expect(within({ maxAbsError: 0.0101, cosine: 0.9995 })).toBe(false);
    expect(within({ maxAbsError: 0.005, cosine: 0.9989 })).toBe(false);
  });

  it('a drift metric that came out NaN is never accepted; one not measured does not count', () => {
    const within = withinAccuracyBudget(spec('{ max-abs-error: 0.01, cosine: 0.999 }'));
    expect(within({ maxAbsError: Number.NaN, cosine: 1 })).toBe(false);
    expect(within({ maxAbsError: 0.001 })).toBe(true);
  });

  it('a warning level alone is the limit the search stays inside', () => {
    const within = withinAccuracyBudget(spec('{ max-abs-error: { warn: 0.01 } }'));
    expect(within({ maxAbsError: 0.01 })).toBe(true);
    expect(within({ maxAbsError: 0.02 })).toBe(false);
  });
});
