import { describe, expect, test } from 'vitest';
import { ModelDeadline } from '../../../src/measure/deadline.js';
import { MeasureError } from '../../../src/errors.js';

// The one timeout racer: drift evaluations, FLOP counting and the latency loop's runs all go through it.
test('a promise that never settles fails with a MeasureError naming the model, the stage and the fix', async () => {
  const never = new Promise<number>(() => undefined);
  const error = await new ModelDeadline(20, 'net').race('measuring accuracy drift', () => never).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MeasureError);
  expect((error as Error).message).toBe(
    'net: the 0.02 s benchmark.timeout ran out at measuring accuracy drift; raise benchmark.timeout (it bounds every stage of one model) or use a smaller input shape',
  );
});

test('work that finishes in time passes its value (and its errors) through', async () => {
  const deadline = new ModelDeadline(1000, 'x');
  await expect(deadline.race('x', () => Promise.resolve(42))).resolves.toBe(42);
  await expect(deadline.race('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
});

test('an injected clock and timer drive the race; a caller words its own timeout error', async () => {
  let t = 0;
  const armed: number[] = [];
  const deadline = new ModelDeadline(500, 'net', {
    now: () => t,
    setTimer: (fire, ms) => {
      armed.push(ms);
      fire();
      return { cancel: () => undefined };
    },
  });
  t = 200;
  const own = (): MeasureError => new MeasureError('net: benchmarking did not finish');
  await expect(deadline.race('timing', () => new Promise(() => undefined), own)).rejects.toThrow('net: benchmarking did not finish');
  expect(armed).toEqual([300]);
  t = 500;
  expect(() => deadline.check('timing', own)).toThrow('net: benchmarking did not finish');
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
