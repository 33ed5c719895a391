import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { preserveChannelSums } from '../../../src/compress/rounding.js';
import { compressModel, resolveQuantize } from '../../../src/compress/registry.js';
import { quantizeAffine, quantizeWeights } from '../../../src/compress/quantize.js';
import { weightBytes } from '../../../src/compress/weights.js';
import type { LoadedModel } from '../../../src/model/types.js';
import { graphArtifacts, op } from '../../helpers/graph-artifacts.js';

/** Unrounded codes as quantizeAffine computes them (clipped to the grid, float32 steps), to check the rounding. */
function exactCodes(values: Float32Array, min: number, scale: number, qmax = 255): Float64Array {
  const min32 = Math.fround(min);
  const scale32 = Math.fround(scale);
  const max32 = Math.fround(qmax * scale + min);
  return Float64Array.from(values, (v) => Math.fround(Math.fround(Math.min(Math.max(v, min32), max32) - min32) / scale32));
}

const kernel = fc
  .record({ rows: fc.integer({ min: 1, max: 40 }), channels: fc.integer({ min: 1, max: 6 }), seed: fc.integer() })
  .chain(({ rows, channels }) =>
    fc
      .array(fc.oneof(fc.float({ min: -2, max: 2, noNaN: true }), fc.constant(0)), { minLength: rows * channels, maxLength: rows * channels })
      .map((v) => ({ values: Float32Array.from(v), channels })),
  );

describe('sum-preserving rounding', () => {
  it('keeps every channel sum within half a step, moves no code more than one step from nearest, keeps zeros', () => {
    fc.assert(
      fc.property(kernel, ({ values, channels }) => {
        const near = quantizeAffine(values, 'uint8');
        // A range too small for a float32 step (subnormal values only) has no grid to round on.
        fc.pre(Math.fround(near.scale) > 1e-30);
        const sum = quantizeAffine(values, 'uint8', 'sum-preserving', channels);
        expect([sum.min, sum.scale]).toEqual([near.min, near.scale]);
        const exact = exactCodes(values, near.min, near.scale);
        for (let c = 0; c < channels; c++) {
          let want = 0;
          let got = 0;
          for (let i = c; i < values.length; i += channels) {
            if (values[i] === 0) continue;
            want += exact[i] ?? 0;
            got += sum.codes[i] ?? 0;
          }
          expect(Math.abs(got - want)).toBeLessThanOrEqual(0.5 + 1e-6 * values.length);
        }
        for (let i = 0; i < values.length; i++) {
          expect(Math.abs((sum.codes[i] ?? 0) - (near.codes[i] ?? 0))).toBeLessThanOrEqual(1);
          expect(Math.abs((sum.codes[i] ?? 0) - (exact[i] ?? 0))).toBeLessThan(1);
          if (values[i] === 0) expect(sum.codes[i]).toBe(near.codes[i]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    {
      what: 'a channel whose nearest codes all round down gets the largest remainders rounded up',
      // min 0, max 2.55 → scale 0.01: 1.40, 1.45, 1.48 steps all round to 1, 1.33 steps short in sum → the 1.48 goes up.
      values: [0, 0.014, 0.0145, 0.0148, 2.55],
      channels: 1,
      nearest: [0, 1, 1, 1, 255],
      sumPreserving: [0, 1, 1, 2, 255],
    },
    {
      what: 'channels are the last axis: each keeps its own sum',
      // channel 0: 1.40, 1.45, 1.48 (and 0) → one up; channel 1: 1.46, 255, 100 → 0.46 short, stays.
      values: [0.014, 0.0146, 0.0145, 2.55, 0.0148, 1, 0, 0],
      channels: 2,
      nearest: [1, 1, 1, 255, 1, 100, 0, 0],
      sumPreserving: [1, 1, 1, 255, 2, 100, 0, 0],
    },
  ])('$what', ({ values, channels, nearest, sumPreserving }) => {
    const v = Float32Array.from(values);
    expect(Array.from(quantizeAffine(v, 'uint8').codes)).toEqual(nearest);
    expect(Array.from(quantizeAffine(v, 'uint8', 'sum-preserving', channels).codes)).toEqual(sumPreserving);
  });
});

describe('preserveChannelSums', () => {
  it('counts a zero value as exact and never moves its code', () => {
    // Two values 0.3 steps above their codes: together 0.6 → one would go up, but the first is a (pruned) zero.
    const codes = Uint8Array.from([0, 0, 5]);
    preserveChannelSums(codes, Float64Array.from([0.3, 0.3, 5]), (i) => i === 0, 1, 255);
    expect(Array.from(codes)).toEqual([0, 0, 5]);
    const free = Uint8Array.from([0, 0, 5]);
    preserveChannelSums(free, Float64Array.from([0.3, 0.3, 5]), () => false, 1, 255);
    expect(Array.from(free).reduce((a, b) => a + b, 0)).toBe(6);
  });
});

describe('resolveQuantize', () => {
  it.each([
    { what: 'a dtype alone', setting: 'uint8' as const, expected: { dtypes: 'uint8', rounding: 'sum-preserving' } },
    { what: 'a block with a dtype', setting: { dtype: 'uint8' as const, rounding: 'nearest' as const }, expected: { dtypes: 'uint8', rounding: 'nearest' } },
    {
      what: 'a block with patterns and a dtype for the rest',
      setting: { dtype: 'uint8' as const, float16: ['conv1/*'] },
      expected: { dtypes: { float16: ['conv1/*'], uint8: '*' }, rounding: 'sum-preserving' },
    },
    { what: 'patterns alone', setting: { uint8: '*' }, expected: { dtypes: { uint8: '*' }, rounding: 'sum-preserving' } },
  ])('$what', ({ setting, expected }) => {
    expect(resolveQuantize(setting)).toEqual(expected);
  });

  it('a block with neither a dtype nor patterns says what to write', () => {
    expect(() => resolveQuantize({ rounding: 'nearest' })).toThrow('quantize: a block needs a dtype, e.g. `quantize: { dtype: uint8, rounding: nearest }`');
  });
});

describe('compress: quantize rounding', () => {
  const values = Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 0.8);
  const artifacts = graphArtifacts([1, 16], [op('y', 'MatMul', ['x', 'w'])], { w: { shape: [16, 4], values } }, ['y']);
  const model: LoadedModel = { format: 'graph', artifacts, path: '/m/net/model.json', sourceKind: 'tfjs', files: [] };
  const bytes = (a: typeof artifacts): number[] => Array.from(weightBytes(a));

  it("defaults to sum-preserving; { dtype, rounding: nearest } is the converter's bytes", async () => {
    const converter = quantizeWeights(artifacts, { dtypes: 'uint8' }).artifacts;
    const byDefault = await compressModel(model, { quantize: 'uint8' });
    const nearest = await compressModel(model, { quantize: { dtype: 'uint8', rounding: 'nearest' } });
    expect(byDefault.steps[0]?.summary).toBe('uint8 (sum-preserving rounding): 256 → 64 weight bytes');
    expect(bytes(nearest.artifacts)).toEqual(bytes(converter));
    expect(bytes(byDefault.artifacts)).not.toEqual(bytes(converter));
    // Same manifest (grid), only codes differ.
    expect(byDefault.artifacts.weightSpecs).toEqual(converter.weightSpecs);
  });
});

describe('quantize levels', () => {
  it('puts the grid on `levels` codes of plain uint8, zero still on it', () => {
    const v = Float32Array.from([-1, -0.3, 0, 0.2, 0.9, 2]);
    const q = quantizeAffine(v, 'uint8', 'nearest', 1, 16);
    expect(Math.max(...q.codes)).toBe(15);
    const zp = q.codes[2] ?? -1;
    expect(zp * q.scale + q.min).toBe(0);
    // scale is one 15th of the range (the nudge moves min, not the step).
    expect(q.scale).toBeCloseTo(3 / 15, 12);
  });

  it('prune then quantize with 32 levels: stock tf.io.decodeWeights gives exact zeros and at most 32 distinct values', async () => {
    const values = Array.from({ length: 256 }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
    const artifacts = graphArtifacts([1, 64], [op('y', 'MatMul', ['x', 'w'])], { w: { shape: [64, 4], values } }, ['y']);
    const model: LoadedModel = { format: 'graph', artifacts, path: '/m/net/model.json', sourceKind: 'tfjs', files: [] };
    const result = await compressModel(model, { prune: 0.5, quantize: { dtype: 'uint8', levels: 32 } });
    expect(result.steps.map((s) => s.summary)[1]).toBe('uint8 (sum-preserving rounding, 32 levels): 1,024 → 256 weight bytes');
    const decoded = tf.io.decodeWeights(weightBytes(result.artifacts).buffer as ArrayBuffer, result.artifacts.weightSpecs ?? []);
    const w = Array.from(await (decoded['w'] as tf.Tensor).data());
    expect(w.filter((x) => x === 0).length).toBeGreaterThanOrEqual(128);
    expect(new Set(w).size).toBeLessThanOrEqual(32);
    tf.dispose(Object.values(decoded));
  });

  it.each([1, 257, 2.5])('levels %s is refused with the range', (levels) => {
    const artifacts = graphArtifacts([1, 2], [op('y', 'MatMul', ['x', 'w'])], { w: { shape: [2, 2], values: [1, 2, 3, 4] } }, ['y']);
    expect(() => quantizeWeights(artifacts, { dtypes: 'uint8', levels })).toThrow(
      `quantize: levels must be a whole number from 2 to 256 (e.g. 64), got ${levels}`,
    );
  });
});
