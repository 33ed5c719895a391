import { describe, expect, test } from 'vitest';
import { renderComment } from '../../../src/report/comment.js';
import { budgetCell, deltaCell, latencyComparisonText, metricLabel, valueCell, weightCells } from '../../../src/report/cells.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { MetricResult, Report } from '../../../src/report/types.js';

const metric = (over: Partial<MetricResult>): MetricResult => ({
  key: 'size',
  unit: 'bytes',
  value: 1_250_000,
  direction: 'max',
  status: 'pass',
  message: 'ok',
  ...over,
});

describe('cells', () => {
  test.each([
    { what: 'hard and soft limit', input: metric({ limit: 90_000, warn: 80_000 }), expected: '≤ 90 KB, warn ≤ 80 KB' },
    { what: 'hard limit only', input: metric({ limit: 5_000_000 }), expected: '≤ 5 MB' },
    {
      what: 'soft limit only, a floor',
      input: metric({ key: 'accuracy.cosine', unit: 'number', value: 0.9995, direction: 'min', warn: 0.999 }),
      expected: 'warn ≥ 0.999',
    },
    { what: 'no budget', input: metric({}), expected: '' },
  ])('budget: $what', ({ input, expected }) => {
    expect(budgetCell(input)).toBe(expected);
  });

  test.each([
    { what: 'a size that grew is worse', input: metric({ base: 1_200_000 }), expected: '🔺 +50 KB (+4.2%)' },
    { what: 'a time that fell is better', input: metric({ unit: 'ms', value: 9, base: 10 }), expected: '🔽 −1 ms (−10.0%)' },
    { what: 'a cosine that fell is worse', input: metric({ unit: 'number', direction: 'min', value: 0.98, base: 0.99 }), expected: '🔺 −0.01 (−1.0%)' },
    { what: 'no change', input: metric({ base: 1_250_000 }), expected: '0' },
    { what: 'from zero: no percentage', input: metric({ value: 100, base: 0 }), expected: '🔺 +100 B' },
    { what: 'not measured', input: metric({ value: Number.NaN, base: 1 }), expected: '' },
    { what: 'no base', input: metric({}), expected: '' },
  ])('delta: $what', ({ input, expected }) => {
    expect(deltaCell(input)).toBe(expected);
  });

  test('values, labels, weights and the latency A/B', () => {
    expect([valueCell('ms', Number.NaN), valueCell('bytes', 83_800), valueCell('fraction', 1)]).toEqual(['not measured', '83.8 KB', '100.0%']);
    expect([metricLabel('size'), metricLabel('size-increase.gzip-size'), metricLabel('latency.increase'), metricLabel('x*y')]).toEqual([
      'size on disk',
      'gzip size growth',
      'latency change',
      'x\\*y',
    ]);
    expect(weightCells({ name: 'a|b', shape: [], dtype: 'uint8', bytes: 4608, share: 0.5 })).toEqual(['`a\\|b`', 'scalar', 'uint8', '4.61 KB', '50.0%']);
    expect(latencyComparisonText({ against: 'original', ratio: 1.0834, ci: [1.021, 1.15], confidence: 0.95, threshold: 0.1, verdict: 'slower' })).toEqual({
      against: 'the uncompressed original',
      result: '🔴 slower, median 1.08× (95% CI 1.02× – 1.15×; allowed +10%)',
    });
  });
});

describe('the job summary and the PR comment say the same thing the same way', () => {
  const report: Report = {
    schemaVersion: 1,
    verdict: 'error',
    config: 'model-budget.yml',
    tool: { name: 'model-budget', version: '0.1.0' },
    models: [
      {
        name: 'net',
        path: 'net/model.json',
        verdict: 'pass',
        metrics: [
          metric({ limit: 5_000_000, warn: 4_500_000, base: 1_200_000 }),
          metric({ key: 'latency.p90', unit: 'ms', value: Number.NaN, limit: 30, status: 'warn' }),
        ],
        weights: [{ name: 'dense/kernel', shape: [128, 10], dtype: 'float32', bytes: 5120, share: 0.6 }],
        notes: [],
        budgetChanges: [{ key: 'size', unit: 'bytes', from: 6_000_000, to: 5_000_000 }],
        latencyComparison: { against: 'base', ratio: 1.08, ci: [1.02, 1.15], confidence: 0.95, threshold: 0.1, verdict: 'slower' },
      },
      { name: 'broken', path: 'x/model.json', verdict: 'error', metrics: [], weights: [], notes: [], error: 'not found' },
    ],
  };
  const summary = renderMarkdown(report);
  const comment = renderComment(report, { marker: '<!-- model-budget:x -->' });

  test.each([
    { what: 'the budget', cell: '≤ 5 MB, warn ≤ 4.5 MB' },
    { what: 'a metric not measured', cell: '| not measured |' },
    { what: 'a weight row', cell: '| `dense/kernel` | 128×10 | float32 | 5.12 KB | 60.0% |' },
    { what: 'a budget edit', cell: '✏️ `size` budget lowered 6 MB → 5 MB' },
    { what: 'the latency A/B', cell: '🔴 slower, median 1.08× (95% CI 1.02× – 1.15×; allowed +10%)' },
    { what: 'a model that could not be checked', cell: '### 💥' },
    { what: 'the verdict error', cell: '## 💥 model-budget:' },
  ])('$what', ({ cell }) => {
    expect(summary).toContain(cell);
    expect(comment).toContain(cell);
  });
});
