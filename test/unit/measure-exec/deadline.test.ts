import { expect, test } from 'vitest';
import { withDeadline } from '../../../src/measure/deadline.js';
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
