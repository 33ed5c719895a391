/**
 * The values the judge produces and every renderer (markdown, PR comment, report.json, trend record) consumes.
 * Plain, readonly data. Units: bytes for sizes and memory, milliseconds for times, fractions (0.1 = 10%) for
 * ratios and agreement, plain counts for flops and params, plain numbers for errors and cosine.
 */
import type { MetricUnit } from '../config/metrics.js';

export type MetricStatus = 'pass' | 'warn' | 'fail' | 'no-budget';
/** Overall verdict. `error`: the check could not run (config/model error). */
export type Verdict = 'pass' | 'warn' | 'fail' | 'error';
export type { MetricUnit };

export interface MetricResult {
  /** Metric key, the budget key: `size`, `gzip-size`, `latency.p90`, `accuracy.cosine`, … */
  readonly key: string;
  readonly unit: MetricUnit;
  /** The measured value of the model the budget applies to (the compressed one when compression is configured). */
  readonly value: number;
  /** Hard limit, when a budget sets one. */
  readonly limit?: number;
  /** Soft limit, when a budget sets one. */
  readonly warn?: number;
  /** `max`: the value must stay at or below the limit (sizes, times); `min`: at or above (cosine, agreement). */
  readonly direction: 'max' | 'min';
  readonly status: MetricStatus;
  /** One line saying what happened, e.g. `4.2 MB is over the 4 MB budget by 5.0%`. */
  readonly message: string;
  /** The same metric on the uncompressed original, when compression is configured. */
  readonly original?: number;
  /** The same metric on the base branch, when a base was measured. */
  readonly base?: number;
  /** Where the budget is written in model-budget.yml (for annotations). */
  readonly source?: { readonly file: string; readonly line: number; readonly column: number };
}

/** One weight tensor in the "what takes the space" table. */
export interface WeightShare {
  readonly name: string;
  readonly shape: readonly number[];
  /** Storage dtype: float32, int32, or the quantized dtype (uint8, uint16, float16). */
  readonly dtype: string;
  readonly bytes: number;
  /** Fraction of all weight bytes. */
  readonly share: number;
}

/** One weight's storage dtype as chosen by the mixed-precision search. */
export interface PrecisionChoice {
  readonly name: string;
  readonly elements: number;
  /** `uint8`, `uint16`, `float16` or `float32`. */
  readonly dtype: string;
  /** Max abs error of the outputs with only this weight at uint8; absent when not measured. */
  readonly sensitivity?: number;
}

/** One weight whose bytes changed against the base: added (no `baseBytes`), removed (no `bytes`), or resized. */
export interface WeightChange {
  readonly name: string;
  readonly bytes?: number;
  readonly baseBytes?: number;
  readonly dtype?: string;
  readonly baseDtype?: string;
}

export interface ModelReport {
  readonly name: string;
  /** Model path as written in the config. */
  readonly path: string;
  /** Absent when the model could not be loaded. */
  readonly format?: 'layers' | 'graph';
  readonly verdict: Exclude<Verdict, 'error'> | 'error';
  readonly metrics: readonly MetricResult[];
  /** Largest weights first. */
  readonly weights: readonly WeightShare[];
  /** Lines the renderers show under the table (compression summary, fallbacks, notes). */
  readonly notes: readonly string[];
  /** Set when this model could not be checked. */
  readonly error?: string;
  /** How the base branch relates: compared, new in this PR, or not comparable (with the reason). */
  readonly base?: BaseComparison;
  /** Storage dtype `compress: auto` chose for every weight, with its sensitivity when measured. */
  readonly precision?: readonly PrecisionChoice[];
  /** Weights whose stored bytes differ from the base branch's, largest change first (top 10). */
  readonly weightChanges?: readonly WeightChange[];
  /** Budgets this PR changed, e.g. size raised from 5 MB to 6 MB. */
  readonly budgetChanges?: readonly BudgetChange[];
  /** Interleaved A/B latency of this model against its baseline (base branch, else the uncompressed original). */
  readonly latencyComparison?: LatencyComparison;
}

/**
 * How the base commit was found: `merge-parent`, the first parent of GitHub's test merge (`refs/pull/N/merge`),
 * i.e. the base branch tip the PR was merged onto; `merge-base`, the merge base of the checked-out commit and the
 * base branch (a PR head checkout, or `check --base <ref>`).
 */
export type BaseKind = 'merge-parent' | 'merge-base';

export type BaseComparison =
  | {
      readonly status: 'compared';
      readonly ref: string;
      readonly kind?: BaseKind;
      /**
       * Set when the base's copy was compressed before comparing (shipped against shipped): with the base's own
       * `compress:` settings, or this PR's when the base's config does not name the model.
       */
      readonly compressedWith?: 'base-config' | 'head-config';
      /** The `compress:` settings, base → head, when this PR changes them (`none` when absent). */
      readonly compressChange?: { readonly from: string; readonly to: string };
    }
  | { readonly status: 'new' }
  | { readonly status: 'unavailable'; readonly reason: string };

export interface BudgetChange {
  readonly key: string;
  readonly unit: MetricUnit;
  /** Hard limit on the base branch (absent: no budget there). */
  readonly from?: number;
  /** Hard limit in this PR (absent: removed). */
  readonly to?: number;
}

export interface LatencyComparison {
  /** What the candidate was compared with. */
  readonly against: 'base' | 'original';
  /** Median candidate time / median baseline time. */
  readonly ratio: number;
  /** Bootstrap confidence interval of the ratio. */
  readonly ci: readonly [number, number];
  readonly confidence: number;
  /** The allowed increase, as a fraction (0.1 = 10%). */
  readonly threshold: number;
  readonly verdict: 'faster' | 'slower' | 'same' | 'inconclusive';
}

export interface Report {
  readonly schemaVersion: 1;
  readonly verdict: Verdict;
  /** Path of the config, relative to the working directory. */
  readonly config: string;
  readonly models: readonly ModelReport[];
  /** Runtime and machine the numbers come from (filled in when latency is measured). */
  readonly environment?: Environment;
  /** The leg of a job matrix the report was measured on (`linux-x64`, `macos-arm64-…-wasm`); see src/leg.ts. */
  readonly leg?: string;
  readonly tool: { readonly name: 'model-budget'; readonly version: string };
}

export interface Environment {
  readonly runtime: string;
  readonly runtimeVersion: string;
  readonly threads: number;
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
}
