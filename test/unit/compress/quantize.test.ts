import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CompressError } from '../../../src/errors.js';
import { float16BitsToNumber, float32ToFloat16Bits } from '../../../src/compress/float16.js';
import { quantizeAffine, quantizeWeights, roundHalfEven } from '../../../src/compress/quantize.js';
import { decodeWeights, encodeWeights, type NamedTensor, type QuantizationSpec } from '../../../src/compress/weights.js';

function artifactsOf(tensors: NamedTensor[]): tf.io.ModelArtifacts {
  return { format: 'graph-model', ...encodeWeights(tensors) };
}

function seeded(n: number, seed: number, spread = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.3) * spread;
  }
  return out;
}

describe('quantizeAffine', () => {
  it('reproduces the converter documentation golden vector', () => {
    const { codes, min, scale } = quantizeAffine(new Float32Array([0, -0.1, 1.2]), 'uint8');
    expect([...codes]).toEqual([20, 0, 255]);
    expect(min).toBeCloseTo(-0.10196078817, 10);
    expect(scale).toBeCloseTo(0.00509803940852, 13);
  });

  it.each([
    { what: 'constant tensor', input: [0.5, 0.5], dtype: 'uint8' as const, codes: [0, 0], min: 0.5, scale: 1 },
    // 1 / float32(2/255) is 127.49999 in float32, so 127 (as numpy computes it), not 128.
    { what: 'all positive: no nudge', input: [1, 2, 3], dtype: 'uint8' as const, codes: [0, 127, 255], min: 1, scale: 2 / 255 },
    { what: 'empty tensor', input: [], dtype: 'uint16' as const, codes: [], min: 0, scale: 1 },
  ])('$what', ({ input, dtype, codes, min, scale }) => {
    const out = quantizeAffine(new Float32Array(input), dtype);
    expect([...out.codes]).toEqual(codes);
    expect(out.min).toBe(min);
    expect(out.scale).toBe(scale);
  });

  it('makes zero exact when 0 is inside the range', () => {
    const values = seeded(1000, 7);
    for (const dtype of ['uint8', 'uint16'] as const) {
      const { codes, min, scale } = quantizeAffine(values, dtype);
      const zero = Math.round(-min / scale);
      expect(Math.fround(zero * scale + min)).toBe(0);
      expect(codes.length).toBe(1000);
    }
  });

  it.each([
    { input: 0.5, expected: 0 },
    { input: 1.5, expected: 2 },
    { input: 2.5, expected: 2 },
    { input: -0.5, expected: -0 },
    { input: -1.5, expected: -2 },
    { input: 2.4999, expected: 2 },
  ])('roundHalfEven($input) = $expected', ({ input, expected }) => {
    expect(roundHalfEven(input)).toBe(expected);
  });
});

describe('float16', () => {
  it.each([
    { what: 'one', input: 1, bits: 0x3c00 },
    { what: 'max', input: 65504, bits: 0x7bff },
    { what: 'tie rounds to even (down)', input: 1 + 2 ** -11, bits: 0x3c00 },
    { what: 'tie rounds to even (up)', input: 1 + 3 * 2 ** -11, bits: 0x3c02 },
    { what: 'smallest subnormal', input: 2 ** -24, bits: 0x0001 },
    { what: 'half the smallest subnormal ties to 0', input: 2 ** -25, bits: 0x0000 },
    { what: 'negative', input: -2, bits: 0xc000 },
    { what: 'overflow', input: 65520, bits: 0x7c00 },
  ])('$what', ({ input, bits }) => {
    expect(float32ToFloat16Bits(input)).toBe(bits);
  });

  it('decodes every finite half back to itself', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = float16BitsToNumber(bits);
      if (Number.isNaN(v)) continue;
      expect(float32ToFloat16Bits(v)).toBe(bits === 0x8000 ? 0x8000 : bits);
    }
  });
});

describe('quantizeWeights', () => {
  const tensors: NamedTensor[] = [
    { name: 'conv1/kernel', shape: [4, 250], dtype: 'float32', data: seeded(1000, 1) },
    { name: 'conv1/bias', shape: [8], dtype: 'float32', data: seeded(8, 2) },
    { name: 'dense/kernel', shape: [100, 5], dtype: 'float32', data: seeded(500, 3, 40) },
    { name: 'shape', shape: [2], dtype: 'int32', data: new Int32Array([1, -1]) },
    { name: 'flag', shape: [3], dtype: 'bool', data: new Uint8Array([1, 0, 1]) },
  ];
  const artifacts = artifactsOf(tensors);

  it.each(['uint8', 'uint16', 'float16'] as const)('%s round-trips through tf.io.decodeWeights within scale/2', (dtype) => {
    const result = quantizeWeights(artifacts, { dtypes: dtype });
    const decoded = tf.io.decodeWeights(result.artifacts.weightData ?? new ArrayBuffer(0), result.artifacts.weightSpecs ?? []);
    for (const t of tensors) {
      const back = decoded[t.name];
      if (back === undefined) throw new Error(t.name);
      const values = back.dataSync();
      if (t.dtype !== 'float32') {
        expect([...values]).toEqual([...(t.data as Int32Array)]);
        continue;
      }
      const spec = result.artifacts.weightSpecs?.find((s) => s.name === t.name);
      const q = spec?.quantization as QuantizationSpec;
      const original = t.data as Float32Array;
      for (let i = 0; i < original.length; i++) {
        const v = original[i] ?? 0;
        const bound = dtype === 'float16' ? Math.abs(v) * 2 ** -11 + 2 ** -25 : (q.scale ?? 0) / 2 + 1e-7 * Math.abs(v);
        expect(Math.abs((values[i] ?? 0) - v)).toBeLessThanOrEqual(bound);
      }
    }
    expect(result.artifacts.weightSpecs?.find((s) => s.name === 'shape')?.quantization).toBeUndefined();
    const width = { uint8: 1, uint16: 2, float16: 2 }[dtype];
    expect(result.bytesAfter).toBe((1000 + 8 + 500) * width + 8 + 3);
    tf.dispose(Object.values(decoded));
  });

  it('our decoder agrees with tf.io.decodeWeights bit for bit', () => {
    for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
      const quantized = quantizeWeights(artifacts, { dtypes: dtype }).artifacts;
      const ours = decodeWeights(quantized);
      const theirs = tf.io.decodeWeights(quantized.weightData ?? new ArrayBuffer(0), quantized.weightSpecs ?? []);
      for (const t of ours) expect([...(t.data as Float32Array)]).toEqual([...(theirs[t.name]?.dataSync() ?? [])]);
      tf.dispose(Object.values(theirs));
    }
  });

  it('selects per dtype with one fallthrough and a size floor', () => {
    const result = quantizeWeights(artifacts, { dtypes: { uint8: '*', float16: ['conv1/*'] }, minElements: 10 });
    const to = Object.fromEntries(result.tensors.map((t) => [t.name, t.to]));
    expect(to).toEqual({ 'conv1/kernel': 'float16', 'conv1/bias': 'float32', 'dense/kernel': 'uint8' });
    expect(result.warnings).toEqual([]);
  });

  it('warns about a pattern that matches nothing', () => {
    const result = quantizeWeights(artifacts, { dtypes: { uint8: ['nothing/*'] } });
    expect(result.warnings).toEqual(['quantize: uint8 pattern "nothing/*" matches no float32 weight']);
    expect(result.bytesAfter).toBe(result.bytesBefore);
  });

  it('refuses overlapping patterns, naming both', () => {
    expect(() => quantizeWeights(artifacts, { dtypes: { uint8: ['conv1/*'], float16: ['*/kernel'] } })).toThrow(
      /"conv1\/kernel" matches uint8 pattern "conv1\/\*" and float16 pattern "\*\/kernel"/,
    );
    expect(() => quantizeWeights(artifacts, { dtypes: { uint8: '*', uint16: true } })).toThrow(CompressError);
  });

  it('refuses NaN and Infinity, naming the weight', () => {
    for (const bad of [NaN, Infinity]) {
      const a = artifactsOf([{ name: 'bad/w', shape: [2], dtype: 'float32', data: new Float32Array([1, bad]) }]);
      expect(() => quantizeWeights(a, { dtypes: 'uint8' })).toThrow(/weight "bad\/w" holds (NaN|Infinity) at index 1/);
    }
  });

  it('keeps float32 when float16 would overflow, and says so', () => {
    const a = artifactsOf([{ name: 'big', shape: [2], dtype: 'float32', data: new Float32Array([1, 70000]) }]);
    const result = quantizeWeights(a, { dtypes: 'float16' });
    expect(result.tensors[0]?.to).toBe('float32');
    expect(result.warnings[0]).toMatch(/"big".*±65504/);
  });

  it('requantizes an already-quantized source and never grows it', () => {
    const uint8 = quantizeWeights(artifacts, { dtypes: 'uint8' }).artifacts;
    const again = quantizeWeights(uint8, { dtypes: 'float16' });
    expect(again.bytesAfter).toBe(again.bytesBefore);
    expect(again.tensors.every((t) => t.to === 'uint8' && t.note?.includes('bigger'))).toBe(true);
    expect(again.warnings.some((w) => w.includes('already quantized'))).toBe(true);
    const half = quantizeWeights(artifacts, { dtypes: 'float16' }).artifacts;
    const down = quantizeWeights(half, { dtypes: 'uint8' });
    expect(down.sourceQuantized).toBe(true);
    expect(down.bytesAfter).toBeLessThan(down.bytesBefore);
    expect(down.tensors.every((t) => t.from === 'float16' && t.to === 'uint8')).toBe(true);
  });

  it('does not mutate its input', () => {
    const before = JSON.stringify(artifacts.weightSpecs);
    const bytes = new Uint8Array(artifacts.weightData as ArrayBuffer).slice();
    quantizeWeights(artifacts, { dtypes: 'uint8' });
    expect(JSON.stringify(artifacts.weightSpecs)).toBe(before);
    expect(new Uint8Array(artifacts.weightData as ArrayBuffer)).toEqual(bytes);
  });
});
