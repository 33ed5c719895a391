import type * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoCompress, type DriftLike } from '../../../src/compress/auto.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { encodeWeights, weightBytes } from '../../../src/compress/weights.js';

/** Weights-only artifacts: auto never reads the topology. */
function artifactsOf(weights: readonly { name: string; data: Float32Array }[]): tf.io.ModelArtifacts {
  const tensors = weights.map((w) => ({ name: w.name, shape: [w.data.length], dtype: 'float32' as const, data: w.data }));
  return { modelTopology: {}, ...encodeWeights(tensors) };
}

/** How each weight of a candidate is stored: its `quantization.dtype`, else float32. */
function storage(candidate: tf.io.ModelArtifacts): Map<string, string> {
  return new Map((candidate.weightSpecs ?? []).map((s) => [s.name, s.quantization?.dtype ?? 'float32']));
}

/**
 * An evaluator with a known cost model: a weight stored as uint8 adds `error[name]` to the drift, a 2-byte rung adds
 * a thousandth of it, float32 nothing. It records every candidate it saw (bytes, pass/fail) so a test can check the
 * search against everything it tried.
 */
function costModel(error: Readonly<Record<string, number>>, budget: number) {
  const seen: { bytes: number; ok: boolean }[] = [];
  const drift = (candidate: tf.io.ModelArtifacts): DriftLike => {
    let total = 0;
    for (const [name, dtype] of storage(candidate)) {
      const e = error[name] ?? 0;
      total += dtype === 'uint8' ? e : dtype === 'float32' ? 0 : e / 1000;
    }
    return { maxAbsError: total };
  };
  return {
    seen,
    withinBudget: (d: DriftLike) => d.maxAbsError <= budget,
    budgetUse: (d: DriftLike) => d.maxAbsError / budget,
    evaluate: (candidate: tf.io.ModelArtifacts): Promise<DriftLike> => {
      const d = drift(candidate);
      seen.push({ bytes: weightBytes(candidate).byteLength, ok: d.maxAbsError <= budget });
      return Promise.resolve(d);
    },
  };
}

/** Evenly spread values in [0, 1), none exact in float16: uint16's even grid reconstructs them better. */
const even = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => ((i + 1) * 0.6180339887) % 1);
/**
 * Small values around 0 plus two exact ±1 spikes: the spikes stretch uint16's grid for all values, while float16's
 * relative precision keeps the small ones close. Float16 reconstructs them better.
 */
const spiky = (n: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === 1 ? -1 : 0.002 * (((i + 1) * 0.6180339887) % 1) - 0.001));

describe('autoCompress with an injected evaluator', () => {
  it('keeps the smallest passing candidate it evaluated, never exceeds its cap, and its result passes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ elements: fc.integer({ min: 4, max: 64 }), error: fc.integer({ min: 0, max: 100 }).map((e) => e / 100) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 300 }).map((b) => b / 100),
        fc.integer({ min: 1, max: 20 }),
        async (weights, budget, cap) => {
          const named = weights.map((w, i) => ({ name: `w${i}`, data: even(w.elements), error: w.error }));
          const model = costModel(Object.fromEntries(named.map((w) => [w.name, w.error])), budget);
          const result = await autoCompress(artifactsOf(named), { ...model, maxEvaluations: cap });
          expect(model.seen.length).toBe(result.evaluations);
          expect(result.evaluations).toBeLessThanOrEqual(cap);
          const passing = model.seen.filter((s) => s.ok).map((s) => s.bytes);
          if (passing.length === 0) {
            expect(result.withinBudget).toBe(false);
            expect(result.bytesAfter).toBe(result.bytesBefore);
            return;
          }
          expect(result.bytesAfter).toBe(Math.min(...passing));
          expect(weightBytes(result.artifacts).byteLength).toBe(result.bytesAfter);
          expect(model.withinBudget(await model.evaluate(result.artifacts))).toBe(true);
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it('finds the known optimum: only the one sensitive weight leaves uint8', async () => {
    const model = costModel({ big: 0.001, sensitive: 0.5, small: 0.001 }, 0.01);
    const weights = [
      { name: 'big', data: even(512) },
      { name: 'sensitive', data: even(64) },
      { name: 'small', data: even(16) },
    ];
    const result = await autoCompress(artifactsOf(weights), model);
    expect(result.assignment.map((a) => [a.name, a.dtype])).toEqual([
      ['big', 'uint8'],
      ['sensitive', 'uint16'],
      ['small', 'uint8'],
    ]);
    expect(result.bytesAfter).toBe(512 + 64 * 2 + 16);
    expect(result.capped).toBe(false);
  });

  it('picks the 2-byte rung that reconstructs each weight better: uint16 for evenly spread values, float16 for spiky ones', async () => {
    const model = costModel({ even: 1, spiky: 1 }, 0.01);
    const result = await autoCompress(
      artifactsOf([
        { name: 'even', data: even(256) },
        { name: 'spiky', data: spiky(256) },
      ]),
      model,
    );
    expect(Object.fromEntries(result.assignment.map((a) => [a.name, a.dtype]))).toEqual({ even: 'uint16', spiky: 'float16' });
  });

  it('returns the smallest of the passing candidates, the optimum', async () => {
    const errors = [0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
    const weights = errors.map((_, i) => ({ name: `w${i}`, data: even(16) }));
    const model = costModel(Object.fromEntries(errors.map((e, i) => [`w${i}`, e])), 0.45);
    const result = await autoCompress(artifactsOf(weights), model);
    // Several candidates pass (192 bytes first, then 144): the smallest wins, and it is the optimum (promoting only
    // w0 and w1 leaves 0.65 of drift at uint8).
    expect(model.seen.filter((s) => s.ok).map((s) => s.bytes)).toEqual(expect.arrayContaining([192, 144]));
    expect(result.assignment.map((a) => a.dtype)).toEqual(['uint16', 'uint16', 'uint16', 'uint8', 'uint8', 'uint8']);
    expect(result.bytesAfter).toBe(144);
    // The frontier holds every evaluation, smallest first, with the result marked and on the Pareto front.
    expect(result.frontier.points).toHaveLength(result.evaluations);
    expect(result.frontier.points.map((p) => p.bytes)).toEqual([...model.seen.map((x) => x.bytes)].sort((a, b) => a - b));
    expect(result.frontier.points.filter((p) => p.chosen)).toEqual([expect.objectContaining({ bytes: 144, pareto: true, withinBudget: true })]);
  });

  it('stops at exactly the cap and says so', async () => {
    const weights = Array.from({ length: 8 }, (_, i) => ({ name: `w${i}`, data: even(8 + i) }));
    // Every weight must leave uint8; with 5 evaluations the search cannot get there.
    const model = costModel(Object.fromEntries(weights.map((w) => [w.name, 0.3])), 0.05);
    const result = await autoCompress(artifactsOf(weights), { ...model, maxEvaluations: 5 });
    expect(model.seen).toHaveLength(5);
    expect(result).toMatchObject({ evaluations: 5, capped: true });
    expect(result.warnings.join('\n')).toMatch(/evaluation cap \(5\)/);
  });

  it('ranks with the metric of the budget: under a cosine budget the weight that moves cosine is promoted, not the one that moves max-abs', async () => {
    // a moves cosine a lot and max-abs little; b and c the other way round. The budget is on cosine only.
    const cosineLoss: Record<string, number> = { a: 0.002, b: 0.0001, c: 0.0001 };
    const maxAbs: Record<string, number> = { a: 0.001, b: 0.5, c: 0.5 };
    const seen: string[] = [];
    const drift = (candidate: tf.io.ModelArtifacts): DriftLike => {
      let lost = 0;
      let abs = 0;
      for (const [name, dtype] of storage(candidate)) {
        const share = dtype === 'uint8' ? 1 : dtype === 'float32' ? 0 : 1 / 1000;
        lost += (cosineLoss[name] ?? 0) * share;
        abs += (maxAbs[name] ?? 0) * share;
      }
      return { maxAbsError: abs, cosine: 1 - lost };
    };
    const use = (d: DriftLike): number => (1 - (d.cosine ?? 0)) / (1 - 0.999);
    const weights = ['a', 'b', 'c'].map((name) => ({ name, data: even(256) }));
    // 2 uniform points, 3 probes, then the first candidate: only a search that ranks by cosine reaches a-only there.
    const result = await autoCompress(artifactsOf(weights), {
      evaluate: (c) => {
        seen.push([...storage(c).values()].join(','));
        return Promise.resolve(drift(c));
      },
      withinBudget: (d) => use(d) <= 1,
      budgetUse: use,
      maxEvaluations: 6,
    });
    expect(Object.fromEntries(result.assignment.map((a) => [a.name, a.dtype]))).toEqual({ a: 'uint16', b: 'uint8', c: 'uint8' });
    expect(result.bytesAfter).toBe(512 + 256 + 256);
    expect(result.assignment.find((a) => a.name === 'a')?.sensitivity).toBeCloseTo(2, 6);
  });

  it('reaches the enumerated optimum on an additive model with a cheap and a costly way to fit', async () => {
    // Budget 1: big alone at uint8 uses 0.6, mid 0.5, tiny 0.45; the optimum keeps only mid and tiny off uint8
    // (big is worth more bytes per unit of budget at uint8). The exhaustive answer is checked over all 27 assignments.
    const errors: Record<string, number> = { big: 0.6, mid: 0.5, tiny: 0.45 };
    const sizes: Record<string, number> = { big: 400, mid: 200, tiny: 30 };
    const model = costModel(errors, 1);
    const weights = Object.entries(sizes).map(([name, n]) => ({ name, data: even(n) }));
    let optimum = Infinity;
    for (const a of [1, 2, 4])
      for (const b of [1, 2, 4])
        for (const c of [1, 2, 4]) {
          const use = [a, b, c].reduce((n, bytes, i) => n + ([0.6, 0.5, 0.45][i] ?? 0) * (bytes === 1 ? 1 : bytes === 2 ? 1e-3 : 0), 0);
          if (use <= 1) optimum = Math.min(optimum, a * 400 + b * 200 + c * 30);
        }
    const result = await autoCompress(artifactsOf(weights), model);
    expect(result.bytesAfter).toBe(optimum);
    expect(optimum).toBe(400 + 2 * 200 + 2 * 30);
  });

  it("stops before an evaluation that would leave less than three of its slowest in the model's timeout, and says so", async () => {
    const weights = Array.from({ length: 4 }, (_, i) => ({ name: `w${i}`, data: even(64) }));
    const model = costModel(Object.fromEntries(weights.map((w) => [w.name, 0.3])), 0.05);
    let clock = 10_000;
    const result = await autoCompress(artifactsOf(weights), {
      ...model,
      evaluate: async (c) => {
        const d = await model.evaluate(c);
        clock -= 2_000;
        return d;
      },
      timeLeftMs: () => clock,
    });
    expect(result.capped).toBe(true);
    expect(result.warnings.join('\n')).toMatch(/timeout left/);
    expect(clock).toBeGreaterThanOrEqual(0);
  });

  it('a model shipped as float16 that no uint8 weight fits stays as shipped, inside the budget, marked on its frontier', async () => {
    const shipped = quantizeWeights(
      artifactsOf([
        { name: 'a', data: even(64) },
        { name: 'b', data: even(32) },
      ]),
      { dtypes: 'float16' },
    ).artifacts;
    const model = costModel({ a: 1, b: 1 }, 0.01);
    const result = await autoCompress(shipped, model);
    expect(result).toMatchObject({ withinBudget: true, bytesAfter: 192, drift: undefined });
    expect(result.artifacts).toBe(shipped);
    expect(result.frontier.points.filter((p) => p.chosen)).toEqual([expect.objectContaining({ bytes: 192, budgetUse: 0, kind: 'all-2-byte' })]);
    expect(result.warnings.join('\n')).toMatch(/shipped float16/);
  });
});
