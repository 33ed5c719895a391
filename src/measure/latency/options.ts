/** Options of the benchmark loop, their defaults, and their validation. */
import { MeasureError, problem } from '../../errors.js';

/** Options of {@link runLatencyLoop} (from `benchmark:` in model-budget.yml). Times in seconds. */
export interface LatencyOptions {
  /** Name used in error messages. Default `model`. */
  readonly model?: string;
  /**
   * Warm-up runs, the first inference included. Default 5. The first inference always runs and is never a sample
   * (it is reported as `firstInferenceMs`), so 0 and 1 mean the same.
   */
  readonly warmupRuns?: number;
  /** Keep warming up until this much time has passed too. Default 0.5 s. */
  readonly warmupSeconds?: number;
  /** Timed runs at least. Default 64 (MLPerf's minimum for a p90 estimate). */
  readonly minRuns?: number;
  /** Time the timed phase lasts at least. Default 1 s (TFLite benchmark_model's `min_secs`). */
  readonly minSeconds?: number;
  /** Cap on the timed phase: stop here even below `minRuns` (at least one run is always made). Default 30 s. */
  readonly maxSeconds?: number;
  /** Per-model limit on everything (warm-up, timed runs, profile); past it the model fails, the check goes on. Default 120 s. */
  readonly timeoutSeconds?: number;
  /** Top-N ops by kernel time of the profiled run (which always runs, for peak memory); 0 lists none. Default 10. */
  readonly profileOps?: number;
}

export type ResolvedLatencyOptions = Required<LatencyOptions>;

/** Defaults of the loop; the config schema repeats them for documentation. */
export const LATENCY_DEFAULTS: ResolvedLatencyOptions = {
  model: 'model',
  warmupRuns: 5,
  warmupSeconds: 0.5,
  minRuns: 64,
  minSeconds: 1,
  maxSeconds: 30,
  timeoutSeconds: 120,
  profileOps: 10,
};

const MAX_RUNS = 1_000_000;
const MAX_SECONDS = 3600;

function check(ok: boolean, model: string, key: string, value: number, rule: string): void {
  if (!ok) {
    throw new MeasureError(problem('measure/benchmark-option', { model, key, value: String(value), rule }));
  }
}

/** Fills in defaults and rejects runs / seconds that are ≤ 0, fractional or absurd, naming the option. */
export function resolveLatencyOptions(options: LatencyOptions): ResolvedLatencyOptions {
  const o: ResolvedLatencyOptions = { ...LATENCY_DEFAULTS, ...stripUndefined(options) };
  const runs = (v: number): boolean => Number.isInteger(v) && v <= MAX_RUNS;
  const secs = (v: number): boolean => Number.isFinite(v) && v <= MAX_SECONDS;
  check(runs(o.warmupRuns) && o.warmupRuns >= 0, o.model, 'warmup', o.warmupRuns, `a whole number from 0 to ${MAX_RUNS}`);
  check(secs(o.warmupSeconds) && o.warmupSeconds >= 0, o.model, 'warmup-seconds', o.warmupSeconds, `0 to ${MAX_SECONDS}`);
  check(runs(o.minRuns) && o.minRuns >= 1, o.model, 'runs', o.minRuns, `a whole number from 1 to ${MAX_RUNS}`);
  check(secs(o.minSeconds) && o.minSeconds >= 0, o.model, 'min-seconds', o.minSeconds, `0 to ${MAX_SECONDS}`);
  check(secs(o.maxSeconds) && o.maxSeconds > 0, o.model, 'max-seconds', o.maxSeconds, `above 0 and at most ${MAX_SECONDS}`);
  check(o.maxSeconds >= o.minSeconds, o.model, 'max-seconds', o.maxSeconds, `at least min-seconds (${o.minSeconds})`);
  check(secs(o.timeoutSeconds) && o.timeoutSeconds > 0, o.model, 'timeout', o.timeoutSeconds, `above 0 and at most ${MAX_SECONDS}`);
  check(Number.isInteger(o.profileOps) && o.profileOps >= 0 && o.profileOps <= 1000, o.model, 'profile-ops', o.profileOps, 'a whole number from 0 to 1000');
  return o;
}

/** The loop's own keys of `value` that are set (callers may pass a wider options object). */
function stripUndefined(value: LatencyOptions): Partial<ResolvedLatencyOptions> {
  const keys = Object.keys(LATENCY_DEFAULTS) as (keyof LatencyOptions)[];
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]]));
}
