import { describe, expect, it } from 'vitest';
import { CompressError } from '../../../src/errors.js';
import { globToRegExp, selectWeights } from '../../../src/compress/select.js';

describe('globToRegExp (fnmatch, as the converter matches weight names)', () => {
  it.each([
    { pattern: 'conv1/*', name: 'conv1/kernel', expected: true },
    { pattern: 'conv1/*', name: 'conv10/kernel', expected: false },
    { pattern: '*', name: 'a/b/c', expected: true },
    { pattern: '*/kernel', name: 'block/conv/kernel', expected: true },
    { pattern: '*/kernel', name: 'conv/kernel/x', expected: false },
    { pattern: 'conv?', name: 'conv1', expected: true },
    { pattern: 'conv?', name: 'conv12', expected: false },
    { pattern: 'conv?', name: 'conv', expected: false },
    { pattern: 'conv[12]', name: 'conv2', expected: true },
    { pattern: 'conv[12]', name: 'conv3', expected: false },
    { pattern: 'conv[!12]', name: 'conv3', expected: true },
    { pattern: 'conv[!12]', name: 'conv1', expected: false },
    { pattern: 'a[]]b', name: 'a]b', expected: true },
    { pattern: 'a[!]]b', name: 'a]b', expected: false },
    { pattern: 'a[!]]b', name: 'axb', expected: true },
    { pattern: 'a[^x]b', name: 'a^b', expected: true },
    { pattern: 'a[^x]b', name: 'ayb', expected: false },
    { pattern: 'a[]b', name: 'a[]b', expected: true },
    { pattern: 'a[!]b', name: 'a[!]b', expected: true },
    { pattern: 'a[bc', name: 'a[bc', expected: true },
    { pattern: 'a[bc', name: 'ab', expected: false },
    { pattern: 'a[\\]x', name: 'a\\x', expected: true },
    { pattern: 'w.b+c', name: 'w.b+c', expected: true },
    { pattern: 'w.b', name: 'wxb', expected: false },
    { pattern: '(a|b)^$', name: '(a|b)^$', expected: true },
    { pattern: '(a|b)', name: 'a', expected: false },
    { pattern: 'a{2}', name: 'a{2}', expected: true },
    { pattern: 'a{2}', name: 'aa', expected: false },
    { pattern: 'x/y', name: 'x/y', expected: true },
    { pattern: 'x\\y', name: 'x\\y', expected: true },
    { pattern: 'line*', name: 'line\nbreak', expected: true },
    { pattern: 'conv1', name: 'my-conv1', expected: false },
    { pattern: 'conv1', name: 'conv1-extra', expected: false },
  ])('$pattern ~ $name → $expected', ({ pattern, name, expected }) => {
    expect(globToRegExp(pattern).test(name)).toBe(expected);
  });
});

const NAMES = ['conv1/kernel', 'conv1/bias', 'conv2/kernel', 'dense/kernel'];

function targets(selection: Parameters<typeof selectWeights>[1]): Record<string, string> {
  return Object.fromEntries(selectWeights(NAMES, selection).targets);
}

describe('selectWeights', () => {
  it('one dtype takes every weight', () => {
    expect(targets('float16')).toEqual({ 'conv1/kernel': 'float16', 'conv1/bias': 'float16', 'conv2/kernel': 'float16', 'dense/kernel': 'float16' });
    expect(selectWeights(NAMES, 'uint8').warnings).toEqual([]);
  });

  it.each([
    {
      what: 'a pattern per dtype, the rest left float32',
      selection: { uint8: 'conv*', float16: ['dense/*'] },
      expected: { 'conv1/kernel': 'uint8', 'conv1/bias': 'uint8', 'conv2/kernel': 'uint8', 'dense/kernel': 'float16' },
    },
    {
      what: '"*" is the fallthrough',
      selection: { uint16: '*', uint8: ['*/bias'] },
      expected: { 'conv1/kernel': 'uint16', 'conv1/bias': 'uint8', 'conv2/kernel': 'uint16', 'dense/kernel': 'uint16' },
    },
    {
      what: 'true is the fallthrough',
      selection: { float16: true as const, uint8: 'conv2/*' },
      expected: { 'conv1/kernel': 'float16', 'conv1/bias': 'float16', 'conv2/kernel': 'uint8', 'dense/kernel': 'float16' },
    },
    {
      what: '["*"] is the fallthrough',
      selection: { uint8: ['*'], float16: 'dense/kernel' },
      expected: { 'conv1/kernel': 'uint8', 'conv1/bias': 'uint8', 'conv2/kernel': 'uint8', 'dense/kernel': 'float16' },
    },
    {
      what: '["*", x] is two patterns, not the fallthrough',
      selection: { uint8: ['*', 'x'], float16: [] },
      expected: { 'conv1/kernel': 'uint8', 'conv1/bias': 'uint8', 'conv2/kernel': 'uint8', 'dense/kernel': 'uint8' },
    },
    {
      what: 'two patterns of one dtype may overlap',
      selection: { uint8: ['conv1/*', '*/kernel'] },
      expected: { 'conv1/kernel': 'uint8', 'conv1/bias': 'uint8', 'conv2/kernel': 'uint8', 'dense/kernel': 'uint8' },
    },
    { what: 'no dtype at all', selection: {}, expected: {} },
  ])('$what', ({ selection, expected }) => {
    expect(targets(selection)).toEqual(expected);
  });

  it('a weight no pattern names and no fallthrough takes stays out of the targets (float32)', () => {
    const only = selectWeights(NAMES, { uint8: ['conv1/*'] });
    expect([...only.targets]).toEqual([
      ['conv1/kernel', 'uint8'],
      ['conv1/bias', 'uint8'],
    ]);
  });

  it('only "*", true or ["*"] is a fallthrough: ["*", x] beside another fallthrough is no conflict', () => {
    const result = selectWeights(NAMES, { uint8: ['*', 'x'], float16: '*' });
    expect(Object.fromEntries(result.targets)).toEqual({ 'conv1/kernel': 'uint8', 'conv1/bias': 'uint8', 'conv2/kernel': 'uint8', 'dense/kernel': 'uint8' });
    expect(result.warnings).toEqual(['quantize: uint8 pattern "x" matches no float32 weight']);
  });

  it('a pattern that matches nothing is a warning naming its dtype; a fallthrough is never one', () => {
    expect(selectWeights(NAMES, { uint8: ['conv1/*', 'nope/*'], float16: '*' }).warnings).toEqual([
      'quantize: uint8 pattern "nope/*" matches no float32 weight',
    ]);
    expect(selectWeights([], { uint8: '*' }).warnings).toEqual([]);
  });

  it('two fallthroughs are an error naming both', () => {
    expect(() => selectWeights(NAMES, { uint8: '*', float16: true })).toThrow(CompressError);
    expect(() => selectWeights(NAMES, { uint8: '*', float16: true })).toThrow(/uint8.*float16/s);
  });

  it('two dtypes matching one weight is an error naming the weight, both dtypes and both patterns', () => {
    const call = (): unknown => selectWeights(NAMES, { uint8: ['conv1/*'], float16: ['*/kernel'] });
    expect(call).toThrow(CompressError);
    expect(call).toThrow(/"conv1\/kernel" matches uint8 pattern "conv1\/\*" and float16 pattern "\*\/kernel"/);
  });
});
