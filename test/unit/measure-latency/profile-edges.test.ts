import { describe, expect, it } from 'vitest';
import { describeOps, summarizeProfile, type OpTime } from '../../../src/measure/latency/profile.js';

// "Where the time goes" at the edges of its rounding steps (1 ms, 100 ms, 10 s), and which kernels it counts.
const third = (op: string): OpTime => ({ op, calls: 1, totalMs: 1, share: 1 / 3 });

describe('describeOps at the edges of the shown precision', () => {
  it.each([
    { what: 'a p50 of exactly 1 ms shows parts to 10 µs', ops: [third('Conv')], p50: 1, expected: '1 ms p50): Conv 33% (330 µs)' },
    { what: 'a p50 of exactly 100 ms shows whole ms', ops: [third('Conv')], p50: 100, expected: '100 ms p50): Conv 33% (33 ms)' },
    { what: 'a p50 of exactly 10 s shows parts to 100 ms', ops: [third('Conv')], p50: 10_000, expected: '10.0 s p50): Conv 33% (3300 ms)' },
    { what: 'a share of 0.29 is 29%, not 28%', ops: [{ op: 'Add', calls: 1, totalMs: 1, share: 0.29 }], p50: 50, expected: '50 ms p50): Add 29% (14.5 ms)' },
  ])('$what', ({ ops, p50, expected }) => {
    expect(describeOps(ops, p50)).toBe(`where the time goes (share of kernel time; its part of the ${expected}`);
  });
});

describe('summarizeProfile skips what it cannot count', () => {
  it('a kernel without a number, with a NaN or infinite time, or an op scope is left out, each on its own', () => {
    const ops = summarizeProfile(
      [
        { name: 'Conv2D', kernelTimeMs: 2 },
        { name: 'Conv2D', kernelTimeMs: Number.NaN },
        { name: 'Add', kernelTimeMs: { error: 'timer failed' } },
        { name: 'Mul', kernelTimeMs: Infinity },
        { name: 'conv2d__op', kernelTimeMs: 5 },
      ],
      10,
    );
    expect(ops).toEqual([{ op: 'Conv2D', calls: 1, totalMs: 2, share: 1 }]);
  });

  it('kernels that took no measurable time have a share of 0, not NaN', () => {
    expect(summarizeProfile([{ name: 'Reshape', kernelTimeMs: 0 }], 5)).toEqual([{ op: 'Reshape', calls: 1, totalMs: 0, share: 0 }]);
  });
});
