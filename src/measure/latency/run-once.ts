/** One inference raced against the loop's deadline, with errors turned into `MeasureError`s naming the model. */
import { MeasureError, errorMessage, problem } from '../../errors.js';
import type { ModelDeadline } from '../deadline.js';

/** The error every timed-out model gets. */
export function timeoutError(model: string, timeoutMs: number): MeasureError {
  return new MeasureError(problem('measure/timeout', { model, seconds: timeoutMs / 1000 }));
}

/**
 * Returns a function that runs `runnable` once on `inputs`, rejecting with a `MeasureError` when the run throws or
 * `deadline` passes. The deadline's timer is real time, so a promise that never settles still ends.
 */
export function createRunOnce<I>(
  runnable: { run(inputs: I): Promise<unknown> },
  inputs: I,
  context: { model: string; timeoutMs: number; deadline: ModelDeadline },
): () => Promise<void> {
  const { model, timeoutMs, deadline } = context;
  const expired = (): MeasureError => timeoutError(model, timeoutMs);
  return async () => {
    try {
      await deadline.race('benchmarking', () => runnable.run(inputs), expired);
    } catch (error) {
      if (error instanceof MeasureError) throw error;
      throw new MeasureError(problem('runtime/inference-failed', { model, at: '', detail: errorMessage(error) }), { cause: error });
    }
  };
}
