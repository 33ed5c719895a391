import { describe, expect, it } from 'vitest';
import { abVerdict, bootstrapRatioCI, median, midpointMedian, percentile, seededRandom, summarize } from '../../../src/measure/stats.js';

const oneToTen = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);

describe('percentile (nearest rank)', () => {
  const table: { what: string; input: [number[], number]; expected: number }[] = [
    { what: 'p50 of 1..10 is rank 5', input: [oneToTen, 50], expected: 5 },
    { what: 'p90 of 1..10 is rank 9', input: [oneToTen, 90], expected: 9 },
    { what: 'p95 of 1..10 rounds rank 9.5 up to 10', input: [oneToTen, 95], expected: 10 },
    { what: 'p0 is the minimum', input: [oneToTen, 0], expected: 1 },
    { what: 'p100 is the maximum', input: [oneToTen, 100], expected: 10 },
    { what: 'p99 of 1..100 is 99', input: [oneToHundred, 99], expected: 99 },
    { what: 'single sample', input: [[4.5], 90], expected: 4.5 },
    { what: 'p90 of 64 samples is rank 58', input: [Array.from({ length: 64 }, (_, i) => i + 1), 90], expected: 58 },
  ];
  it.each(table)('$what', ({ input, expected }) => {
    expect(percentile(input[0], input[1])).toBe(expected);
  });

  it('rejects empty, non-finite and out-of-range input', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(/not a finite/);
    expect(() => percentile([1], 101)).toThrow(/outside/);
  });

  it('median of an even count is the lower middle value', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
  });

  it.each([
    { what: 'an odd count: both take the middle value', input: [3, 1, 2], expected: { median: 2, midpoint: 2 } },
    { what: 'an even count: nearest rank takes the lower middle, the midpoint their mean', input: [4, 1, 3, 2], expected: { median: 2, midpoint: 2.5 } },
  ])('the two medians: $what', ({ input, expected }) => {
    expect({ median: median(input), midpoint: midpointMedian(input) }).toEqual(expected);
  });
});

describe('summarize', () => {
  it('computes every field of a small known sample', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.n).toBe(8);
    expect(s.min).toBe(2);
    expect(s.max).toBe(9);
    expect(s.mean).toBe(5);
    // Sample variance: 32 / 7.
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.cv).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
    expect(s.p50).toBe(4);
    expect(s.p90).toBe(9);
    // |x − 4| = 2,0,0,0,1,1,3,5 → sorted 0,0,0,1,1,2,3,5 → rank 4 → 1.
    expect(s.mad).toBe(1);
  });

  it('a single sample has zero spread', () => {
    expect(summarize([3])).toMatchObject({ n: 1, std: 0, cv: 0, mad: 0, p99: 3 });
  });

  it('does not reorder its input', () => {
    const input = [3, 1, 2];
    summarize(input);
    expect(input).toEqual([3, 1, 2]);
  });
});

describe('seededRandom', () => {
  it('repeats for a seed, differs across seeds, stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    // Roughly uniform: the mean of 1000 draws is near 0.5.
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeGreaterThan(0.45);
  });
});

describe('bootstrapRatioCI', () => {
  const noisy = (seed: number, n: number, scale: number): number[] => {
    const r = seededRandom(seed);
    return Array.from({ length: n }, () => scale * (10 + r() * 2));
  };

  it('is deterministic for a seed', () => {
    const base = noisy(1, 64, 1);
    const cand = noisy(2, 64, 1.2);
    expect(bootstrapRatioCI(base, cand, { seed: 7 })).toEqual(bootstrapRatioCI(base, cand, { seed: 7 }));
  });

  it('brackets the true ratio of a clear 20% slowdown and excludes 1', () => {
    const { ratio, ci } = bootstrapRatioCI(noisy(1, 200, 1), noisy(2, 200, 1.2), { seed: 3 });
    expect(ratio).toBeGreaterThan(1.15);
    expect(ratio).toBeLessThan(1.25);
    expect(ci[0]).toBeLessThanOrEqual(ratio);
    expect(ci[1]).toBeGreaterThanOrEqual(ratio);
    expect(ci[0]).toBeGreaterThan(1.1);
  });

  it('identical samples give a degenerate interval at 1', () => {
    const s = noisy(5, 64, 1);
    expect(bootstrapRatioCI(s, s, { paired: true })).toMatchObject({ ratio: 1, ci: [1, 1] });
  });

  it('pairing removes noise shared by both sides of a round', () => {
    const r = seededRandom(9);
    const drift = Array.from({ length: 100 }, () => 1 + r() * 2); // the machine's speed per round
    const base = drift.map((d) => 10 * d);
    const cand = drift.map((d) => 10.5 * d);
    const paired = bootstrapRatioCI(base, cand, { paired: true, seed: 1 });
    const independent = bootstrapRatioCI(base, cand, { seed: 1 });
    expect(paired.ci[1] - paired.ci[0]).toBeLessThan(independent.ci[1] - independent.ci[0]);
    expect(paired.ci[0]).toBeCloseTo(1.05, 10);
  });

  it('rejects bad options', () => {
    expect(() => bootstrapRatioCI([1, 2], [1], { paired: true })).toThrow(/equal sample counts/);
    expect(() => bootstrapRatioCI([1], [1], { confidence: 1 })).toThrow(/confidence/);
    expect(() => bootstrapRatioCI([1], [1], { resamples: 5 })).toThrow(/resamples/);
    expect(() => bootstrapRatioCI([], [1])).toThrow(/no samples/);
  });
});

describe('abVerdict', () => {
  const table: { what: string; input: [[number, number], number]; expected: string }[] = [
    { what: 'interval wholly above 1+t is slower', input: [[1.12, 1.3], 0.1], expected: 'slower' },
    { what: 'interval touching 1+t is not slower', input: [[1.1, 1.3], 0.1], expected: 'inconclusive' },
    { what: 'interval straddling 1+t is inconclusive', input: [[1.05, 1.15], 0.1], expected: 'inconclusive' },
    { what: 'interval inside the band is same', input: [[0.95, 1.05], 0.1], expected: 'same' },
    { what: 'band edges count as inside', input: [[1 / 1.1, 1.1], 0.1], expected: 'same' },
    { what: 'interval wholly below 1/(1+t) is faster', input: [[0.7, 0.9], 0.1], expected: 'faster' },
    { what: 'interval straddling 1/(1+t) is inconclusive', input: [[0.85, 0.95], 0.1], expected: 'inconclusive' },
    { what: 'wide interval over the whole band is inconclusive', input: [[0.5, 2], 0.1], expected: 'inconclusive' },
    { what: 'threshold 0: any interval above 1 is slower', input: [[1.001, 1.01], 0], expected: 'slower' },
    { what: 'threshold 0: the point 1 is same', input: [[1, 1], 0], expected: 'same' },
  ];
  it.each(table)('$what', ({ input, expected }) => {
    expect(abVerdict(input[0], input[1])).toBe(expected);
  });

  it('rejects a negative threshold', () => {
    expect(() => abVerdict([1, 1], -0.1)).toThrow(/threshold/);
  });
});

describe('bootstrapRatioCI with a quantile', () => {
  it('compares the chosen percentile, steady when the median falls between two modes', () => {
    // Half the runs were preempted (×4): the medians land in different modes, the p25s do not.
    const base = [...Array.from({ length: 51 }, () => 10), ...Array.from({ length: 49 }, () => 40)];
    const cand = [...Array.from({ length: 49 }, () => 11), ...Array.from({ length: 51 }, () => 44)];
    expect(bootstrapRatioCI(base, cand).ratio).toBeCloseTo(4.4, 10);
    const p25 = bootstrapRatioCI(base, cand, { quantile: 25 });
    expect(p25.ratio).toBeCloseTo(1.1, 10);
    expect(() => bootstrapRatioCI(base, cand, { quantile: 120 })).toThrow(/quantile/);
  });
});
