import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { bytesPerValue, DTYPE_BYTES, isQuantizedDtype, QUANTIZED_DTYPES, WEIGHT_DTYPES } from '../../../src/dtypes.js';

describe('dtypes', () => {
  test.each(WEIGHT_DTYPES.filter((d) => d !== 'string'))('%s takes as many bytes as tfjs says', (dtype) => {
    expect(bytesPerValue(dtype)).toBe(tf.util.bytesPerElement(dtype));
  });

  test.each([
    { what: 'uint8', input: 'uint8', expected: 1 },
    { what: 'uint16', input: 'uint16', expected: 2 },
    { what: 'float16', input: 'float16', expected: 2 },
    { what: 'strings have no fixed width', input: 'string', expected: undefined },
    { what: 'an inherited property is no dtype', input: 'toString', expected: undefined },
    { what: 'an unknown name', input: 'int4', expected: undefined },
  ])('$what', ({ input, expected }) => {
    expect(bytesPerValue(input)).toBe(expected);
  });

  test('every dtype in the lists has a width, and the table names nothing else', () => {
    expect(Object.keys(DTYPE_BYTES).sort()).toEqual([...WEIGHT_DTYPES.filter((d) => d !== 'string'), ...QUANTIZED_DTYPES].sort());
    expect(QUANTIZED_DTYPES.every(isQuantizedDtype)).toBe(true);
    expect(isQuantizedDtype('float32')).toBe(false);
  });
});
