/**
 * In-job A/B: baseline and candidate loaded in one process and timed in interleaved rounds, the order inside each
 * round drawn from a seeded PRNG, so drift of the machine (thermal, noisy neighbours, CI jitter) hits both alike.
 * The result is the ratio of medians with a paired bootstrap confidence interval and a verdict against a threshold.
 */
import type { LatencyComparison } from '../../report/types.js';
import { abVerdict, bootstrapRatioCI, seededRandom, summarize, type LatencySummary } from '../stats.js';
import type { LoopPorts, Runnable } from './loop.js';
import { resolveLatencyOptions, type LatencyOptions } from './options.js';
import { ModelDeadline, realTimer } from '../deadline.js';
import { createRunOnce } from './run-once.js';

/** One side of the comparison: what to run and on what (the caller owns the inputs). */
export interface AbSide<I = unknown> {
  readonly runnable: Runnable<I>;
  readonly inputs: I;
  /** Name for error messages, e.g. the model path. */
  readonly name: string;
}

/** Options of {@link compareLatency}. Loop options apply per round (`minRuns` = rounds). */
export interface AbOptions extends Omit<LatencyOptions, 'profileOps' | 'model'> {
  /** Seed of the run order and the bootstrap. Default 1. */
  readonly seed?: number;
  /** Allowed increase as a fraction (0.1 = 10%): `latency.increase` / `--max-increase`. Default 0.1. */
  readonly threshold?: number;
  /** Two-sided confidence of the interval. Default 0.95. */
  readonly confidence?: number;
  /** Bootstrap resamples. Default 2000. */
  readonly resamples?: number;
  /**
   * Percentile compared (nearest rank). Default 50, the ratio of medians. 25 resists CPU contention better
   * (see docs/latency.md).
   */
  readonly quantile?: number;
  /** What the baseline is, for the report. Default `base`. */
  readonly against?: LatencyComparison['against'];
}

/** Result of {@link compareLatency}: the report's `LatencyComparison` plus both distributions. Times in ms. */
export interface AbResult {
  readonly comparison: LatencyComparison;
  readonly baseline: LatencySummary;
  readonly candidate: LatencySummary;
  /** Rounds timed (each round runs both once). */
  readonly rounds: number;
  readonly baselineMs: readonly number[];
  readonly candidateMs: readonly number[];
  /** `max-seconds`: the cap stopped the rounds before `minRuns`. */
  readonly stoppedBy: 'min-runs-and-seconds' | 'max-seconds';
  readonly seed: number;
  /** The percentile compared (50: medians). */
  readonly quantile: number;
}

/**
 * Times `baseline` and `candidate` in interleaved rounds and judges the ratio median(candidate)/median(baseline).
 * Warm-up runs both alternately; then each round runs both once in a seeded random order, until `minRuns` rounds AND
 * `minMs` have passed (capped by `maxMs`). `timeoutMs` bounds the whole comparison.
 * Throws `MeasureError` naming the side that failed or hung.
 */
export async function compareLatency<B, C>(
  baseline: AbSide<B>,
  candidate: AbSide<C>,
  options: AbOptions = {},
  ports: Pick<LoopPorts, 'now' | 'setTimer'> = {},
): Promise<AbResult> {
  const o = resolveLatencyOptions({ ...options, model: candidate.name, profileOps: 0 });
  const seed = options.seed ?? 1;
  const threshold = options.threshold ?? 0.1;
  const confidence = options.confidence ?? 0.95;
  const now = ports.now ?? (() => performance.now());
  const setTimer = ports.setTimer ?? realTimer;
  const random = seededRandom(seed);

  const deadline = new ModelDeadline(o.timeoutMs, candidate.name, { now, setTimer });
  const common = { timeoutMs: o.timeoutMs, deadline };
  const runBase = createRunOnce(baseline.runnable, baseline.inputs, { ...common, model: baseline.name });
  const runCand = createRunOnce(candidate.runnable, candidate.inputs, { ...common, model: candidate.name });

  const warmStart = now();
  // At least one pair: the first inference (compilation, weight upload) is never a sample.
  for (let i = 0; i < Math.max(1, o.warmupRuns) || now() - warmStart < o.warmupMs; i++) {
    await runBase();
    await runCand();
  }

  const baselineMs: number[] = [];
  const candidateMs: number[] = [];
  const timed = async (run: () => Promise<void>, into: number[]): Promise<void> => {
    const t0 = now();
    await run();
    into.push(now() - t0);
  };
  const start = now();
  let stoppedBy: AbResult['stoppedBy'] = 'min-runs-and-seconds';
  for (;;) {
    const elapsed = now() - start;
    if (baselineMs.length >= o.minRuns && elapsed >= o.minMs) break;
    if (baselineMs.length >= 1 && elapsed >= o.maxMs) {
      stoppedBy = 'max-seconds';
      break;
    }
    if (random() < 0.5) {
      await timed(runBase, baselineMs);
      await timed(runCand, candidateMs);
    } else {
      await timed(runCand, candidateMs);
      await timed(runBase, baselineMs);
    }
  }

  const interval = bootstrapRatioCI(baselineMs, candidateMs, {
    seed,
    confidence,
    paired: true,
    ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
    ...(options.quantile === undefined ? {} : { quantile: options.quantile }),
  });
  return {
    comparison: {
      against: options.against ?? 'base',
      ratio: interval.ratio,
      ci: interval.ci,
      confidence,
      threshold,
      verdict: abVerdict(interval.ci, threshold),
    },
    baseline: summarize(baselineMs),
    candidate: summarize(candidateMs),
    rounds: baselineMs.length,
    baselineMs,
    candidateMs,
    stoppedBy,
    seed,
    quantile: options.quantile ?? 50,
  };
}
