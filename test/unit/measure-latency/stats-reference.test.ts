/**
 * stats.ts against slow, obviously-correct reference implementations on generated cases, plus properties that need
 * no reference (the bootstrap reaches every sample; the A/B verdict points the right way; max-seconds bounds a run).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareLatency, type AbSide } from '../../../src/measure/latency/ab.js';
import { runLatencyLoop, type Runnable } from '../../../src/measure/latency/loop.js';
import { abVerdict, bootstrapRatioCI, percentile, seededRandom, summarize } from '../../../src/measure/stats.js';

/** mulberry32, written out from its published definition. */
function referenceRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest rank: sort a copy ascending, take the ⌈p/100 · n⌉-th value (at least the first). */
function referencePercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  let rank = Math.ceil((p / 100) * sorted.length);
  if (rank < 1) rank = 1;
  return sorted[rank - 1] as number;
}

/**
 * The percentile bootstrap, one resample at a time with plain arrays: per resample, n draws for the baseline
 * (index ⌊u · n⌋), then n for the candidate (or the same indices when paired); the interval is the (1 − c)/2 and
 * (1 + c)/2 nearest-rank percentiles of the sorted ratios.
 */
function referenceBootstrap(
  baseline: readonly number[],
  candidate: readonly number[],
  o: { seed: number; resamples: number; confidence: number; paired: boolean; quantile: number },
): { ratio: number; ci: [number, number] } {
  const random = referenceRandom(o.seed);
  const ratios: number[] = [];
  for (let r = 0; r < o.resamples; r++) {
    const bi: number[] = [];
    for (let i = 0; i < baseline.length; i++) bi.push(Math.floor(random() * baseline.length));
    const ci: number[] = [];
    if (o.paired) ci.push(...bi);
    else for (let i = 0; i < candidate.length; i++) ci.push(Math.floor(random() * candidate.length));
    const b = referencePercentile(
      bi.map((i) => baseline[i] as number),
      o.quantile,
    );
    const c = referencePercentile(
      ci.map((i) => candidate[i] as number),
      o.quantile,
    );
    ratios.push(c / b);
  }
  const alpha = (1 - o.confidence) / 2;
  return {
    ratio: referencePercentile(candidate, o.quantile) / referencePercentile(baseline, o.quantile),
    ci: [referencePercentile(ratios, alpha * 100), referencePercentile(ratios, (1 - alpha) * 100)],
  };
}

/** The verdict, read straight off the definition in docs/latency.md. */
function referenceVerdict([lo, hi]: readonly [number, number], t: number): string {
  const inside = (x: number): boolean => x >= 1 / (1 + t) && x <= 1 + t;
  if (lo > 1 + t) return 'slower';
  if (hi < 1 / (1 + t)) return 'faster';
  if (inside(lo) && inside(hi)) return 'same';
  return 'inconclusive';
}

const time = fc.double({ min: 0.5, max: 200, noNaN: true });
const samples = fc.array(time, { minLength: 1, maxLength: 24 });

describe('stats against reference implementations', () => {
  it('seededRandom is mulberry32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = seededRandom(seed);
        const b = referenceRandom(seed);
        for (let i = 0; i < 20; i++) expect(a()).toBe(b());
      }),
    );
  });

  it('percentile and summarize match the nearest-rank definition', () => {
    fc.assert(
      fc.property(samples, fc.double({ min: 0, max: 100, noNaN: true }), (values, p) => {
        expect(percentile(values, p)).toBe(referencePercentile(values, p));
        const s = summarize(values);
        const mean = values.reduce((n, v) => n + v, 0) / values.length;
        expect(s.mean).toBeCloseTo(mean, 9);
        expect(s.min).toBe(Math.min(...values));
        expect(s.max).toBe(Math.max(...values));
        for (const q of [50, 90, 95, 99] as const) expect(s[`p${q}`]).toBe(referencePercentile(values, q));
        const std = values.length > 1 ? Math.sqrt(values.reduce((n, v) => n + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
        expect(s.std).toBeCloseTo(std, 9);
        expect(s.mad).toBe(
          referencePercentile(
            values.map((v) => Math.abs(v - s.p50)),
            50,
          ),
        );
      }),
    );
  });

  it('bootstrapRatioCI matches the one-resample-at-a-time reference', () => {
    fc.assert(
      fc.property(
        samples,
        samples,
        fc.record({
          seed: fc.integer({ min: 0, max: 1000 }),
          resamples: fc.integer({ min: 100, max: 300 }),
          confidence: fc.constantFrom(0.5, 0.8, 0.9, 0.95, 0.99),
          paired: fc.boolean(),
          quantile: fc.constantFrom(0, 10, 25, 50, 75, 90, 100),
        }),
        (baseline, other, o) => {
          const candidate = o.paired ? baseline.map((b, i) => b * (other[i % other.length] ?? 1)) : other;
          const got = bootstrapRatioCI(baseline, candidate, o);
          const want = referenceBootstrap(baseline, candidate, o);
          expect(got.ratio).toBe(want.ratio);
          expect(got.ci).toEqual(want.ci);
          expect(got.confidence).toBe(o.confidence);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the bootstrap draws every sample, the last included: a unique slowest last run reaches the upper bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
        // Only the last candidate run is slow; quantile 100 makes any resample that draws it have ratio 10.
        const candidate = Array.from({ length: n }, (_, i) => (i === n - 1 ? 10 : 1));
        const { ci } = bootstrapRatioCI(
          Array.from({ length: n }, () => 1),
          candidate,
          { seed, quantile: 100, resamples: 2000 },
        );
        // P(a resample of n draws misses the last index) = (1 − 1/n)^n ≤ 0.46, so the 97.5th percentile ratio is 10.
        expect(ci[1]).toBe(10);
      }),
    );
  });

  it('the lower bound is the (1 − confidence)/2 percentile of the resampled ratios', () => {
    // Baseline all 1, candidate 1…n: every resampled ratio is a candidate value, so a bound at the wrong percentile
    // lands on a different value than the reference's.
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 20 }), fc.constantFrom(0.5, 0.9, 0.95), fc.integer({ min: 0, max: 99 }), (n, confidence, seed) => {
        const base = Array.from({ length: n }, () => 1);
        const cand = Array.from({ length: n }, (_, i) => i + 1);
        for (const quantile of [0, 50, 100]) {
          const got = bootstrapRatioCI(base, cand, { seed, confidence, quantile, resamples: 500 });
          const want = referenceBootstrap(base, cand, { seed, confidence, quantile, resamples: 500, paired: false });
          expect(got.ci).toEqual(want.ci);
          expect(got.ci[0]).toBeLessThanOrEqual(got.ci[1]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('abVerdict matches its definition and is mirror-symmetric on a log scale', () => {
    const ratio = fc.double({ min: 0.25, max: 4, noNaN: true });
    fc.assert(
      fc.property(ratio, ratio, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, t) => {
        const ci: [number, number] = [Math.min(a, b), Math.max(a, b)];
        const verdict = abVerdict(ci, t);
        expect(verdict).toBe(referenceVerdict(ci, t));
        // Swapping baseline and candidate inverts the interval: slower ↔ faster, same and inconclusive stay.
        const mirrored = abVerdict([1 / ci[1], 1 / ci[0]], t);
        const flip: Record<string, string> = { slower: 'faster', faster: 'slower', same: 'same', inconclusive: 'inconclusive' };
        const nearEdge = [ci[0], ci[1]].some((x) => Math.abs(Math.log(x)) - Math.log(1 + t) < 1e-9 && Math.abs(Math.log(x)) - Math.log(1 + t) > -1e-9);
        if (!nearEdge) expect(mirrored).toBe(flip[verdict]);
      }),
      { numRuns: 500 },
    );
  });
});

/** Two fake models on one fake clock, each run taking a fixed time. */
function abWorld(baseMs: number, candMs: number): { base: AbSide; cand: AbSide; ports: { now: () => number } } {
  let clock = 0;
  const side = (ms: number): AbSide => ({ name: String(ms), inputs: [], runnable: { run: () => ((clock += ms), Promise.resolve([])) } });
  return { base: side(baseMs), cand: side(candMs), ports: { now: () => clock } };
}

describe('A/B and loop properties on a fake clock', () => {
  it('a candidate clearly slower is "slower", clearly faster is "faster", never the other way', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 1, max: 50, noNaN: true }),
        fc.double({ min: 1.3, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        async (ms, factor, threshold) => {
          const options = { warmupRuns: 1, warmupMs: 0, minRuns: 16, minMs: 0, threshold, resamples: 200 };
          const slow = abWorld(ms, ms * factor);
          expect((await compareLatency(slow.base, slow.cand, options, slow.ports)).comparison.verdict).toBe('slower');
          const fast = abWorld(ms * factor, ms);
          const result = await compareLatency(fast.base, fast.cand, options, fast.ports);
          expect(result.comparison.verdict).toBe('faster');
          expect(result.comparison.ratio).toBeLessThan(1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('max-seconds bounds the timed phase: it stops at the first run that ends past the cap, and says so', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        // Either any cap, or one that a run ends exactly on (the edge: a run ending at the cap is the last one).
        fc.oneof(
          fc.double({ min: 0.01, max: 3, noNaN: true }).map((extra) => ({ extra })),
          fc.integer({ min: 1, max: 40 }).map((runs) => ({ runs })),
        ),
        async (runMs, minRuns, minSeconds, cap) => {
          const maxSeconds = 'runs' in cap ? Math.max(minSeconds, (cap.runs * runMs) / 1000) : minSeconds + cap.extra;
          let clock = 0;
          const runnable: Runnable = { run: () => ((clock += runMs), Promise.resolve([])) };
          const stats = await runLatencyLoop(
            runnable,
            [],
            { warmupRuns: 1, warmupMs: 0, minRuns, minMs: minSeconds * 1000, maxMs: maxSeconds * 1000, profileOps: 0 },
            {
              now: () => clock,
              memory: () => ({ numTensors: 0, numBytes: 0 }),
              maxRssBytes: () => 0,
            },
          );
          // Reference: runs k = 1, 2, … end at k · runMs; the loop checks before each run.
          let k = 0;
          let stoppedBy = 'min-runs-and-seconds';
          for (;;) {
            const elapsed = k * runMs;
            if (k >= minRuns && elapsed >= minSeconds * 1000) break;
            if (k >= 1 && elapsed >= maxSeconds * 1000) {
              stoppedBy = 'max-seconds';
              break;
            }
            k++;
          }
          expect(stats.samplesMs).toHaveLength(k);
          expect(stats.stoppedBy).toBe(stoppedBy);
          expect(stats.timedMs).toBeLessThan(Math.max(maxSeconds, minSeconds) * 1000 + runMs + 1e-6);
          // The A/B obeys the same cap, per round of two runs.
          const w = abWorld(runMs / 2, runMs / 2);
          const ab = await compareLatency(
            w.base,
            w.cand,
            { warmupRuns: 1, warmupMs: 0, minRuns, minMs: minSeconds * 1000, maxMs: maxSeconds * 1000, resamples: 100 },
            w.ports,
          );
          expect(ab.rounds).toBe(k);
          expect(ab.stoppedBy).toBe(stoppedBy);
        },
      ),
      { numRuns: 100 },
    );
  });
});
