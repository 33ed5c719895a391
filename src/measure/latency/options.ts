/** Options of the benchmark loop, their defaults, and their validation. */
import { BENCHMARK_DEFAULTS } from '../../config/schema.js';
import { MeasureError, problem } from '../../errors.js';

/** Options of {@link runLatencyLoop} (from `benchmark:` in model-budget.yml). Times in milliseconds, as everywhere. */
export interface LatencyOptions {
  /** Name used in error messages. Default `model`. */
  readonly model?: string;
  /**
   * Warm-up runs, the first inference included. Default 5. The first inference always runs and is never a sample
   * (it is reported as `firstInferenceMs`), so 0 and 1 mean the same.
   */
  readonly warmupRuns?: number;
  /** Keep warming up until this much time has passed too, in ms. Default 500 (0.5 s). */
  readonly warmupMs?: number;
  /** Timed runs at least. Default 64 (MLPerf's minimum for a p90 estimate). */
  readonly minRuns?: number;
  /** Time the timed phase lasts at least, in ms. Default 1000 (TFLite benchmark_model's `min_secs` of 1 s). */
  readonly minMs?: number;
  /** Cap on the timed phase in ms: stop here even below `minRuns` (at least one run is always made). Default 30,000. */
  readonly maxMs?: number;
  /** Per-model limit on everything (warm-up, timed runs, profile) in ms; past it the model fails, the check goes on. Default 120,000. */
  readonly timeoutMs?: number;
  /** Top-N ops by kernel time of the profiled run (which always runs, for peak memory); 0 lists none. Default 10. */
  readonly profileOps?: number;
}

export type ResolvedLatencyOptions = Required<LatencyOptions>;

/** Defaults of the loop: the config's `benchmark:` defaults (one source: `BENCHMARK_DEFAULTS`). */
export const LATENCY_DEFAULTS: ResolvedLatencyOptions = {
  model: 'model',
  warmupRuns: BENCHMARK_DEFAULTS.warmup,
  warmupMs: BENCHMARK_DEFAULTS['warmup-seconds'],
  minRuns: BENCHMARK_DEFAULTS.runs,
  minMs: BENCHMARK_DEFAULTS['min-seconds'],
  maxMs: BENCHMARK_DEFAULTS['max-seconds'],
  timeoutMs: BENCHMARK_DEFAULTS.timeout,
  profileOps: 10,
};

const MAX_RUNS = 1_000_000;
/** Longest any time option may be: 1 h. Messages give times in seconds, as the option keys (`min-seconds`) say. */
const MAX_MS = 3_600_000;
const MAX_SECONDS = MAX_MS / 1000;

function check(ok: boolean, model: string, key: string, value: number, rule: string): void {
  if (!ok) {
    throw new MeasureError(problem('measure/benchmark-option', { model, key, value: String(value), rule }));
  }
}

/** Fills in defaults and rejects runs / seconds that are ≤ 0, fractional or absurd, naming the option. */
export function resolveLatencyOptions(options: LatencyOptions): ResolvedLatencyOptions {
  const o: ResolvedLatencyOptions = { ...LATENCY_DEFAULTS, ...stripUndefined(options) };
  const runs = (v: number): boolean => Number.isInteger(v) && v <= MAX_RUNS;
  const time = (v: number): boolean => Number.isFinite(v) && v <= MAX_MS;
  const s = (ms: number): number => ms / 1000;
  check(runs(o.warmupRuns) && o.warmupRuns >= 0, o.model, 'warmup', o.warmupRuns, `a whole number from 0 to ${MAX_RUNS}`);
  check(time(o.warmupMs) && o.warmupMs >= 0, o.model, 'warmup-seconds', s(o.warmupMs), `0 to ${MAX_SECONDS}`);
  check(runs(o.minRuns) && o.minRuns >= 1, o.model, 'runs', o.minRuns, `a whole number from 1 to ${MAX_RUNS}`);
  check(time(o.minMs) && o.minMs >= 0, o.model, 'min-seconds', s(o.minMs), `0 to ${MAX_SECONDS}`);
  check(time(o.maxMs) && o.maxMs > 0, o.model, 'max-seconds', s(o.maxMs), `above 0 and at most ${MAX_SECONDS}`);
  check(o.maxMs >= o.minMs, o.model, 'max-seconds', s(o.maxMs), `at least min-seconds (${s(o.minMs)})`);
  check(time(o.timeoutMs) && o.timeoutMs > 0, o.model, 'timeout', s(o.timeoutMs), `above 0 and at most ${MAX_SECONDS}`);
  check(Number.isInteger(o.profileOps) && o.profileOps >= 0 && o.profileOps <= 1000, o.model, 'profile-ops', o.profileOps, 'a whole number from 0 to 1000');
  return o;
}

/** The loop's own keys of `value` that are set (callers may pass a wider options object). */
function stripUndefined(value: LatencyOptions): Partial<ResolvedLatencyOptions> {
  const keys = Object.keys(LATENCY_DEFAULTS) as (keyof LatencyOptions)[];
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]]));
}
