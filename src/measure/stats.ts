/**
 * Pure statistics for latency samples: summaries, a seeded bootstrap confidence interval of the ratio of medians,
 * and the A/B verdict. No I/O, no clock: everything here takes numbers and returns numbers.
 */

/** Summary of one latency distribution. All times in milliseconds. */
export interface LatencySummary {
  /** Number of samples. */
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1 in the denominator; 0 for a single sample). */
  readonly std: number;
  /** Coefficient of variation, std / mean (a fraction; 0 when the mean is 0). */
  readonly cv: number;
  /** Percentiles by nearest rank: the value at rank ⌈p/100 · n⌉ of the sorted samples (always a measured value). */
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  /** Median absolute deviation from the median (unscaled: multiply by 1.4826 to estimate σ of a normal). */
  readonly mad: number;
}

/** A/B verdict of a candidate against a baseline. */
export type AbVerdict = 'faster' | 'slower' | 'same' | 'inconclusive';

function sortedCopy(values: readonly number[]): Float64Array {
  const out = Float64Array.from(values);
  out.sort();
  return out;
}

function requireSamples(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what}: no samples`);
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`${what}: sample ${String(v)} is not a finite number`);
  }
}

/**
 * Percentile `p` (0–100) of already sorted values by nearest rank: rank ⌈p/100 · n⌉, clamped to [1, n].
 * Nearest rank never interpolates, so p90 of 64 runs is the 58th fastest run, a time that really happened.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${String(p)} is outside 0–100`);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Percentile `p` (0–100) by nearest rank; see {@link percentileSorted}. */
export function percentile(values: readonly number[], p: number): number {
  requireSamples(values, 'percentile');
  return percentileSorted(sortedCopy(values), p);
}

/**
 * Median by nearest rank: the lower middle value for an even count, so it is always a measured value. Latency
 * summaries, the latency A/B and drift (cosine median) use it. Compare {@link midpointMedian}.
 */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * Midpoint median: the mean of the two middle values for an even count (undefined for none). Trend budgets use it
 * as the baseline a new value is compared with: it is the centre of a few recorded runs, not one of them, and an
 * even count of history points does not tilt the baseline towards the faster half.
 */
export function midpointMedian(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = sortedCopy(values);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/** min, mean, std, CV, p50/p90/p95/p99 (nearest rank) and MAD of latency samples in ms. */
export function summarize(samplesMs: readonly number[]): LatencySummary {
  requireSamples(samplesMs, 'summarize');
  const sorted = sortedCopy(samplesMs);
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of sorted) squares += (v - mean) ** 2;
  const std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  const p50 = percentileSorted(sorted, 50);
  const deviations = sortedCopy(samplesMs.map((v) => Math.abs(v - p50)));
  return {
    n,
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    mean,
    std,
    cv: mean === 0 ? 0 : std / mean,
    p50,
    p90: percentileSorted(sorted, 90),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    mad: percentileSorted(deviations, 50),
  };
}

/** A seeded PRNG (mulberry32) returning floats in [0, 1). Same seed, same sequence, on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link bootstrapRatioCI}. */
export interface BootstrapOptions {
  /** PRNG seed; the same seed and samples give the same interval. Default 1. */
  readonly seed?: number;
  /** Number of bootstrap resamples. Default 2000. */
  readonly resamples?: number;
  /** Two-sided confidence level, a fraction. Default 0.95. */
  readonly confidence?: number;
  /**
   * Resample whole rounds (pairs `baseline[i]`, `candidate[i]`) instead of each side on its own. Use it when the two
   * were timed interleaved: a slow moment of the machine hits both sides of a round, and pairing keeps that shared
   * noise out of the interval. Needs equal lengths. Default false.
   */
  readonly paired?: boolean;
  /**
   * The percentile (nearest rank, 0–100) compared. Default 50: the ratio of medians. A lower one (25) is steadier on
   * an oversubscribed machine, where times split into "had the CPU" and "was preempted" and the median can fall
   * between the two.
   */
  readonly quantile?: number;
}

/** A ratio of medians with its bootstrap percentile interval. */
export interface RatioInterval {
  /** median(candidate) / median(baseline) (or the ratio of the chosen `quantile`). */
  readonly ratio: number;
  readonly ci: readonly [number, number];
  readonly confidence: number;
}

function quantileOfIndices(values: readonly number[], indices: Uint32Array, scratch: Float64Array, q: number): number {
  for (let i = 0; i < indices.length; i++) scratch[i] = values[indices[i] as number] as number;
  scratch.sort();
  return percentileSorted(scratch, q);
}

/**
 * Ratio of medians (candidate / baseline) with a seeded percentile-bootstrap confidence interval.
 * Each resample draws n values with replacement from each side (or n whole rounds when `paired`), and the interval
 * is the (1 − confidence)/2 and (1 + confidence)/2 quantiles of the resampled ratios.
 */
export function bootstrapRatioCI(baseline: readonly number[], candidate: readonly number[], options: BootstrapOptions = {}): RatioInterval {
  requireSamples(baseline, 'bootstrap baseline');
  requireSamples(candidate, 'bootstrap candidate');
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const paired = options.paired ?? false;
  const q = options.quantile ?? 50;
  if (!(q >= 0 && q <= 100)) throw new RangeError(`quantile ${String(q)} is outside 0–100`);
  if (!Number.isInteger(resamples) || resamples < 100) throw new RangeError('bootstrap needs ≥ 100 resamples');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must lie strictly between 0 and 1');
  if (paired && baseline.length !== candidate.length) {
    throw new RangeError(`paired bootstrap needs equal sample counts, got ${baseline.length} and ${candidate.length}`);
  }
  const random = seededRandom(options.seed ?? 1);
  const nb = baseline.length;
  const nc = candidate.length;
  const ib = new Uint32Array(nb);
  const ic = new Uint32Array(nc);
  const sb = new Float64Array(nb);
  const sc = new Float64Array(nc);
  const ratios = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < nb; i++) ib[i] = Math.floor(random() * nb);
    if (paired) ic.set(ib);
    else for (let i = 0; i < nc; i++) ic[i] = Math.floor(random() * nc);
    ratios[r] = quantileOfIndices(candidate, ic, sc, q) / quantileOfIndices(baseline, ib, sb, q);
  }
  ratios.sort();
  const alpha = (1 - confidence) / 2;
  return {
    ratio: percentile(candidate, q) / percentile(baseline, q),
    ci: [percentileSorted(ratios, alpha * 100), percentileSorted(ratios, (1 - alpha) * 100)],
    confidence,
  };
}

/**
 * The A/B verdict for a ratio interval and an allowed increase `threshold` (a fraction, 0.1 = 10%).
 * The band of "no meaningful change" is [1/(1+t), 1+t] — symmetric on a log scale, so "10% slower" and
 * "10% faster" mean the same distance:
 * - `slower`: the whole interval lies above 1+t;
 * - `faster`: the whole interval lies below 1/(1+t);
 * - `same`: the whole interval lies inside the band (bounds included);
 * - `inconclusive`: the interval straddles a band edge — the data cannot tell.
 */
export function abVerdict(ci: readonly [number, number], threshold: number): AbVerdict {
  if (!(threshold >= 0) || !Number.isFinite(threshold)) throw new RangeError('threshold must be a fraction ≥ 0');
  const [lo, hi] = ci;
  const upper = 1 + threshold;
  const lower = 1 / upper;
  if (lo > upper) return 'slower';
  if (hi < lower) return 'faster';
  if (lo >= lower && hi <= upper) return 'same';
  return 'inconclusive';
}
