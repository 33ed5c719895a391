import type * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseLevels, describeLevels, formatLevelsProgress, type LevelsProgress } from '../../../src/compress/levels-auto.js';
import { compressModel } from '../../../src/compress/registry.js';
import { quantizeWeights, type QuantizeResult } from '../../../src/compress/quantize.js';
import { decodeWeights, splitWeights } from '../../../src/compress/weights.js';
import type { LoadedModel } from '../../../src/model/types.js';
import { threeWeights } from '../../helpers/weight-fixtures.js';

const { artifacts, original } = threeWeights();

/** A drift that is what quantization does to the weights: the largest dequantization error over all of them. */
function weightDrift(candidate: tf.io.ModelArtifacts): Promise<{ maxAbsError: number }> {
  let max = 0;
  for (const w of decodeWeights(candidate)) {
    const want = original.get(w.name) ?? new Float32Array();
    (w.data as Float32Array).forEach((v, i) => (max = Math.max(max, Math.abs(v - (want[i] ?? 0)))));
  }
  return Promise.resolve({ maxAbsError: max });
}

const distinctCodes = (a: tf.io.ModelArtifacts, name: string): number => {
  const i = (a.weightSpecs ?? []).findIndex((s) => s.name === name);
  return new Set(splitWeights(a)[i]?.bytes).size;
};

const quantize = (levels: ReadonlyMap<string, number>) => quantizeWeights(artifacts, { dtypes: 'uint8', levelsByWeight: levels });

describe('chooseLevels', () => {
  it('tries the biggest weight first, binary-searches 4…8 bits and keeps the fewest codes inside the budget', async () => {
    const seen: LevelsProgress[] = [];
    const r = await chooseLevels({ quantize, evaluate: weightDrift, withinBudget: (d) => d.maxAbsError <= 0.05, onEvaluation: (p) => seen.push(p) });
    expect(seen[0]).toMatchObject({ evaluation: 1, levels: 256 });
    expect(seen[1]?.weight).toBe('big');
    expect(seen.map((p) => p.weight).filter(Boolean)).toEqual(['big', 'big', 'big', 'mid', 'mid', 'mid', 'small', 'small', 'small']);
    // Values in [-1, 1): 32 codes err by at most half of 2/31 (0.032 ≤ 0.05), 16 codes by half of 2/15 (0.067).
    expect(Object.fromEntries(r.levels)).toEqual({ big: 32, mid: 32, small: 32 });
    for (const [name, levels] of r.levels) expect(distinctCodes(r.result.artifacts, name)).toBeLessThanOrEqual(levels);
    expect(r.drift.maxAbsError).toBeLessThanOrEqual(0.05);
    expect(r.evaluations).toBe(seen.length);
  });

  it('without a budget keeps only what drifts no more than 256 levels (here: nothing)', async () => {
    const r = await chooseLevels({ quantize, evaluate: weightDrift });
    expect(r.levels.size).toBe(0);
    expect(r.drift).toEqual(r.reference);
  });

  it('stops at the evaluation cap; untried weights keep 256 levels', async () => {
    const r = await chooseLevels({ quantize, evaluate: weightDrift, withinBudget: () => true, maxEvaluations: 2 });
    expect(r.evaluations).toBe(2);
    expect(Object.fromEntries(r.levels)).toEqual({ big: 64 });
    expect(r.tried).toBe(1);
  });

  it('keeps 256 levels when 256 already breaks the budget', async () => {
    const r = await chooseLevels({ quantize, evaluate: weightDrift, withinBudget: () => false });
    expect([r.overBudget, r.evaluations, r.levels.size]).toEqual([true, 1, 0]);
  });

  it('formats a progress line like auto’s', () => {
    expect(formatLevelsProgress({ evaluation: 3, cap: 40, weight: 'conv/k', levels: 32, maxAbsError: 0.001234, accepted: true })).toBe(
      'levels: 3/40 conv/k at 32 levels: max-abs 0.00123, kept',
    );
    expect(formatLevelsProgress({ evaluation: 4, cap: 40, weight: 'conv/k', levels: 16, maxAbsError: 0.25, accepted: false })).toBe(
      'levels: 4/40 conv/k at 16 levels: max-abs 0.25, rejected',
    );
    expect(formatLevelsProgress({ evaluation: 1, cap: 40, levels: 256, maxAbsError: 0.0041, accepted: true })).toBe(
      'levels: 1/40 every weight on all its codes: max-abs 0.0041',
    );
  });
});

/**
 * A stand-in for the quantizer and the evaluator: `quantize` records the levels each candidate was made with, and
 * the drift is `drift(levels)` of those. `to` says how each weight is stored (only uint8 and uint16 ones are searched).
 */
function fake(
  weights: readonly { name: string; elements: number; to: 'uint8' | 'uint16' | 'float16' | 'float32' }[],
  drift: (levels: ReadonlyMap<string, number>) => number,
) {
  const levelsOf = new WeakMap<tf.io.ModelArtifacts, ReadonlyMap<string, number>>();
  const quantize = (levels: ReadonlyMap<string, number>): QuantizeResult => {
    const candidate: tf.io.ModelArtifacts = { format: 'graph-model' };
    levelsOf.set(candidate, new Map(levels));
    const bytes = (to: string, n: number): number => n * (to === 'uint8' ? 1 : to === 'float32' ? 4 : 2);
    const tensors = weights.map((w) => ({
      name: w.name,
      elements: w.elements,
      from: 'float32' as const,
      to: w.to,
      bytesBefore: 4 * w.elements,
      bytesAfter: bytes(w.to, w.elements),
    }));
    return {
      artifacts: candidate,
      tensors,
      warnings: [],
      bytesBefore: tensors.reduce((n, t) => n + t.bytesBefore, 0),
      bytesAfter: tensors.reduce((n, t) => n + t.bytesAfter, 0),
      sourceQuantized: false,
    };
  };
  const levelsIn = (candidate: tf.io.ModelArtifacts): ReadonlyMap<string, number> => levelsOf.get(candidate) ?? new Map();
  const evaluate = (candidate: tf.io.ModelArtifacts) => Promise.resolve({ maxAbsError: drift(levelsIn(candidate)) });
  return { quantize, evaluate, levelsIn };
}

describe('chooseLevels with a stand-in quantizer', () => {
  it('searches uint16 weights over 512 … 32768 codes, in one order with the uint8 ones by bytes', async () => {
    // w16 (2,048 bytes) first, then u8 (1,024), then s16 (512). w16 needs 2,048 codes, s16 any; u8 32.
    const need: Record<string, number> = { w16: 2048, u8: 32, s16: 0 };
    const m = fake(
      [
        { name: 'u8', elements: 1024, to: 'uint8' },
        { name: 's16', elements: 256, to: 'uint16' },
        { name: 'w16', elements: 1024, to: 'uint16' },
        { name: 'f', elements: 4096, to: 'float16' },
      ],
      (levels) => ([...levels].some(([name, l]) => l < (need[name] ?? 0)) ? 1 : 0),
    );
    const seen: LevelsProgress[] = [];
    const r = await chooseLevels({ ...m, withinBudget: (d) => d.maxAbsError === 0, onEvaluation: (p) => seen.push(p) });
    expect(seen.filter((p) => p.weight !== undefined).map((p) => [p.weight, p.levels, p.accepted])).toEqual([
      ['w16', 4096, true],
      ['w16', 1024, false],
      ['w16', 2048, true],
      ['u8', 64, true],
      ['u8', 32, true],
      ['u8', 16, false],
      ['s16', 4096, true],
      ['s16', 1024, true],
      ['s16', 512, true],
    ]);
    expect([r.candidates, r.dtypes, Object.fromEntries(r.levels)]).toEqual([3, ['uint8', 'uint16'], { w16: 2048, u8: 32, s16: 512 }]);
    expect(describeLevels(r)).toBe('3 of 3 uint8/uint16 weight(s) on fewer codes (32/512/2048), 3 tried in 10 evaluations');
  });

  it('with no uint8 or uint16 weight, has nothing to try and says so', async () => {
    const m = fake([{ name: 'f', elements: 4096, to: 'float16' }], () => 0);
    const r = await chooseLevels({ ...m, withinBudget: () => true });
    expect([r.candidates, r.tried, r.evaluations, r.dtypes]).toEqual([0, 0, 1, []]);
    expect(describeLevels(r)).toBe('0 of 0 uint8/uint16 weight(s) on fewer codes (none), 0 tried in 1 evaluations');
  });

  it('keeps every code of a uint16 weight that needs them all', async () => {
    const m = fake([{ name: 'w', elements: 64, to: 'uint16' }], (levels) => (levels.has('w') ? 1 : 0));
    const r = await chooseLevels({ ...m, withinBudget: (d) => d.maxAbsError === 0 });
    // 4096 ✗, 16384 ✗, 32768 ✗: 65536 it stays.
    expect([r.levels.size, r.evaluations, r.dtypes]).toEqual([0, 4, ['uint16']]);
    expect(describeLevels(r)).toBe('0 of 1 uint16 weight(s) on fewer codes (none), 1 tried in 4 evaluations');
  });

  it('searches only the uint8 weights, biggest first, equal sizes by name', async () => {
    const m = fake(
      [
        { name: 'a', elements: 64, to: 'uint8' },
        { name: 'c', elements: 2048, to: 'uint8' },
        { name: 'f', elements: 4096, to: 'float16' },
        { name: 'b', elements: 2048, to: 'uint8' },
      ],
      () => 0,
    );
    const seen: LevelsProgress[] = [];
    const r = await chooseLevels({ ...m, withinBudget: () => true, onEvaluation: (p) => seen.push(p) });
    expect(seen.map((p) => p.weight).filter(Boolean)).toEqual(['b', 'b', 'b', 'c', 'c', 'c', 'a', 'a', 'a']);
    expect([r.candidates, r.tried, Object.fromEntries(r.levels)]).toEqual([3, 3, { b: 16, c: 16, a: 16 }]);
  });

  it('without a budget keeps a weight whose fewer codes drift no more than 256 levels, and rejects one that drifts more', async () => {
    // Fewer codes for `b` change nothing; any fewer for `a` add 0.01 to the 256-level drift of 0.01.
    const m = fake(
      [
        { name: 'b', elements: 512, to: 'uint8' },
        { name: 'a', elements: 64, to: 'uint8' },
      ],
      (levels) => 0.01 + (levels.has('a') ? 0.01 : 0),
    );
    const seen: LevelsProgress[] = [];
    const r = await chooseLevels({ ...m, onEvaluation: (p) => seen.push(p) });
    expect(seen[0]).toMatchObject({ evaluation: 1, levels: 256, maxAbsError: 0.01, accepted: true });
    expect(seen.map((p) => [p.weight, p.levels, p.accepted])).toEqual([
      [undefined, 256, true],
      ['b', 64, true],
      ['b', 32, true],
      ['b', 16, true],
      ['a', 64, false],
      ['a', 128, false],
    ]);
    expect(r.overBudget).toBe(false);
    expect(Object.fromEntries(r.levels)).toEqual({ b: 16 });
    expect(Object.fromEntries(m.levelsIn(r.result.artifacts))).toEqual({ b: 16 });
  });

  it('the result and its drift are those of the last accepted candidate, not the 256-level ones', async () => {
    // Each bit below 8 on a weight adds 0.01 to a 256-level drift of 0.001; the budget is 0.05.
    const bitsBelow8 = (levels: ReadonlyMap<string, number>): number => [...levels.values()].reduce((n, l) => n + 8 - Math.log2(l), 0);
    const m = fake(
      [
        { name: 'big', elements: 2048, to: 'uint8' },
        { name: 'small', elements: 64, to: 'uint8' },
      ],
      (levels) => 0.001 + 0.01 * bitsBelow8(levels),
    );
    const r = await chooseLevels({ ...m, withinBudget: (d) => d.maxAbsError <= 0.05 });
    // big goes to 16 levels (4 bits below 8: 0.041); small then breaks the budget at 64 and at 128.
    expect(Object.fromEntries(r.levels)).toEqual({ big: 16 });
    expect(r.reference.maxAbsError).toBe(0.001);
    expect(r.drift.maxAbsError).toBeCloseTo(0.041, 12);
    expect(Object.fromEntries(m.levelsIn(r.result.artifacts))).toEqual({ big: 16 });
  });

  it('says the 256-level model was not accepted when it breaks the budget', async () => {
    const m = fake([{ name: 'w', elements: 64, to: 'uint8' }], () => 0.5);
    const seen: LevelsProgress[] = [];
    const r = await chooseLevels({ ...m, withinBudget: (d) => d.maxAbsError <= 0.1, onEvaluation: (p) => seen.push(p) });
    expect(seen).toEqual([{ evaluation: 1, cap: 40, levels: 256, maxAbsError: 0.5, accepted: false }]);
    expect([r.overBudget, r.evaluations, r.tried, r.levels.size, m.levelsIn(r.result.artifacts).size]).toEqual([true, 1, 0, 0, 0]);
  });
});

describe('compress: quantize { levels: auto }', () => {
  const model: LoadedModel = { format: 'graph', artifacts, path: '/m/net/model.json', sourceKind: 'tfjs', files: [] };

  it('needs an evaluator', async () => {
    await expect(compressModel(model, { quantize: { dtype: 'uint8', levels: 'auto' } })).rejects.toThrow('levels: auto');
  });

  it('runs the search with the accuracy budget and says what it chose', async () => {
    const r = await compressModel(
      model,
      { quantize: { dtype: 'uint8', levels: 'auto' } },
      { evaluate: weightDrift, withinBudget: (d) => d.maxAbsError <= 0.05, budgetUse: (d) => d.maxAbsError / 0.05 },
    );
    expect(r.steps[0]?.summary).toContain('levels auto (inside the accuracy budget): 3 of 3 uint8 weight(s) on fewer codes (32), 3 tried in 10 evaluations');
  });
});

describe('compress: auto { levels: true }', () => {
  const model: LoadedModel = { format: 'graph', artifacts, path: '/m/net/model.json', sourceKind: 'tfjs', files: [] };
  const evaluator = {
    evaluate: weightDrift,
    withinBudget: (d: { maxAbsError: number }) => d.maxAbsError <= 0.05,
    budgetUse: (d: { maxAbsError: number }) => d.maxAbsError / 0.05,
  };

  it('after the precision search, puts the uint8 weights it chose on the fewest codes inside the same budget', async () => {
    const plain = await compressModel(model, { auto: { 'max-evaluations': 48 } }, evaluator);
    const fewer = await compressModel(model, { auto: { 'max-evaluations': 48, levels: true } }, evaluator);
    // All uint8 passes (0.004 ≤ 0.05): the search stops there; 32 codes still hold the budget for every weight.
    expect(plain.steps[0]?.summary).not.toContain('levels:');
    expect(fewer.steps[0]?.summary).toContain('levels: 3 of 3 uint8 weight(s) on fewer codes (32)');
    for (const name of ['big', 'mid', 'small']) {
      expect(distinctCodes(plain.artifacts, name)).toBeGreaterThan(32);
      expect(distinctCodes(fewer.artifacts, name)).toBeLessThanOrEqual(32);
    }
    // Same raw bytes, still inside the budget.
    expect(splitWeights(fewer.artifacts).map((w) => w.bytes.byteLength)).toEqual(splitWeights(plain.artifacts).map((w) => w.bytes.byteLength));
    expect((await weightDrift(fewer.artifacts)).maxAbsError).toBeLessThanOrEqual(0.05);
  });

  it('leaves a model the search kept as it was alone', async () => {
    const never = { ...evaluator, withinBudget: () => false };
    const r = await compressModel(model, { auto: { 'max-evaluations': 8, levels: true } }, never);
    expect(r.steps[0]?.summary).not.toContain('levels:');
    expect(r.artifacts.weightData).toBe(artifacts.weightData);
  });
});
