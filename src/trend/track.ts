/**
 * The Action's entry points into trend tracking: record this run on the default branch, read the history for a
 * PR. Neither throws for git or permission problems; they log a warning and return, so the history can never
 * fail a budget check.
 */
import type { Report } from '../report/types.js';
import { DEFAULT_HISTORY_BRANCH, DEFAULT_HISTORY_ENTRIES } from '../config/defaults.js';
import { buildTrendRecords } from './record.js';
import { appendRecords, readHistory, type AppendResult, type ReadResult } from './store.js';
import type { TrendContext, TrendLog } from './types.js';

/** Input `record`: `auto` records on push to the default branch only; `always` on every push; `never` not at all. */
export type RecordMode = 'auto' | 'always' | 'never';

export interface RecordTrendOptions extends TrendContext {
  /** The checkout (actions/checkout's path); its `origin` receives the data branch. */
  readonly workspace: string;
  /** Input `history-branch`. Default `model-budget-data`. */
  readonly branch?: string;
  /** Input `history-max-entries`: lines kept per model file. Default 500. */
  readonly maxEntries?: number;
}

export interface ReadTrendOptions {
  readonly workspace: string;
  readonly branch?: string;
  /** Models to read; default all. */
  readonly models?: readonly string[];
  /** Bytes read from the end of each file. Default 1 MiB. */
  readonly maxBytes?: number;
}

/** Whether this event should record: `auto` → a push to the default branch; `always` → any push. */
export function shouldRecordTrend(mode: RecordMode, event: { readonly eventName: string; readonly ref: string; readonly defaultBranch: string }): boolean {
  if (mode === 'never' || event.eventName !== 'push') return false;
  return mode === 'always' || event.ref === `refs/heads/${event.defaultBranch}`;
}

/** Appends one record per checked model of `report` to the data branch and pushes it. */
export async function recordTrend(report: Report, options: RecordTrendOptions, log: TrendLog): Promise<AppendResult> {
  const records = buildTrendRecords(report, options);
  return appendRecords(records, {
    workspace: options.workspace,
    branch: options.branch ?? DEFAULT_HISTORY_BRANCH,
    maxEntries: options.maxEntries ?? DEFAULT_HISTORY_ENTRIES,
    log,
  });
}

/** Reads the history for a PR: a shallow fetch of the data branch alone, bounded per file. */
export async function readTrend(options: ReadTrendOptions, log: TrendLog): Promise<ReadResult> {
  return readHistory({
    workspace: options.workspace,
    log,
    ...(options.branch === undefined ? {} : { branch: options.branch }),
    ...(options.models === undefined ? {} : { models: options.models }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  });
}
