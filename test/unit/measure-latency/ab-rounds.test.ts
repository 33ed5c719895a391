import { describe, expect, it } from 'vitest';
import { compareLatency, type AbSide } from '../../../src/measure/latency/ab.js';
import { bootstrapRatioCI, seededRandom } from '../../../src/measure/stats.js';

// The A/B's phases counted on a fake clock: how many warm-up pairs, how many rounds, in which order, and which
// settings reach the bootstrap. Each run of a side advances the clock by that side's fixed duration.
function world(baseMs: number, candMs: number) {
  let clock = 0;
  const calls: string[] = [];
  const side = (name: string, ms: number): AbSide => ({
    name,
    inputs: [],
    runnable: {
      run: () => {
        clock += ms;
        calls.push(name);
        return Promise.resolve([]);
      },
    },
  });
  return { base: side('base', baseMs), cand: side('cand', candMs), ports: { now: () => clock }, calls };
}

describe('compareLatency rounds', () => {
  it('warms up warmupRuns pairs, base first, before any timed round', async () => {
    const w = world(1, 1);
    const result = await compareLatency(w.base, w.cand, { warmupRuns: 3, warmupMs: 0, minRuns: 4, minMs: 0 }, w.ports);
    expect(w.calls.slice(0, 6)).toEqual(['base', 'cand', 'base', 'cand', 'base', 'cand']);
    expect(w.calls).toHaveLength(6 + 2 * 4);
    expect(result.rounds).toBe(4);
  });

  it('warms up for warmupMs when that is longer than warmupRuns pairs', async () => {
    // Pairs of 2 + 3 ms: 10 ms of warm-up is 2 pairs, one pair more than warmupRuns: 1.
    const w = world(2, 3);
    await compareLatency(w.base, w.cand, { warmupRuns: 1, warmupMs: 10, minRuns: 1, minMs: 0 }, w.ports);
    expect(w.calls.length - 2).toBe(2 * 2);
  });

  it('always one warm-up pair, even with warmupRuns: 0', async () => {
    const w = world(1, 1);
    await compareLatency(w.base, w.cand, { warmupRuns: 0, warmupMs: 0, minRuns: 2, minMs: 0 }, w.ports);
    expect(w.calls).toHaveLength(2 + 2 * 2);
  });

  it('runs until minRuns rounds and minMs, then stops exactly at minMs', async () => {
    // Rounds of 5 + 5 ms: minMs 100 is reached after exactly 10 rounds (elapsed = 100, not > 100).
    const w = world(5, 5);
    const result = await compareLatency(w.base, w.cand, { warmupRuns: 1, warmupMs: 0, minRuns: 2, minMs: 100 }, w.ports);
    expect(result.rounds).toBe(10);
    expect(result.stoppedBy).toBe('min-runs-and-seconds');
  });

  it('maxMs stops the rounds below minRuns, and says so; a cap above the rounds needed changes nothing', async () => {
    const w = world(5, 5);
    const capped = await compareLatency(w.base, w.cand, { warmupRuns: 1, warmupMs: 0, minRuns: 100, minMs: 0, maxMs: 50 }, w.ports);
    expect(capped.rounds).toBe(5);
    expect(capped.stoppedBy).toBe('max-seconds');
    const loose = world(5, 5);
    const result = await compareLatency(loose.base, loose.cand, { warmupRuns: 1, warmupMs: 0, minRuns: 3, minMs: 0, maxMs: 60_000 }, loose.ports);
    expect(result.rounds).toBe(3);
    expect(result.stoppedBy).toBe('min-runs-and-seconds');
  });

  it('orders each round by the seeded PRNG: base first when it draws below 0.5', async () => {
    const w = world(1, 1);
    await compareLatency(w.base, w.cand, { warmupRuns: 1, warmupMs: 0, minRuns: 32, minMs: 0, seed: 9 }, w.ports);
    const random = seededRandom(9);
    const expected = Array.from({ length: 32 }, () => (random() < 0.5 ? ['base', 'cand'] : ['cand', 'base'])).flat();
    expect(w.calls.slice(2)).toEqual(expected);
  });

  it('the default seed is 1, used for the order and reported', async () => {
    const w = world(1, 1);
    const result = await compareLatency(w.base, w.cand, { warmupRuns: 1, warmupMs: 0, minRuns: 16, minMs: 0 }, w.ports);
    const random = seededRandom(1);
    expect(w.calls.slice(2)).toEqual(Array.from({ length: 16 }, () => (random() < 0.5 ? ['base', 'cand'] : ['cand', 'base'])).flat());
    expect(result.seed).toBe(1);
  });

  it('passes resamples and quantile to the bootstrap; the quantile defaults to 50', async () => {
    // Durations that differ by round, so that the quantile and the resample count change the interval.
    let clock = 0;
    let n = 0;
    const side = (name: string, scale: number): AbSide => ({
      name,
      inputs: [],
      runnable: {
        run: () => {
          n += 1;
          clock += scale * (1 + ((n * 7919) % 13));
          return Promise.resolve([]);
        },
      },
    });
    const run = (options: { resamples?: number; quantile?: number }) => {
      clock = 0;
      n = 0;
      return compareLatency(
        side('base', 1),
        side('cand', 1.2),
        { warmupRuns: 1, warmupMs: 0, minRuns: 40, minMs: 0, seed: 4, ...options },
        { now: () => clock },
      );
    };
    const byDefault = await run({});
    expect(byDefault.quantile).toBe(50);
    const reference = bootstrapRatioCI(byDefault.baselineMs, byDefault.candidateMs, { seed: 4, confidence: 0.95, paired: true });
    expect(byDefault.comparison.ci).toEqual(reference.ci);

    const q25 = await run({ quantile: 25, resamples: 300 });
    expect(q25.quantile).toBe(25);
    const expected = bootstrapRatioCI(q25.baselineMs, q25.candidateMs, { seed: 4, confidence: 0.95, paired: true, quantile: 25, resamples: 300 });
    expect(q25.comparison.ratio).toBe(expected.ratio);
    expect(q25.comparison.ci).toEqual(expected.ci);
    expect(q25.comparison.ci).not.toEqual(bootstrapRatioCI(q25.baselineMs, q25.candidateMs, { seed: 4, confidence: 0.95, paired: true, quantile: 25 }).ci);
  });
});
