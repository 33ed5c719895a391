import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { resolveLatencyOptions, type LatencyOptions } from '../../../src/measure/latency/options.js';

describe('resolveLatencyOptions: defaults', () => {
  it('every default, and nothing else', () => {
    expect(resolveLatencyOptions({})).toEqual({
      model: 'model',
      warmupRuns: 5,
      warmupSeconds: 0.5,
      minRuns: 64,
      minSeconds: 1,
      maxSeconds: 30,
      timeoutSeconds: 120,
      profileOps: 10,
    });
  });

  it('an option given as undefined keeps its default; keys of a wider object are not taken', () => {
    // A wider options object (the A/B options) may carry undefined values and keys of its own.
    const wider = { minRuns: undefined, maxSeconds: 10, seed: 3 } as unknown as LatencyOptions;
    const resolved = resolveLatencyOptions(wider);
    expect(resolved.minRuns).toBe(64);
    expect(resolved.maxSeconds).toBe(10);
    expect(Object.keys(resolved)).not.toContain('seed');
  });
});

describe('resolveLatencyOptions: the edges of every range', () => {
  it.each<LatencyOptions>([
    { warmupRuns: 0 },
    { warmupRuns: 1_000_000 },
    { warmupSeconds: 0 },
    { warmupSeconds: 3600, maxSeconds: 3600 },
    { minRuns: 1 },
    { minRuns: 1_000_000 },
    { minSeconds: 0 },
    { minSeconds: 3600, maxSeconds: 3600 },
    { minSeconds: 2, maxSeconds: 2 },
    { maxSeconds: 0.001, minSeconds: 0 },
    { timeoutSeconds: 3600 },
    { timeoutSeconds: 0.5 },
    { profileOps: 0 },
    { profileOps: 1000 },
  ])('accepts %o', (options) => {
    expect(() => resolveLatencyOptions(options)).not.toThrow();
  });

  it.each<{ options: LatencyOptions; message: string }>([
    { options: { warmupRuns: 1_000_001 }, message: 'warmup is 1000001; it must be a whole number from 0 to 1000000' },
    { options: { warmupRuns: 0.5 }, message: 'warmup is 0.5; it must be a whole number from 0 to 1000000' },
    { options: { warmupSeconds: -0.1 }, message: 'warmup-seconds is -0.1; it must be 0 to 3600' },
    { options: { warmupSeconds: 3601 }, message: 'warmup-seconds is 3601; it must be 0 to 3600' },
    { options: { minRuns: 1_000_001 }, message: 'runs is 1000001; it must be a whole number from 1 to 1000000' },
    { options: { minRuns: 0 }, message: 'runs is 0; it must be a whole number from 1 to 1000000' },
    { options: { minSeconds: Number.POSITIVE_INFINITY }, message: 'min-seconds is Infinity; it must be 0 to 3600' },
    { options: { minSeconds: 3601, maxSeconds: 3600 }, message: 'min-seconds is 3601; it must be 0 to 3600' },
    { options: { maxSeconds: 3601 }, message: 'max-seconds is 3601; it must be above 0 and at most 3600' },
    { options: { maxSeconds: -1, minSeconds: 0 }, message: 'max-seconds is -1; it must be above 0 and at most 3600' },
    { options: { maxSeconds: 0, minSeconds: 0 }, message: 'max-seconds is 0; it must be above 0 and at most 3600' },
    { options: { minSeconds: 2, maxSeconds: 1.5 }, message: 'max-seconds is 1.5; it must be at least min-seconds (2)' },
    { options: { timeoutSeconds: 0 }, message: 'timeout is 0; it must be above 0 and at most 3600' },
    { options: { timeoutSeconds: 3601 }, message: 'timeout is 3601; it must be above 0 and at most 3600' },
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
