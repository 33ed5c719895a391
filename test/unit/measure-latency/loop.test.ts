import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { runLatencyLoop, type LoopPorts, type Runnable } from '../../../src/measure/latency/loop.js';
import { resolveLatencyOptions } from '../../../src/measure/latency/options.js';
import { describeOps, summarizeProfile } from '../../../src/measure/latency/profile.js';
import fc from 'fast-check';

/** A fake model on a fake clock: each run advances the clock by the next duration (the last one repeats). */
function fakeWorld(durationsMs: readonly number[], leakPerRun = 0) {
  let clock = 0;
  let calls = 0;
  let tensors = 10;
  const runnable: Runnable = {
    run: () => {
      clock += durationsMs[Math.min(calls, durationsMs.length - 1)] ?? 1;
      calls += 1;
      tensors += leakPerRun;
      return Promise.resolve([]);
    },
  };
  const ports: LoopPorts = {
    now: () => clock,
    memory: () => ({ numTensors: tensors, numBytes: 1000 + calls }),
    maxRssBytes: () => 123_456,
    profile: async (f) => {
      await f();
      return {
        peakBytes: 5000,
        kernels: [
          { name: 'Conv2D', kernelTimeMs: 2 },
          { name: 'Add', kernelTimeMs: 1 },
        ],
      };
    },
  };
  return { runnable, ports, calls: () => calls };
}

describe('runLatencyLoop', () => {
  it('warms up, then runs until min runs AND min seconds', async () => {
    // First run 50 ms (compilation), then 10 ms each.
    const w = fakeWorld([50, 10]);
    const stats = await runLatencyLoop(w.runnable, [], { minRuns: 64, minMs: 1000, warmupRuns: 5, warmupMs: 100, profileOps: 0 }, w.ports);
    expect(stats.firstInferenceMs).toBe(50);
    // 50 ms + 10 ms × k ≥ 100 ms and ≥ 5 runs → 6 runs.
    expect(stats.warmupRuns).toBe(6);
    // 1 s of 10 ms runs is 100 runs > 64.
    expect(stats.samplesMs).toHaveLength(100);
    expect(stats.summary.p50).toBe(10);
    expect(stats.stoppedBy).toBe('min-runs-and-seconds');
    expect(stats.timedMs).toBe(1000);
    // 6 warm-up + 100 timed + the profiled run that measures peak memory.
    expect(w.calls()).toBe(107);
    expect(stats.ops).toBeUndefined();
  });

  it('min runs wins when runs are slow', async () => {
    const w = fakeWorld([1]);
    const stats = await runLatencyLoop(w.runnable, [], { minRuns: 64, minMs: 10, profileOps: 0 }, w.ports);
    expect(stats.samplesMs).toHaveLength(64);
  });

  it('max seconds caps a slow model below min runs and says so', async () => {
    const w = fakeWorld([400]);
    const stats = await runLatencyLoop(w.runnable, [], { minRuns: 64, minMs: 1000, maxMs: 2000, profileOps: 0 }, w.ports);
    expect(stats.samplesMs).toHaveLength(5); // 0, 400, 800, 1200, 1600 < 2000 → 5 runs
    expect(stats.stoppedBy).toBe('max-seconds');
  });

  it('reports memory, leaks and the top ops of a profiled run', async () => {
    const w = fakeWorld([5], 2);
    const stats = await runLatencyLoop(w.runnable, [], { minRuns: 3, minMs: 0, warmupRuns: 1, warmupMs: 0, profileOps: 1 }, w.ports);
    expect(stats.memory.peakRssBytes).toBe(123_456);
    expect(stats.memory.peakTensorBytes).toBe(5000);
    // 1 warm-up + 3 timed + 1 profiled run, each leaking 2 tensors.
    expect(stats.memory.leakedTensors).toBe(10);
    expect(stats.ops).toEqual([{ op: 'Conv2D', calls: 1, totalMs: 2, share: 2 / 3 }]);
  });

  it('measures the peak inside an inference even when no ops are listed, so every model is measured the same way', async () => {
    const w = fakeWorld([5]);
    const stats = await runLatencyLoop(w.runnable, [], { minRuns: 3, minMs: 0, warmupRuns: 1, warmupMs: 0, profileOps: 0 }, w.ports);
    // tf.memory() after each run sees at most 1000 + 5 bytes; the profiled inference peaked at 5000.
    expect(stats.memory.peakTensorBytes).toBe(5000);
    expect(stats.ops).toBeUndefined();
  });

  it('wraps a model that throws in a MeasureError naming the model, cause kept', async () => {
    const boom = new Error('Kernel "Foo" failed');
    const runnable: Runnable = { run: () => Promise.reject(boom) };
    const error = await runLatencyLoop(runnable, [], { model: 'models/a.json' }, { now: () => 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeasureError);
    expect((error as MeasureError).message).toBe('models/a.json: inference failed: Kernel "Foo" failed');
    expect((error as MeasureError).cause).toBe(boom);
  });

  it('aborts a hung run at the per-model timeout instead of hanging', async () => {
    const runnable: Runnable = { run: () => new Promise(() => undefined) };
    // A timer that fires at once and records what it was asked for: no wall clock in the test.
    const asked: number[] = [];
    const setTimer = (callback: () => void, ms: number): { cancel(): void } => {
      asked.push(ms);
      queueMicrotask(callback);
      return { cancel: () => undefined };
    };
    const error = await runLatencyLoop(runnable, [], { model: 'hung.json', timeoutMs: 30_000 }, { now: () => 0, setTimer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeasureError);
    expect((error as Error).message).toMatch(/^hung\.json: benchmarking did not finish within the 30 s timeout/);
    // The hung run was raced against what was left of the 30 s, not waited for.
    expect(asked).toEqual([30_000]);
  });

  it('a run that hangs inside the profiled run times out and leaves tfjs out of profiling mode', async () => {
    let calls = 0;
    const runnable: Runnable = {
      run: () => (++calls <= 2 ? Promise.resolve([]) : new Promise(() => undefined)),
    };
    const options = { model: 'p.json', warmupRuns: 1, warmupMs: 0, minRuns: 1, minMs: 0, timeoutMs: 50, profileOps: 3 };
    await expect(runLatencyLoop(runnable, [], options, { now: () => 0 })).rejects.toThrow(/^p\.json: .*timeout/);
    expect(calls).toBe(3);
    expect(tf.engine().state.profiling).toBe(false);
  });

  it('times out between runs once the clock passes the deadline', async () => {
    const w = fakeWorld([1000]);
    const error = await runLatencyLoop(w.runnable, [], { model: 'slow', timeoutMs: 3000, minRuns: 64 }, w.ports).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeasureError);
    expect(w.calls()).toBe(3);
  });
});

describe('resolveLatencyOptions', () => {
  it('fills defaults that make a p90 defensible', () => {
    expect(resolveLatencyOptions({})).toMatchObject({ minRuns: 64, minMs: 1000, warmupRuns: 5 });
  });

  const bad: { what: string; input: Parameters<typeof resolveLatencyOptions>[0]; expected: RegExp }[] = [
    { what: 'zero runs', input: { minRuns: 0 }, expected: /runs is 0; it must be a whole number/ },
    { what: 'fractional runs', input: { minRuns: 2.5 }, expected: /runs is 2\.5/ },
    { what: 'absurd runs', input: { minRuns: 1e9 }, expected: /runs is 1000000000/ },
    { what: 'negative min-seconds', input: { minMs: -1000 }, expected: /min-seconds is -1/ },
    { what: 'zero max-seconds', input: { maxMs: 0 }, expected: /max-seconds is 0/ },
    { what: 'max below min', input: { minMs: 5000, maxMs: 2000 }, expected: /at least min-seconds/ },
    { what: 'absurd timeout', input: { timeoutMs: 1_000_000_000 }, expected: /timeout is 1000000/ },
    { what: 'NaN seconds', input: { warmupMs: Number.NaN }, expected: /warmup-seconds is NaN/ },
    { what: 'negative warm-up', input: { warmupRuns: -1 }, expected: /warmup is -1/ },
  ];
  it.each(bad)('rejects $what', ({ input, expected }) => {
    expect(() => resolveLatencyOptions({ model: 'm.json', ...input })).toThrow(MeasureError);
    expect(() => resolveLatencyOptions({ model: 'm.json', ...input })).toThrow(expected);
  });
});

describe('summarizeProfile', () => {
  it('groups by op, sorts by time, skips failed timers and op scopes', () => {
    const kernels = [
      { name: 'Add', kernelTimeMs: 1 },
      { name: 'Conv2D', kernelTimeMs: 3 },
      { name: 'Add', kernelTimeMs: 1 },
      { name: 'Relu', kernelTimeMs: { error: 'no timer' } },
      { name: 'fusedConv2d__op', kernelTimeMs: 3.5 },
    ];
    expect(summarizeProfile(kernels, 5)).toEqual([
      { op: 'Conv2D', calls: 1, totalMs: 3, share: 0.6 },
      { op: 'Add', calls: 2, totalMs: 2, share: 0.4 },
    ]);
  });
});

/** Milliseconds of every "(… ms)" part of a describeOps line, and of its p50. */
function shownMs(line: string): { parts: number[]; whole: number } {
  const toMs = (n: string, unit: string): number => Number(n) * (unit === 'µs' ? 1e-3 : unit === 's' ? 1000 : 1);
  const whole = /the ([\d.]+) (µs|ms|s) p50/.exec(line);
  const parts = [...line.matchAll(/% \(([\d.]+) (µs|ms|s)\)/g)].map((m) => toMs(m[1] ?? '', m[2] ?? ''));
  return { parts, whole: whole ? toMs(whole[1] ?? '', whole[2] ?? '') : Number.NaN };
}

describe('describeOps', () => {
  it('shows shares and per-inference parts that add up, not profiled kernel times beyond the inference', () => {
    // Profiled kernel times (171.5 ms of FusedConv2D) exceed the 58 ms p50: profiling reads every kernel back.
    const ops = summarizeProfile(
      [
        { name: 'FusedConv2D', kernelTimeMs: 171.5 },
        { name: 'FusedDepthwiseConv2D', kernelTimeMs: 30.1 },
        { name: 'Add', kernelTimeMs: 12.4 },
      ],
      5,
    );
    const line = describeOps(ops, 58);
    expect(line).toBe(
      'where the time goes (share of kernel time; its part of the 58 ms p50): FusedConv2D 80% (46.48 ms), FusedDepthwiseConv2D 14% (8.15 ms), Add 5% (3.36 ms)',
    );
    expect(line).not.toMatch(/171/);
  });

  it('parts never add up to more than the inference, shares never to more than 100%', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ name: fc.constantFrom('Conv2D', 'Add', 'Relu', 'MatMul', 'Mul', 'Pad'), kernelTimeMs: fc.double({ min: 0, max: 500, noNaN: true }) }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.double({ min: 0.01, max: 20_000, noNaN: true }),
        (kernels, p50) => {
          const line = describeOps(summarizeProfile(kernels, 10), p50);
          const { parts, whole } = shownMs(line);
          expect(parts.reduce((n, v) => n + v, 0)).toBeLessThanOrEqual(whole + 1e-9);
          const shares = [...line.matchAll(/ (\d+)% \(/g)].map((m) => Number(m[1]));
          expect(shares.reduce((n, v) => n + v, 0)).toBeLessThanOrEqual(100);
        },
      ),
    );
  });
});
