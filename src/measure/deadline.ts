import { MeasureError } from '../errors.js';

/**
 * `work` raced against a real-time timer: a model that hangs in an asynchronous kernel fails with a MeasureError
 * naming what it was doing instead of hanging the whole check. (A kernel that blocks the event loop cannot be
 * interrupted by any timer.) The abandoned promise keeps running in the background; its result is dropped.
 */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new MeasureError(`${what} did not finish within ${timeoutMs / 1000} s; raise benchmark.timeout or use a smaller input shape`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
