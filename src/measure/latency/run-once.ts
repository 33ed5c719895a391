/** One inference raced against the per-model deadline, with errors turned into `MeasureError`s naming the model. */
import type * as tf from '@tensorflow/tfjs';
import { MeasureError, errorMessage } from '../../errors.js';

/** A cancellable real-time timer. */
export type SetTimer = (callback: () => void, ms: number) => { cancel(): void };

/** `setTimeout` as a {@link SetTimer}. */
export function realTimer(callback: () => void, ms: number): { cancel(): void } {
  const handle = setTimeout(callback, ms);
  return { cancel: () => clearTimeout(handle) };
}

/** The error every timed-out model gets. */
export function timeoutError(model: string, timeoutMs: number): MeasureError {
  return new MeasureError(
    `${model}: benchmarking did not finish within the ${timeoutMs / 1000} s timeout; ` +
      'raise benchmark.timeout, lower benchmark.runs / max-seconds, or use a smaller input shape',
  );
}

/**
 * Returns a function that runs `runnable` once on `inputs`, rejecting with a `MeasureError` when the run throws or
 * `deadline` (on the `now` clock, ms) passes. The timer is real time, so a promise that never settles still ends.
 */
export function createRunOnce(
  runnable: { run(inputs: readonly tf.Tensor[]): Promise<unknown> },
  inputs: readonly tf.Tensor[],
  context: { model: string; timeoutMs: number; deadline: number; now: () => number; setTimer: SetTimer },
): () => Promise<void> {
  const { model, timeoutMs, deadline, now, setTimer } = context;
  return async () => {
    const left = deadline - now();
    if (left <= 0) throw timeoutError(model, timeoutMs);
    let timer: { cancel(): void } | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimer(() => reject(timeoutError(model, timeoutMs)), left);
    });
    try {
      await Promise.race([runnable.run(inputs), hang]);
    } catch (error) {
      if (error instanceof MeasureError) throw error;
      throw new MeasureError(`${model}: inference failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      timer?.cancel();
    }
  };
}
