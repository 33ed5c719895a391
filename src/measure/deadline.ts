import { MeasureError, problem } from '../errors.js';

/** A cancellable real-time timer. */
export type SetTimer = (callback: () => void, ms: number) => { cancel(): void };

/** `setTimeout` as a {@link SetTimer}. */
export function realTimer(callback: () => void, ms: number): { cancel(): void } {
  const handle = setTimeout(callback, ms);
  return { cancel: () => clearTimeout(handle) };
}

/** The clock and timer a {@link ModelDeadline} reads; both default to the real ones. */
export interface DeadlinePorts {
  /** Monotonic clock in ms. Default `performance.now()`. */
  readonly now?: () => number;
  /** Real-time timer for the race (a hung promise never advances a fake clock). Default `setTimeout`. */
  readonly setTimer?: SetTimer;
}

/**
 * A time budget and the one timeout racer: `benchmark.timeout` for one model, shared by every stage (loading,
 * compression — each `auto` evaluation —, drift, sizes, timing and FLOPs draw on the same clock, so a model cannot
 * finish at 125 s under a 120 s timeout), or a budget of its own (the latency loop, one drift evaluation).
 *
 * `race` bounds asynchronous work: a model that hangs in an asynchronous kernel fails with a MeasureError naming
 * the stage instead of hanging the whole check. A kernel that blocks the event loop cannot be interrupted by any
 * timer, except in a worker thread that the abort terminates (loading: src/formats/worker/). Other abandoned work
 * keeps running in the background; its result is dropped.
 */
export class ModelDeadline {
  readonly #end: number;
  readonly #now: () => number;
  readonly #setTimer: SetTimer;

  constructor(
    readonly timeoutMs: number,
    /** The model's name, for messages. */
    readonly model: string,
    /** The clock, or the clock and timer. Default the real ones. */
    ports: (() => number) | DeadlinePorts = {},
  ) {
    const p = typeof ports === 'function' ? { now: ports } : ports;
    this.#now = p.now ?? (() => performance.now());
    this.#setTimer = p.setTimer ?? realTimer;
    this.#end = this.#now() + timeoutMs;
  }

  /** Milliseconds left; 0 once the time is up. */
  remainingMs(): number {
    return Math.max(0, this.#end - this.#now());
  }

  /**
   * Throws a MeasureError naming the stage when the time is up before it starts. `expired` makes the error when the
   * caller words its own (the latency loop's names the options that bound it).
   */
  check(stage: string, expired: () => MeasureError = () => this.#expired(stage)): void {
    if (this.remainingMs() <= 0) throw expired();
  }

  /**
   * `work` bounded by the time left, failing with a message that names the stage (or `expired`'s). `work` gets a
   * signal that aborts, with that error as its reason, when the time runs out: work that can be stopped (a load
   * worker, terminated) stops there instead of running on in the background.
   */
  async race<T>(stage: string, work: (signal: AbortSignal) => Promise<T>, expired: () => MeasureError = () => this.#expired(stage)): Promise<T> {
    this.check(stage, expired);
    const abort = new AbortController();
    let timer: { cancel(): void } | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = this.#setTimer(() => {
        const error = expired();
        abort.abort(error);
        reject(error);
      }, this.remainingMs());
    });
    try {
      return await Promise.race([work(abort.signal), hang]);
    } finally {
      timer?.cancel();
    }
  }

  #expired(stage: string): MeasureError {
    return new MeasureError(problem('measure/timeout-at-stage', { model: this.model, seconds: +(this.timeoutMs / 1000).toFixed(3), stage }));
  }
}
