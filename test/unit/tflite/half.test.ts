import { describe, expect, it } from 'vitest';
import { fromHalfBits, toHalfBits } from '../../../src/formats/tflite/half.js';

describe('float16 conversion', () => {
  it.each([
    { what: 'one', input: 1, expected: 0x3c00 },
    { what: 'minus two', input: -2, expected: 0xc000 },
    { what: 'largest half', input: 65504, expected: 0x7bff },
    { what: 'overflow to infinity', input: 65520, expected: 0x7c00 },
    { what: 'tie between 1 and 1+2^-10 rounds to even (down)', input: 1 + 2 ** -11, expected: 0x3c00 },
    { what: 'tie between 1+2^-10 and 1+2^-9 rounds to even (up)', input: 1 + 3 * 2 ** -11, expected: 0x3c02 },
    { what: 'above a tie rounds up', input: 1 + 2 ** -11 + 2 ** -20, expected: 0x3c01 },
    { what: 'smallest subnormal', input: 2 ** -24, expected: 0x0001 },
    { what: 'half the smallest subnormal rounds to even zero', input: 2 ** -25, expected: 0x0000 },
    { what: 'subnormal rounding up into the normals', input: 2 ** -14 - 2 ** -26, expected: 0x0400 },
    { what: 'negative zero', input: -0, expected: 0x8000 },
    { what: 'infinity', input: -Infinity, expected: 0xfc00 },
    { what: 'NaN stays NaN', input: NaN, expected: 0x7e00 },
  ])('$what', ({ input, expected }) => {
    expect(toHalfBits(input)).toBe(expected);
  });

  it('is exact both ways for every finite half', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(toHalfBits(fromHalfBits(h))).toBe(h === 0x8000 ? 0x8000 : h);
    }
  });
});
