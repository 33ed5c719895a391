import { describe, expect, test } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { measureDrift } from '../../../src/measure/drift.js';
import type { Executable, OutputValue } from '../../../src/measure/execute.js';

/** An Executable that returns fixed outputs, ignoring its inputs: drift arithmetic without a model. */
function fixed(outputs: readonly { shape: number[]; values: number[] }[], shaped = true): Executable {
  const values: OutputValue[] = outputs.map((o, i) => ({ name: `out${i}`, shape: o.shape, data: Float32Array.from(o.values) }));
  return {
    inputs: [],
    outputs: values.map((v) => v.name),
    runtime: { name: 'cpu', backend: 'cpu', version: 'test', threads: 1 },
    run: () => Promise.resolve(values.map((v) => v.data)),
    ...(shaped ? { runShaped: () => Promise.resolve(values) } : {}),
    dispose: () => undefined,
  };
}

const one = [[]] as const;

describe('measureDrift', () => {
  test('identical outputs: no error, cosine 1, full agreement', async () => {
    const a = fixed([{ shape: [2, 3], values: [0.1, 0.7, 0.2, 0.5, 0.3, 0.2] }]);
    expect(await measureDrift(a, a, [[], []])).toMatchObject({ maxAbsError: 0, rmse: 0, cosine: 1, top1Agreement: 1, samples: 2 });
  });

  test('worked example: errors, RMSE, cosine and top-1 over rows of the last dim', async () => {
    const a = fixed([{ shape: [2, 2], values: [1, 0, 0, 1] }]);
    const b = fixed([{ shape: [2, 2], values: [1, 0, 0.6, 0.4] }]);
    const drift = await measureDrift(a, b, one);
    expect(drift.maxAbsError).toBeCloseTo(0.6, 6);
    expect(drift.rmse).toBeCloseTo(Math.sqrt((0.36 + 0.36) / 4), 6);
    expect(drift.cosine).toBeCloseTo(1.4 / (Math.sqrt(2) * Math.sqrt(1 + 0.36 + 0.16)), 6);
    expect(drift.top1Agreement).toBe(0.5);
  });

  test('flattens over every output; top-1 only where the last dim is ≥ 2; per-output figures too', async () => {
    const a = fixed([{ shape: [1, 1], values: [2] }, { shape: [1, 3], values: [0, 1, 0] }]);
    const b = fixed([{ shape: [1, 1], values: [3] }, { shape: [1, 3], values: [0, 1, 0] }]);
    const drift = await measureDrift(a, b, one);
    expect(drift.maxAbsError).toBe(1);
    expect(drift.rmse).toBeCloseTo(Math.sqrt(1 / 4), 6);
    expect(drift.top1Agreement).toBe(1);
    expect(drift.outputs).toEqual([
      { name: 'out0', maxAbsError: 1, rmse: 1, cosine: 1 },
      { name: 'out1', maxAbsError: 0, rmse: 0, cosine: 1, top1Agreement: 1 },
    ]);
  });

  test('no classifier-like output: top-1 is absent; without runShaped too', async () => {
    const a = fixed([{ shape: [4], values: [1, 2, 3, 4] }].map((o) => ({ ...o, shape: [4, 1] })));
    expect((await measureDrift(a, a, one)).top1Agreement).toBeUndefined();
    const unshaped = fixed([{ shape: [2, 2], values: [1, 0, 0, 1] }], false);
    expect((await measureDrift(unshaped, unshaped, one)).top1Agreement).toBeUndefined();
  });

  test('zero vectors: both zero → cosine 1; one zero → cosine 0', async () => {
    const zero = fixed([{ shape: [2], values: [0, 0] }]);
    const some = fixed([{ shape: [2], values: [0, 1] }]);
    expect((await measureDrift(zero, zero, one)).cosine).toBe(1);
    expect((await measureDrift(zero, some, one)).cosine).toBe(0);
  });

  test('NaN or Inf on one side only is an unbounded error; matching ones are agreement', async () => {
    const a = fixed([{ shape: [3], values: [NaN, Infinity, 1] }]);
    const same = fixed([{ shape: [3], values: [NaN, Infinity, 1] }]);
    const finite = fixed([{ shape: [3], values: [0, 0, 1] }]);
    expect((await measureDrift(a, same, one)).maxAbsError).toBe(0);
    expect((await measureDrift(a, finite, one)).maxAbsError).toBe(Infinity);
  });

  test.each([
    { what: 'no samples', b: fixed([{ shape: [1], values: [1] }]), inputs: [], message: /at least one input sample/ },
    { what: 'another output count', b: fixed([]), inputs: one, message: /have 1 and 0 outputs/ },
    { what: 'another output size', b: fixed([{ shape: [2], values: [1, 2] }]), inputs: one, message: /output "out0" has 1 values in the original and 2 in the candidate/ },
  ])('refuses $what', async ({ b, inputs, message }) => {
    const a = fixed([{ shape: [1], values: [1] }]);
    await expect(measureDrift(a, b, inputs)).rejects.toThrow(MeasureError);
    await expect(measureDrift(a, b, inputs)).rejects.toThrow(message);
  });
});
