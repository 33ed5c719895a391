import { describe, expect, test } from 'vitest';
import { argmax, cosineOf, inferOutputKind, psnrOf } from '../../../src/measure/drift-kinds.js';

describe('inferOutputKind: shapes near the rules', () => {
  test.each([
    { what: '8 high but 7 wide is not spatial', shape: [1, 8, 7, 3], values: [], expected: 'regression' },
    { what: 'a 3-d map is no image, however large', shape: [1, 16, 16], values: [], expected: 'regression' },
    { what: 'a batch of one value each, [b, 1]', shape: [2, 1], values: [0.3, 0.7], expected: 'regression' },
    { what: 'a scalar output with several values is an embedding', shape: [], values: [1, 2, 3], expected: 'embedding' },
    { what: 'a scalar output with one value', shape: [], values: [5], expected: 'regression' },
    { what: 'a 1-d output of several values', shape: [3], values: [0.2, 0.3, 0.5], expected: 'regression' },
    { what: '[b, n] without values to look at', shape: [1, 3], values: [], expected: 'embedding' },
  ])('$what → $expected', ({ shape, values, expected }) => {
    expect(inferOutputKind(shape, values)).toBe(expected);
  });
});

describe('accuracy helpers at their edges', () => {
  test('argmax looks at exactly `width` values', () => {
    expect(argmax([1, 2, 9], 0, 2)).toBe(1);
    expect(argmax([5], 0, 3)).toBe(0);
  });

  test('cosine of non-finite values: equal infinities agree, NaN against a number does not', () => {
    expect(cosineOf([Infinity], [Infinity], 0, 1)).toBe(1);
    expect(cosineOf([-Infinity], [Infinity], 0, 1)).toBe(0);
    expect(cosineOf([Number.NaN], [1], 0, 1)).toBe(0);
    expect(cosineOf([1], [Number.NaN], 0, 1)).toBe(0);
  });

  test('cosine with one zero vector is 0, whichever side', () => {
    expect(cosineOf([0, 0], [1, 0], 0, 2)).toBe(0);
    expect(cosineOf([1, 0], [0, 0], 0, 2)).toBe(0);
    expect(cosineOf([0, 0], [0, 0], 0, 2)).toBe(1);
  });

  test('PSNR looks at exactly `length` values', () => {
    expect(psnrOf([0, 0, 5], [0, 0, 0], 0, 2, 1)).toBe(Infinity);
  });
});
