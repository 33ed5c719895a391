import { describe, expect, test } from 'vitest';
import type { HostTensor, InputSpec } from '../../../src/runtimes/index.js';
import { makeInputSets, makeInputs, resolveShape } from '../../../src/measure/inputs.js';
import { seededRandom } from '../../../src/measure/stats.js';

const image: InputSpec = { name: 'input_1:0', shape: [null, 64, 64, 1], dtype: 'float32' };
const pixels: InputSpec = { name: 'input:0', shape: [1, null, null, 3], dtype: 'int32' };
const ratio: InputSpec = { name: 'downsample_ratio:0', shape: [], dtype: 'float32', unknownRank: true };
const mask: InputSpec = { name: 'mask', shape: [null, 4], dtype: 'bool' };

/** Host tensors: no runtime needed to make or read them. */
function make(...args: Parameters<typeof makeInputs>): HostTensor[] {
  return makeInputs(...args);
}

describe('resolveShape', () => {
  test.each([
    { what: 'batch → 1', spec: image, options: {}, expected: [1, 64, 64, 1] },
    { what: 'batch option', spec: image, options: { batch: 4 }, expected: [4, 64, 64, 1] },
    { what: 'unknown non-batch dims → 64', spec: pixels, options: {}, expected: [1, 64, 64, 3] },
    { what: 'configured shape wins', spec: pixels, options: { shapes: { 'input:0': [1, 32, 48, 3] } }, expected: [1, 32, 48, 3] },
    { what: 'configured by the name without :0', spec: pixels, options: { shapes: { input: [1, 8, 8, 3] } }, expected: [1, 8, 8, 3] },
    { what: 'unknown rank → scalar', spec: ratio, options: {}, expected: [] },
  ])('$what', ({ spec, options, expected }) => {
    expect(resolveShape(spec, options)).toEqual(expected);
  });

  test.each([
    { what: 'another rank', shape: [1, 64, 64], message: /rank 3, the model expects rank 4/ },
    { what: 'a fixed dim changed', shape: [1, 32, 64, 1], message: /differs from the model's fixed \[\?, 64, 64, 1\] at dimension 1/ },
    { what: 'a fraction', shape: [1, 64.5, 64, 1], message: /must hold whole numbers/ },
  ])('refuses a configured shape with $what', ({ shape, message }) => {
    expect(() => resolveShape(image, { shapes: { 'input_1:0': shape } })).toThrow(message);
  });
});

describe('makeInputs', () => {
  test('the same seed gives the same tensors, another seed others', () => {
    const [a] = make([image], { seed: 1 });
    const [b] = make([image], { seed: 1 });
    const [c] = make([image], { seed: 2 });
    expect(a?.data).toEqual(b?.data);
    expect(a?.data).not.toEqual(c?.data);
  });

  test('floats are in [0, 1), ints are pixels 0–255 that cover the range, bools are 0/1', () => {
    const [f, i, m] = make([image, pixels, mask], { seed: 9 });
    const fv = Array.from(f?.data ?? []);
    const iv = Array.from(i?.data ?? []);
    expect(f?.dtype).toBe('float32');
    expect(Math.min(...fv)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...fv)).toBeLessThan(1);
    expect(i?.dtype).toBe('int32');
    expect(iv.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    expect(Math.min(...iv)).toBe(0);
    expect(Math.max(...iv)).toBe(255);
    expect(m?.dtype).toBe('bool');
    expect(new Set(m?.data)).toEqual(new Set([0, 1]));
  });

  test('scalars take 0.25 (float) and 1 (int) unless values says otherwise', () => {
    const intScalar: InputSpec = { name: 'k', shape: [], dtype: 'int32' };
    const [r, k] = make([ratio, intScalar], { seed: 1 });
    expect(r?.shape).toEqual([]);
    expect(r?.data[0]).toBe(0.25);
    expect(k?.data[0]).toBe(1);
    const [r2] = make([ratio], { seed: 1, values: { downsample_ratio: 0.5 } });
    expect(r2?.data[0]).toBe(0.5);
  });

  test('refuses a string input, a strict unknown dim, and a shape for an input that does not exist', () => {
    expect(() => makeInputs([{ name: 'text', shape: [1], dtype: 'string' }], { seed: 1 })).toThrow(/input "text" is a string tensor/);
    expect(() => makeInputs([pixels], { seed: 1, strict: true })).toThrow(/input "input:0" has unknown dimension 1/);
    expect(() => makeInputs([image], { seed: 1, shapes: { image: [1, 64, 64, 1] } })).toThrow(
      /shapes names input "image", but the model's inputs are "input_1:0"/,
    );
  });
});

test('the seeded PRNG is uniform enough: 10,000 draws average near 0.5, all in [0, 1)', () => {
  const random = seededRandom(42);
  const draws = Array.from({ length: 10_000 }, random);
  expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...draws)).toBeLessThan(1);
  expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.5, 1);
});

test('makeInputSets: count sets with consecutive seeds, 8 by default', () => {
  const sets = makeInputSets([image], { seed: 5, count: 3 });
  expect(sets).toHaveLength(3);
  const [again] = make([image], { seed: 6 });
  expect(sets[1]?.[0]?.data).toEqual(again?.data);
  const defaults = makeInputSets([ratio], { seed: 0 });
  expect(defaults).toHaveLength(8);
  expect(() => makeInputSets([image], { seed: 0, count: 0 })).toThrow(/drift samples must be a whole number ≥ 1, got 0/);
});
