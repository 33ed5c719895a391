import type * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { autoCompress, type AutoProgress, type DriftLike } from '../../../src/compress/auto.js';
import { uint8Rung } from '../../../src/compress/ladder.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { encodeWeights, splitWeights, weightBytes } from '../../../src/compress/weights.js';

/** Weights-only artifacts: auto never reads the topology. */
function artifactsOf(weights: readonly { name: string; data: Float32Array }[]): tf.io.ModelArtifacts {
  const tensors = weights.map((w) => ({ name: w.name, shape: [w.data.length], dtype: 'float32' as const, data: w.data }));
  return { modelTopology: {}, ...encodeWeights(tensors) };
}

/** How each weight of a candidate is stored: its `quantization.dtype`, else float32. */
function storage(candidate: tf.io.ModelArtifacts): Map<string, string> {
  return new Map((candidate.weightSpecs ?? []).map((s) => [s.name, s.quantization?.dtype ?? s.dtype]));
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
    expect(result.frontier.points.filter((p) => p.chosen)).toEqual([
      expect.objectContaining({ bytes: 192, budgetUse: 0, kind: 'all-2-byte', withinBudget: true }),
    ]);
    expect(result.warnings.join('\n')).toMatch(/shipped float16/);
  });
});

/**
 * An additive cost model that records each candidate it saw as the storages of its weights in model order
 * (`uint8,uint16,float32`), and the progress the search reported.
 */
function recorder(error: Readonly<Record<string, number>>, budget: number) {
  const calls: string[] = [];
  const progress: AutoProgress[] = [];
  const model = costModel(error, budget);
  return {
    calls,
    progress,
    options: {
      ...model,
      evaluate: (c: tf.io.ModelArtifacts): Promise<DriftLike> => {
        calls.push([...storage(c).values()].join(','));
        return model.evaluate(c);
      },
      onEvaluation: (p: AutoProgress) => progress.push(p),
    },
  };
}

describe('autoCompress: the sequence of evaluations', () => {
  it('uniform points, one probe per weight, the predicted prefix, then halving; a hopeless weight is not moved back to uint8', async () => {
    // Three equal weights; budget 0.5. Alone at uint8 they use 1.2, 0.6 and 0.4 of it, together 2.2; at 2 bytes a
    // thousandth of that. The promotion list is a, b, c to uint16 (most use removed per byte first), then the same to
    // float32. Predicted: 2.2, after a ≈ 1.0012, after b ≈ 0.40 — the first inside is prefix 2, which passes (0.2009);
    // prefix 1 (0.5006) fails. The demotion pass would only retry prefix 1 (known) — a is hopeless (1.2 alone).
    const r = recorder({ a: 0.6, b: 0.3, c: 0.2 }, 0.5);
    const result = await autoCompress(artifactsOf(['a', 'b', 'c'].map((name) => ({ name, data: even(256) }))), r.options);
    expect(r.calls).toEqual([
      'uint8,uint8,uint8',
      'uint16,uint16,uint16',
      'uint8,float32,float32',
      'float32,uint8,float32',
      'float32,float32,uint8',
      'uint16,uint16,uint8',
      'uint16,uint8,uint8',
    ]);
    expect(r.progress.map((p) => [p.kind, p.weight ?? null, p.withinBudget])).toEqual([
      ['all-uint8', null, false],
      ['all-2-byte', null, true],
      ['probe', 'a', false],
      ['probe', 'b', true],
      ['probe', 'c', true],
      ['candidate', null, true],
      ['candidate', null, false],
    ]);
    expect(r.progress.map((p) => p.bytes)).toEqual([768, 1536, 256 + 2048, 256 + 2048, 256 + 2048, 1280, 1024]);
    // Only a probe names its weight.
    expect(r.progress.filter((p) => 'weight' in p).map((p) => p.kind)).toEqual(['probe', 'probe', 'probe']);
    expect(result).toMatchObject({ bytesBefore: 3072, bytesAfter: 1280, evaluations: 7, capped: false, withinBudget: true, warnings: [] });
    expect(result.drift?.maxAbsError).toBeCloseTo(0.2009, 9);
    expect(result.assignment.map((a) => [a.name, a.elements, a.dtype, a.group])).toEqual([
      ['a', 256, 'uint16', undefined],
      ['b', 256, 'uint16', undefined],
      ['c', 256, 'uint8', undefined],
    ]);
    expect(result.assignment.map((a) => Object.keys(a).includes('group'))).toEqual([false, false, false]);
    expect(result.assignment.map((a) => a.sensitivity ?? NaN).map((s) => Math.round(s * 1e9) / 1e9)).toEqual([1.2, 0.6, 0.4]);
    // The frontier: every evaluation, smallest first; the result is the one chosen.
    expect(result.frontier.bytesBefore).toBe(3072);
    // Equal bytes: least budget used first.
    expect(result.frontier.points.map((p) => [p.bytes, Math.round((p.budgetUse ?? NaN) * 1e4) / 1e4, p.withinBudget, p.chosen])).toEqual([
      [768, 2.2, false, false],
      [1024, 1.0012, false, false],
      [1280, 0.4018, true, true],
      [1536, 0.0022, true, false],
      [2304, 0.4, true, false],
      [2304, 0.6, true, false],
      [2304, 1.2, false, false],
    ]);
  });

  it('a group that cannot move down as one is split by bytes, and a move saving under 0.1 % of the bytes is not tried', async () => {
    // big (4,096 values) alone; eight small weights of 16 values hold 3 % of the bytes: two groups of four. Budget 1.
    // s1 and s5 use 0.9 each at uint8, everything else 0.001. Groups alone at uint8 use 0.903 (not hopeless).
    // all-uint8 (1.807) fails; the first predicted prefix (group 1 to uint16) passes. Demotion: group 1 back to uint8
    // is all-uint8 (known, fails): split into s0+s1 and s2+s3 (32 bytes each, ≥ 16.9 = 0.1 % of 16,896). s0+s1 down
    // fails, s2+s3 down passes; the halves of s0+s1 would save 16 bytes each: not tried.
    const small = Array.from({ length: 8 }, (_, i) => `s${i}`);
    const error: Record<string, number> = {
      big: 0.001,
      ...Object.fromEntries(small.map((s): [string, number] => [s, s === 's1' || s === 's5' ? 0.9 : 0.001])),
    };
    const r = recorder(error, 1);
    const result = await autoCompress(artifactsOf([{ name: 'big', data: even(4096) }, ...small.map((name) => ({ name, data: even(16) }))]), r.options);
    const row = (big: string, g1: readonly string[], g2: readonly string[]): string => [big, ...g1, ...g2].join(',');
    const u8 = ['uint8', 'uint8', 'uint8', 'uint8'];
    const u16 = ['uint16', 'uint16', 'uint16', 'uint16'];
    const f32 = ['float32', 'float32', 'float32', 'float32'];
    expect(r.calls).toEqual([
      row('uint8', u8, u8),
      row('uint16', u16, u16),
      row('uint8', f32, f32),
      row('float32', u8, f32),
      row('float32', f32, u8),
      row('uint8', u16, u8),
      row('uint8', ['uint8', 'uint8', 'uint16', 'uint16'], u8),
      row('uint8', ['uint16', 'uint16', 'uint8', 'uint8'], u8),
    ]);
    expect(r.progress.filter((p) => p.kind === 'probe').map((p) => p.weight)).toEqual(['big', 'group 1 (4 small weights)', 'group 2 (4 small weights)']);
    expect(r.progress.map((p) => p.kind)).toEqual(['all-uint8', 'all-2-byte', 'probe', 'probe', 'probe', 'candidate', 'candidate', 'candidate']);
    expect(result.bytesAfter).toBe(4096 + 2 * 32 + 6 * 16);
    expect(result.assignment.map((a) => [a.name, a.dtype, a.group ?? 0])).toEqual([
      ['big', 'uint8', 0],
      ['s0', 'uint16', 1],
      ['s1', 'uint16', 1],
      ['s2', 'uint8', 1],
      ['s3', 'uint8', 1],
      ['s4', 'uint8', 2],
      ['s5', 'uint8', 2],
      ['s6', 'uint8', 2],
      ['s7', 'uint8', 2],
    ]);
    // A group's members carry the group's probe as their sensitivity.
    expect(result.assignment.map((a) => Math.round((a.sensitivity ?? NaN) * 1e9) / 1e9)).toEqual([
      0.001, 0.903, 0.903, 0.903, 0.903, 0.903, 0.903, 0.903, 0.903,
    ]);
  });
});

describe('autoCompress: stops, warnings and what it searches', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const eight = (): tf.io.ModelArtifacts => artifactsOf(Array.from({ length: 8 }, (_, i) => ({ name: `w${i}`, data: even(64) })));
  const allOver = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`w${i}`, 0.3]));

  it("stops when less than three of the slowest evaluation's time is left (a fake clock: 1 s per evaluation)", async () => {
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const r = recorder(allOver, 0.05);
    const result = await autoCompress(eight(), {
      ...r.options,
      evaluate: async (c) => {
        const d = await r.options.evaluate(c);
        clock += 1000;
        return d;
      },
      // 10 s at the start: after 7 evaluations 3.0 s are left (not less than 3 × 1 s), after 8 only 2.0 s.
      timeLeftMs: () => 10_000 - clock,
    });
    expect(result).toMatchObject({ evaluations: 8, capped: true, withinBudget: true });
    // all-uint8, all-2-byte, then 6 of the 8 probes; the smallest passing is all-2-byte.
    expect(r.progress.map((p) => p.kind)).toEqual(['all-uint8', 'all-2-byte', 'probe', 'probe', 'probe', 'probe', 'probe', 'probe']);
    expect(result.warnings).toEqual([
      "auto: stopped after 8 evaluations with 2.0 s of the model's timeout left; the result is the smallest passing candidate found",
      'auto: probed 6 of 8 weights and groups before it stopped',
    ]);
    expect(result.bytesAfter).toBe(8 * 128);
  });

  it('always runs the first evaluation, however little time is left', async () => {
    const r = recorder(allOver, 0.05);
    const artifacts = eight();
    const result = await autoCompress(artifacts, { ...r.options, timeLeftMs: () => -1 });
    expect(r.calls).toHaveLength(1);
    expect(result).toMatchObject({ evaluations: 1, capped: true, withinBudget: false, drift: undefined, bytesAfter: 2048 });
    expect(result.artifacts).toBe(artifacts);
    expect(result.warnings).toEqual([
      "auto: stopped after 1 evaluations with -0.0 s of the model's timeout left; the result is the smallest passing candidate found",
      'auto: no candidate stayed inside the budget; the model is left as it was',
    ]);
  });

  it.each([
    {
      what: 'the cap in the middle of the probes',
      cap: 4,
      warnings: [
        'auto: stopped at the evaluation cap (4); the result is the smallest passing candidate found',
        'auto: probed 2 of 3 weights and groups before it stopped',
      ],
    },
    { what: 'the cap after every probe', cap: 5, warnings: ['auto: stopped at the evaluation cap (5); the result is the smallest passing candidate found'] },
    {
      what: 'the cap before any probe',
      cap: 1,
      warnings: [
        'auto: stopped at the evaluation cap (1); the result is the smallest passing candidate found',
        'auto: no candidate stayed inside the budget; the model is left as it was',
      ],
    },
  ])('warnings at $what', async ({ cap, warnings }) => {
    const r = recorder({ a: 0.6, b: 0.3, c: 0.2 }, 0.5);
    const result = await autoCompress(artifactsOf(['a', 'b', 'c'].map((name) => ({ name, data: even(256) }))), { ...r.options, maxEvaluations: cap });
    expect(result.warnings).toEqual(warnings);
    expect(r.progress.map((p) => p.cap)).toEqual(r.calls.map(() => cap));
    expect(result.evaluations).toBe(cap);
  });

  it('the cap sets how many weights are probed alone: (cap − 2) / 2, the rest in groups', async () => {
    // Six equal weights, cap 7: two alone (⌊5 / 2⌋), four groups of one; the cap stops the fifth probe's successor.
    const r = recorder(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`w${i}`, 0.3])), 0.05);
    await autoCompress(artifactsOf(Array.from({ length: 6 }, (_, i) => ({ name: `w${i}`, data: even(64) }))), { ...r.options, maxEvaluations: 7 });
    expect(r.progress.filter((p) => p.kind === 'probe').map((p) => p.weight)).toEqual([
      'w0',
      'w1',
      'group 1 (1 small weight)',
      'group 2 (1 small weight)',
      'group 3 (1 small weight)',
    ]);
  });

  it('a weight exactly at min-elements is searched; smaller ones, uint8 ones and int32 ones are not', async () => {
    const base = encodeWeights([
      { name: 'q', shape: [64], dtype: 'float32', data: even(64) },
      { name: 'i', shape: [64], dtype: 'int32', data: Int32Array.from({ length: 64 }, (_, k) => k) },
      { name: 'edge', shape: [8, 8], dtype: 'float32', data: even(64) },
      { name: 'tiny', shape: [63], dtype: 'float32', data: even(63) },
    ]);
    const artifacts = quantizeWeights({ modelTopology: {}, ...base }, { dtypes: { uint8: ['q'] } }).artifacts;
    // edge at uint8 breaks the budget: all-uint8, then all-2-byte; the one unit's probe is all-uint8 again (known),
    // the bisection's only split is all-2-byte (known), and edge, hopeless, is not moved back down.
    const r = recorder({ edge: 1 }, 0.01);
    const result = await autoCompress(artifacts, { ...r.options, minElements: 64 });
    expect(r.calls).toEqual(['uint8,int32,uint8,float32', 'uint8,int32,uint16,float32']);
    expect(result.assignment.map((a) => [a.name, a.dtype])).toEqual([
      ['q', 'uint8'],
      ['edge', 'uint16'],
      ['tiny', 'float32'],
    ]);
    expect(result.assignment.find((a) => a.name === 'tiny')).toStrictEqual({ name: 'tiny', elements: 63, dtype: 'float32' });
    expect(result.assignment.find((a) => a.name === 'edge')?.sensitivity).toBeCloseTo(100, 9);
  });

  it('nothing to search: no evaluation, the model as it was, inside the budget', async () => {
    const artifacts = artifactsOf([{ name: 'w', data: even(8) }]);
    const r = recorder({ w: 1 }, 0.01);
    const result = await autoCompress(artifacts, { ...r.options, minElements: 9 });
    expect(r.calls).toEqual([]);
    expect(result).toStrictEqual({
      artifacts,
      assignment: [{ name: 'w', elements: 8, dtype: 'float32' }],
      bytesBefore: 32,
      bytesAfter: 32,
      drift: undefined,
      withinBudget: true,
      evaluations: 0,
      capped: false,
      frontier: { bytesBefore: 32, points: [] },
      warnings: ['auto: no float32 or float16 weight to quantize (uint8 weights stay as they are)'],
    });
  });

  it('a budget use that is not a number counts as infinite: reported so, off the frontier numbers, no sensitivity', async () => {
    const r = recorder({ w: 1 }, 0.01);
    const result = await autoCompress(artifactsOf([{ name: 'w', data: even(64) }]), { ...r.options, budgetUse: () => NaN });
    expect(r.progress.map((p) => [p.kind, p.budgetUse, p.withinBudget])).toEqual([
      ['all-uint8', Infinity, false],
      ['all-2-byte', Infinity, true],
    ]);
    expect(result.frontier.points.map((p) => [p.bytes, p.budgetUse])).toEqual([
      [64, null],
      [128, null],
    ]);
    expect(result.assignment).toStrictEqual([{ name: 'w', elements: 64, dtype: 'uint16' }]);
  });

  it('when only the whole promotion list is predicted inside the budget, the bisection starts at its middle', async () => {
    // Every drift uses a million budgets by the ranking metric: no prefix but the last is predicted inside. The list
    // is a, b to uint16, then a, b to float32; its middle (both uint16) is all-2-byte (known, passes), then a alone.
    const r = recorder({ a: 0.006, b: 0.006 }, 0.01);
    await autoCompress(artifactsOf(['a', 'b'].map((name) => ({ name, data: even(256) }))), { ...r.options, budgetUse: () => 1e6 });
    expect(r.calls).toEqual(['uint8,uint8', 'uint16,uint16', 'uint8,float32', 'float32,uint8', 'uint16,uint8']);
  });

  it('writes its uint8 weights with sum-preserving rounding', async () => {
    // Values whose nearest codes do not keep the sum (those of the rounding tests).
    const data = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 0.8);
    const artifacts: tf.io.ModelArtifacts = { modelTopology: {}, ...encodeWeights([{ name: 'w', shape: [16, 4], dtype: 'float32', data }]) };
    const r = recorder({ w: 0 }, 0.01);
    const result = await autoCompress(artifacts, r.options);
    const bytes = (a: tf.io.ModelArtifacts): number[] => [...(splitWeights(a)[0]?.bytes ?? [])];
    const sum = quantizeWeights(artifacts, { dtypes: 'uint8', rounding: 'sum-preserving' }).artifacts;
    const nearest = quantizeWeights(artifacts, { dtypes: 'uint8', rounding: 'nearest' }).artifacts;
    expect(bytes(result.artifacts)).toEqual(bytes(sum));
    expect(bytes(sum)).not.toEqual(bytes(nearest));
    expect(result.evaluations).toBe(1);
  });

  it('a model shipped partly as float16 is not the all-2-byte candidate: that one is evaluated', async () => {
    const mixed = quantizeWeights(
      artifactsOf([
        { name: 'h', data: even(64) },
        { name: 'f', data: even(64) },
      ]),
      { dtypes: { float16: ['h'] } },
    ).artifacts;
    const r = recorder({ h: 1, f: 1 }, 0.01);
    const result = await autoCompress(mixed, r.options);
    expect(r.calls.slice(0, 2)).toEqual(['uint8,uint8', 'float16,uint16']);
    expect(result.warnings).toEqual([]);
    expect(result.bytesAfter).toBe(256);
  });
});

describe('autoCompress: ties, thresholds and ladders', () => {
  /** A cost per weight and storage (`uint8`, `uint16`, `float16`, `float32`), summed; recorded like {@link recorder}. */
  function table(cost: Readonly<Record<string, Readonly<Record<string, number>>>>, budget: number) {
    const calls: string[] = [];
    return {
      calls,
      options: {
        evaluate: (c: tf.io.ModelArtifacts): Promise<DriftLike> => {
          const s = storage(c);
          calls.push([...s.values()].join(','));
          let total = 0;
          for (const [name, dtype] of s) total += cost[name]?.[dtype] ?? 0;
          return Promise.resolve({ maxAbsError: total });
        },
        withinBudget: (d: DriftLike) => d.maxAbsError <= budget,
        budgetUse: (d: DriftLike) => d.maxAbsError / budget,
      },
    };
  }

  it('of two passing candidates with the same bytes, the first evaluated stays the result', async () => {
    // a 128 and b 64 values: all-2-byte (both uint16) and the probe of a (a uint8, b float32) are both 384 bytes and
    // pass; every smaller assignment fails. all-2-byte came first.
    const t = table({ a: { uint8: 0.8, uint16: 0.001 }, b: { uint8: 5, uint16: 0.3 } }, 1);
    const result = await autoCompress(
      artifactsOf([
        { name: 'a', data: even(128) },
        { name: 'b', data: even(64) },
      ]),
      t.options,
    );
    expect(t.calls.slice(0, 4)).toEqual(['uint8,uint8', 'uint16,uint16', 'uint8,float32', 'float32,uint8']);
    expect(result.bytesAfter).toBe(384);
    expect(result.assignment.map((a) => a.dtype)).toEqual(['uint16', 'uint16']);
  });

  it('a weight whose probe used exactly the whole budget is not hopeless: the demotion pass tries it at uint8', async () => {
    // a and b alone at uint8 use exactly 1 of the budget each (0.5 of 0.5), together 2. Bisection: prefix 2 is
    // all-2-byte (known), prefix 1 (a uint16, b uint8) fails. Demotion tries a back at uint8 (new, fails); b's is
    // prefix 1 again (known).
    const r = recorder({ a: 0.5, b: 0.5 }, 0.5);
    const result = await autoCompress(artifactsOf(['a', 'b'].map((name) => ({ name, data: even(256) }))), r.options);
    expect(r.calls).toEqual(['uint8,uint8', 'uint16,uint16', 'uint8,float32', 'float32,uint8', 'uint16,uint8', 'uint8,uint16']);
    expect(result.assignment.map((a) => [a.dtype, a.sensitivity])).toEqual([
      ['uint16', 1],
      ['uint16', 1],
    ]);
  });

  it('a move saving exactly 0.1 % of the weight bytes is tried, and a half of two weights is split again', async () => {
    // As the split case above, with big at 3,872 values: 16,000 bytes in all, so a single small weight's move saves
    // exactly the 16-byte minimum. After s2+s3 go down, s0 alone goes down (passes); s1 alone down would be all-uint8
    // (known).
    const small = Array.from({ length: 8 }, (_, i) => `s${i}`);
    const error: Record<string, number> = {
      big: 0.001,
      ...Object.fromEntries(small.map((s): [string, number] => [s, s === 's1' || s === 's5' ? 0.9 : 0.001])),
    };
    const r = recorder(error, 1);
    const result = await autoCompress(artifactsOf([{ name: 'big', data: even(3872) }, ...small.map((name) => ({ name, data: even(16) }))]), r.options);
    const g2 = 'uint8,uint8,uint8,uint8';
    expect(r.calls.slice(5)).toEqual([
      `uint8,uint16,uint16,uint16,uint16,${g2}`,
      `uint8,uint8,uint8,uint16,uint16,${g2}`,
      `uint8,uint16,uint16,uint8,uint8,${g2}`,
      `uint8,uint8,uint16,uint8,uint8,${g2}`,
    ]);
    expect(result.assignment.map((a) => a.dtype).join(',')).toBe(`uint8,uint8,uint16,uint8,uint8,${g2}`);
  });

  it('a group keeps each member on its own ladder: a float16 member tops out at float16', async () => {
    // big alone; h (shipped float16) and f (float32) are the small tail: one group. At the group's top rung h is at
    // its source (float16), f at float32.
    const shipped = quantizeWeights(
      artifactsOf([
        { name: 'big', data: even(4096) },
        { name: 'h', data: even(16) },
        { name: 'f', data: even(16) },
      ]),
      { dtypes: { float16: ['h'] } },
    ).artifacts;
    const r = recorder({ big: 1, h: 0.001, f: 0.001 }, 0.01);
    await autoCompress(shipped, r.options);
    expect(r.progress.filter((p) => p.kind === 'probe').map((p) => p.weight)).toEqual(['big', 'group 1 (2 small weights)']);
    expect(r.calls.slice(0, 4)).toEqual(['uint8,uint8,uint8', 'uint16,float16,uint16', 'uint8,float16,float32', 'float32,uint8,uint8']);
  });

  it('a model shipped as float16 where a uint8 weight fits keeps the smaller candidate and does not warn', async () => {
    const shipped = quantizeWeights(
      artifactsOf([
        { name: 'a', data: even(64) },
        { name: 'b', data: even(64) },
      ]),
      { dtypes: 'float16' },
    ).artifacts;
    // a breaks the budget at uint8, b does not: the probe of b (a float16, b uint8) is the result.
    const r = recorder({ a: 1, b: 0.001 }, 0.01);
    const result = await autoCompress(shipped, r.options);
    expect(r.calls.slice(0, 3)).toEqual(['uint8,uint8', 'uint8,float16', 'float16,uint8']);
    expect(result.bytesAfter).toBe(128 + 64);
    expect(result.warnings).toEqual([]);
    expect(result.frontier.points.filter((p) => p.chosen)).toEqual([expect.objectContaining({ bytes: 192, kind: 'probe' })]);
  });

  it('searches with the ladder it is given: with uint8 alone no weight has a step to take', async () => {
    const r = recorder({ w: 1 }, 0.01);
    const result = await autoCompress(artifactsOf([{ name: 'w', data: even(64) }]), { ...r.options, ladder: [uint8Rung] });
    expect(r.calls).toEqual([]);
    expect(result.warnings).toEqual(['auto: no float32 or float16 weight to quantize (uint8 weights stay as they are)']);
  });
});
