/**
 * The trend chart of a job matrix: per model and metric one Mermaid `xychart-beta` with one line per leg. Each
 * line is drawn from its own leg's records only (`recordsOfLeg`), and machine-dependent metrics keep only the
 * points of that leg's environment; legs are never mixed. Mermaid lines have no gaps, so the x axis holds the
 * commits every drawn leg has a point at, and the commits left out for that are counted in a note.
 */
import { formatValue } from '../format.js';
import type { Environment, ModelReport } from '../report/types.js';
import { escapeMarkdown } from '../report/escape.js';
import { commitLabels, DEFAULT_CHART_METRICS, DEFAULT_CHART_POINTS, mermaidXyChart } from './chart.js';
import { recordsOfLeg, scaleFor, selectSeries, type SeriesPoint } from './series.js';
import { SERIES_COLORS } from './svg-chart.js';
import type { TrendRecord } from './types.js';

/** Colour names of `SERIES_COLORS`, for the legend under the chart (Mermaid's xychart draws none). */
const COLOR_NAMES = ['blue', 'orange', 'green', 'pink', 'sky blue', 'vermillion'] as const;

export interface LegTrendLeg {
  readonly leg: string;
  /** The leg's report of this model (from its artifact): the PR's point on the leg's line. */
  readonly current: ModelReport;
  /** Environment of the leg's timings: its line keeps only points measured there. */
  readonly environment?: Environment;
}

export interface LegTrendInput {
  readonly model: string;
  /** The model's whole history, every leg's records, oldest first. */
  readonly history: readonly TrendRecord[];
  readonly legs: readonly LegTrendLeg[];
  /** The default branch's ref; other refs are left out. Default: every ref. */
  readonly ref?: string;
  /** Last N shared commits. Default 20. */
  readonly points?: number;
  /** Metric keys. Default `size` and `latency.p50`. */
  readonly metrics?: readonly string[];
}

/** Mermaid blocks with a legend per metric; empty when no leg has history for any metric. */
export function renderLegTrendMermaid(input: LegTrendInput): string {
  const blocks: string[] = [];
  const legs = input.legs.slice(0, SERIES_COLORS.length);
  for (const key of input.metrics ?? DEFAULT_CHART_METRICS) {
    const drawn = legs.flatMap((l) => {
      const series = selectSeries(recordsOfLeg(input.history, l.leg), key, {
        ...(input.ref === undefined ? {} : { ref: input.ref }),
        ...(l.environment === undefined ? {} : { environment: l.environment }),
      });
      return series.points.length === 0 ? [] : [{ leg: l, series, now: l.current.metrics.find((m) => m.key === key) }];
    });
    const first = drawn[0];
    if (first === undefined) continue;
    const unit = first.series.unit;
    // The commits every drawn leg has a point at, in the first leg's order.
    const bySha = drawn.map((d) => new Map<string, SeriesPoint>(d.series.points.map((p) => [p.sha, p])));
    const union = new Set(drawn.flatMap((d) => d.series.points.map((p) => p.sha)));
    const shared = first.series.points.map((p) => p.sha).filter((sha) => bySha.every((m) => m.has(sha)));
    const shas = shared.slice(-(input.points ?? DEFAULT_CHART_POINTS));
    if (shas.length === 0) continue;
    const withNow = drawn.every((d) => d.now !== undefined);
    const lines = drawn.map((d, i) => [...shas.map((sha) => bySha[i]?.get(sha)?.value ?? 0), ...(withNow && d.now ? [d.now.value] : [])]);
    const all = lines.flat();
    const { divisor, label } = scaleFor(unit, Math.max(...all.map(Math.abs)));
    const lo = Math.min(...all) / divisor;
    const hi = Math.max(...all) / divisor;
    const labels = commitLabels(shas);
    if (withNow) labels.push('this PR');
    const palette = drawn.map((_, i) => SERIES_COLORS[i] ?? '').join(', ');
    const scaled = lines.map((line) => line.map((v) => v / divisor));
    blocks.push(mermaidXyChart({ palette, title: `${input.model} · ${key} per leg`, labels, yLabel: label || key, lo, hi, lines: scaled }));
    const legend = drawn.map(
      (d, i) =>
        `${escapeMarkdown(d.leg.leg)} (${COLOR_NAMES[i] ?? ''})${d.now ? `: this PR ${formatValue(unit, d.now.value)}` : ''}${
          d.series.excluded > 0 ? `, ${d.series.excluded} point(s) from other environments left out` : ''
        }`,
    );
    const notes = [`Lines: ${legend.join(' · ')}.`];
    const left = union.size - shared.length;
    if (left > 0) notes.push(`${left} commit(s) without a point on every leg left out.`);
    if (!withNow) notes.push('No "this PR" point: not every leg measured it.');
    if (input.legs.length > legs.length) notes.push(`${input.legs.length - legs.length} more leg(s) not drawn.`);
    blocks.push(`<sub>${notes.join(' ')}</sub>`);
  }
  return blocks.join('\n\n');
}
