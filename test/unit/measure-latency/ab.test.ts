import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { compareLatency, type AbSide } from '../../../src/measure/latency/ab.js';
import { seededRandom } from '../../../src/measure/stats.js';

/** Two fake models on one fake clock; a shared "machine speed" drifts per call so interleaving matters. */
function world(baseMs: number, candMs: number, seed = 5) {
  let clock = 0;
  const order: string[] = [];
  const random = seededRandom(seed);
  const side = (name: string, ms: number): AbSide => ({
    name,
    inputs: [],
    runnable: {
      run: () => {
        const speed = 1 + 0.5 * Math.sin(clock / 500) + 0.05 * random();
        clock += ms * speed;
        order.push(name);
        return Promise.resolve([]);
      },
    },
  });
  return { base: side('base', baseMs), cand: side('cand', candMs), ports: { now: () => clock }, order };
}

const quick = { warmupRuns: 2, warmupMs: 0, minRuns: 64, minMs: 500 };

describe('compareLatency', () => {
  const table: { what: string; input: [number, number, number]; expected: string }[] = [
    { what: 'a model against itself is same', input: [10, 10, 0.1], expected: 'same' },
    { what: '30% slower is slower at 10%', input: [10, 13, 0.1], expected: 'slower' },
    { what: '30% faster is faster at 10%', input: [13, 10, 0.1], expected: 'faster' },
    { what: '5% slower is same at 10%', input: [10, 10.5, 0.1], expected: 'same' },
    { what: '10% slower straddles a 10% threshold', input: [10, 11, 0.1], expected: 'inconclusive' },
  ];
  it.each(table)('$what', async ({ input, expected }) => {
    const w = world(input[0], input[1]);
    const result = await compareLatency(w.base, w.cand, { ...quick, threshold: input[2] }, w.ports);
    expect(result.comparison.verdict).toBe(expected);
    expect(result.comparison.ci[0]).toBeLessThanOrEqual(result.comparison.ratio);
    expect(result.comparison.ci[1]).toBeGreaterThanOrEqual(result.comparison.ratio);
  });

  it('interleaves in a seeded random order, both orders occurring', async () => {
    const a = world(10, 10);
    const b = world(10, 10);
    const ra = await compareLatency(a.base, a.cand, { ...quick, seed: 3 }, a.ports);
    const rb = await compareLatency(b.base, b.cand, { ...quick, seed: 3 }, b.ports);
    expect(a.order).toEqual(b.order);
    expect(ra).toEqual(rb);
    const rounds = a.order.slice(4); // after 2 warm-up pairs
    const firsts = new Set(Array.from({ length: rounds.length / 2 }, (_, i) => rounds[2 * i]));
    expect(firsts).toEqual(new Set(['base', 'cand']));
    expect(ra.rounds).toBe(ra.baselineMs.length);
    expect(ra.rounds).toBeGreaterThanOrEqual(64);
    expect(ra.comparison).toMatchObject({ against: 'base', confidence: 0.95, threshold: 0.1 });
  });

  it('a failing candidate is a MeasureError naming it', async () => {
    const w = world(10, 10);
    const bad: AbSide = { ...w.cand, name: 'cand.json', runnable: { run: () => Promise.reject(new Error('no kernel')) } };
    await expect(compareLatency(w.base, bad, quick, w.ports)).rejects.toThrow(MeasureError);
    await expect(compareLatency(w.base, bad, quick, w.ports)).rejects.toThrow(/^cand\.json: inference failed: no kernel/);
  });

  it('a hung baseline times out', async () => {
    const w = world(10, 10);
    const hung: AbSide = { ...w.base, name: 'base.json', runnable: { run: () => new Promise(() => undefined) } };
    await expect(compareLatency(hung, w.cand, { timeoutMs: 50 }, w.ports)).rejects.toThrow(/^base\.json: .*timeout/);
  });
});
