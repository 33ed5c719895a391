import { formatValue } from '../format.js';
import { baseCommitWords } from './base-words.js';
import {
  budgetCell,
  budgetChangeText,
  latencyComparisonText,
  metricLabel,
  optionalValueCell,
  renderNote,
  STATUS_ICON,
  statusCell,
  valueCell,
  VERDICT_ICON,
  weightCells,
} from './cells.js';
import { codeSpan, escapeHtml, escapeMarkdown } from './escape.js';
import { renderFrontier } from './frontier.js';
import { renderWeightChanges } from './weight-changes.js';
import type { ModelReport, PrecisionChoice, Report } from './types.js';

/** How many weights the "what takes the space" table lists. */
const TOP_WEIGHTS = 10;

/** The full report as markdown: what the CLI prints and the Action writes to the job summary. Pure. */
export function renderMarkdown(report: Report): string {
  const lines = [`## ${VERDICT_ICON[report.verdict]} model-budget: ${report.verdict}`, ''];
  lines.push(`${report.models.length} model(s) checked against ${codeSpan(report.config)}.`, '');
  for (const model of report.models) lines.push(...renderModel(model), '');
  if (report.environment) {
    const e = report.environment;
    lines.push(
      `<sub>Runtime ${escapeMarkdown(e.runtime)} ${escapeMarkdown(e.runtimeVersion)}, ${e.threads} thread(s) · ${escapeMarkdown(e.cpu)} × ${e.cores} · Node ${escapeMarkdown(e.node)} · model-budget ${escapeMarkdown(report.tool.version)}</sub>`,
    );
  } else {
    lines.push(`<sub>model-budget ${escapeMarkdown(report.tool.version)}</sub>`);
  }
  return lines.join('\n') + '\n';
}

function renderModel(model: ModelReport): string[] {
  const head = `### ${VERDICT_ICON[model.verdict]} ${escapeMarkdown(model.name)} · ${codeSpan(model.path)}${model.format ? ` (${model.format})` : ''}`;
  if (model.error) return [head, '', `**Could not be checked:** ${escapeMarkdown(model.error)}`];
  const hasOriginal = model.metrics.some((m) => m.original !== undefined);
  const hasBase = model.metrics.some((m) => m.base !== undefined);
  const header = ['metric', ...(hasBase ? ['base'] : []), ...(hasOriginal ? ['original'] : []), 'value', 'budget', 'status'];
  const align = header.map((h) => (h === 'metric' || h === 'status' ? '---' : '---:'));
  const lines = [head, '', `| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`];
  for (const m of model.metrics) {
    const cells = [
      metricLabel(m.key),
      ...(hasBase ? [optionalValueCell(m.unit, m.base)] : []),
      ...(hasOriginal ? [optionalValueCell(m.unit, m.original)] : []),
      valueCell(m.unit, m.value),
      budgetCell(m),
      statusCell(m.status),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push(...contextLines(model));
  const broken = model.metrics.filter((m) => m.status === 'fail' || m.status === 'warn');
  if (broken.length > 0) {
    lines.push('');
    for (const m of broken) lines.push(`- ${STATUS_ICON[m.status]} **${metricLabel(m.key)}**: ${escapeMarkdown(m.message)}`);
  }
  if (model.notes.length > 0) {
    lines.push('');
    for (const note of model.notes) lines.push(`- ${renderNote(note)}`);
  }
  if (model.precision && model.precision.length > 0) lines.push('', renderPrecision(model.precision));
  const frontier = renderFrontier(model.frontier);
  if (frontier) lines.push('', frontier);
  const changed = renderWeightChanges(model);
  if (changed) lines.push('', changed);
  if (model.weights.length > 0) {
    lines.push(
      '',
      `<details><summary>What takes the space: top ${Math.min(TOP_WEIGHTS, model.weights.length)} of ${model.weights.length} weights</summary>`,
      '',
    );
    lines.push('| weight | shape | dtype | bytes | share |', '| --- | --- | --- | ---: | ---: |');
    for (const w of model.weights.slice(0, TOP_WEIGHTS)) lines.push(`| ${weightCells(w).join(' | ')} |`);
    lines.push('', '</details>');
  }
  return lines;
}

/** Base branch, budget edits and the latency A/B: what the numbers are compared with. */
function contextLines(model: ModelReport): string[] {
  const lines: string[] = [];
  const base = model.base;
  if (base?.status === 'compared') lines.push(`- Base: compared with ${baseCommitWords(base)}`);
  if (base?.status === 'compared' && base.compressChange) {
    lines.push(`- Compress settings changed: ${codeSpan(base.compressChange.from)} → ${codeSpan(base.compressChange.to)} (each side measured as it ships)`);
  }
  if (base?.status === 'new') lines.push('- Base: new model, nothing to compare with');
  if (base?.status === 'unavailable') lines.push(`- Base: could not compare (${escapeMarkdown(base.reason)})`);
  for (const c of model.budgetChanges ?? []) lines.push(`- ${budgetChangeText(c, '')}`);
  if (model.latencyComparison) {
    const { against, result } = latencyComparisonText(model.latencyComparison);
    lines.push(`- Latency against ${against}: ${result}`);
  }
  return lines.length > 0 ? ['', ...lines] : [];
}

function renderPrecision(precision: readonly PrecisionChoice[]): string {
  const counts = new Map<string, number>();
  for (const p of precision) counts.set(p.dtype, (counts.get(p.dtype) ?? 0) + 1);
  const mix = [...counts].map(([dtype, n]) => `${n} ${escapeHtml(dtype)}`).join(', ');
  const rows = precision.map(
    (p) =>
      `| ${codeSpan(p.name)} | ${p.elements.toLocaleString('en-US')} | ${escapeMarkdown(p.dtype)} | ${p.sensitivity === undefined ? '' : `${formatValue('number', p.sensitivity * 100)}%`}${p.group === undefined ? '' : ` (group ${p.group})`} |`,
  );
  return [
    `<details><summary>Precision chosen by auto: ${mix}</summary>`,
    '',
    '| weight | elements | dtype | budget used alone at uint8 |',
    '| --- | ---: | --- | ---: |',
    ...rows,
    '',
    '</details>',
  ].join('\n');
}
