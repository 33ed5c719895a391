/**
 * Line charts as static SVG, drawn here rather than by a browser library: the dashboard is one HTML file that
 * needs no script, no network and nothing resolved from node_modules at run time (which a bundled `dist/` does not
 * have), and it prints and archives as it looks.
 */
import { formatValue } from '../format.js';
import type { MetricUnit } from '../report/types.js';
import { scaleFor } from './series.js';

export interface ChartPoint {
  /** Position on the shared commit axis (0 = oldest commit shown). */
  readonly x: number;
  readonly value: number;
  /** Hover text (sha, date, value). */
  readonly tip: string;
}

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly points: readonly ChartPoint[];
}

export interface SvgChartInput {
  readonly title: string;
  readonly unit: MetricUnit | undefined;
  readonly series: readonly ChartSeries[];
  /** Number of commits on the x axis. */
  readonly count: number;
  /** Labels under the first and last commit (dates). */
  readonly firstLabel: string;
  readonly lastLabel: string;
  /** The budget, drawn as a dashed red line. */
  readonly limit?: number;
  /** Pixels. Default 640 × 220. */
  readonly width?: number;
  readonly height?: number;
}

/** Series colours, distinguishable for the common colour-vision deficiencies (Okabe–Ito). */
export const SERIES_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'] as const;
const LIMIT_COLOR = '#C0392B';

export function renderSvgChart(input: SvgChartInput): string {
  const width = input.width ?? 640;
  const height = input.height ?? 220;
  const m = { left: 64, right: 16, top: 28, bottom: 36 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const values = input.series.flatMap((s) => s.points.map((p) => p.value));
  if (input.limit !== undefined) values.push(input.limit);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    const pad = Math.abs(hi) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  const pad = (hi - lo) * 0.08;
  lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
  hi += pad;
  const sx = (x: number): number => m.left + (input.count <= 1 ? plotW / 2 : (x / (input.count - 1)) * plotW);
  const sy = (v: number): number => m.top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const { divisor, label } = scaleFor(input.unit, Math.max(Math.abs(lo), Math.abs(hi)));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(input.title)}">`,
    `<text x="${m.left}" y="18" class="title">${esc(input.title)}${label ? ` (${esc(label)})` : ''}</text>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const v = lo + ((hi - lo) * i) / 4;
    const y = fmt(sy(v));
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${esc(tick(v / divisor))}</text>`);
  }
  parts.push(`<text x="${m.left}" y="${height - 10}" class="tick">${esc(input.firstLabel)}</text>`);
  parts.push(`<text x="${width - m.right}" y="${height - 10}" class="tick" text-anchor="end">${esc(input.lastLabel)}</text>`);
  if (input.limit !== undefined) {
    const y = fmt(sy(input.limit));
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${y}" y2="${y}" stroke="${LIMIT_COLOR}" stroke-width="1.5" stroke-dasharray="6 4" class="limit"><title>budget ${esc(formatValue(input.unit, input.limit))}</title></line>`,
    );
  }
  for (const series of input.series) {
    if (series.points.length === 0) continue;
    const d = series.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(sx(p.x))},${fmt(sy(p.value))}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${series.color}" stroke-width="2" class="series"/>`);
    for (const p of series.points) {
      parts.push(`<circle cx="${fmt(sx(p.x))}" cy="${fmt(sy(p.value))}" r="3" fill="${series.color}"><title>${esc(p.tip)}</title></circle>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

function tick(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}

function fmt(n: number): string {
  return n.toFixed(1);
}

/** Escapes text for HTML/SVG content and attributes. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
