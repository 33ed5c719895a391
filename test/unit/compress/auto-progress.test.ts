import type { io } from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { autoCompress, formatAutoProgress, type AutoProgress } from '../../../src/compress/auto.js';

/** Three float32 weights of 64, 32 and 16 values; no topology (the injected evaluator never runs the model). */
function artifacts(): io.ModelArtifacts {
  const sizes = [64, 32, 16];
  const data = new Float32Array(sizes.reduce((a, b) => a + b, 0)).map((_, i) => Math.sin(i) * 3);
  return {
    weightSpecs: sizes.map((n, i) => ({ name: `w${i}`, shape: [n], dtype: 'float32' as const })),
    weightData: data.buffer,
  };
}

/** Drift grows by 0.01 per weight stored as uint8: the budget (≤ 0.01) allows exactly one. */
const evaluate = (candidate: io.ModelArtifacts): Promise<{ maxAbsError: number }> =>
  Promise.resolve({ maxAbsError: 0.01 * (candidate.weightSpecs ?? []).filter((s) => s.quantization?.dtype === 'uint8').length });

test('every evaluation is reported, numbered 1…n against the cap, and n is the evaluations the search ran', async () => {
  const seen: AutoProgress[] = [];
  const result = await autoCompress(artifacts(), {
    evaluate,
    withinBudget: (d) => d.maxAbsError <= 0.01,
    budgetUse: (d) => d.maxAbsError / 0.01,
    maxEvaluations: 12,
    onEvaluation: (p) => seen.push(p),
  });
  expect(result.evaluations).toBeGreaterThan(1);
  expect(seen.map((p) => p.evaluation)).toEqual(Array.from({ length: result.evaluations }, (_, i) => i + 1));
  expect(seen.every((p) => p.cap === 12)).toBe(true);
  expect(seen[0]).toMatchObject({ kind: 'all-uint8', withinBudget: false });
  expect(seen[0]?.budgetUse).toBeCloseTo(3, 9);
  expect(seen[1]).toMatchObject({ kind: 'all-2-byte', budgetUse: 0, withinBudget: true });
  // w0 and w1 hold more than 4 % of the bytes each: probed alone; w2 (16 of 112 values) too, as no tail is left.
  expect(seen.filter((p) => p.kind === 'probe').map((p) => p.weight)).toEqual(['w0', 'w1', 'w2']);
});

test.each([
  {
    what: 'a candidate',
    progress: { evaluation: 12, cap: 48, kind: 'candidate', budgetUse: 0.87123, bytes: 1_020_000, withinBudget: true },
    expected: 'auto: 12/48 candidate 1.02 MB weights, 87.1% of the accuracy budget, within budget',
  },
  {
    what: 'a probe',
    progress: { evaluation: 3, cap: 48, kind: 'probe', weight: 'conv1/kernel', budgetUse: 50, bytes: 4_000, withinBudget: false },
    expected: 'auto: 3/48 probe conv1/kernel at uint8: 5000% of the accuracy budget',
  },
  {
    what: 'a probe without a name',
    progress: { evaluation: 2, cap: 5, kind: 'probe', budgetUse: 0.1234, bytes: 10, withinBudget: true },
    expected: 'auto: 2/5 probe ? at uint8: 12.3% of the accuracy budget',
  },
  {
    what: 'a drift that is not a number',
    progress: { evaluation: 1, cap: 48, kind: 'all-uint8', budgetUse: Infinity, bytes: 2_500_000, withinBudget: false },
    expected: 'auto: 1/48 all-uint8 2.50 MB weights, NaN of the accuracy budget, over budget',
  },
] as const)('progress line for $what', ({ progress, expected }) => {
  expect(formatAutoProgress(progress)).toBe(expected);
});
