/**
 * The one comment of a job matrix: every leg's report side by side. A headline with the overall verdict, a table
 * of the legs (verdict and environment), then per model a metric × leg table, each cell the leg's value, status and
 * budget (legs may have their own budgets, `budget.per-leg`). A leg that was expected but sent no report is
 * "missing", and a missing or unreadable leg is never a pass. Pure: legs in, markdown out; every text that comes
 * from a leg's report is escaped.
 */
import { formatValue } from '../format.js';
import { STATUS_ICON, valueCell, VERDICT_ICON } from './cells.js';
import { codeSpan as code, escapeMarkdown } from './escape.js';
import type { MetricResult, Report, Verdict } from './types.js';
import { GITHUB_COMMENT_LIMIT } from './comment.js';

/** One leg as the aggregate job found it. */
export type LegResult =
  | { readonly leg: string; readonly status: 'reported'; readonly report: Report }
  /** Listed in `legs:` but no artifact came. */
  | { readonly leg: string; readonly status: 'missing' }
  /** An artifact came but could not be read or did not match the report schema. */
  | { readonly leg: string; readonly status: 'invalid'; readonly reason: string };

export interface AggregateOptions {
  /** Hidden marker, first line of the body; absent for the job summary. */
  readonly marker?: string;
  /** The override label, when it is set on the PR: a failing verdict is then shown as accepted. */
  readonly overrideLabel?: string;
  readonly runUrl?: string;
  /** Character limit; default `GITHUB_COMMENT_LIMIT` less a safety margin. */
  readonly maxChars?: number;
  /** The per-leg trend section (markdown), after the model tables; left out when it does not fit. */
  readonly trend?: string;
}

const ICON: Readonly<Record<string, string>> = { ...STATUS_ICON, ...VERDICT_ICON, missing: '❔', invalid: VERDICT_ICON.error };

/** A leg's verdict: its report's, and `error` for a leg that is missing or unreadable (never a pass). */
export function legVerdict(leg: LegResult): Verdict {
  return leg.status === 'reported' ? leg.report.verdict : 'error';
}

/** The verdict of the whole matrix: the worst leg's; `error` when no leg reported at all. */
export function aggregateVerdict(legs: readonly LegResult[]): Verdict {
  if (legs.length === 0) return 'error';
  for (const v of ['error', 'fail', 'warn'] as const) if (legs.some((l) => legVerdict(l) === v)) return v;
  return 'pass';
}

/** Renders the comment (or, without a marker, the job summary) of a matrix, at most `maxChars` characters. */
export function renderAggregate(legs: readonly LegResult[], options: AggregateOptions = {}): string {
  const limit = options.maxChars ?? GITHUB_COMMENT_LIMIT - 536;
  // The trend takes at most a third of the room; the tables come first.
  const trend = options.trend && options.trend.length <= limit / 3 ? options.trend : '';
  const max = trend ? limit - trend.length - 2 : limit;
  const head = [...(options.marker ? [options.marker] : []), headline(legs, options.overrideLabel), legTable(legs)];
  const models = modelTables(legs);
  const kept: string[] = [];
  let length = head.join('\n\n').length;
  for (const [i, table] of models.entries()) {
    const note = leftOut(models.length - i, options.runUrl);
    if (length + table.length + note.length + 4 > max) {
      kept.push(note);
      break;
    }
    kept.push(table);
    length += table.length + 2;
  }
  return `${[...head, ...kept, ...(trend ? [trend] : [])].join('\n\n')}\n`;
}

function headline(legs: readonly LegResult[], overrideLabel: string | undefined): string {
  const verdict = aggregateVerdict(legs);
  const n = legs.length;
  const count = (v: Verdict): number => legs.filter((l) => l.status === 'reported' && l.report.verdict === v).length;
  const missing = legs.filter((l) => l.status === 'missing').length;
  const invalid = legs.filter((l) => l.status === 'invalid').length;
  const problems = [
    missing > 0 ? `${missing} of ${n} legs missing` : '',
    invalid > 0 ? `${invalid} of ${n} legs unreadable` : '',
    count('error') > 0 ? `${count('error')} of ${n} legs could not check` : '',
    count('fail') > 0 ? `${count('fail')} of ${n} legs over budget` : '',
  ].filter(Boolean);
  const title: Readonly<Record<Verdict, string>> = {
    pass: `all ${n} legs within budget`,
    warn: `${n} legs within budget, with warnings`,
    fail: problems.join(', '),
    error: n === 0 ? 'no leg reported' : problems.join(', '),
  };
  const accepted = overrideLabel !== undefined && verdict === 'fail';
  const lines = [`## ${accepted ? ICON['warn'] : ICON[verdict]} model-budget: ${title[verdict]}${accepted ? ', accepted by label' : ''}`];
  if (accepted) {
    lines.push(
      `> [!WARNING]\n> The label ${code(overrideLabel)} is set on this pull request: broken budgets are reported as warnings and do not fail the check.`,
    );
  }
  return lines.join('\n\n');
}

function legTable(legs: readonly LegResult[]): string {
  const rows = legs.map((l) => {
    if (l.status === 'missing') return `| ${code(l.leg)} | ${ICON['missing']} missing: no report arrived | | | |`;
    if (l.status === 'invalid') return `| ${code(l.leg)} | ${ICON['invalid']} unreadable: ${escapeMarkdown(l.reason.slice(0, 300))} | | | |`;
    const env = l.report.environment;
    const runtime = env ? escapeMarkdown(`${env.runtime} ${env.runtimeVersion}`) : '';
    const cpu = env ? escapeMarkdown(`${env.cpu} (${env.cores} cores)`) : '';
    return `| ${code(l.leg)} | ${ICON[l.report.verdict] ?? ''} ${l.report.verdict} | ${runtime} | ${env?.threads ?? ''} | ${cpu} |`;
  });
  return ['| leg | verdict | runtime | threads | CPU |', '|---|---|---|--:|---|', ...rows].join('\n');
}

/** One table per model (every model any leg reported, in the order first seen): metric rows, leg columns. */
function modelTables(legs: readonly LegResult[]): string[] {
  const names = [...new Set(legs.flatMap((l) => (l.status === 'reported' ? l.report.models.map((m) => m.name) : [])))];
  return names.map((name) => {
    const perLeg = legs.map((l) => (l.status === 'reported' ? l.report.models.find((m) => m.name === name) : undefined));
    const keys = [...new Set(perLeg.flatMap((m) => m?.metrics.map((r) => r.key) ?? []))];
    const header = `| metric | ${legs.map((l) => code(l.leg)).join(' | ')} |`;
    const rule = `|---|${legs.map(() => '--:|').join('')}`;
    const verdicts = `| verdict | ${legs
      .map((l, i) => {
        const m = perLeg[i];
        if (l.status !== 'reported') return `${ICON[l.status] ?? ''} ${l.status}`;
        if (!m) return 'not checked';
        return `${ICON[m.verdict] ?? ''} ${m.verdict}`;
      })
      .join(' | ')} |`;
    const rows = keys.map(
      (key) =>
        `| ${code(key)} | ${perLeg
          .map((m, i) =>
            cell(
              m?.metrics.find((r) => r.key === key),
              legs[i],
            ),
          )
          .join(' | ')} |`,
    );
    const errors = perLeg.flatMap((m, i) => (m?.error ? [`- ${code(legs[i]?.leg ?? '')}: ${escapeMarkdown(m.error.slice(0, 500))}`] : []));
    return [`### ${escapeMarkdown(name)}`, [header, rule, verdicts, ...rows].join('\n'), ...(errors.length > 0 ? [errors.join('\n')] : [])].join('\n\n');
  });
}

function cell(metric: MetricResult | undefined, leg: LegResult | undefined): string {
  if (leg?.status !== 'reported') return '';
  if (!metric) return '–';
  const value = valueCell(metric.unit, metric.value);
  const bound = metric.limit === undefined ? '' : ` (${metric.direction === 'max' ? '≤' : '≥'} ${formatValue(metric.unit, metric.limit)})`;
  return `${value}${bound} ${ICON[metric.status] ?? ''}`;
}

function leftOut(count: number, runUrl: string | undefined): string {
  const where = runUrl ? `[the job summary](${runUrl})` : 'the job summary';
  return `_${count} more model table(s) left out to keep this comment under GitHub's size limit; every leg's report is in ${where}._`;
}
