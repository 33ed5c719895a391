/**
 * The offline trend dashboard: one self-contained HTML file (inline CSS, inline SVG charts, no script, no
 * network) with, per model, one chart per metric and a table of the latest records. Histories with records of
 * several legs of a job matrix get a leg selector (radio buttons and CSS, still no script): each leg's sections
 * draw only that leg's records, so two machines are never drawn as one line.
 */
import { formatValue } from '../format.js';
import { dependsOnEnvironment, environmentLabel, legsOf, recordsOfLeg } from './series.js';
import { esc, renderSvgChart, SERIES_COLORS, type ChartSeries } from './svg-chart.js';
import type { ModelHistory, TrendRecord } from './types.js';

export interface DashboardOptions {
  /** Page title. Default `model-budget trends`. */
  readonly title?: string;
  /** ISO time shown as "generated at" (injected so output is reproducible). */
  readonly generatedAt: string;
  /** Rows in each model's table. Default 20. */
  readonly tableRows?: number;
}

const KEY_ORDER = ['size', 'gzip-size', 'brotli-size', 'latency', 'load-time', 'memory', 'flops', 'params', 'accuracy'];
const TABLE_KEYS = ['size', 'gzip-size', 'latency.p50', 'latency.p90', 'memory', 'accuracy.cosine'];

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 4px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#59636e;font-size:13px}.charts{display:flex;flex-wrap:wrap;gap:12px;margin-top:12px}
figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:6px;width:640px;max-width:100%}figcaption{font-size:12px;color:#59636e}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.chart .title{font-size:13px;font-weight:600;fill:#1f2328}.chart .tick{font-size:11px;fill:#59636e}.chart .grid{stroke:#eaeef2}
table{border-collapse:collapse;margin-top:12px;font-size:13px}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right}
th:first-child,td:first-child,td.l{text-align:left}code{font-size:12px}.warn{color:#9a6700}
`;

/** Renders the dashboard HTML for the given histories (each oldest first). */
export function renderDashboard(histories: readonly ModelHistory[], options: DashboardOptions): string {
  const title = options.title ?? 'model-budget trends';
  const rows = options.tableRows ?? 20;
  const legs = legsOf(histories.flatMap((h) => h.records));
  const sections =
    legs.length <= 1
      ? histories.filter((h) => h.records.length > 0).map((h) => modelSection(h, rows))
      : legs.flatMap((leg, i) =>
          histories
            .map((h) => ({ ...h, records: recordsOfLeg(h.records, leg) }))
            .filter((h) => h.records.length > 0)
            .map((h) => modelSection(h, rows, { index: i, label: legLabel(leg) })),
        );
  const empty = sections.length === 0 ? '<p>No history recorded yet.</p>' : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${CSS}${legs.length > 1 ? legCss(legs.length) : ''}</style></head><body>`,
    `<h1>${esc(title)}</h1>`,
    `<p class="meta">${histories.length} model(s) · generated ${esc(options.generatedAt)} · hover a point for its commit</p>`,
    ...(legs.length > 1 ? legSelector(legs) : []),
    empty,
    ...sections,
    '</body></html>',
    '',
  ].join('\n');
}

/** Radio inputs (siblings of the sections, so CSS can show the checked leg's) and their labels. */
function legSelector(legs: readonly (string | undefined)[]): string[] {
  const inputs = legs.map((_, i) => `<input type="radio" name="leg" id="leg-${i}" class="leg-input"${i === 0 ? ' checked' : ''}>`);
  const labels = legs.map((leg, i) => `<label for="leg-${i}">${esc(legLabel(leg))}</label>`);
  return [...inputs, `<p class="legs">Leg: ${labels.join(' ')}</p>`];
}

function legCss(count: number): string {
  const shown = Array.from({ length: count }, (_, i) => `#leg-${i}:checked~section[data-leg="${i}"]`).join(',');
  const marked = Array.from({ length: count }, (_, i) => `#leg-${i}:checked~.legs label[for="leg-${i}"]`).join(',');
  return `.leg-input{position:absolute;opacity:0}.legs label{border:1px solid #d0d7de;border-radius:6px;padding:2px 8px;margin-right:6px;cursor:pointer}section[data-leg]{display:none}${shown}{display:block}${marked}{background:#ddf4ff;border-color:#54aeff}`;
}

function legLabel(leg: string | undefined): string {
  return leg ?? '(no leg recorded)';
}

function modelSection(history: ModelHistory, tableRows: number, leg?: { readonly index: number; readonly label: string }): string {
  const records = history.records;
  // One x position per commit, in the order commits were first recorded; a re-run lands on its commit.
  const xOf = new Map<string, number>();
  for (const r of records) if (!xOf.has(r.sha)) xOf.set(r.sha, xOf.size);
  const first = records[0]?.date.slice(0, 10) ?? '';
  const last = records.at(-1)?.date.slice(0, 10) ?? '';
  const charts = metricKeys(records).map((key) => {
    const unit = records.findLast((r) => r.metrics[key] !== undefined)?.metrics[key]?.unit;
    const groups = new Map<string, TrendRecord[]>();
    for (const r of records) {
      if (r.metrics[key] === undefined) continue;
      const group = dependsOnEnvironment(key, unit) ? environmentLabel(r.environment) : 'all';
      groups.set(group, [...(groups.get(group) ?? []), r]);
    }
    const series: ChartSeries[] = [...groups].map(([label, rs], i) => ({
      label,
      color: SERIES_COLORS[i % SERIES_COLORS.length] ?? '#000',
      points: dedupe(rs).map((r) => {
        const value = r.metrics[key]?.value ?? 0;
        const tip = `${r.sha.slice(0, 7)} · ${r.date.slice(0, 16).replace('T', ' ')} · ${formatValue(unit, value)}${r.rerun ? ' (re-run)' : ''}`;
        return { x: xOf.get(r.sha) ?? 0, value, tip };
      }),
    }));
    const limit = records.findLast((r) => r.metrics[key] !== undefined)?.metrics[key]?.limit;
    const svg = renderSvgChart({
      title: key,
      unit,
      series,
      count: xOf.size,
      firstLabel: first,
      lastLabel: last,
      ...(limit === undefined ? {} : { limit }),
    });
    const legend =
      series.length > 1 || limit !== undefined
        ? `<figcaption class="legend">${series
            .filter(() => series.length > 1)
            .map((s) => `<span><i style="background:${s.color}"></i>${esc(s.label)}</span>`)
            .join('')}${limit === undefined ? '' : `<span><i style="background:#C0392B"></i>budget ${esc(formatValue(unit, limit))}</span>`}</figcaption>`
        : '';
    return `<figure data-metric="${esc(key)}">${svg}${legend}</figure>`;
  });
  const notes = [
    history.truncated ? 'only the newest part of a large history was read' : '',
    history.corrupt > 0 ? `${history.corrupt} corrupt line(s) skipped` : '',
    history.newer > 0 ? `${history.newer} record(s) of a newer schema skipped; update model-budget` : '',
  ].filter(Boolean);
  return [
    `<section data-model="${esc(history.model)}"${leg ? ` data-leg="${leg.index}"` : ''}><h2>${esc(history.model)}${leg ? ` · ${esc(leg.label)}` : ''}</h2>`,
    `<p class="meta">${records.length} record(s) over ${xOf.size} commit(s), ${esc(first)} – ${esc(last)}</p>`,
    ...notes.map((n) => `<p class="warn">${esc(n)}</p>`),
    `<div class="charts">${charts.join('')}</div>`,
    recordTable(records.slice(-tableRows).reverse()),
    '</section>',
  ].join('\n');
}

function recordTable(records: readonly TrendRecord[]): string {
  const keys = TABLE_KEYS.filter((k) => records.some((r) => r.metrics[k] !== undefined));
  const head = ['date', 'commit', ...keys, 'environment', 'tool'].map((h) => `<th>${esc(h)}</th>`).join('');
  const rows = records.map((r) => {
    const cells = keys.map((k) => {
      const m = r.metrics[k];
      return `<td>${m === undefined ? '' : esc(formatValue(m.unit, m.value))}</td>`;
    });
    const sha = `<code>${esc(r.sha.slice(0, 7))}</code>${r.rerun ? ' re-run' : ''}`;
    return `<tr><td>${esc(r.date.slice(0, 10))}</td><td class="l">${sha}</td>${cells.join('')}<td class="l">${esc(r.environment ? environmentLabel(r.environment) : '')}</td><td>${esc(r.tool)}</td></tr>`;
  });
  return `<details><summary>Latest ${records.length} record(s)</summary><table><tr>${head}</tr>${rows.join('')}</table></details>`;
}

/** The newest record per sha, in the order of the shas' first appearance. */
function dedupe(records: readonly TrendRecord[]): TrendRecord[] {
  const bySha = new Map<string, TrendRecord>();
  for (const r of records) bySha.set(r.sha, r);
  return [...bySha.values()];
}

function metricKeys(records: readonly TrendRecord[]): string[] {
  const keys = new Set(records.flatMap((r) => Object.keys(r.metrics)));
  const rank = (k: string): number => {
    const i = KEY_ORDER.findIndex((p) => k === p || k.startsWith(`${p}.`) || k.startsWith(p));
    return i < 0 ? KEY_ORDER.length : i;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
