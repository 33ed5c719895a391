import { describe, expect, test } from 'vitest';
import { ModelDeadline, withDeadline } from '../../../src/measure/deadline.js';
import { MeasureError } from '../../../src/errors.js';

test('a promise that never settles fails with a MeasureError naming the work and the fix', async () => {
  const never = new Promise<number>(() => undefined);
  const error = await withDeadline(never, 20, 'net: measuring accuracy drift').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MeasureError);
  expect((error as Error).message).toBe('net: measuring accuracy drift did not finish within 0.02 s; raise benchmark.timeout or use a smaller input shape');
});

test('work that finishes in time passes its value (and its errors) through', async () => {
  await expect(withDeadline(Promise.resolve(42), 1000, 'x')).resolves.toBe(42);
  await expect(withDeadline(Promise.reject(new Error('boom')), 1000, 'x')).rejects.toThrow('boom');
});

describe('ModelDeadline', () => {
  test('every stage draws on one clock; a stage that starts after the time is up is refused, named', () => {
    let t = 1000;
    const deadline = new ModelDeadline(120_000, 'net', () => t);
    expect(deadline.remainingMs()).toBe(120_000);
    t += 100_000;
    expect(deadline.remainingMs()).toBe(20_000);
    expect(() => deadline.check('timing')).not.toThrow();
    t += 25_000;
    expect(deadline.remainingMs()).toBe(0);
    expect(() => deadline.check('counting FLOPs')).toThrow(
      'net: the 120 s benchmark.timeout ran out at counting FLOPs; raise benchmark.timeout (it bounds every stage of one model) or use a smaller input shape',
    );
  });

  test('a stage that runs past the time left fails with the timeout message', async () => {
    const deadline = new ModelDeadline(30, 'net');
    const error = await deadline.race('auto evaluation 7', () => new Promise<number>(() => undefined)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeasureError);
    expect((error as Error).message).toMatch(/^net: the 0\.03 s benchmark\.timeout ran out at auto evaluation 7;/);
  });

  test("a stage's own error passes through while time is left", async () => {
    const deadline = new ModelDeadline(60_000, 'net');
    await expect(deadline.race('loading', () => Promise.reject(new MeasureError('bad shard')))).rejects.toThrow('bad shard');
    await expect(deadline.race('loading', () => Promise.resolve(7))).resolves.toBe(7);
  });
});
