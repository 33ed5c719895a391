/**
 * The cells every report renderer shares: the job summary (markdown.ts), the PR comment (comment.ts) and the
 * matrix comment (aggregate.ts) show a verdict, a value, a budget, a change, a weight row or a latency A/B the same
 * way. A renderer chooses its columns and its empty placeholder; what a cell says is decided here. Every text that
 * comes from a report is escaped here too.
 */
import { metricInfo } from '../metrics.js';
import { formatBytes, formatPercent, formatRatio, formatValue } from '../format.js';
import { parseNote, type Note } from '../note.js';
import { codeSpan, escapeMarkdown } from './escape.js';
import type { BudgetChange, LatencyComparison, MetricResult, MetricStatus, MetricUnit, Verdict, WeightShare } from './types.js';

export const VERDICT_ICON: Readonly<Record<Verdict, string>> = { pass: '✅', warn: '⚠️', fail: '❌', error: '💥' };
export const STATUS_ICON: Readonly<Record<MetricStatus, string>> = { pass: '✅', warn: '⚠️', fail: '❌', 'no-budget': '➖' };
export const AB_ICON: Readonly<Record<LatencyComparison['verdict'], string>> = { faster: '🟢', same: '⚪', slower: '🔴', inconclusive: '❔' };

/** A measured value in its unit; `not measured` for NaN (a metric with a budget that could not be measured). */
export function valueCell(unit: MetricUnit, value: number): string {
  return Number.isNaN(value) ? 'not measured' : formatValue(unit, value);
}

/** A value that may be absent (base, original): `''` when absent, for the renderer to show its own placeholder. */
export function optionalValueCell(unit: MetricUnit, value: number | undefined): string {
  return value === undefined ? '' : valueCell(unit, value);
}

/** `≤ 90 KB, warn ≤ 80 KB` (the hard limit, then the soft one; `≥` for metrics that must stay high); `''` for none. */
export function budgetCell(m: MetricResult): string {
  const sign = m.direction === 'max' ? '≤' : '≥';
  const parts: string[] = [];
  if (m.limit !== undefined) parts.push(`${sign} ${formatValue(m.unit, m.limit)}`);
  if (m.warn !== undefined) parts.push(`warn ${sign} ${formatValue(m.unit, m.warn)}`);
  return parts.join(', ');
}

/** `✅ pass`, `➖ no-budget`. */
export function statusCell(status: MetricStatus): string {
  return `${STATUS_ICON[status]} ${status}`;
}

/** The change against the base: `🔺 +50 KB (+4.2%)` when worse, `🔽 −1.2 ms (−3.0%)` when better, `0`; `''` for none. */
export function deltaCell(m: MetricResult): string {
  if (m.base === undefined || Number.isNaN(m.value) || Number.isNaN(m.base)) return '';
  const diff = m.value - m.base;
  if (diff === 0) return '0';
  const sign = diff > 0 ? '+' : '−';
  const pct = m.base === 0 ? '' : ` (${sign}${formatPercent(Math.abs(diff / m.base))})`;
  const worse = m.direction === 'max' ? diff > 0 : diff < 0;
  return `${worse ? '🔺' : '🔽'} ${sign}${formatValue(m.unit, Math.abs(diff))}${pct}`;
}

/** The metric's label (`size on disk`, `latency p90`), escaped; an unknown key (from an artifact) is its own label. */
export function metricLabel(key: string): string {
  const label = key.startsWith('size-increase.')
    ? `${metricInfo(key.slice('size-increase.'.length)).label} growth`
    : key === 'latency.increase'
      ? 'latency change'
      : metricInfo(key).label;
  return escapeMarkdown(label);
}

/** One row of the "what takes the space" table: name, shape (`3×3×16×32`, `scalar`), dtype, bytes, share. */
export function weightCells(w: WeightShare): readonly string[] {
  const shape = w.shape.length === 0 ? 'scalar' : w.shape.join('×');
  return [codeSpan(w.name), shape, escapeMarkdown(w.dtype), formatBytes(w.bytes), formatPercent(w.share)];
}

/**
 * A budget edit in words: `✏️ \`size\` budget raised 5 MB → 6 MB`, `… budget added: 4 MB`, `… budget removed (was
 * 40 ms)`. `where` (` in this PR` in the PR comment) follows the verb.
 */
export function budgetChangeText(c: BudgetChange, where: string): string {
  const from = c.from === undefined ? undefined : valueCell(c.unit, c.from);
  const to = c.to === undefined ? undefined : valueCell(c.unit, c.to);
  const key = codeSpan(c.key);
  if (from === undefined && to !== undefined) return `✏️ ${key} budget added${where}: ${to}`;
  if (from !== undefined && to === undefined) return `✏️ ${key} budget removed${where} (was ${from})`;
  const verb = (c.from ?? 0) < (c.to ?? 0) ? 'raised' : 'lowered';
  return `✏️ ${key} budget ${verb} ${from ?? '?'} → ${to ?? '?'}${where}`;
}

/** The latency A/B in words: `what it was compared with: verdict, ratio 1.08× (95% CI 1.02× – 1.15×; allowed +10%)`. */
export function latencyComparisonText(ab: LatencyComparison): { readonly against: string; readonly result: string } {
  const against = ab.against === 'base' ? 'the base branch' : 'the uncompressed original';
  const interval = `${formatPercent(ab.confidence, 0)} CI ${formatRatio(ab.ci[0])} – ${formatRatio(ab.ci[1])}`;
  return { against, result: `${AB_ICON[ab.verdict]} ${ab.verdict}, median ${formatRatio(ab.ratio)} (${interval}; allowed +${formatPercent(ab.threshold, 0)})` };
}

/**
 * A note as running markdown (a list item's text): our code spans as code, every other part escaped. A list item
 * is no prefix that protects the start of a line, so a leading `#`, `>`, `-`, `+`, `=` or `1.` is escaped too (a
 * note could otherwise open a heading, a quote or a nested list).
 */
export function renderNote(text: Note): string {
  const rendered = parseNote(text)
    .map((p) => (p.kind === 'code' ? codeSpan(p.text) : escapeMarkdown(p.text)))
    .join('');
  return rendered.replace(/^(\s*)([#>+=-]|\d+(?=[.)]))/, (_, space: string, start: string) =>
    /^\d/.test(start) ? `${space}${start}\\` : `${space}\\${start}`,
  );
}
