/**
 * Trend tracking inside the Action: record every push to the default branch on the data branch, and on pull
 * requests read the history (the check judges the `trend:` budgets against it) and draw it into the comment. Git
 * or permission problems become warnings; they never fail the check.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTION_INPUT_DEFAULTS } from '../config/defaults.js';
import { problem, UsageError } from '../errors.js';
import type { TrendHistory } from '../judge/trend-budgets.js';
import type { LegResult } from '../report/aggregate.js';
import type { Report } from '../report/types.js';
import { escapeMarkdown } from '../report/escape.js';
import { renderTrendMermaid, renderTrendText } from '../trend/chart.js';
import { renderLegTrendMermaid } from '../trend/leg-chart.js';
import { recordsOfLeg } from '../trend/series.js';
import type { ReadResult } from '../trend/store.js';
import { readTrend, recordTrend, shouldRecordTrend, type RecordMode } from '../trend/track.js';
import type { TrendLog } from '../trend/types.js';

export interface TrendInputs {
  readonly record: RecordMode;
  readonly branch: string;
  readonly maxEntries: number;
}

const RECORD_MODES: readonly RecordMode[] = ['auto', 'always', 'never'];

/** Inputs `record`, `history-branch`, `history-max-entries`. */
export function readTrendInputs(getInput: (name: string) => string): TrendInputs {
  const record = getInput('record').trim() || ACTION_INPUT_DEFAULTS.record;
  if (!(RECORD_MODES as readonly string[]).includes(record)) {
    throw new UsageError(problem('github/input-record', { record, modes: RECORD_MODES.join(', ') }));
  }
  const maxText = getInput('history-max-entries').trim() || ACTION_INPUT_DEFAULTS['history-max-entries'];
  const maxEntries = Number(maxText);
  if (!Number.isInteger(maxEntries) || maxEntries < 2) {
    throw new UsageError(problem('github/input-history-max-entries', { maxText }));
  }
  return { record: record as RecordMode, branch: getInput('history-branch').trim() || ACTION_INPUT_DEFAULTS['history-branch'], maxEntries };
}

/** On a push: one record per model on the data branch (when `record` says so). */
export async function recordOnPush(
  report: Report,
  args: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly workspace: string;
    readonly sha: string;
    readonly configPath: string;
    readonly inputs: TrendInputs;
    readonly log: TrendLog;
    /** The time the records are stamped with. Default: the system clock. */
    readonly now?: () => Date;
  },
): Promise<void> {
  const ref = args.env['GITHUB_REF'] ?? '';
  const defaultBranch = await defaultBranchOf(args.env);
  if (!shouldRecordTrend(args.inputs.record, { eventName: 'push', ref, defaultBranch })) {
    args.log.info(`model-budget: trend not recorded for ${ref} (record: ${args.inputs.record}, default branch ${defaultBranch})`);
    return;
  }
  const result = await recordTrend(
    report,
    {
      workspace: args.workspace,
      sha: args.sha,
      ref,
      date: (args.now ?? (() => new Date()))().toISOString(),
      configHash: await configHash(args.configPath),
      branch: args.inputs.branch,
      maxEntries: args.inputs.maxEntries,
    },
    args.log,
  );
  args.log.info(`model-budget: trend ${result.status}${result.status === 'written' ? ` to ${args.inputs.branch}` : ''}`);
}

/**
 * A pull request's view of the data branch, read at most once: `history` is what the check judges the `trend:`
 * budgets against (the default branch's points only), `read` what the charts are drawn from.
 */
export interface PullRequestHistory {
  readonly history: TrendHistory;
  readonly read: (models: readonly string[]) => Promise<ReadResult>;
}

export function pullRequestHistory(args: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly workspace: string;
  readonly inputs: TrendInputs;
  readonly log: TrendLog;
}): PullRequestHistory {
  let result: Promise<ReadResult> | undefined;
  const read = (models: readonly string[]): Promise<ReadResult> =>
    (result ??= readTrend({ workspace: args.workspace, branch: args.inputs.branch, models }, args.log));
  const ref = defaultBranchRef(args.env);
  return {
    read,
    history: {
      // A history that cannot be read leaves the trend budgets unjudged: the reader has already warned.
      read: async (models) => {
        const history = await read(models);
        return history.status === 'ok' ? history.histories : undefined;
      },
      ...(ref ? { ref } : {}),
      noHistory: 'skip',
    },
  };
}

/**
 * On a pull request: the default branch's history of each model, as charts for the comment and text for the
 * summary. The `trend:` budgets were judged by the check (`pullRequestHistory`).
 */
export async function trendForPullRequest(
  report: Report,
  args: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly inputs: TrendInputs;
    /** Whether any model has a `trend:` budget: with `record: never` the history is read only then. */
    readonly budgeted: boolean;
    readonly history: PullRequestHistory;
  },
): Promise<{ comment: string; summary: string }> {
  if (args.inputs.record === 'never' && !args.budgeted) return { comment: '', summary: '' };
  const history = await args.history.read(report.models.map((m) => m.name));
  if (history.status !== 'ok') return { comment: '', summary: '' };
  const baseRef = defaultBranchRef(args.env);
  const comment: string[] = [];
  const summary: string[] = [];
  for (const model of report.models) {
    // This leg's series only: another leg's numbers (another machine) are never drawn with these.
    const all = history.histories.find((h) => h.model === model.name)?.records ?? [];
    const records = report.leg === undefined ? all : recordsOfLeg(all, report.leg);
    if (records.length === 0 || model.error) continue;
    const input = {
      current: model,
      history: records,
      ...(report.environment ? { environment: report.environment } : {}),
      ...(baseRef ? { ref: baseRef } : {}),
    };
    const chart = renderTrendMermaid(input);
    // The model name is user text: escaped for the heading, and per line in the plain-text chart.
    if (chart) comment.push(`#### Trend of ${escapeMarkdown(model.name)}\n\n${chart}`);
    const text = renderTrendText(input);
    if (text) summary.push(`#### Trend of ${escapeMarkdown(model.name)}\n\n${text.split('\n').map(escapeMarkdown).join('\n')}`);
  }
  return {
    comment: comment.length > 0 ? `<details><summary>Trend on the default branch</summary>\n\n${comment.join('\n\n')}\n\n</details>` : '',
    summary: summary.join('\n\n'),
  };
}

/** The note an aggregate comment carries when it cannot draw the trend: how to get the chart. */
export const AGGREGATE_TREND_NOTE =
  "_No trend chart: this job has no checkout of the repository. Add `actions/checkout` before the aggregate step to draw each model's history, one line per leg (docs/trend.md)._";

/**
 * `mode: aggregate`: the data branch read once, and per model one chart with a line per leg, each line only from
 * its leg's records and its "this PR" point from its leg's artifact. Without a checkout, one note saying how to get
 * the chart; an unreadable or empty history draws nothing (the reader has logged why). Never throws.
 */
export async function trendForAggregate(
  legs: readonly LegResult[],
  args: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly workspace: string;
    readonly inputs: TrendInputs;
    readonly log: TrendLog;
  },
): Promise<string> {
  if (args.inputs.record === 'never') return '';
  const reported = legs.flatMap((l) => (l.status === 'reported' ? [{ leg: l.leg, report: l.report }] : []));
  const models = [...new Set(reported.flatMap((l) => l.report.models.map((m) => m.name)))];
  if (models.length === 0) return '';
  if (!existsSync(join(args.workspace, '.git'))) return AGGREGATE_TREND_NOTE;
  const history = await readTrend({ workspace: args.workspace, branch: args.inputs.branch, models }, args.log);
  if (history.status !== 'ok') return '';
  const ref = defaultBranchRef(args.env) ?? `refs/heads/${await defaultBranchOf(args.env)}`;
  const charts: string[] = [];
  for (const name of models) {
    const records = history.histories.find((h) => h.model === name)?.records ?? [];
    const chart = renderLegTrendMermaid({
      model: name,
      history: records,
      ref,
      legs: reported.flatMap(({ leg, report }) => {
        const current = report.models.find((m) => m.name === name);
        return current && !current.error ? [{ leg, current, ...(report.environment ? { environment: report.environment } : {}) }] : [];
      }),
    });
    if (chart) charts.push(`#### Trend of ${escapeMarkdown(name)}\n\n${chart}`);
  }
  return charts.length > 0 ? `<details><summary>Trend on the default branch, per leg</summary>\n\n${charts.join('\n\n')}\n\n</details>` : '';
}

/** The pull request's target branch (`refs/heads/main`): only its points are drawn and judged. */
function defaultBranchRef(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env['GITHUB_BASE_REF'] ? `refs/heads/${env['GITHUB_BASE_REF']}` : undefined;
}

async function defaultBranchOf(env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const path = env['GITHUB_EVENT_PATH'];
  if (!path) return 'main';
  try {
    const event = JSON.parse(await readFile(path, 'utf8')) as { repository?: { default_branch?: unknown } };
    return typeof event.repository?.default_branch === 'string' ? event.repository.default_branch : 'main';
  } catch {
    return 'main';
  }
}

async function configHash(path: string): Promise<string> {
  const text = await readFile(path).catch(() => Buffer.alloc(0));
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
