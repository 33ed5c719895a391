import { describe, expect, it } from 'vitest';
import { activationParams, quantizeAsymmetricInt8, quantizeBiasInt32, quantizeWeightsInt8 } from '../../../src/formats/tflite/int8.js';

describe('int8 quantization arithmetic', () => {
  it('per-channel symmetric weights: each channel max lands on ±127, zero channels get scale 1', () => {
    // shape [3, 2]: channel 0 = [1, -0.5], channel 1 = [0, 0], channel 2 = [-2, 1]
    const q = quantizeWeightsInt8(Float32Array.from([1, -0.5, 0, 0, -2, 1]), [3, 2], 0);
    expect(q.scales).toEqual([Math.fround(1 / 127), 1, Math.fround(2 / 127)]);
    expect(Array.from(q.values)).toEqual([127, -64, 0, 0, -127, 64]);
  });

  it('per-channel along the last axis (depthwise [1, h, w, c]) and per tensor', () => {
    const dw = quantizeWeightsInt8(Float32Array.from([1, 4, -1, 2]), [1, 1, 2, 2], 3);
    expect(dw.scales).toEqual([Math.fround(1 / 127), Math.fround(4 / 127)]);
    expect(Array.from(dw.values)).toEqual([127, 127, -127, 64]);
    const whole = quantizeWeightsInt8(Float32Array.from([1, 4, -1, 2]), [2, 2], undefined);
    expect(whole.scales).toEqual([Math.fround(4 / 127)]);
  });

  it('round-trips every weight within half a step', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 8)));
    const q = quantizeWeightsInt8(values, [8, 8], 0);
    values.forEach((v, i) => {
      const scale = q.scales[Math.floor(i / 8)] ?? NaN;
      expect(Math.abs((q.values[i] ?? 0) * scale - v)).toBeLessThanOrEqual(scale / 2 + 1e-7);
    });
  });

  it('int32 bias: scale = input scale × weight scale (as float32), values rounded to it', () => {
    const b = quantizeBiasInt32(Float32Array.from([0.5, -0.25]), 0.02, [0.01, 0.005]);
    expect(b.scales).toEqual([Math.fround(Math.fround(0.02) * Math.fround(0.01)), Math.fround(Math.fround(0.02) * Math.fround(0.005))]);
    expect(Array.from(b.values)).toEqual([Math.round(0.5 / (b.scales[0] ?? 1)), Math.round(-0.25 / (b.scales[1] ?? 1))]);
  });

  it.each([
    { what: 'symmetric around 0 (the half step rounds down)', min: -1, max: 1, zero: -1 },
    { what: 'all positive (after ReLU)', min: 0, max: 6, zero: -128 },
    { what: 'range not holding 0 is widened to it', min: 2, max: 4, zero: -128 },
    { what: 'all negative', min: -3, max: -1, zero: 127 },
  ])('activation parameters, $what: 0.0 is exactly representable', ({ min, max, zero }) => {
    const p = activationParams(min, max);
    expect(p.zeroPoint).toBe(zero);
    expect(Array.from(quantizeAsymmetricInt8(Float32Array.from([0]), p))).toEqual([zero]);
    expect(p.scale).toBe(Math.fround((Math.max(max, 0) - Math.min(min, 0)) / 255));
  });

  it('an empty range gets scale 1', () => {
    expect(activationParams(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });
});
