import { beforeAll, describe, expect, it } from 'vitest';
import { autoCompress } from '../../../src/compress/auto.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { corpusArtifacts } from './corpus-artifacts.js';
import { makeEvaluator, type SimpleDrift } from './evaluate.js';

/** Real drift on the human-emotion graph model (cpu backend, two seeded inputs), budget max-abs-error 1e-3 (sum-preserving uint8 keeps 1e-2). */
describe('autoCompress on human-emotion', () => {
  const original = corpusArtifacts('human-emotion');
  const budget = (d: SimpleDrift): boolean => d.maxAbsError <= 1e-3;
  const use = (d: SimpleDrift): number => d.maxAbsError / 1e-3;
  let evaluate: (a: typeof original) => Promise<SimpleDrift>;

  beforeAll(async () => {
    evaluate = await makeEvaluator(original, [1, 64, 64, 1], 2);
  });

  it('promotes the sensitive weights until the budget uniform uint8 breaks holds', async () => {
    const uint8 = quantizeWeights(original, { dtypes: 'uint8', rounding: 'sum-preserving' });
    expect(budget(await evaluate(uint8.artifacts))).toBe(false);

    const result = await autoCompress(original, { evaluate, withinBudget: budget, budgetUse: use, maxEvaluations: 40 });
    expect(result.withinBudget).toBe(true);
    expect(result.drift?.maxAbsError).toBeLessThanOrEqual(1e-3);
    // Independent re-check of the returned artifacts, not the search's own bookkeeping.
    expect((await evaluate(result.artifacts)).maxAbsError).toBeLessThanOrEqual(1e-3);
    expect(result.evaluations).toBeLessThanOrEqual(40);
    expect(result.assignment).toHaveLength(22);
    const promoted = result.assignment.filter((a) => a.dtype !== 'uint8');
    expect(promoted.length).toBeGreaterThan(0);
    expect(promoted.length).toBeLessThan(22);
    expect(result.assignment.filter((a) => a.sensitivity !== undefined).length).toBeGreaterThan(0);
    expect(result.bytesAfter).toBeGreaterThan(uint8.bytesAfter);
    expect(result.bytesAfter / result.bytesBefore).toBeLessThan(0.5);
  });

  it('says when the evaluation cap stopped it, and never returns a candidate outside the budget', async () => {
    const result = await autoCompress(original, { evaluate, withinBudget: budget, budgetUse: use, maxEvaluations: 4 });
    expect(result.capped).toBe(true);
    expect(result.evaluations).toBeLessThanOrEqual(4);
    if (result.drift) expect(budget(result.drift)).toBe(true);
    else expect(result.artifacts).toBe(original);
  });

  it('stops after one evaluation when uniform uint8 already fits', async () => {
    const result = await autoCompress(original, { evaluate, withinBudget: (d) => d.maxAbsError <= 0.5, budgetUse: (d) => d.maxAbsError / 0.5 });
    expect(result.evaluations).toBe(1);
    expect(result.assignment.every((a) => a.dtype === 'uint8')).toBe(true);
  });
});
