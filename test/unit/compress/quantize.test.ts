import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CompressError } from '../../../src/errors.js';
import { float16BitsToNumber, float32ToFloat16Bits } from '../../../src/compress/float16.js';
import {
  quantizeAffine,
  quantizeTensors,
  quantizeWeights,
  roundHalfEven,
  weightQuantizer,
  type QuantizeCall,
  type QuantizeResult,
} from '../../../src/compress/quantize.js';
import type { WeightTarget } from '../../../src/compress/select.js';
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

/** The decoded values of `artifacts` as stock TF.js reads them, by weight name. */
function stockValues(artifacts: tf.io.ModelArtifacts): Record<string, number[]> {
  const decoded = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), artifacts.weightSpecs ?? []);
  const out = Object.fromEntries(Object.entries(decoded).map(([name, t]) => [name, [...t.dataSync()]]));
  tf.dispose(Object.values(decoded));
  return out;
}

function specOf(artifacts: tf.io.ModelArtifacts, name: string): tf.io.WeightsManifestEntry | undefined {
  return artifacts.weightSpecs?.find((s) => s.name === name);
}

function storedBytes(artifacts: tf.io.ModelArtifacts): number[] {
  return [...new Uint8Array(artifacts.weightData as ArrayBuffer)];
}

describe('quantizeAffine: ranges and grids', () => {
  it.each([
    // Scale 1 everywhere: the codes are the values minus min, rounded half to even.
    { what: 'uint8 spans 255 codes', input: [-1, 0, 254], dtype: 'uint8' as const, codes: [0, 1, 255], min: -1 },
    { what: 'uint16 spans 65535 codes', input: [-1, 0, 65534], dtype: 'uint16' as const, codes: [0, 1, 65535], min: -1 },
    { what: 'uint16 keeps codes above 255', input: [0, 255, 256, 65535], dtype: 'uint16' as const, codes: [0, 255, 256, 65535], min: 0 },
    { what: 'codes round half to even', input: [0, 0.5, 1.5, 2.5, 255], dtype: 'uint8' as const, codes: [0, 0, 2, 2, 255], min: 0 },
    { what: 'all negative: min is the lowest value', input: [-255, -10.5, 0], dtype: 'uint8' as const, codes: [0, 244, 255], min: -255 },
  ])('$what', ({ input, dtype, codes, min }) => {
    const out = quantizeAffine(new Float32Array(input), dtype);
    expect(out.codes).toBeInstanceOf(dtype === 'uint8' ? Uint8Array : Uint16Array);
    expect({ codes: [...out.codes], min: out.min, scale: out.scale }).toEqual({ codes, min, scale: 1 });
  });

  it('nudges min onto the grid when 0 is inside the range, so 0 gets an exact code', () => {
    // scale = 1.5 / 255; −0.5 / scale = 85 exactly: zero point 85, min′ = −85 · scale.
    const out = quantizeAffine(new Float32Array([-0.5, 0, 1]), 'uint8');
    expect(out.scale).toBe(1.5 / 255);
    expect(out.min).toBe(-85 * (1.5 / 255));
    expect([...out.codes]).toEqual([0, 85, 255]);
    // The range is taken in float32 values: scale = (1 − f32(−0.3)) / 255; −f32(−0.3) / scale = 58.85: zero point 59,
    // min′ = −59 · scale = −0.30078…, below the lowest value.
    const scale = (1 - Math.fround(-0.3)) / 255;
    const nudged = quantizeAffine(new Float32Array([-0.3, 0, 1]), 'uint8');
    expect([nudged.scale, nudged.min]).toEqual([scale, -59 * scale]);
    expect([...nudged.codes]).toEqual([0, 59, 255]);
  });

  it('leaves min at the lowest value when the whole range is below 0', () => {
    // Nudging would move min to −round(382.5) · 2/255 = −2.996…; without 0 in the range it stays −3. (−2 is code
    // 1 / f32(2/255) = 127.49999 in float32: 127.)
    const out = quantizeAffine(new Float32Array([-3, -2, -1]), 'uint8');
    expect({ codes: [...out.codes], min: out.min, scale: out.scale }).toEqual({ codes: [0, 127, 255], min: -3, scale: 2 / 255 });
  });

  it('puts `levels` codes on the range: qmax = levels − 1', () => {
    const out = quantizeAffine(new Float32Array([0, 0.3, 0.5, 1]), 'uint8', 'nearest', 1, 5);
    expect({ codes: [...out.codes], min: out.min, scale: out.scale }).toEqual({ codes: [0, 1, 2, 4], min: 0, scale: 0.25 });
  });
});

describe('quantizeWeights: manifest entries and stock decoding', () => {
  it.each([
    { dtype: 'uint8' as const, input: [-1, 0, 254], quantization: { dtype: 'uint8', min: -1, scale: 1, original_dtype: 'float32' }, bytes: [0, 1, 255] },
    {
      dtype: 'uint16' as const,
      input: [-1, 0, 65534],
      quantization: { dtype: 'uint16', min: -1, scale: 1, original_dtype: 'float32' },
      bytes: [0, 0, 1, 0, 255, 255],
    },
    {
      dtype: 'float16' as const,
      input: [1, -2, 65504],
      quantization: { dtype: 'float16', original_dtype: 'float32' },
      bytes: [0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b],
    },
    { dtype: 'uint8' as const, input: [0.5, 0.5, 0.5], quantization: { dtype: 'uint8', min: 0.5, scale: 1, original_dtype: 'float32' }, bytes: [0, 0, 0] },
  ])('$dtype of $input: the converter’s entry, exact bytes, and TF.js decodes the values back', ({ dtype, input, quantization, bytes }) => {
    const result = quantizeWeights(artifactsOf([{ name: 'w', shape: [3], dtype: 'float32', data: new Float32Array(input) }]), { dtypes: dtype });
    expect(specOf(result.artifacts, 'w')).toStrictEqual({ name: 'w', shape: [3], dtype: 'float32', quantization });
    expect(storedBytes(result.artifacts)).toEqual(bytes);
    expect(stockValues(result.artifacts)).toEqual({ w: input });
    expect(result.tensors).toStrictEqual([{ name: 'w', elements: 3, from: 'float32', to: dtype, bytesBefore: 12, bytesAfter: bytes.length }]);
    expect([result.bytesBefore, result.bytesAfter, result.sourceQuantized, result.warnings]).toEqual([12, bytes.length, false, []]);
  });

  it('leaves weights under minElements, keepFloat names and non-float32 weights as they are', () => {
    const artifacts = artifactsOf([
      { name: 'three', shape: [3], dtype: 'float32', data: new Float32Array([-1, 0, 254]) },
      { name: 'two', shape: [2], dtype: 'float32', data: new Float32Array([1, 2]) },
      { name: 'kept', shape: [4], dtype: 'float32', data: new Float32Array([1, 2, 3, 4]) },
      { name: 'ints', shape: [2], dtype: 'int32', data: new Int32Array([7, -7]) },
    ]);
    const result = quantizeWeights(artifacts, { dtypes: 'uint8', minElements: 3, keepFloat: new Set(['kept']) });
    expect(result.tensors).toStrictEqual([
      { name: 'three', elements: 3, from: 'float32', to: 'uint8', bytesBefore: 12, bytesAfter: 3 },
      { name: 'two', elements: 2, from: 'float32', to: 'float32', bytesBefore: 8, bytesAfter: 8 },
      { name: 'kept', elements: 4, from: 'float32', to: 'float32', bytesBefore: 16, bytesAfter: 16 },
    ]);
    expect([result.bytesBefore, result.bytesAfter]).toEqual([12 + 8 + 16 + 8, 3 + 8 + 16 + 8]);
    expect(stockValues(result.artifacts)).toEqual({ three: [-1, 0, 254], two: [1, 2], kept: [1, 2, 3, 4], ints: [7, -7] });
    expect(specOf(result.artifacts, 'two')?.quantization).toBeUndefined();
    // minElements 0 is every weight.
    expect(quantizeWeights(artifacts, { dtypes: 'uint8', minElements: 0 }).tensors.map((t) => t.to)).toEqual(['uint8', 'uint8', 'uint8']);
  });

  it.each([
    { minElements: -1, message: 'quantize: min-elements must be a whole number ≥ 0, got -1' },
    { minElements: 1.5, message: 'quantize: min-elements must be a whole number ≥ 0, got 1.5' },
  ])('refuses minElements $minElements', ({ minElements, message }) => {
    const artifacts = artifactsOf([{ name: 'w', shape: [2], dtype: 'float32', data: new Float32Array([1, 2]) }]);
    expect(() => quantizeWeights(artifacts, { dtypes: 'uint8', minElements })).toThrow(message);
  });

  it('quantizes 65504 to float16 and keeps 65505 float32, saying why', () => {
    const artifacts = artifactsOf([
      { name: 'edge', shape: [2], dtype: 'float32', data: new Float32Array([-65504, 65504]) },
      { name: 'over', shape: [2], dtype: 'float32', data: new Float32Array([1, -65505]) },
    ]);
    const result = quantizeWeights(artifacts, { dtypes: 'float16' });
    const note = 'values beyond ±65504 would become Infinity in float16; kept float32';
    expect(result.tensors).toStrictEqual([
      { name: 'edge', elements: 2, from: 'float32', to: 'float16', bytesBefore: 8, bytesAfter: 4 },
      { name: 'over', elements: 2, from: 'float32', to: 'float32', bytesBefore: 8, bytesAfter: 8, note },
    ]);
    expect(result.warnings).toEqual([`quantize: weight "over" ${note}`]);
    expect(stockValues(result.artifacts)).toEqual({ edge: [-65504, 65504], over: [1, -65505] });
  });

  it.each([
    { what: 'NaN first', data: [NaN, 1], message: /weight "w" holds NaN at index 0: non-finite weights cannot be quantized/ },
    { what: '-Infinity last', data: [1, 2, -Infinity], message: /weight "w" holds -Infinity at index 2:/ },
  ])('refuses $what', ({ data, message }) => {
    const artifacts = artifactsOf([{ name: 'w', shape: [data.length], dtype: 'float32', data: new Float32Array(data) }]);
    expect(() => quantizeWeights(artifacts, { dtypes: 'uint16' })).toThrow(message);
    // Not quantized, not checked.
    expect(quantizeWeights(artifacts, { dtypes: { uint8: ['other'] } }).tensors[0]?.to).toBe('float32');
  });
});

describe('quantizeWeights: an already-quantized source', () => {
  const values = [-1, 0, 254];
  const source = (dtype: 'uint8' | 'uint16' | 'float16'): tf.io.ModelArtifacts =>
    quantizeWeights(artifactsOf([{ name: 'w', shape: [3], dtype: 'float32', data: new Float32Array(values) }]), { dtypes: dtype }).artifacts;
  const warning = 'quantize: the source model was already quantized; its weights were dequantized as TF.js does and requantized';

  it.each([
    { what: 'uint8 asked again is untouched', from: 'uint8' as const, asked: 'uint8' as const, to: 'uint8', bytes: 3 },
    { what: 'float16 asked float32 stays float16', from: 'float16' as const, asked: 'float32' as const, to: 'float16', bytes: 6 },
    {
      what: 'uint8 asked uint16 would grow',
      from: 'uint8' as const,
      asked: 'uint16' as const,
      to: 'uint8',
      bytes: 3,
      note: 'source is already uint8; uint16 would be bigger',
    },
    {
      what: 'uint8 asked float16 would grow',
      from: 'uint8' as const,
      asked: 'float16' as const,
      to: 'uint8',
      bytes: 3,
      note: 'source is already uint8; float16 would be bigger',
    },
    { what: 'float16 → uint16 (same width) is requantized', from: 'float16' as const, asked: 'uint16' as const, to: 'uint16', bytes: 6 },
    { what: 'uint16 → float16 (same width) is requantized', from: 'uint16' as const, asked: 'float16' as const, to: 'float16', bytes: 6 },
    { what: 'uint16 → uint8 shrinks', from: 'uint16' as const, asked: 'uint8' as const, to: 'uint8', bytes: 3 },
  ])('$what', ({ from, asked, to, bytes, note }) => {
    const input = source(from);
    const result = quantizeTensors(input, new Map([['w', asked]]));
    const before = { float16: 6, uint16: 6, uint8: 3 }[from];
    expect(result.tensors).toStrictEqual([{ name: 'w', elements: 3, from, to, bytesBefore: before, bytesAfter: bytes, ...(note ? { note } : {}) }]);
    expect([result.sourceQuantized, result.warnings]).toEqual([true, []]);
    expect(specOf(result.artifacts, 'w')?.quantization?.dtype).toBe(to);
    if (to === from) expect(storedBytes(result.artifacts)).toEqual(storedBytes(input));
    // Every one of these grids holds −1, 0 and 254 exactly.
    expect(stockValues(result.artifacts)).toEqual({ w: values });
  });

  it('asking a quantized weight for its own dtype keeps its entry and bytes, not a requantization', () => {
    const input = quantizeWeights(artifactsOf([{ name: 'w', shape: [3], dtype: 'float32', data: new Float32Array([0, -0.1, 1.2]) }]), {
      dtypes: 'uint8',
    }).artifacts;
    const again = quantizeTensors(input, new Map([['w', 'uint8']]));
    expect(again.artifacts.weightSpecs).toStrictEqual(input.weightSpecs);
    expect(storedBytes(again.artifacts)).toEqual([20, 0, 255]);
  });

  it('quantizeWeights says the source was already quantized, even when only some of it was', () => {
    const result = quantizeWeights(source('float16'), { dtypes: 'uint8' });
    expect([result.sourceQuantized, result.warnings, result.tensors[0]?.to]).toEqual([true, [warning], 'uint8']);
    const mixed = artifactsOf([
      { name: 'big', shape: [3], dtype: 'float32', data: new Float32Array(values) },
      { name: 'small', shape: [1], dtype: 'float32', data: new Float32Array([2]) },
    ]);
    const partly = quantizeWeights(mixed, { dtypes: 'uint8', minElements: 2 }).artifacts;
    const again = quantizeWeights(partly, { dtypes: 'float16' });
    expect(again.tensors.map((t) => [t.name, t.from, t.to])).toEqual([
      ['big', 'uint8', 'uint8'],
      ['small', 'float32', 'float16'],
    ]);
    expect([again.sourceQuantized, again.warnings.at(-1)]).toEqual([true, warning]);
  });

  it('selects among float32 weights only: a pattern naming an int32 weight matches nothing', () => {
    const artifacts = artifactsOf([
      { name: 'ints', shape: [2], dtype: 'int32', data: new Int32Array([1, 2]) },
      { name: 'w', shape: [2], dtype: 'float32', data: new Float32Array([1, 2]) },
    ]);
    const result = quantizeWeights(artifacts, { dtypes: { uint8: ['ints'] } });
    expect(result.warnings).toEqual(['quantize: uint8 pattern "ints" matches no float32 weight']);
    expect(result.tensors).toStrictEqual([{ name: 'w', elements: 2, from: 'float32', to: 'float32', bytesBefore: 8, bytesAfter: 8 }]);
  });
});

describe('quantizeWeights: levels and rounding', () => {
  const ramp = artifactsOf([
    { name: 'a', shape: [2], dtype: 'float32', data: new Float32Array([0, 15]) },
    { name: 'b', shape: [2], dtype: 'float32', data: new Float32Array([0, 255]) },
  ]);
  const scales = (result: { artifacts: tf.io.ModelArtifacts }): Record<string, number | undefined> =>
    Object.fromEntries((result.artifacts.weightSpecs ?? []).map((s) => [s.name, s.quantization?.scale]));

  it.each([
    { what: 'default: 256 codes', options: {}, scale: { a: 15 / 255, b: 1 } },
    { what: 'levels 256 is the default', options: { levels: 256 }, scale: { a: 15 / 255, b: 1 } },
    { what: 'levels 16', options: { levels: 16 }, scale: { a: 1, b: 17 } },
    { what: 'levels 2 (the fewest)', options: { levels: 2 }, scale: { a: 15, b: 255 } },
    { what: 'per weight, the rest at 256', options: { levelsByWeight: new Map([['a', 4]]) }, scale: { a: 5, b: 1 } },
    { what: 'per weight over levels', options: { levels: 16, levelsByWeight: new Map([['a', 4]]) }, scale: { a: 5, b: 17 } },
    { what: 'per weight 256 over levels 16', options: { levels: 16, levelsByWeight: new Map([['b', 256]]) }, scale: { a: 1, b: 1 } },
  ])('uint8 $what', ({ options, scale }) => {
    expect(scales(quantizeWeights(ramp, { dtypes: 'uint8', ...options }))).toEqual(scale);
  });

  it('levels do not apply to uint16', () => {
    expect(scales(quantizeWeights(ramp, { dtypes: 'uint16', levels: 16 }))).toEqual({ a: 15 / 65535, b: 255 / 65535 });
    // Not even beside a per-weight map that names another weight.
    const mixed = quantizeWeights(ramp, { dtypes: { uint8: ['a'], uint16: ['b'] }, levels: 16, levelsByWeight: new Map([['a', 4]]) });
    expect(scales(mixed)).toEqual({ a: 5, b: 255 / 65535 });
  });

  it('a per-weight count puts a uint16 weight on that many codes, and stock TF.js decodes it', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 3);
    const a = artifactsOf([{ name: 'w', shape: [8, 8], dtype: 'float32', data: values }]);
    const r = quantizeWeights(a, { dtypes: 'uint16', levelsByWeight: new Map([['w', 1024]]) });
    const spec = r.artifacts.weightSpecs?.[0];
    expect(spec?.quantization?.dtype).toBe('uint16');
    const bytes = storedBytes(r.artifacts);
    const codes = new Uint16Array(Uint8Array.from(bytes).buffer);
    expect(Math.max(...codes)).toBeLessThanOrEqual(1023);
    const range = Math.max(...values) - Math.min(...values);
    expect(spec?.quantization?.scale).toBeCloseTo(range / 1023, 9);
    const decoded = tf.io.decodeWeights(r.artifacts.weightData as ArrayBuffer, r.artifacts.weightSpecs ?? [])['w'];
    const got = decoded?.dataSync() ?? new Float32Array();
    values.forEach((v, i) => expect(Math.abs((got[i] ?? Number.NaN) - v)).toBeLessThanOrEqual(range / 1023));
  });

  it.each([
    { levels: 1, want: 'quantize: uint16 weight "b" can take 2 to 65536 levels, got 1' },
    { levels: 65537, want: 'quantize: uint16 weight "b" can take 2 to 65536 levels, got 65537' },
    { levels: 4.5, want: 'quantize: uint16 weight "b" can take 2 to 65536 levels, got 4.5' },
  ])('refuses $levels levels for a uint16 weight', ({ levels, want }) => {
    expect(() => quantizeWeights(ramp, { dtypes: { uint8: ['a'], uint16: ['b'] }, levelsByWeight: new Map([['b', levels]]) })).toThrow(want);
  });

  it.each([
    { options: { levels: 257 }, levels: 257 },
    { options: { levelsByWeight: new Map([['a', 1]]) }, levels: 1 },
    { options: { levels: 16, levelsByWeight: new Map([['a', 300]]) }, levels: 300 },
  ])('refuses levels $levels', ({ options, levels }) => {
    expect(() => quantizeWeights(ramp, { dtypes: 'uint8', ...options })).toThrow(
      `quantize: levels must be a whole number from 2 to 256 (e.g. 64), got ${levels}`,
    );
  });

  it('sum-preserving rounding nudges a kernel’s channel, never a vector', () => {
    // Scale 1, min −1: exact codes [0, 1.4, 1.4, 1.4, 255]; nearest [0, 1, 1, 1, 255] loses 1.2 in the channel sum.
    const data = new Float32Array([-1, 0.4, 0.4, 0.4, 254]);
    const codes = (shape: number[], rounding?: 'nearest' | 'sum-preserving'): number[] =>
      storedBytes(
        quantizeWeights(artifactsOf([{ name: 'w', shape, dtype: 'float32', data }]), { dtypes: 'uint8', ...(rounding ? { rounding } : {}) }).artifacts,
      );
    expect(codes([5, 1], 'sum-preserving')).toEqual([0, 2, 1, 1, 255]);
    expect(codes([5, 1], 'nearest')).toEqual([0, 1, 1, 1, 255]);
    expect(codes([5, 1])).toEqual([0, 1, 1, 1, 255]);
    expect(codes([5], 'sum-preserving')).toEqual([0, 1, 1, 1, 255]);
  });

  it('sum-preserving rounding keeps each output channel (last axis) apart', () => {
    // [3, 2] kernel, scale 1, min −1: channel 0 exact [0, 1.4, 1.4] leans +0.8, channel 1 [255, 1.6, 1.6] leans −0.8;
    // one code moves up in channel 0 and one down in channel 1. Over the whole tensor the errors would cancel.
    const data = new Float32Array([-1, 254, 0.4, 0.6, 0.4, 0.6]);
    const artifacts = artifactsOf([{ name: 'k', shape: [3, 2], dtype: 'float32', data }]);
    expect(storedBytes(quantizeWeights(artifacts, { dtypes: 'uint8', rounding: 'sum-preserving' }).artifacts)).toEqual([0, 255, 2, 1, 1, 2]);
    expect(storedBytes(quantizeWeights(artifacts, { dtypes: 'uint8' }).artifacts)).toEqual([0, 255, 1, 2, 1, 2]);
  });

  it('sum-preserving rounding leaves a vector’s exact half-way codes to nearest (half to even)', () => {
    // Exact codes [0, 0.5, 255]: as one-element channels the 0.5 would round up to 1.
    const artifacts = artifactsOf([{ name: 'v', shape: [3], dtype: 'float32', data: new Float32Array([-1, -0.5, 254]) }]);
    expect(storedBytes(quantizeWeights(artifacts, { dtypes: 'uint8', rounding: 'sum-preserving' }).artifacts)).toEqual([0, 0, 255]);
  });
});

describe('weightQuantizer: one model quantized again and again', () => {
  const model = artifactsOf([
    { name: 'k', shape: [16, 8], dtype: 'float32', data: seeded(128, 3) },
    { name: 'v', shape: [32], dtype: 'float32', data: seeded(32, 4) },
    { name: 'i', shape: [2], dtype: 'int32', data: Int32Array.from([7, 9]) },
  ]);
  const same = (a: QuantizeResult, b: QuantizeResult): void => {
    expect(a.tensors).toEqual(b.tensors);
    expect(a.warnings).toEqual(b.warnings);
    expect([a.bytesBefore, a.bytesAfter, a.sourceQuantized]).toEqual([b.bytesBefore, b.bytesAfter, b.sourceQuantized]);
    expect(a.artifacts.weightSpecs).toEqual(b.artifacts.weightSpecs);
    expect(storedBytes(a.artifacts)).toEqual(storedBytes(b.artifacts));
  };

  it('gives what a fresh quantizer gives, call after call, whatever each call asks', () => {
    const q = weightQuantizer(model);
    const k16v8 = new Map<string, WeightTarget>([
      ['k', 'uint16'],
      ['v', 'uint8'],
    ]);
    const calls: { targets: ReadonlyMap<string, WeightTarget>; call: QuantizeCall }[] = [
      { targets: new Map([['k', 'uint8']]), call: {} },
      { targets: new Map([['k', 'uint8']]), call: { rounding: 'sum-preserving' } },
      { targets: new Map([['k', 'uint8']]), call: { rounding: 'sum-preserving', levelsByWeight: new Map([['k', 16]]) } },
      { targets: new Map([['k', 'uint8']]), call: { rounding: 'sum-preserving', levels: 32 } },
      { targets: k16v8, call: { rounding: 'sum-preserving', levelsByWeight: new Map([['k', 1024]]) } },
      { targets: k16v8, call: { rounding: 'sum-preserving', levels: 32, levelsByWeight: new Map([['k', 1024]]) } },
      {
        targets: new Map([
          ['k', 'uint16'],
          ['v', 'float16'],
        ]),
        call: { rounding: 'sum-preserving' },
      },
      { targets: new Map([['k', 'uint8']]), call: {} },
    ];
    for (const { targets, call } of calls) {
      same(q(targets, { ...call, warnings: ['w'] }), weightQuantizer(model)(targets, { ...call, warnings: ['w'] }));
    }
  });

  it('refuses a non-finite weight on every call that quantizes it', () => {
    const q = weightQuantizer(artifactsOf([{ name: 'bad', shape: [2], dtype: 'float32', data: new Float32Array([1, NaN]) }]));
    expect(() => q(new Map([['bad', 'uint8']]))).toThrow(/weight "bad" holds NaN/);
    expect(() => q(new Map([['bad', 'uint16']]))).toThrow(/weight "bad" holds NaN/);
    expect(q(new Map()).bytesAfter).toBe(8);
    expect(q(new Map()).warnings).toEqual([]);
  });

  it('encodes a weight once per dtype, rounding and codes, and reuses that encoding', () => {
    const q = weightQuantizer(model);
    const spec = (r: QuantizeResult, name: string) => r.artifacts.weightSpecs?.find((x) => x.name === name);
    const first = q(new Map([['k', 'uint16']]), { rounding: 'sum-preserving', levelsByWeight: new Map([['k', 1024]]) });
    const again = q(
      new Map([
        ['k', 'uint16'],
        ['v', 'uint8'],
      ]),
      { rounding: 'sum-preserving', levelsByWeight: new Map([['k', 1024]]) },
    );
    const other = q(new Map([['k', 'uint16']]), { rounding: 'sum-preserving', levelsByWeight: new Map([['k', 2048]]) });
    expect(spec(again, 'k')).toBe(spec(first, 'k'));
    expect(spec(other, 'k')).not.toBe(spec(first, 'k'));
    expect(spec(other, 'k')?.quantization?.scale).not.toBe(spec(first, 'k')?.quantization?.scale);
  });
});
