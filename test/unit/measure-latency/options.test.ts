import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { resolveLatencyOptions, type LatencyOptions } from '../../../src/measure/latency/options.js';

describe('resolveLatencyOptions: defaults', () => {
  it('every default, and nothing else', () => {
    expect(resolveLatencyOptions({})).toEqual({
      model: 'model',
      warmupRuns: 5,
      warmupMs: 500,
      minRuns: 64,
      minMs: 1000,
      maxMs: 30_000,
      timeoutMs: 120_000,
      profileOps: 10,
    });
  });

  it('an option given as undefined keeps its default; keys of a wider object are not taken', () => {
    // A wider options object (the A/B options) may carry undefined values and keys of its own.
    const wider = { minRuns: undefined, maxMs: 10_000, seed: 3 } as unknown as LatencyOptions;
    const resolved = resolveLatencyOptions(wider);
    expect(resolved.minRuns).toBe(64);
    expect(resolved.maxMs).toBe(10_000);
    expect(Object.keys(resolved)).not.toContain('seed');
  });
});

describe('resolveLatencyOptions: the edges of every range', () => {
  it.each<LatencyOptions>([
    { warmupRuns: 0 },
    { warmupRuns: 1_000_000 },
    { warmupMs: 0 },
    { warmupMs: 3_600_000, maxMs: 3_600_000 },
    { minRuns: 1 },
    { minRuns: 1_000_000 },
    { minMs: 0 },
    { minMs: 3_600_000, maxMs: 3_600_000 },
    { minMs: 2000, maxMs: 2000 },
    { maxMs: 1, minMs: 0 },
    { timeoutMs: 3_600_000 },
    { timeoutMs: 500 },
    { profileOps: 0 },
    { profileOps: 1000 },
  ])('accepts %o', (options) => {
    expect(() => resolveLatencyOptions(options)).not.toThrow();
  });

  it.each<{ options: LatencyOptions; message: string }>([
    { options: { warmupRuns: 1_000_001 }, message: 'warmup is 1000001; it must be a whole number from 0 to 1000000' },
    { options: { warmupRuns: 0.5 }, message: 'warmup is 0.5; it must be a whole number from 0 to 1000000' },
    { options: { warmupMs: -100 }, message: 'warmup-seconds is -0.1; it must be 0 to 3600' },
    { options: { warmupMs: 3_601_000 }, message: 'warmup-seconds is 3601; it must be 0 to 3600' },
    { options: { minRuns: 1_000_001 }, message: 'runs is 1000001; it must be a whole number from 1 to 1000000' },
    { options: { minRuns: 0 }, message: 'runs is 0; it must be a whole number from 1 to 1000000' },
    { options: { minMs: Number.POSITIVE_INFINITY }, message: 'min-seconds is Infinity; it must be 0 to 3600' },
    { options: { minMs: 3_601_000, maxMs: 3_600_000 }, message: 'min-seconds is 3601; it must be 0 to 3600' },
    { options: { maxMs: 3_601_000 }, message: 'max-seconds is 3601; it must be above 0 and at most 3600' },
    { options: { maxMs: -1000, minMs: 0 }, message: 'max-seconds is -1; it must be above 0 and at most 3600' },
    { options: { maxMs: 0, minMs: 0 }, message: 'max-seconds is 0; it must be above 0 and at most 3600' },
    { options: { minMs: 2000, maxMs: 1500 }, message: 'max-seconds is 1.5; it must be at least min-seconds (2)' },
    { options: { timeoutMs: 0 }, message: 'timeout is 0; it must be above 0 and at most 3600' },
    { options: { timeoutMs: 3_601_000 }, message: 'timeout is 3601; it must be above 0 and at most 3600' },
    { options: { profileOps: -1 }, message: 'profile-ops is -1; it must be a whole number from 0 to 1000' },
    { options: { profileOps: 1001 }, message: 'profile-ops is 1001; it must be a whole number from 0 to 1000' },
    { options: { profileOps: 2.5 }, message: 'profile-ops is 2.5; it must be a whole number from 0 to 1000' },
  ])('rejects $options, naming the model and the option', ({ options, message }) => {
    const error = (() => {
      try {
        resolveLatencyOptions({ model: 'net/model.json', ...options });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MeasureError);
    expect((error as Error).message).toBe(`net/model.json: benchmark option ${message}`);
  });
});
