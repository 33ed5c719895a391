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

/**
 * One model's time budget (`benchmark.timeout`), shared by every stage: loading, compression (each `auto`
 * evaluation), drift, sizes, timing and FLOPs all draw on the same clock, so a model cannot finish at 125 s under a
 * 120 s timeout. `now` is injectable for tests.
 */
export class ModelDeadline {
  readonly #end: number;

  constructor(
    readonly timeoutMs: number,
    /** The model's name, for messages. */
    readonly model: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#end = now() + timeoutMs;
  }

  /** Milliseconds left; 0 once the time is up. */
  remainingMs(): number {
    return Math.max(0, this.#end - this.now());
  }

  /** Throws a MeasureError naming the stage when the time is up before it starts. */
  check(stage: string): void {
    if (this.remainingMs() <= 0) throw this.#expired(stage);
  }

  /** `work` bounded by the time left, failing with a message that names the stage. */
  async race<T>(stage: string, work: () => Promise<T>): Promise<T> {
    this.check(stage);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.#expired(stage)), this.remainingMs());
    });
    try {
      return await Promise.race([work(), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  #expired(stage: string): MeasureError {
    return new MeasureError(
      `${this.model}: the ${+(this.timeoutMs / 1000).toFixed(3)} s benchmark.timeout ran out at ${stage}; raise benchmark.timeout (it bounds every stage of one model) or use a smaller input shape`,
    );
  }
}
