/**
 * The trend history's data: one record per model per recorded run, stored as one JSON line in the data branch.
 * Plain, readonly values; units as in `src/report/types.ts` (bytes, ms, fraction, count).
 */
import type { Environment, MetricUnit } from '../report/types.js';

/** The record schema this tool writes and understands. Lines with a higher version are kept verbatim. */
export const TREND_SCHEMA_VERSION = 1;

/** One metric as recorded: its value, unit and (when a budget set one) its hard limit. */
export interface TrendMetric {
  readonly value: number;
  readonly unit: MetricUnit;
  /** Hard limit in force when the record was made (drawn as the budget line). */
  readonly limit?: number;
}

/** One model's measurements at one commit. */
export interface TrendRecord {
  readonly schemaVersion: typeof TREND_SCHEMA_VERSION;
  /** Model name as written in the config (the file key of the history). */
  readonly model: string;
  /** Full commit sha the numbers belong to. */
  readonly sha: string;
  /** Git ref the run was for, e.g. `refs/heads/main`. */
  readonly ref: string;
  /** ISO-8601 time of the commit (or of the run when the commit time is unknown). */
  readonly date: string;
  /** Hash of the config that produced the numbers; a change explains a step in the chart. */
  readonly configHash: string;
  /** Every metric of the model, by metric key (`size`, `latency.p50`, `accuracy.cosine`, …). */
  readonly metrics: Readonly<Record<string, TrendMetric>>;
  /** Runtime and machine of the timings; absent when latency was not measured. */
  readonly environment?: Environment;
  /** Leg of a job matrix the numbers were measured on: each leg is its own series. Absent in older records. */
  readonly leg?: string;
  /** model-budget version that wrote the record. */
  readonly tool: string;
  /** True when an earlier record for the same sha and leg already existed (a re-run of the same commit). */
  readonly rerun: boolean;
}

/** Where a record came from: the commit and config of the run. */
export interface TrendContext {
  readonly sha: string;
  readonly ref: string;
  /** ISO-8601 date. */
  readonly date: string;
  readonly configHash: string;
}

/** Where trend messages go (the Action passes @actions/core, the CLI stderr). */
export interface TrendLog {
  readonly info: (message: string) => void;
  readonly warning: (message: string) => void;
}

/** One model's history as read back: valid records oldest first, plus what was skipped and why. */
export interface ModelHistory {
  readonly model: string;
  readonly records: readonly TrendRecord[];
  /** Lines that were not valid JSON or not a record (skipped on read, kept in the file). */
  readonly corrupt: number;
  /** Lines written by a newer schema version (skipped on read, kept in the file). */
  readonly newer: number;
  /** True when the file was larger than the read cap and only its tail was read. */
  readonly truncated: boolean;
}
