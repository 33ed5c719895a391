/**
 * Trend charts for places with no image host: a Mermaid `xychart-beta` per metric for the PR comment (GitHub
 * renders it), and one sparkline line per metric for the job summary and logs.
 */
import { formatValue } from '../format.js';
import type { Environment, MetricResult, ModelReport } from '../report/types.js';
import { environmentLabel, scaleFor, selectSeries, type Series } from './series.js';
import type { TrendRecord } from './types.js';

/** Metrics charted by default. */
export const DEFAULT_CHART_METRICS = ['size', 'latency.p50'] as const;
/** Default-branch points shown by default. */
export const DEFAULT_CHART_POINTS = 20;

export interface TrendChartInput {
  /** This PR's model report: its name, metric values and the budgets in force. */
  readonly current: ModelReport;
  /** The model's history, oldest first. */
  readonly history: readonly TrendRecord[];
  /** Environment of this run's timings; machine-dependent metrics keep only matching points. */
  readonly environment?: Environment;
  /** The default branch's ref (`refs/heads/main`); other refs are left out. Default: every ref. */
  readonly ref?: string;
  /** Last N history points. Default 20. */
  readonly points?: number;
  /** Metric keys. Default `size` and `latency.p50`. */
  readonly metrics?: readonly string[];
}

const SPARKS = '▁▂▃▄▅▆▇█';
const PALETTE = '#0072B2, #C0392B';

/** Mermaid blocks (markdown) for the PR comment; empty when there is no history for any metric. */
export function renderTrendMermaid(input: TrendChartInput): string {
  const blocks: string[] = [];
  for (const { series, now } of chartSeries(input)) {
    const values = series.points.map((p) => p.value);
    const all = [...values, ...(now === undefined ? [] : [now.value]), ...(now?.limit === undefined ? [] : [now.limit])];
    const { divisor, label } = scaleFor(series.unit, Math.max(...all.map(Math.abs)));
    const lo = Math.min(...all) / divisor;
    const hi = Math.max(...all) / divisor;
    const labels = commitLabels(series.points.map((p) => p.sha));
    const line = values.map((v) => v / divisor);
    if (now !== undefined) {
      labels.push('this PR');
      line.push(now.value / divisor);
    }
    const title = [
      `${input.current.name} · ${series.key}`,
      now === undefined ? '' : `this PR ${formatValue(series.unit, now.value)}`,
      now?.limit === undefined ? '' : `budget ${formatValue(series.unit, now.limit)}`,
    ].filter(Boolean);
    const limit = now?.limit;
    // The budget in force now, as a flat second line across the whole chart.
    const budgetLine = limit === undefined ? [] : [labels.map(() => limit / divisor)];
    blocks.push(mermaidXyChart({ palette: PALETTE, title: title.join(' — '), labels, yLabel: label || series.key, lo, hi, lines: [line, ...budgetLine] }));
    const note = excludedNote(series);
    if (note) blocks.push(`<sub>${escapeHtml(note)}</sub>`);
  }
  return blocks.join('\n\n');
}

/**
 * One line per metric: `gender size ▁▂▃▅▇ min 4.0 MB · max 4.3 MB · last 4.2 MB · this PR 4.4 MB (20 points)`,
 * for the job summary and terminals where Mermaid does not render.
 */
export function renderTrendText(input: TrendChartInput): string {
  return chartSeries(input)
    .map(({ series, now }) => {
      const values = series.points.map((p) => p.value);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const last = values.at(-1) ?? 0;
      const parts = [`min ${formatValue(series.unit, lo)}`, `max ${formatValue(series.unit, hi)}`, `last ${formatValue(series.unit, last)}`];
      if (now !== undefined) parts.push(`this PR ${formatValue(series.unit, now.value)}${change(now.value, last)}`);
      const note = excludedNote(series);
      return `${input.current.name} ${series.key} ${sparkline(values)} ${parts.join(' · ')} (${values.length} point${values.length === 1 ? '' : 's'}${note ? `; ${note}` : ''})`;
    })
    .join('\n');
}

/** `▁▃▅█` for the values, scaled between their min and max (a flat series is a flat line). */
export function sparkline(values: readonly number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => SPARKS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (SPARKS.length - 1))] ?? '▁').join('');
}

/**
 * Text safe inside a double-quoted Mermaid string and a markdown code fence: letters, digits and plain
 * punctuation stay; quotes, backticks, brackets, `#`, `;` and control characters become spaces; 80 chars at most.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/[^\p{L}\p{N} .,:()+\-–—·/%_'@*]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
}

function chartSeries(input: TrendChartInput): { series: Series; now: MetricResult | undefined }[] {
  const out: { series: Series; now: MetricResult | undefined }[] = [];
  for (const key of input.metrics ?? DEFAULT_CHART_METRICS) {
    const series = selectSeries(input.history, key, {
      last: input.points ?? DEFAULT_CHART_POINTS,
      ...(input.ref === undefined ? {} : { ref: input.ref }),
      ...(input.environment === undefined ? {} : { environment: input.environment }),
    });
    if (series.points.length === 0) continue;
    out.push({ series, now: input.current.metrics.find((m) => m.key === key) });
  }
  return out;
}

function excludedNote(series: Series): string {
  if (series.excluded === 0) return '';
  return `${series.excluded} point${series.excluded === 1 ? '' : 's'} from other environments left out, shown: ${environmentLabel(series.environment)}`;
}

function change(value: number, base: number): string {
  if (base === 0) return '';
  const pct = ((value - base) / Math.abs(base)) * 100;
  return ` (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%)`;
}

/** One Mermaid `xychart-beta` block: its title, x labels, y axis from `lo` to `hi` (padded), and one line per series (scaled values). */
export function mermaidXyChart(chart: {
  readonly palette: string;
  readonly title: string;
  readonly labels: readonly string[];
  readonly yLabel: string;
  readonly lo: number;
  readonly hi: number;
  readonly lines: readonly (readonly number[])[];
}): string {
  const pad = (chart.hi - chart.lo) * 0.1 || Math.abs(chart.hi) * 0.05 || 1;
  return [
    '```mermaid',
    // Frontmatter config: a wide plot so 20 commit labels fit, and colours that read on light and dark themes
    // instead of the theme's pale default palette.
    '---',
    'config:',
    '  xyChart:',
    '    width: 900',
    '    height: 360',
    '    xAxis:',
    '      labelFontSize: 10',
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${chart.palette}"`,
    '---',
    'xychart-beta',
    `  title "${mermaidText(chart.title)}"`,
    `  x-axis [${chart.labels.map((l) => `"${mermaidText(l)}"`).join(', ')}]`,
    `  y-axis "${mermaidText(chart.yLabel)}" ${round(Math.max(0, chart.lo - pad))} --> ${round(chart.hi + pad)}`,
    ...chart.lines.map((line) => `  line [${line.map(round).join(', ')}]`),
    '```',
  ].join('\n');
}

/**
 * x labels for commits: five sha characters, enough to find the commit and short enough that 20 labels do not
 * overlap at 900 px. Mermaid merges equal categories, so equal ones fall back to seven, then to numbered ones.
 */
export function commitLabels(shas: readonly string[]): string[] {
  let labels = shas.map((sha) => sha.slice(0, 5));
  if (new Set(labels).size < labels.length) labels = shas.map((sha) => sha.slice(0, 7));
  if (new Set(labels).size < labels.length) labels = labels.map((l, i) => `${l} ${i + 1}`);
  return labels;
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
