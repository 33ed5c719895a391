export const id = 707;
export const ids = [707,258,687];
export const modules = {

/***/ 8707:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  historyTable: () => (/* binding */ historyTable),
  trendCommand: () => (/* binding */ trendCommand)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./build/errors.js
var errors = __webpack_require__(9473);
// EXTERNAL MODULE: ./build/trend/series.js
var trend_series = __webpack_require__(6687);
;// CONCATENATED MODULE: ./build/trend/svg-chart.js

/** Series colours, distinguishable for the common colour-vision deficiencies (Okabe–Ito). */
const SERIES_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];
const LIMIT_COLOR = '#C0392B';
function renderSvgChart(input) {
    const width = input.width ?? 640;
    const height = input.height ?? 220;
    const m = { left: 64, right: 16, top: 28, bottom: 36 };
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;
    const values = input.series.flatMap((s) => s.points.map((p) => p.value));
    if (input.limit !== undefined)
        values.push(input.limit);
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
    const sx = (x) => m.left + (input.count <= 1 ? plotW / 2 : (x / (input.count - 1)) * plotW);
    const sy = (v) => m.top + plotH - ((v - lo) / (hi - lo)) * plotH;
    const { divisor, label } = (0,trend_series/* scaleFor */.E1)(input.unit, Math.max(Math.abs(lo), Math.abs(hi)));
    const parts = [
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
        parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${y}" y2="${y}" stroke="${LIMIT_COLOR}" stroke-width="1.5" stroke-dasharray="6 4" class="limit"><title>budget ${esc((0,trend_series/* formatValue */.Fl)(input.limit, input.unit))}</title></line>`);
    }
    for (const series of input.series) {
        if (series.points.length === 0)
            continue;
        const d = series.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(sx(p.x))},${fmt(sy(p.value))}`).join(' ');
        parts.push(`<path d="${d}" fill="none" stroke="${series.color}" stroke-width="2" class="series"/>`);
        for (const p of series.points) {
            parts.push(`<circle cx="${fmt(sx(p.x))}" cy="${fmt(sy(p.value))}" r="3" fill="${series.color}"><title>${esc(p.tip)}</title></circle>`);
        }
    }
    parts.push('</svg>');
    return parts.join('');
}
function tick(value) {
    return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}
function fmt(n) {
    return n.toFixed(1);
}
/** Escapes text for HTML/SVG content and attributes. */
function esc(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

;// CONCATENATED MODULE: ./build/trend/dashboard.js
/**
 * The offline trend dashboard: one self-contained HTML file (inline CSS, inline SVG charts, no script, no
 * network) with, per model, one chart per metric and a table of the latest records. Histories with records of
 * several legs of a job matrix get a leg selector (radio buttons and CSS, still no script): each leg's sections
 * draw only that leg's records, so two machines are never drawn as one line.
 */


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
function renderDashboard(histories, options) {
    const title = options.title ?? 'model-budget trends';
    const rows = options.tableRows ?? 20;
    const legs = (0,trend_series/* legsOf */.xi)(histories.flatMap((h) => h.records));
    const sections = legs.length <= 1
        ? histories.filter((h) => h.records.length > 0).map((h) => modelSection(h, rows))
        : legs.flatMap((leg, i) => histories
            .map((h) => ({ ...h, records: (0,trend_series.recordsOfLeg)(h.records, leg) }))
            .filter((h) => h.records.length > 0)
            .map((h) => modelSection(h, rows, { index: i, label: legLabel(leg) })));
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
function legSelector(legs) {
    const inputs = legs.map((_, i) => `<input type="radio" name="leg" id="leg-${i}" class="leg-input"${i === 0 ? ' checked' : ''}>`);
    const labels = legs.map((leg, i) => `<label for="leg-${i}">${esc(legLabel(leg))}</label>`);
    return [...inputs, `<p class="legs">Leg: ${labels.join(' ')}</p>`];
}
function legCss(count) {
    const shown = Array.from({ length: count }, (_, i) => `#leg-${i}:checked~section[data-leg="${i}"]`).join(',');
    const marked = Array.from({ length: count }, (_, i) => `#leg-${i}:checked~.legs label[for="leg-${i}"]`).join(',');
    return `.leg-input{position:absolute;opacity:0}.legs label{border:1px solid #d0d7de;border-radius:6px;padding:2px 8px;margin-right:6px;cursor:pointer}section[data-leg]{display:none}${shown}{display:block}${marked}{background:#ddf4ff;border-color:#54aeff}`;
}
function legLabel(leg) {
    return leg ?? '(no leg recorded)';
}
function modelSection(history, tableRows, leg) {
    const records = history.records;
    // One x position per commit, in the order commits were first recorded; a re-run lands on its commit.
    const xOf = new Map();
    for (const r of records)
        if (!xOf.has(r.sha))
            xOf.set(r.sha, xOf.size);
    const first = records[0]?.date.slice(0, 10) ?? '';
    const last = records.at(-1)?.date.slice(0, 10) ?? '';
    const charts = metricKeys(records).map((key) => {
        const unit = records.findLast((r) => r.metrics[key] !== undefined)?.metrics[key]?.unit;
        const groups = new Map();
        for (const r of records) {
            if (r.metrics[key] === undefined)
                continue;
            const group = (0,trend_series/* dependsOnEnvironment */.aF)(key, unit) ? (0,trend_series/* environmentLabel */.WG)(r.environment) : 'all';
            groups.set(group, [...(groups.get(group) ?? []), r]);
        }
        const series = [...groups].map(([label, rs], i) => ({
            label,
            color: SERIES_COLORS[i % SERIES_COLORS.length] ?? '#000',
            points: dedupe(rs).map((r) => {
                const value = r.metrics[key]?.value ?? 0;
                const tip = `${r.sha.slice(0, 7)} · ${r.date.slice(0, 16).replace('T', ' ')} · ${(0,trend_series/* formatValue */.Fl)(value, unit)}${r.rerun ? ' (re-run)' : ''}`;
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
        const legend = series.length > 1 || limit !== undefined
            ? `<figcaption class="legend">${series
                .filter(() => series.length > 1)
                .map((s) => `<span><i style="background:${s.color}"></i>${esc(s.label)}</span>`)
                .join('')}${limit === undefined ? '' : `<span><i style="background:#C0392B"></i>budget ${esc((0,trend_series/* formatValue */.Fl)(limit, unit))}</span>`}</figcaption>`
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
function recordTable(records) {
    const keys = TABLE_KEYS.filter((k) => records.some((r) => r.metrics[k] !== undefined));
    const head = ['date', 'commit', ...keys, 'environment', 'tool'].map((h) => `<th>${esc(h)}</th>`).join('');
    const rows = records.map((r) => {
        const cells = keys.map((k) => {
            const m = r.metrics[k];
            return `<td>${m === undefined ? '' : esc((0,trend_series/* formatValue */.Fl)(m.value, m.unit))}</td>`;
        });
        const sha = `<code>${esc(r.sha.slice(0, 7))}</code>${r.rerun ? ' re-run' : ''}`;
        return `<tr><td>${esc(r.date.slice(0, 10))}</td><td class="l">${sha}</td>${cells.join('')}<td class="l">${esc(r.environment ? (0,trend_series/* environmentLabel */.WG)(r.environment) : '')}</td><td>${esc(r.tool)}</td></tr>`;
    });
    return `<details><summary>Latest ${records.length} record(s)</summary><table><tr>${head}</tr>${rows.join('')}</table></details>`;
}
/** The newest record per sha, in the order of the shas' first appearance. */
function dedupe(records) {
    const bySha = new Map();
    for (const r of records)
        bySha.set(r.sha, r);
    return [...bySha.values()];
}
function metricKeys(records) {
    const keys = new Set(records.flatMap((r) => Object.keys(r.metrics)));
    const rank = (k) => {
        const i = KEY_ORDER.findIndex((p) => k === p || k.startsWith(`${p}.`) || k.startsWith(p));
        return i < 0 ? KEY_ORDER.length : i;
    };
    return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

// EXTERNAL MODULE: ./build/trend/history-files.js
var history_files = __webpack_require__(9258);
// EXTERNAL MODULE: ./build/leg.js
var build_leg = __webpack_require__(7988);
// EXTERNAL MODULE: ./build/trend/store.js
var store = __webpack_require__(5545);
// EXTERNAL MODULE: ./build/commands/types.js
var types = __webpack_require__(6910);
;// CONCATENATED MODULE: ./build/commands/trend.js
/**
 * `model-budget trend [--history <dir|file>] [--model NAME] [--branch NAME] [--last N] [--html out.html]`:
 * prints the recorded history as a table, and optionally writes the offline HTML dashboard. Without
 * `--history` it reads the data branch of the `origin` of the current checkout (shallow, that branch only).
 */










const USAGE = `usage: model-budget trend [--history <dir|file>] [--model NAME] [--leg ID] [--branch NAME] [--last N] [--html out.html]

  --history PATH   a .jsonl history file or a directory of them (a checkout of the history branch);
                   default: the history branch of this repository's origin
  --branch NAME    the history branch to read when --history is not given (default model-budget-data)
  --model NAME     only this model (repeatable)
  --leg ID         only the records of this leg of a job matrix (each leg is its own series)
  --last N         rows per model in the table (default 20)
  --html FILE      also write a self-contained HTML dashboard (works offline)`;
const COLUMNS = ['size', 'gzip-size', 'brotli-size', 'latency.p50', 'latency.p90', 'memory', 'accuracy.cosine'];
async function trendCommand(args, io) {
    let values;
    try {
        ({ values } = (0,external_node_util_.parseArgs)({
            args,
            options: {
                history: { type: 'string' },
                branch: { type: 'string' },
                model: { type: 'string', multiple: true },
                leg: { type: 'string' },
                last: { type: 'string' },
                html: { type: 'string' },
                help: { type: 'boolean', short: 'h' },
            },
            strict: true,
            allowPositionals: false,
        }));
    }
    catch (error) {
        throw new errors/* UsageError */.eb(`${(0,errors/* errorMessage */.gJ)(error)}\n${USAGE}`, { cause: error });
    }
    if (values.help === true) {
        io.stdout(`${USAGE}\n`);
        return types/* EXIT */.d.ok;
    }
    const last = values.last === undefined ? 20 : Number(values.last);
    if (!Number.isInteger(last) || last < 1)
        throw new errors/* UsageError */.eb(`--last must be a positive whole number, got "${values.last}"\n${USAGE}`);
    let histories;
    if (values.history !== undefined) {
        histories = await (0,history_files.readHistoryPath)((0,external_node_path_.resolve)(io.cwd, values.history));
    }
    else {
        const log = { info: (m) => io.stderr(`${m}\n`), warning: (m) => io.stderr(`warning: ${m}\n`) };
        const read = await (0,store.readHistory)({ workspace: io.cwd, log, ...(values.branch === undefined ? {} : { branch: values.branch }) });
        histories = [...read.histories];
    }
    const wanted = values.model;
    if (wanted !== undefined) {
        histories = histories.filter((h) => wanted.includes(h.model));
        const missing = wanted.filter((m) => !histories.some((h) => h.model === m));
        if (missing.length > 0)
            io.stderr(`warning: no history for ${missing.map((m) => `"${m}"`).join(', ')}\n`);
    }
    if (values.leg !== undefined) {
        let leg;
        try {
            leg = (0,build_leg/* normalizeLegId */.BM)(values.leg);
        }
        catch (error) {
            throw new errors/* UsageError */.eb(`--leg: ${(0,errors/* errorMessage */.gJ)(error)}\n${USAGE}`, { cause: error });
        }
        histories = histories.map((h) => ({ ...h, records: (0,trend_series.recordsOfLeg)(h.records, leg) })).filter((h) => h.records.length > 0);
        if (histories.length === 0)
            io.stderr(`warning: no records of leg "${leg}"\n`);
    }
    io.stdout(histories.length === 0 ? 'No trend history recorded yet.\n' : `${histories.map((h) => historyTable(h, last)).join('\n')}\n`);
    if (values.html !== undefined) {
        const out = (0,external_node_path_.resolve)(io.cwd, values.html);
        await (0,promises_.writeFile)(out, renderDashboard(histories, { generatedAt: new Date().toISOString() }));
        io.stderr(`wrote ${values.html}\n`);
    }
    return types/* EXIT */.d.ok;
}
/** A model's newest `last` records as an aligned plain-text table, newest first. */
function historyTable(history, last) {
    const records = history.records.slice(-last).reverse();
    const keys = COLUMNS.filter((k) => records.some((r) => r.metrics[k] !== undefined));
    const withLegs = records.some((r) => r.leg !== undefined);
    const rows = records.map((r) => [
        r.date.slice(0, 10),
        `${r.sha.slice(0, 7)}${r.rerun ? ' (re-run)' : ''}`,
        ...keys.map((k) => {
            const m = r.metrics[k];
            return m === undefined ? '' : (0,trend_series/* formatValue */.Fl)(m.value, m.unit);
        }),
        r.environment === undefined ? '' : (0,trend_series/* environmentLabel */.WG)(r.environment),
        ...(withLegs ? [r.leg ?? ''] : []),
    ]);
    const header = ['date', 'commit', ...keys, 'environment', ...(withLegs ? ['leg'] : [])];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
    const line = (cells) => cells.map((c, i) => (i >= 2 && i < 2 + keys.length ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
    const skipped = [
        history.corrupt > 0 ? `${history.corrupt} corrupt line(s) skipped` : '',
        history.newer > 0 ? `${history.newer} newer-schema record(s) skipped` : '',
        history.truncated ? 'older records not read (file larger than the read cap)' : '',
    ].filter(Boolean);
    const title = `${history.model} — ${history.records.length} record(s)${skipped.length > 0 ? `; ${skipped.join('; ')}` : ''}`;
    return [title, line(header), ...rows.map(line)].join('\n') + '\n';
}


/***/ }),

/***/ 9258:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readHistoryPath: () => (/* binding */ readHistoryPath)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9473);
/* harmony import */ var _jsonl_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3616);
/* harmony import */ var _store_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5545);
/**
 * Reading history from local files (a checkout of the data branch, or one downloaded `.jsonl`), with the same
 * bound as the git reader: at most `maxBytes` from the end of each file.
 */





/** Reads one `.jsonl` file, or every `.jsonl` file of a directory (not recursive), sorted by file name. */
async function readHistoryPath(path, maxBytes = _store_js__WEBPACK_IMPORTED_MODULE_4__/* .DEFAULT_MAX_READ_BYTES */ .W2) {
    let info;
    try {
        info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(path);
    }
    catch (error) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ModelBudgetError */ .jW(`trend history "${path}" does not exist; pass a .jsonl file or a checkout of the history branch (git worktree add ../history model-budget-data)`, { file: path, cause: error });
    }
    const files = info.isDirectory()
        ? (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(path)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(path, f))
        : [path];
    const histories = [];
    for (const file of files) {
        const { text, truncated } = await readTail(file, maxBytes);
        const history = (0,_jsonl_js__WEBPACK_IMPORTED_MODULE_3__/* .parseHistory */ .i6)('', text, truncated);
        histories.push({ ...history, model: history.records.at(-1)?.model ?? (0,node_path__WEBPACK_IMPORTED_MODULE_1__.basename)(file, '.jsonl') });
    }
    return histories;
}
async function readTail(file, maxBytes) {
    const handle = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.open)(file, 'r');
    try {
        const { size } = await handle.stat();
        const length = Math.min(size, maxBytes);
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, size - length);
        return { text: buffer.toString('utf8'), truncated: size > maxBytes };
    }
    finally {
        await handle.close();
    }
}


/***/ }),

/***/ 6687:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E1: () => (/* binding */ scaleFor),
/* harmony export */   Fl: () => (/* binding */ formatValue),
/* harmony export */   JZ: () => (/* binding */ median),
/* harmony export */   W0: () => (/* binding */ selectSeries),
/* harmony export */   WG: () => (/* binding */ environmentLabel),
/* harmony export */   aF: () => (/* binding */ dependsOnEnvironment),
/* harmony export */   recordsOfLeg: () => (/* binding */ recordsOfLeg),
/* harmony export */   xi: () => (/* binding */ legsOf)
/* harmony export */ });
/* unused harmony export sameEnvironment */
/**
 * The records of one leg, never another leg's. Records written before legs carry none: they count as the leg's own
 * while no other leg has been recorded (one runner, upgraded), and as a series of their own (`leg` undefined) once
 * several legs share the history.
 */
function recordsOfLeg(records, leg) {
    if (leg === undefined)
        return records.filter((r) => r.leg === undefined);
    const otherLegs = records.some((r) => r.leg !== undefined && r.leg !== leg);
    return records.filter((r) => r.leg === leg || (r.leg === undefined && !otherLegs));
}
/** Every leg the records hold, in the order first seen (`undefined` for records written before legs). */
function legsOf(records) {
    return [...new Set(records.map((r) => r.leg))];
}
/** Metrics whose value depends on the runtime and machine (times and memory); sizes and counts do not. */
function dependsOnEnvironment(key, unit) {
    return unit === 'ms' || /^(latency|load-time|memory)/.test(key);
}
/** Runtime, CPU model and threads: what must match for two timings to share a series. */
function environmentLabel(env) {
    if (env === undefined)
        return 'unknown environment';
    return `${env.runtime} ${env.runtimeVersion}, ${env.threads} thread(s), ${env.cpu}`;
}
function sameEnvironment(a, b) {
    if (a === undefined || b === undefined)
        return a === b;
    return a.runtime === b.runtime && a.cpu === b.cpu && a.threads === b.threads;
}
/** One metric's series from a model's records (oldest first). */
function selectSeries(records, key, options = {}) {
    const onRef = records.filter((r) => (options.ref === undefined || r.ref === options.ref) && r.metrics[key] !== undefined);
    const unit = onRef.at(-1)?.metrics[key]?.unit;
    const machineBound = dependsOnEnvironment(key, unit);
    const environment = options.environment ?? onRef.at(-1)?.environment;
    const kept = machineBound ? onRef.filter((r) => sameEnvironment(r.environment, environment)) : onRef;
    const bySha = new Map();
    for (const record of kept) {
        const metric = record.metrics[key];
        if (metric === undefined)
            continue;
        // A re-run keeps its commit's place in the series and replaces its value (Map keeps first insertion order).
        bySha.set(record.sha, {
            sha: record.sha,
            date: record.date,
            value: metric.value,
            ...(metric.limit === undefined ? {} : { limit: metric.limit }),
        });
    }
    const points = [...bySha.values()];
    return {
        key,
        unit,
        points: options.last === undefined ? points : points.slice(-options.last),
        excluded: onRef.length - kept.length,
        ...(machineBound && environment !== undefined ? { environment } : {}),
    };
}
/** The median of the values (undefined for none). */
function median(values) {
    if (values.length === 0)
        return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const hi = sorted[mid] ?? 0;
    return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}
/** A display scale for a unit: sizes in kB/MB (1000-based), times in ms, fractions and counts as they are. */
function scaleFor(unit, max) {
    if (unit === 'bytes') {
        if (max >= 1e6)
            return { divisor: 1e6, label: 'MB' };
        if (max >= 1e3)
            return { divisor: 1e3, label: 'kB' };
        return { divisor: 1, label: 'B' };
    }
    if (unit === 'ms')
        return { divisor: 1, label: 'ms' };
    if (unit === 'count' && max >= 1e6)
        return { divisor: 1e6, label: 'M' };
    return { divisor: 1, label: '' };
}
/** A value with its unit, three significant digits: `4.21 MB`, `12.3 ms`, `0.999`. */
function formatValue(value, unit) {
    const { divisor, label } = scaleFor(unit, Math.abs(value));
    const scaled = value / divisor;
    const text = Math.abs(scaled) >= 100 ? scaled.toFixed(0) : Number(scaled.toPrecision(3)).toString();
    return label ? `${text} ${label}` : text;
}


/***/ })

};
