/**
 * The sticky PR comment: a headline verdict, then per model a metric | base | head | Δ | budget | status table,
 * the compressed-vs-original and latency A/B lines, budget edits made in the PR, and collapsible details. Pure:
 * report in, markdown out. Everything that comes from user files is escaped, and the body is kept under GitHub's
 * 65,536-character limit by dropping detail sections first.
 */
import { formatPercent } from '../format.js';
import { baseCommitWords } from './base-words.js';
import {
  budgetCell,
  budgetChangeText,
  deltaCell,
  latencyComparisonText,
  optionalValueCell,
  renderNote,
  STATUS_ICON,
  valueCell,
  VERDICT_ICON,
  weightCells,
} from './cells.js';
import { codeSpan as code, escapeHtml, escapeMarkdown } from './escape.js';
import { renderFrontier } from './frontier.js';
import { renderWeightChanges } from './weight-changes.js';
import type { MetricResult, ModelReport, Report, Verdict } from './types.js';

/** GitHub refuses comment bodies longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface CommentOptions {
  /** Hidden marker, first line of the body (see `commentMarker`). */
  readonly marker: string;
  /** The override label, when it is set on the PR: a failing verdict is then shown as accepted. */
  readonly overrideLabel?: string;
  /** Link to the workflow run, where the job summary holds the full report. */
  readonly runUrl?: string;
  /** Character limit; default `GITHUB_COMMENT_LIMIT` less a safety margin. */
  readonly maxChars?: number;
}

const WEIGHT_ROWS = 10;
/** What an empty cell of the metric table shows. */
const EMPTY = '—';

/** Renders the comment body, at most `maxChars` characters long. */
export function renderComment(report: Report, options: CommentOptions): string {
  const max = options.maxChars ?? GITHUB_COMMENT_LIMIT - 536;
  const head = [options.marker, headline(report, options.overrideLabel)];
  const footer = renderFooter(report);
  // Detail levels: 2 = everything, 1 = without collapsible weights, 0 = tables only.
  for (const detail of [2, 1, 0]) {
    const note = detail < 2 ? [leftOutNote(options.runUrl, detail === 1 ? 'the largest-weights tables are' : 'the weights tables and notes are')] : [];
    const body = [...head, ...report.models.map((m) => renderModel(m, detail)), ...note, footer].join('\n\n');
    if (body.length <= max) return `${body}\n`;
  }
  return truncate(report, head, footer, max, options.runUrl);
}

function headline(report: Report, overrideLabel: string | undefined): string {
  const n = report.models.length;
  const failing = report.models.filter((m) => m.verdict === 'fail').length;
  const title: Readonly<Record<Verdict, string>> = {
    pass: n === 1 ? 'the model is within budget' : `all ${n} models are within budget`,
    warn: 'within budget, with warnings',
    fail: n === 1 ? 'the model is over budget' : `${failing} of ${n} models over budget`,
    error: 'the check could not run',
  };
  const accepted = overrideLabel !== undefined && report.verdict === 'fail';
  const icon = accepted ? VERDICT_ICON.warn : VERDICT_ICON[report.verdict];
  const lines = [`## ${icon} model-budget: ${title[report.verdict]}${accepted ? ', accepted by label' : ''}`];
  if (accepted) {
    lines.push(
      `> [!WARNING]\n> The label ${code(overrideLabel)} is set on this pull request: broken budgets are reported as warnings and do not fail the check.`,
    );
  }
  return lines.join('\n\n');
}

function renderModel(model: ModelReport, detail: number): string {
  const parts = [`### ${VERDICT_ICON[model.verdict]} ${code(model.name)}`];
  parts.push(baseLine(model));
  if (model.error) parts.push(`${VERDICT_ICON.error} ${escapeMarkdown(model.error)}`);
  if (model.metrics.length > 0) parts.push(metricTable(model));
  const lines = [...compressionLines(model), ...latencyLines(model), ...budgetChangeLines(model)];
  if (detail >= 1) lines.push(...model.notes.map((n) => `- ${renderNote(n)}`));
  if (lines.length > 0) parts.push(lines.join('\n'));
  const frontier = detail >= 1 ? renderFrontier(model.frontier) : '';
  if (frontier) parts.push(frontier);
  const changed = detail >= 2 ? renderWeightChanges(model) : '';
  if (changed) parts.push(changed);
  if (detail >= 2 && model.weights.length > 0) parts.push(weightDetails(model));
  return parts.join('\n\n');
}

function baseLine(model: ModelReport): string {
  const base = model.base;
  if (!base) return `${code(model.path)}`;
  if (base.status === 'compared') {
    const change = base.compressChange ? ` · ⚠️ compress settings changed: ${code(base.compressChange.from)} → ${code(base.compressChange.to)}` : '';
    return `${code(model.path)} · compared with ${baseCommitWords(base)}${change}`;
  }
  if (base.status === 'new') return `${code(model.path)} · 🆕 new model in this pull request: nothing to compare with`;
  return `${code(model.path)} · ℹ️ could not compare with the base branch: ${escapeMarkdown(base.reason)}`;
}

/**
 * Budgeted metrics, and any metric that moved against the base, go in the table; the rest (measured, no budget,
 * nothing to compare) fold into a collapsible list so the comment stays short.
 */
function metricTable(model: ModelReport): string {
  const shown = model.metrics.filter((m) => m.status !== 'no-budget' || (m.base !== undefined && m.base !== m.value));
  const folded = model.metrics.filter((m) => !shown.includes(m));
  const table = metricRows(shown);
  if (folded.length === 0) return table;
  const other = folded.map(
    (m) => `${code(m.key)} ${valueCell(m.unit, m.value)}${m.original === undefined ? '' : ` (original ${valueCell(m.unit, m.original)})`}`,
  );
  return `${table}\n\n<details><summary>${folded.length} more measurement(s) without a budget</summary>\n\n${other.join(' · ')}\n\n</details>`;
}

function metricRows(metrics: readonly MetricResult[]): string {
  if (metrics.length === 0) return '';
  const rows = metrics.map((m) => {
    const cells = [
      code(m.key),
      optionalValueCell(m.unit, m.base) || EMPTY,
      valueCell(m.unit, m.value),
      deltaCell(m) || EMPTY,
      budgetCell(m) || EMPTY,
      `${STATUS_ICON[m.status]} ${escapeMarkdown(m.message)}`,
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return ['| Metric | Base | Head | Δ | Budget | Status |', '| --- | ---: | ---: | ---: | ---: | --- |', ...rows].join('\n');
}

function compressionLines(model: ModelReport): string[] {
  const compressed = model.metrics.filter((m) => m.original !== undefined && m.unit === 'bytes');
  if (compressed.length === 0) return [];
  const items = compressed.map((m) => {
    const original = m.original ?? m.value;
    const change = (m.value - original) / original;
    const saved = original === 0 ? '' : ` (${change > 0 ? '+' : ''}${formatPercent(change)})`;
    return `${code(m.key)} ${valueCell(m.unit, m.value)} vs ${valueCell(m.unit, original)}${saved}`;
  });
  return [`- **Compressed vs original:** ${items.join(', ')}`];
}

function latencyLines(model: ModelReport): string[] {
  if (!model.latencyComparison) return [];
  const { against, result } = latencyComparisonText(model.latencyComparison);
  return [`- **Latency vs ${against}:** ${result}`];
}

function budgetChangeLines(model: ModelReport): string[] {
  return (model.budgetChanges ?? []).map((c) => `- ${budgetChangeText(c, ' in this PR')}`);
}

function weightDetails(model: ModelReport): string {
  const rows = model.weights.slice(0, WEIGHT_ROWS).map((w) => `| ${weightCells(w).join(' | ')} |`);
  const more = model.weights.length > WEIGHT_ROWS ? `\n\n${model.weights.length - WEIGHT_ROWS} smaller weights not shown.` : '';
  return [
    `<details><summary>What takes the space: largest weights of <code>${escapeHtml(model.name)}</code></summary>`,
    '',
    '| Weight | Shape | Dtype | Bytes | Share |',
    '| --- | --- | --- | ---: | ---: |',
    ...rows,
    `${more}`,
    '</details>',
  ].join('\n');
}

function renderFooter(report: Report): string {
  const env = report.environment;
  const where = env
    ? ` · ${escapeMarkdown(env.runtime)} ${escapeMarkdown(env.runtimeVersion)}, ${env.threads} thread${env.threads === 1 ? '' : 's'} · ` +
      `${escapeMarkdown(env.cpu)} (${env.cores} cores) · Node ${escapeMarkdown(env.node)}`
    : '';
  return `---\n<sub>${escapeMarkdown(report.tool.name)} ${escapeMarkdown(report.tool.version)} · config ${code(report.config)}${where}</sub>`;
}

function summaryLink(runUrl: string | undefined): string {
  return runUrl ? `the [job summary](${runUrl})` : 'the job summary of this workflow run';
}

function leftOutNote(runUrl: string | undefined, what: string): string {
  return `> [!NOTE]\n> To fit GitHub's limit, ${what} left out of this comment: the full report is in ${summaryLink(runUrl)}.`;
}

function truncate(report: Report, head: readonly string[], footer: string, max: number, runUrl: string | undefined): string {
  const where = summaryLink(runUrl);
  const kept: string[] = [];
  let length = [...head, footer].join('\n\n').length + 200;
  for (const model of report.models) {
    const section = renderModel(model, 0);
    if (length + section.length + 2 > max) break;
    kept.push(section);
    length += section.length + 2;
  }
  const dropped = report.models.length - kept.length;
  const note = `> [!NOTE]\n> This comment was shortened to fit GitHub's limit${dropped > 0 ? ` (${dropped} model${dropped === 1 ? '' : 's'} not shown)` : ''}: the full report is in ${where}.`;
  const body = [...head, ...kept, note, footer].join('\n\n');
  if (body.length <= max) return `${body}\n`;
  // A single section larger than the limit (absurdly long names): cut at a line end, never inside a code span or
  // an entity, where a cut would turn escaped text back into markup.
  const cut = body.slice(0, max - note.length - 4);
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}\n\n${note}\n`;
}
