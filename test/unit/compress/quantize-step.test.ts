import type * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { encodeAttrString, type GraphNode } from '../../../src/compress/graph-def.js';
import type { LevelsProgress } from '../../../src/compress/levels-auto.js';
import { quantizeAsPlanned, resolveQuantize, type LevelsEvaluator } from '../../../src/compress/quantize-step.js';
import { decodeWeights, encodeWeights } from '../../../src/compress/weights.js';
import { threeWeights } from '../../helpers/weight-fixtures.js';
import { convAttrs, graphArtifacts, op } from '../../helpers/graph-artifacts.js';

const { tensors, artifacts, original } = threeWeights();

/**
 * Each weight's largest dequantization error over its tolerance, the worst of them. With round-to-nearest over a
 * range of 2, L codes err by up to 1/(L − 1): 0.067 at 16, 0.032 at 32, 0.016 at 64, 0.0039 at 256.
 */
function driftOver(tolerance: Readonly<Record<string, number>>): (candidate: tf.io.ModelArtifacts) => Promise<{ maxAbsError: number }> {
  return (candidate) => {
    let worst = 0;
    for (const w of decodeWeights(candidate)) {
      const want = original.get(w.name) ?? new Float32Array();
      let max = 0;
      (w.data as Float32Array).forEach((v, i) => (max = Math.max(max, Math.abs(v - (want[i] ?? 0)))));
      worst = Math.max(worst, max / (tolerance[w.name] ?? 1));
    }
    return Promise.resolve({ maxAbsError: worst });
  };
}
/** Inside the budget (≤ 1) when `big` errs ≤ 0.02 (64 codes), `mid` ≤ 0.04 (32) and `small` ≤ 0.1 (16). */
const perWeightDrift = driftOver({ big: 0.02, mid: 0.04, small: 0.1 });
/** Plain max-abs drift over all weights: any weight on fewer codes than 256 makes it worse. */
const maxAbsDrift = driftOver({});
const budget = (d: { maxAbsError: number }): boolean => d.maxAbsError <= 1;

describe('resolveQuantize: only what the block says', () => {
  it.each([
    { what: 'no levels and no per-channel: neither key', setting: { dtype: 'uint8' as const }, expected: { dtypes: 'uint8', rounding: 'sum-preserving' } },
    {
      what: 'levels and per-channel kept',
      setting: { dtype: 'uint8' as const, levels: 16, 'per-channel': true },
      expected: { dtypes: 'uint8', rounding: 'sum-preserving', levels: 16, perChannel: true },
    },
    {
      what: 'per-channel: false left out',
      setting: { dtype: 'uint16' as const, 'per-channel': false },
      expected: { dtypes: 'uint16', rounding: 'sum-preserving' },
    },
    {
      what: 'levels: auto kept',
      setting: { dtype: 'uint8' as const, levels: 'auto' as const },
      expected: { dtypes: 'uint8', rounding: 'sum-preserving', levels: 'auto' },
    },
  ])('$what', ({ setting, expected }) => {
    expect(resolveQuantize(setting)).toStrictEqual(expected);
  });
});

describe('quantizeAsPlanned: the summary', () => {
  it.each([
    { what: 'float16 names no rounding', setting: 'float16' as const, summary: 'float16: 10,496 → 5,248 weight bytes' },
    { what: 'uint8 names its rounding', setting: 'uint8' as const, summary: 'uint8 (sum-preserving rounding): 10,496 → 2,624 weight bytes' },
    {
      what: 'a number of levels is named',
      setting: { dtype: 'uint8' as const, rounding: 'nearest' as const, levels: 16 },
      summary: 'uint8 (nearest rounding, 16 levels): 10,496 → 2,624 weight bytes',
    },
    {
      // small (64 values) as float16: 128 bytes; big and mid as uint8: 2,560.
      what: 'patterns are "mixed"',
      setting: { dtype: 'uint8' as const, float16: ['small'] },
      summary: 'mixed (sum-preserving rounding): 10,496 → 2,688 weight bytes',
    },
  ])('$what', async ({ setting, summary }) => {
    const r = await quantizeAsPlanned(artifacts, setting, 0, undefined);
    expect(r.summary).toBe(summary);
    expect(r.warnings).toEqual([]);
  });

  it('hands back the quantization outcome as details, without the artifacts', async () => {
    const r = await quantizeAsPlanned(artifacts, 'uint8', 0, undefined);
    expect(Object.keys(r.details).sort()).toEqual(['bytesAfter', 'bytesBefore', 'sourceQuantized', 'tensors', 'warnings']);
    expect(r.details).toMatchObject({ bytesBefore: 10496, bytesAfter: 2624, sourceQuantized: false, warnings: [] });
    expect((r.details['tensors'] as readonly { name: string; to: string }[]).map((t) => [t.name, t.to])).toEqual([
      ['small', 'uint8'],
      ['big', 'uint8'],
      ['mid', 'uint8'],
    ]);
    expect(decodeWeights(r.artifacts).map((w) => w.quantization?.dtype)).toEqual(['uint8', 'uint8', 'uint8']);
  });
});

describe('quantizeAsPlanned: levels auto', () => {
  const block = { dtype: 'uint8' as const, rounding: 'nearest' as const, levels: 'auto' as const };

  it('gives each weight the fewest codes inside the budget, and lists the codes in ascending order', async () => {
    const seen: LevelsProgress[] = [];
    const evaluator: LevelsEvaluator = { evaluate: perWeightDrift, withinBudget: budget, onLevels: (p) => seen.push(p) };
    const r = await quantizeAsPlanned(artifacts, block, 0, evaluator);
    // Biggest first: big 64 ✓, 32 ✗ (2 runs); mid 64 ✓, 32 ✓, 16 ✗; small 64, 32, 16 ✓ (3 each); plus the 256-level one.
    expect(r.summary).toBe(
      'uint8 (nearest rounding): 10,496 → 2,624 weight bytes; levels auto (inside the accuracy budget): 3 of 3 uint8 weight(s) on fewer codes (16/32/64), 3 tried in 9 evaluations',
    );
    expect(seen.map((p) => [p.weight, p.levels, p.accepted])).toEqual([
      [undefined, 256, true],
      ['big', 64, true],
      ['big', 32, false],
      ['mid', 64, true],
      ['mid', 32, true],
      ['mid', 16, false],
      ['small', 64, true],
      ['small', 32, true],
      ['small', 16, true],
    ]);
    expect(r.details['levels']).toMatchObject({ levels: { big: 64, mid: 32, small: 16 }, evaluations: 9, tried: 3, candidates: 3, overBudget: false });
    expect(r.details).toMatchObject({ bytesBefore: 10496, bytesAfter: 2624 });
    expect((await perWeightDrift(r.artifacts)).maxAbsError).toBeLessThanOrEqual(1);
  });

  it('without an accuracy budget keeps only what drifts no more than 256 levels, whatever withinBudget says', async () => {
    const r = await quantizeAsPlanned(artifacts, block, 0, { evaluate: maxAbsDrift, withinBudget: () => true, hasBudget: false });
    // Each weight: 64 and 128 codes both drift more than 256 do (2 runs each).
    expect(r.summary).toBe(
      'uint8 (nearest rounding): 10,496 → 2,624 weight bytes; levels auto (max-abs no worse than on every code): 0 of 3 uint8 weight(s) on fewer codes (none), 3 tried in 7 evaluations',
    );
    expect(r.details['levels']).toMatchObject({ levels: {}, evaluations: 7, tried: 3, candidates: 3, overBudget: false });
  });

  it('searches uint16 weights too, over 512 … 65,536 codes, each still a uint16 tensor', async () => {
    // Range 2, nearest: L codes err by up to 1/(L − 1). big ≤ 0.0013 needs 1,024 codes, mid ≤ 0.0007 2,048, small any.
    const drift = driftOver({ big: 0.0013, mid: 0.0007, small: 0.01 });
    const r = await quantizeAsPlanned(artifacts, { dtype: 'uint16', rounding: 'nearest', levels: 'auto' }, 0, { evaluate: drift, withinBudget: budget });
    expect(r.summary).toBe(
      'uint16 (nearest rounding): 10,496 → 5,248 weight bytes; levels auto (inside the accuracy budget): 3 of 3 uint16 weight(s) on fewer codes (512/1024/2048), 3 tried in 10 evaluations',
    );
    expect(r.details['levels']).toMatchObject({ levels: { big: 1024, mid: 2048, small: 512 }, dtypes: ['uint16'] });
    const decoded = decodeWeights(r.artifacts);
    expect(decoded.map((w) => w.quantization?.dtype)).toEqual(['uint16', 'uint16', 'uint16']);
    expect((await drift(r.artifacts)).maxAbsError).toBeLessThanOrEqual(1);
  });

  it('says so when 256 levels already break the budget', async () => {
    const r = await quantizeAsPlanned(artifacts, block, 0, { evaluate: perWeightDrift, withinBudget: () => false });
    expect(r.summary).toBe(
      'uint8 (nearest rounding): 10,496 → 2,624 weight bytes; levels auto: the model on every code already breaks the accuracy budget; kept every code',
    );
    expect(r.details['levels']).toMatchObject({ levels: {}, evaluations: 1, tried: 0, overBudget: true });
  });
});

describe('quantizeAsPlanned: per-channel', () => {
  const k1 = { shape: [1, 1, 2, 3], values: [1, 0.125, 0.015625, -0.5, -0.0625, 0.0078125] };
  const k2 = { shape: [1, 1, 3, 3], values: [1, 0.25, 0.0625, -0.5, 0.125, -0.03125, 0.75, -0.0625, 0.015625] };
  const bias = { shape: [3], values: [0.5, -0.25, 0.125] };
  const fused = (name: string, input: string, kernel: string, b: string, act: string): GraphNode =>
    op(name, '_FusedConv2D', [input, kernel, b], {
      ...convAttrs(),
      fused_ops: { list: { s: ['BiasAdd', act].map(encodeAttrString) } },
      num_args: { i: '1' },
      epsilon: { f: 0 },
    });
  // A fused conv + Relu (gets a Mul after it), then a fused conv + Relu6 (split into conv, Mul, Relu6).
  const graph = graphArtifacts(
    [2, 4, 4, 2],
    [fused('y1', 'x', 'k1', 'b1', 'Relu'), fused('y2', 'y1', 'k2', 'b2', 'Relu6'), op('out', 'Neg', ['y2'])],
    { k1, b1: bias, k2, b2: bias },
    ['out'],
  );

  it('notes the layers it rescaled first, and keeps the scales and rescaled biases float32', async () => {
    const r = await quantizeAsPlanned(graph, { dtype: 'uint8', 'per-channel': true }, 0, undefined);
    // After the rewrite: kernels 6 + 9, biases 3 + 3, two scale vectors 3 + 3 = 27 float32 (108 bytes); the kernels
    // as uint8 leave 15 + 12 · 4 = 63.
    expect(r.summary).toBe(
      'uint8 (sum-preserving rounding): 108 → 63 weight bytes; per-channel scales on 2 layer(s): 0 folded into a Mul, 1 with an inserted Mul, 1 split (fused op, Mul, activation)',
    );
    expect(r.details['perChannel']).toEqual({ folded: [], inserted: ['y1'], split: ['y2'] });
    expect(r.warnings).toEqual([]);
    const stored = Object.fromEntries(decodeWeights(r.artifacts).map((w) => [w.name, w.quantization?.dtype ?? 'float32']));
    expect(stored).toEqual({
      k1: 'uint8',
      k2: 'uint8',
      b1: 'float32',
      b2: 'float32',
      'y1/per_channel_scale': 'float32',
      'y2/per_channel_scale': 'float32',
    });
  });

  it('puts the per-channel note before the levels note, separated by a semicolon', async () => {
    const evaluator: LevelsEvaluator = { evaluate: () => Promise.resolve({ maxAbsError: 0 }), withinBudget: () => false };
    const r = await quantizeAsPlanned(graph, { dtype: 'uint8', 'per-channel': true, levels: 'auto' }, 0, evaluator);
    expect(r.summary).toBe(
      'uint8 (sum-preserving rounding): 108 → 63 weight bytes; per-channel scales on 2 layer(s): 0 folded into a Mul, 1 with an inserted Mul, 1 split (fused op, Mul, activation); levels auto: the model on every code already breaks the accuracy budget; kept every code',
    );
  });

  it('on a layers model passes the per-channel warning on and notes no layers', async () => {
    const layers: tf.io.ModelArtifacts = { format: 'layers-model', modelTopology: { class_name: 'Sequential' }, ...encodeWeights(tensors) };
    const r = await quantizeAsPlanned(layers, { dtype: 'uint8', 'per-channel': true }, 0, undefined);
    expect(r.summary).toBe('uint8 (sum-preserving rounding): 10,496 → 2,624 weight bytes');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('per-channel scales apply to TF.js graph models only');
    expect(r.details['perChannel']).toEqual({ folded: [], inserted: [], split: [] });
  });
});
