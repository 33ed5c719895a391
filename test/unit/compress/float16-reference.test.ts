import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, float16BitsToNumber, float32ToFloat16Bits } from '../../../src/compress/float16.js';

// float32 → half against a slow reference: the nearest of the finite halves (65536 standing in for the step past
// 65504, so that overflow rounds as IEEE 754 says), ties to the even code. Inputs: any float32, and every kind of
// tie and near-tie between two halves, normal and subnormal.

/** The value of a half code, from the IEEE 754 definition. */
function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 31) return mant === 0 ? sign * Infinity : Number.NaN;
  return exp === 0 ? sign * mant * 2 ** -24 : sign * (1024 + mant) * 2 ** (exp - 25);
}

/** Positive finite halves by code 0 … 0x7bff (ascending in value), then 0x7c00 as 65536. */
const LADDER = Array.from({ length: 0x7c01 }, (_, bits) => (bits === 0x7c00 ? 65536 : halfValue(bits)));

function referenceBits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65536) return sign | 0x7c00;
  // The last code whose value is ≤ a.
  let lo = 0;
  let hi = 0x7c00;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((LADDER[mid] ?? Infinity) <= a) lo = mid;
    else hi = mid - 1;
  }
  const below = LADDER[lo] ?? 0;
  if (below === a || lo === 0x7c00) return sign | lo;
  const above = LADDER[lo + 1] ?? Infinity;
  const down = a - below;
  const up = above - a;
  const bits = down < up ? lo : up < down ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
  return sign | bits;
}

const f32 = (x: number): number => Math.fround(x);

/** Every tie between two neighbouring halves, and the float32 on either side of it. */
function nearTies(bits: number): number[] {
  const a = halfValue(bits);
  const b = bits === 0x7bff ? 65536 : halfValue(bits + 1);
  const mid = (a + b) / 2;
  const buf = new Float32Array([mid]);
  const u = new Uint32Array(buf.buffer);
  const at = (delta: number): number => {
    const v = new Uint32Array([(u[0] ?? 0) + delta]);
    return new Float32Array(v.buffer)[0] ?? 0;
  };
  return [mid, at(1), at(-1)];
}

describe('float32ToFloat16Bits against the reference', () => {
  it('every tie between neighbouring halves and the float32 next to it, both signs', () => {
    for (let bits = 0; bits < 0x7c00; bits++) {
      for (const x of nearTies(bits)) {
        expect(float32ToFloat16Bits(x)).toBe(referenceBits(x));
        expect(float32ToFloat16Bits(-x)).toBe(referenceBits(-x));
      }
    }
  });

  it('any float32, NaN, infinities, subnormals and overflow included', () => {
    fc.assert(
      fc.property(fc.float(), (x) => {
        expect(float32ToFloat16Bits(x)).toBe(referenceBits(f32(x)));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    { what: 'NaN stays a quiet NaN', input: Number.NaN, bits: 0x7e00 },
    { what: '+Infinity', input: Infinity, bits: 0x7c00 },
    { what: '-Infinity', input: -Infinity, bits: 0xfc00 },
    { what: 'just below the overflow tie rounds to max', input: 65519, bits: 0x7bff },
    { what: 'the overflow tie rounds to Infinity (even)', input: 65520, bits: 0x7c00 },
    { what: 'a float32 far beyond the range', input: 1e30, bits: 0x7c00 },
    { what: '2^16, the first exponent past the range', input: 65536, bits: 0x7c00 },
    { what: 'inside that exponent', input: 100_000, bits: 0x7c00 },
    { what: '2^15 exactly', input: 32768, bits: 0x7800 },
    { what: 'below a quarter of the smallest subnormal is zero', input: 2 ** -26, bits: 0x0000 },
    { what: 'just above half the smallest subnormal rounds up', input: f32(2 ** -25 * (1 + 2 ** -20)), bits: 0x0001 },
    { what: 'the largest subnormal', input: 1023 * 2 ** -24, bits: 0x03ff },
    { what: 'the smallest normal', input: 2 ** -14, bits: 0x0400 },
    { what: 'a subnormal tie rounds to even (up)', input: 3 * 2 ** -25, bits: 0x0002 },
    { what: 'a subnormal tie rounds to even (down)', input: 5 * 2 ** -25, bits: 0x0002 },
    { what: 'the tie between the largest subnormal and the smallest normal', input: 2047 * 2 ** -25, bits: 0x0400 },
    { what: 'negative zero', input: -0, bits: 0x8000 },
    { what: 'a negative subnormal', input: -(2 ** -24), bits: 0x8001 },
  ])('$what', ({ input, bits }) => {
    expect(float32ToFloat16Bits(input)).toBe(bits);
  });
});

describe('float16BitsToNumber', () => {
  it('gives every code its IEEE 754 value', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const expected = halfValue(bits);
      if (Number.isNaN(expected)) expect(float16BitsToNumber(bits)).toBeNaN();
      else expect(float16BitsToNumber(bits)).toBe(expected);
    }
  });

  it.each([
    { bits: 0x7c00, value: Infinity },
    { bits: 0xfc00, value: -Infinity },
    { bits: 0x7bff, value: 65504 },
    { bits: 0x0001, value: 2 ** -24 },
  ])('$bits → $value', ({ bits, value }) => expect(float16BitsToNumber(bits)).toBe(value));

  it('NaN codes decode to NaN', () => {
    expect(float16BitsToNumber(0x7e00)).toBeNaN();
    expect(float16BitsToNumber(0x7c01)).toBeNaN();
    expect(float16BitsToNumber(0xfe00)).toBeNaN();
  });
});

describe('encodeFloat16 / decodeFloat16', () => {
  it('encode and decode whole arrays, element by element', () => {
    const values = Float32Array.from([0, 1, -2, 65504, 1e-8, 3.14159]);
    const codes = encodeFloat16(values);
    expect([...codes]).toEqual([...values].map(float32ToFloat16Bits));
    expect([...decodeFloat16(codes)]).toEqual([...codes].map(float16BitsToNumber));
  });
});
