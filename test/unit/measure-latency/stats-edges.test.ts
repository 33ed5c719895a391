import { describe, expect, it } from 'vitest';
import { bootstrapRatioCI, percentile, percentileSorted, summarize } from '../../../src/measure/stats.js';

describe('no samples, or a level out of range, is an error that names the caller', () => {
  it.each([
    { what: 'percentile', run: () => percentile([], 50), message: 'percentile: no samples' },
    { what: 'summarize', run: () => summarize([]), message: 'summarize: no samples' },
    { what: 'bootstrap baseline', run: () => bootstrapRatioCI([], [1]), message: 'bootstrap baseline: no samples' },
    { what: 'bootstrap candidate', run: () => bootstrapRatioCI([1], []), message: 'bootstrap candidate: no samples' },
    { what: 'percentileSorted', run: () => percentileSorted(new Float64Array(0), 50), message: 'percentile of no samples' },
    { what: 'a negative percentile', run: () => percentile([1, 2], -1), message: 'percentile -1 is outside 0–100' },
    { what: 'a negative quantile', run: () => bootstrapRatioCI([1], [1], { quantile: -5 }), message: 'quantile -5 is outside 0–100' },
    { what: 'confidence 0', run: () => bootstrapRatioCI([1], [1], { confidence: 0 }), message: 'confidence must lie strictly between 0 and 1' },
    { what: 'a negative confidence', run: () => bootstrapRatioCI([1], [1], { confidence: -0.5 }), message: 'confidence must lie strictly between 0 and 1' },
  ])('$what', ({ run, message }) => {
    expect(run).toThrow(RangeError);
    expect(run).toThrow(message);
  });

  it('percentile 0 and 100 are the extremes', () => {
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 100)).toBe(3);
  });
});

it('the coefficient of variation is 0 when the mean is 0, not NaN or Infinity', () => {
  expect(summarize([0, 0]).cv).toBe(0);
  expect(summarize([-1, 1])).toMatchObject({ mean: 0, std: Math.SQRT2, cv: 0 });
});
