export const id = 90;
export const ids = [90];
export const modules = {

/***/ 6090:
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
;// CONCATENATED MODULE: ./build/trend/series.js
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
    const { divisor, label } = scaleFor(input.unit, Math.max(Math.abs(lo), Math.abs(hi)));
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
        parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${y}" y2="${y}" stroke="${LIMIT_COLOR}" stroke-width="1.5" stroke-dasharray="6 4" class="limit"><title>budget ${esc(formatValue(input.limit, input.unit))}</title></line>`);
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
 * network) with, per model, one chart per metric and a table of the latest records.
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
    const sections = histories.filter((h) => h.records.length > 0).map((h) => modelSection(h, options.tableRows ?? 20));
    const empty = sections.length === 0 ? '<p>No history recorded yet.</p>' : '';
    return [
        '<!doctype html>',
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<title>${esc(title)}</title><style>${CSS}</style></head><body>`,
        `<h1>${esc(title)}</h1>`,
        `<p class="meta">${histories.length} model(s) · generated ${esc(options.generatedAt)} · hover a point for its commit</p>`,
        empty,
        ...sections,
        '</body></html>',
        '',
    ].join('\n');
}
function modelSection(history, tableRows) {
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
            const group = dependsOnEnvironment(key, unit) ? environmentLabel(r.environment) : 'all';
            groups.set(group, [...(groups.get(group) ?? []), r]);
        }
        const series = [...groups].map(([label, rs], i) => ({
            label,
            color: SERIES_COLORS[i % SERIES_COLORS.length] ?? '#000',
            points: dedupe(rs).map((r) => {
                const value = r.metrics[key]?.value ?? 0;
                const tip = `${r.sha.slice(0, 7)} · ${r.date.slice(0, 16).replace('T', ' ')} · ${formatValue(value, unit)}${r.rerun ? ' (re-run)' : ''}`;
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
                .join('')}${limit === undefined ? '' : `<span><i style="background:#C0392B"></i>budget ${esc(formatValue(limit, unit))}</span>`}</figcaption>`
            : '';
        return `<figure data-metric="${esc(key)}">${svg}${legend}</figure>`;
    });
    const notes = [
        history.truncated ? 'only the newest part of a large history was read' : '',
        history.corrupt > 0 ? `${history.corrupt} corrupt line(s) skipped` : '',
        history.newer > 0 ? `${history.newer} record(s) of a newer schema skipped; update model-budget` : '',
    ].filter(Boolean);
    return [
        `<section data-model="${esc(history.model)}"><h2>${esc(history.model)}</h2>`,
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
            return `<td>${m === undefined ? '' : esc(formatValue(m.value, m.unit))}</td>`;
        });
        const sha = `<code>${esc(r.sha.slice(0, 7))}</code>${r.rerun ? ' re-run' : ''}`;
        return `<tr><td>${esc(r.date.slice(0, 10))}</td><td class="l">${sha}</td>${cells.join('')}<td class="l">${esc(r.environment ? environmentLabel(r.environment) : '')}</td><td>${esc(r.tool)}</td></tr>`;
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

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./build/trend/types.js
/** The record schema this tool writes and understands. Lines with a higher version are kept verbatim. */
const TREND_SCHEMA_VERSION = 1;

;// CONCATENATED MODULE: ./build/trend/jsonl.js
/**
 * The history file format: JSON Lines, one record per line, oldest first. Everything here is pure text in, text
 * out; `store.ts` does the git I/O. Lines this version cannot read (corrupt, or written by a newer schema) are
 * skipped on read and kept verbatim on write: a history is never rewritten away by a tool that does not
 * understand it.
 */


/** Default bound on lines per history file. */
const jsonl_DEFAULT_MAX_ENTRIES = 500;
/** Classifies one line: a record this version understands, a newer-schema record, or corrupt. */
function classifyLine(line) {
    let value;
    try {
        value = JSON.parse(line);
    }
    catch {
        return { kind: 'corrupt' };
    }
    if (!isObject(value) || typeof value.schemaVersion !== 'number')
        return { kind: 'corrupt' };
    if (value.schemaVersion > TREND_SCHEMA_VERSION)
        return { kind: 'newer' };
    return isRecord(value) ? { kind: 'record', record: value } : { kind: 'corrupt' };
}
/**
 * Parses a history file's text. `truncated`: the text is the tail of a larger file, so its first line may be
 * cut and is dropped rather than counted as corrupt.
 */
function parseHistory(model, text, truncated = false) {
    const lines = splitLines(text);
    if (truncated)
        lines.shift();
    const records = [];
    let corrupt = 0;
    let newer = 0;
    for (const line of lines) {
        const parsed = classifyLine(line);
        if (parsed.kind === 'record')
            records.push(parsed.record);
        else if (parsed.kind === 'newer')
            newer += 1;
        else
            corrupt += 1;
    }
    return { model, records, corrupt, newer, truncated };
}
/**
 * Appends records to a history file's text and compacts it to `maxEntries` lines (see `compactLines`). A record
 * whose sha is already in the file (or earlier in `records`) is written with `rerun: true`. Existing lines, valid
 * or not, are kept byte for byte unless compaction thins them.
 */
function jsonl_appendHistory(text, records, maxEntries = jsonl_DEFAULT_MAX_ENTRIES) {
    const lines = splitLines(text);
    const seen = new Set();
    for (const line of lines) {
        const parsed = classifyLine(line);
        if (parsed.kind === 'record')
            seen.add(parsed.record.sha);
    }
    for (const record of records) {
        const rerun = seen.has(record.sha);
        seen.add(record.sha);
        lines.push(JSON.stringify({ ...record, rerun }));
    }
    const kept = compactLines(lines, maxEntries);
    return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
/**
 * Bounds a history to `maxEntries` lines (at least 2). While it is over the bound, the newest ⌈maxEntries/2⌉ lines
 * stay untouched and the older lines keep every second one, starting with the oldest. The file shrinks to about
 * ¾·maxEntries, recent history stays dense and older history gets sparser each time, and the first record ever
 * written survives. Lines this version cannot read are never dropped.
 */
function compactLines(lines, maxEntries) {
    const bound = Math.max(2, Math.floor(maxEntries));
    let current = [...lines];
    while (current.length > bound) {
        const keepNewest = Math.ceil(bound / 2);
        const older = current.slice(0, current.length - keepNewest);
        let index = 0;
        const thinned = older.filter((line) => {
            // Only records we understand count towards the every-second rule; the rest are kept verbatim.
            if (classifyLine(line).kind !== 'record')
                return true;
            index += 1;
            return index % 2 === 1;
        });
        if (thinned.length === older.length)
            break;
        current = [...thinned, ...current.slice(current.length - keepNewest)];
    }
    return current;
}
/**
 * A file name for a model's history that is safe on every file system and in a git tree: lower-case letters,
 * digits, `.`, `_` and `-`; when that changes the name (or the name is long), a hash of the original keeps two
 * models from sharing a file (`Face Mesh` → `face-mesh-37fb644d.jsonl`).
 */
function jsonl_historyFileName(model) {
    const slug = model
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[.-]+|[.-]+$/g, '')
        .slice(0, 64);
    if (slug === model && slug.length > 0)
        return `${slug}.jsonl`;
    const hash = (0,external_node_crypto_.createHash)('sha256').update(model, 'utf8').digest('hex').slice(0, 8);
    return `${slug.length > 0 ? `${slug}-` : 'model-'}${hash}.jsonl`;
}
function splitLines(text) {
    return text.split('\n').filter((line) => line.trim().length > 0);
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isRecord(value) {
    if (value.schemaVersion !== TREND_SCHEMA_VERSION)
        return false;
    for (const key of ['model', 'sha', 'ref', 'date', 'configHash', 'tool']) {
        if (typeof value[key] !== 'string')
            return false;
    }
    if (Number.isNaN(Date.parse(String(value.date))))
        return false;
    if (!isObject(value.metrics))
        return false;
    for (const metric of Object.values(value.metrics)) {
        if (!isObject(metric) || typeof metric.value !== 'number' || typeof metric.unit !== 'string')
            return false;
    }
    if (value.environment !== undefined && !isObject(value.environment))
        return false;
    return typeof value.rerun === 'boolean';
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./build/trend/git.js
/**
 * A tiny `git` runner for the history store: plain child processes, no library, never a shell (arguments are
 * passed as an array, so branch and model names cannot inject anything).
 */

/** Runs `git args…` in `cwd` and resolves with its exit code and output; rejects only when git cannot start. */
function git_runGit(args, options) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_.spawn)('git', [...args], {
            cwd: options.cwd,
            env: {
                ...process.env,
                // Never wait for a password prompt in CI; fail fast and let the caller warn.
                GIT_TERMINAL_PROMPT: '0',
                GIT_ASKPASS: 'echo',
                LC_ALL: 'C',
                ...options.env,
            },
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        const cap = options.maxStdoutBytes ?? Number.POSITIVE_INFINITY;
        let chunks = [];
        let kept = 0;
        let truncated = false;
        const stderr = [];
        child.stdout.on('data', (chunk) => {
            chunks.push(chunk);
            kept += chunk.length;
            if (kept > cap * 2) {
                // Keep memory bounded: fold the buffered chunks down to the tail we may still need.
                const joined = Buffer.concat(chunks);
                chunks = [joined.subarray(joined.length - cap)];
                kept = cap;
                truncated = true;
            }
        });
        child.stderr.on('data', (chunk) => stderr.push(chunk));
        child.on('error', reject);
        child.on('close', (code) => {
            let out = Buffer.concat(chunks);
            if (out.length > cap) {
                out = out.subarray(out.length - cap);
                truncated = true;
            }
            resolve({
                code: code ?? 1,
                stdout: out.toString('utf8'),
                stderr: Buffer.concat(stderr).toString('utf8'),
                truncated,
            });
        });
        child.stdin.on('error', () => {
            // git may exit before reading its stdin (e.g. a bad argument); the exit code tells the story.
        });
        child.stdin.end(options.input ?? '');
    });
}
/** The first line of git's stderr, for messages. */
function git_gitError(result) {
    const line = result.stderr
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.length > 0);
    return line ?? `git exited with code ${result.code}`;
}

;// CONCATENATED MODULE: ./build/trend/store.js
/**
 * The history store: a data branch in the user's own repository, one JSON Lines file per model, written with git
 * plumbing against a remote of the workspace (`origin`, the checkout whose persisted token can push). Plumbing
 * (hash-object, mktree, commit-tree, push <sha>:<ref>) never touches the user's work tree, index or HEAD.
 *
 * Concurrency: every write is compare-and-swap. The new commit's parent is the tip we read, so the push is a
 * fast-forward only if nobody wrote in between; otherwise the remote rejects it, we fetch the new tip, re-apply
 * our append on top and retry (bounded, with jittered exponential back-off). No record is lost and none is
 * written twice, whatever number of writers race.
 */



/** Default data branch. */
const DEFAULT_HISTORY_BRANCH = 'model-budget-data';
/** Default bound on one history file read for a PR: 1 MiB of its tail (≈ 1,000 records). */
const DEFAULT_MAX_READ_BYTES = 1024 * 1024;
const COMMITTER = {
    GIT_AUTHOR_NAME: 'model-budget',
    GIT_AUTHOR_EMAIL: 'model-budget@users.noreply.github.com',
    GIT_COMMITTER_NAME: 'model-budget',
    GIT_COMMITTER_EMAIL: 'model-budget@users.noreply.github.com',
};
const README = (/* unused pure expression or super */ null && (`# model-budget history

Written by model-budget: one JSON Lines file per model, one record per line, oldest first.
Do not edit by hand while a workflow may be writing; every write is a fast-forward on top of the last one.
`));
/**
 * Appends the records to the data branch (one commit for all of them) and pushes it. Never throws for git or
 * permission problems: a failed push returns `warning` so a history problem cannot fail a budget check.
 */
async function appendRecords(records, options) {
    if (records.length === 0)
        return { status: 'skipped', reason: 'no model produced a record' };
    const branch = options.branch ?? DEFAULT_HISTORY_BRANCH;
    const maxAttempts = Math.max(1, options.maxAttempts ?? 10);
    const random = options.random ?? Math.random;
    const sleep = options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
    const byFile = groupByFile(records);
    // The commit of the last rejected push: if it turns out to have landed after all (the rejection came from a
    // local lock, not the remote), re-applying would write every record twice.
    let pushed;
    try {
        for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
            const tip = await fetchTip(options, branch);
            if (tip.status === 'error') {
                // Another writer in the same clone holds a lock (e.g. .git/shallow.lock): wait and try again.
                if (tip.busy && attempt < maxAttempts) {
                    await sleep(random() * Math.min(4000, 250 * 2 ** attempt));
                    continue;
                }
                return warn(options.log, tip.message);
            }
            if (pushed !== undefined && tip.commit === pushed) {
                return { status: 'written', commit: pushed, attempts: attempt - 1, files: [...byFile.keys()] };
            }
            const commit = await buildCommit(options, tip.commit, byFile, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
            const push = await runGit(['push', '--porcelain', '--no-verify', remoteOf(options), `${commit}:refs/heads/${branch}`], { cwd: options.workspace });
            if (push.code === 0) {
                options.log.info(`model-budget: recorded ${records.length} model(s) on ${branch} (${commit.slice(0, 7)})`);
                return { status: 'written', commit, attempts: attempt, files: [...byFile.keys()] };
            }
            pushed = commit;
            if (!isRaceRejection(push)) {
                return warn(options.log, `could not push the trend history to ${branch}: ${pushError(push)}. ${PUSH_FIX}`);
            }
            if (attempt < maxAttempts)
                await sleep(random() * Math.min(4000, 250 * 2 ** attempt));
        }
        return warn(options.log, `gave up recording the trend history after ${maxAttempts} attempts: ${branch} kept moving`);
    }
    catch (error) {
        return warn(options.log, `could not record the trend history: ${error instanceof Error ? error.message : String(error)}`);
    }
}
/**
 * Reads model histories from the data branch with a shallow fetch of that branch alone (never the user's history)
 * and at most `maxBytes` from the end of each file. A missing branch is not an error: there is no history yet.
 */
async function readHistory(options) {
    const branch = options.branch ?? DEFAULT_HISTORY_BRANCH;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
    try {
        const tip = await fetchTip(options, branch);
        if (tip.status === 'error')
            return { status: 'warning', message: warnText(options.log, tip.message), histories: [] };
        if (tip.commit === undefined) {
            const message = `no trend history yet: branch ${branch} does not exist on ${remoteOf(options)}`;
            options.log.info(message);
            return { status: 'missing', message, histories: [] };
        }
        const entries = await listTree(options.workspace, tip.commit);
        const wanted = options.models?.map((model) => ({ model, file: jsonl_historyFileName(model) }));
        const files = wanted ?? [...entries.keys()].filter((name) => name.endsWith('.jsonl')).map((file) => ({ model: '', file }));
        const histories = [];
        for (const { model, file } of files) {
            const entry = entries.get(file);
            if (entry === undefined) {
                histories.push({ model, records: [], corrupt: 0, newer: 0, truncated: false });
                continue;
            }
            const blob = await git_runGit(['cat-file', 'blob', entry.sha], { cwd: options.workspace, maxStdoutBytes: maxBytes });
            if (blob.code !== 0)
                throw new Error(`git cat-file ${file}: ${git_gitError(blob)}`);
            const history = parseHistory(model, blob.stdout, blob.truncated);
            const named = model || history.records.at(-1)?.model || file.replace(/\.jsonl$/, '');
            if (history.corrupt > 0)
                options.log.warning(`${branch}:${file}: skipped ${history.corrupt} corrupt line(s)`);
            if (history.newer > 0) {
                options.log.warning(`${branch}:${file}: skipped ${history.newer} record(s) of a newer schema; update model-budget`);
            }
            histories.push({ ...history, model: named });
        }
        return { status: 'ok', commit: tip.commit, histories };
    }
    catch (error) {
        const message = `could not read the trend history: ${error instanceof Error ? error.message : String(error)}`;
        return { status: 'warning', message: warnText(options.log, message), histories: [] };
    }
}
/** Shallow-fetches the data branch into a private, per-call ref and returns its commit (undefined: no branch). */
async function fetchTip(options, branch) {
    const ref = `refs/model-budget/fetch-${process.pid}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
    const fetch = await git_runGit(
    // `--refmap=`: update no remote-tracking ref of the user's; `--depth=1`: the tip alone, however long the history.
    ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--refmap=', '--depth=1', remoteOf(options), `+refs/heads/${branch}:${ref}`], { cwd: options.workspace });
    try {
        if (fetch.code !== 0) {
            if (/couldn't find remote ref/i.test(fetch.stderr))
                return { status: 'ok', commit: undefined };
            const busy = /\.lock'?: File exists|unable to create .*\.lock/i.test(fetch.stderr);
            return { status: 'error', message: `could not fetch ${branch} from ${remoteOf(options)}: ${git_gitError(fetch)}`, busy };
        }
        const parsed = await git_runGit(['rev-parse', '--verify', `${ref}^{commit}`], { cwd: options.workspace });
        if (parsed.code !== 0)
            return { status: 'error', message: `could not read ${branch}: ${git_gitError(parsed)}`, busy: false };
        return { status: 'ok', commit: parsed.stdout.trim() };
    }
    finally {
        // The objects stay in the object store for this call; the ref is ours alone and must not linger.
        await git_runGit(['update-ref', '-d', ref], { cwd: options.workspace });
    }
}
async function listTree(cwd, commit) {
    const result = await git_runGit(['ls-tree', '-z', commit], { cwd });
    if (result.code !== 0)
        throw new Error(`git ls-tree ${commit}: ${git_gitError(result)}`);
    const entries = new Map();
    for (const item of result.stdout.split('\0')) {
        const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(item);
        if (match?.[1] && match[2] && match[3] && match[4])
            entries.set(match[4], { mode: match[1], type: match[2], sha: match[3] });
    }
    return entries;
}
/** Builds the next commit: the tip's tree with each model file appended to (and compacted); other files untouched. */
async function buildCommit(options, parent, byFile, maxEntries) {
    const cwd = options.workspace;
    const entries = parent === undefined ? new Map() : await listTree(cwd, parent);
    if (!entries.has('README.md'))
        entries.set('README.md', { mode: '100644', type: 'blob', sha: await writeBlob(cwd, README) });
    for (const [file, records] of byFile) {
        const existing = entries.get(file);
        let text = '';
        if (existing !== undefined) {
            const blob = await runGit(['cat-file', 'blob', existing.sha], { cwd });
            if (blob.code !== 0)
                throw new Error(`git cat-file ${file}: ${gitError(blob)}`);
            text = blob.stdout;
        }
        entries.set(file, { mode: '100644', type: 'blob', sha: await writeBlob(cwd, appendHistory(text, records, maxEntries)) });
    }
    const listing = [...entries].map(([name, e]) => `${e.mode} ${e.type} ${e.sha}\t${name}\0`).join('');
    const tree = await runGit(['mktree', '-z'], { cwd, input: listing });
    if (tree.code !== 0)
        throw new Error(`git mktree: ${gitError(tree)}`);
    const shas = [...new Set([...byFile.values()].flat().map((r) => r.sha.slice(0, 7)))].join(', ');
    const args = ['commit-tree', tree.stdout.trim(), '-m', `model-budget: record ${shas}`];
    if (parent !== undefined)
        args.push('-p', parent);
    const commit = await runGit(args, { cwd, env: COMMITTER });
    if (commit.code !== 0)
        throw new Error(`git commit-tree: ${gitError(commit)}`);
    return commit.stdout.trim();
}
async function writeBlob(cwd, text) {
    const result = await runGit(['hash-object', '-w', '--stdin'], { cwd, input: text });
    if (result.code !== 0)
        throw new Error(`git hash-object: ${gitError(result)}`);
    return result.stdout.trim();
}
function groupByFile(records) {
    const byFile = new Map();
    for (const record of records) {
        const file = historyFileName(record.model);
        byFile.set(file, [...(byFile.get(file) ?? []), record]);
    }
    return byFile;
}
/** A rejection another writer caused (the branch moved, or the remote was mid-update): fetch and retry. */
function isRaceRejection(push) {
    const text = `${push.stdout}\n${push.stderr}`;
    return /non-fast-forward|fetch first|stale info|cannot lock ref|failed to update ref|incorrect old value|reference already exists/i.test(text);
}
function pushError(push) {
    const rejected = /^!\t[^\t]*\t(.+)$/m.exec(push.stdout)?.[1];
    return rejected ?? gitError(push);
}
const PUSH_FIX = 'Give the workflow `permissions: contents: write` on push and keep `persist-credentials` of actions/checkout on';
function remoteOf(options) {
    return options.remote ?? 'origin';
}
function warn(log, message) {
    return { status: 'warning', message: warnText(log, message) };
}
function warnText(log, message) {
    log.warning(message);
    return message;
}

;// CONCATENATED MODULE: ./build/trend/history-files.js
/**
 * Reading history from local files (a checkout of the data branch, or one downloaded `.jsonl`), with the same
 * bound as the git reader: at most `maxBytes` from the end of each file.
 */





/** Reads one `.jsonl` file, or every `.jsonl` file of a directory (not recursive), sorted by file name. */
async function readHistoryPath(path, maxBytes = DEFAULT_MAX_READ_BYTES) {
    let info;
    try {
        info = await (0,promises_.stat)(path);
    }
    catch (error) {
        throw new errors/* ModelBudgetError */.jW(`trend history "${path}" does not exist; pass a .jsonl file or a checkout of the history branch (git worktree add ../history model-budget-data)`, { file: path, cause: error });
    }
    const files = info.isDirectory()
        ? (await (0,promises_.readdir)(path)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => (0,external_node_path_.join)(path, f))
        : [path];
    const histories = [];
    for (const file of files) {
        const { text, truncated } = await readTail(file, maxBytes);
        const history = parseHistory('', text, truncated);
        histories.push({ ...history, model: history.records.at(-1)?.model ?? (0,external_node_path_.basename)(file, '.jsonl') });
    }
    return histories;
}
async function readTail(file, maxBytes) {
    const handle = await (0,promises_.open)(file, 'r');
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

// EXTERNAL MODULE: ./build/commands/types.js
var types = __webpack_require__(6910);
;// CONCATENATED MODULE: ./build/commands/trend.js
/**
 * `model-budget trend [--history <dir|file>] [--model NAME] [--branch NAME] [--last N] [--html out.html]`:
 * prints the recorded history as a table, and optionally writes the offline HTML dashboard. Without
 * `--history` it reads the data branch of the `origin` of the current checkout (shallow, that branch only).
 */









const USAGE = `usage: model-budget trend [--history <dir|file>] [--model NAME] [--branch NAME] [--last N] [--html out.html]

  --history PATH   a .jsonl history file or a directory of them (a checkout of the history branch);
                   default: the history branch of this repository's origin
  --branch NAME    the history branch to read when --history is not given (default model-budget-data)
  --model NAME     only this model (repeatable)
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
        histories = await readHistoryPath((0,external_node_path_.resolve)(io.cwd, values.history));
    }
    else {
        const log = { info: (m) => io.stderr(`${m}\n`), warning: (m) => io.stderr(`warning: ${m}\n`) };
        const read = await readHistory({ workspace: io.cwd, log, ...(values.branch === undefined ? {} : { branch: values.branch }) });
        histories = [...read.histories];
    }
    const wanted = values.model;
    if (wanted !== undefined) {
        histories = histories.filter((h) => wanted.includes(h.model));
        const missing = wanted.filter((m) => !histories.some((h) => h.model === m));
        if (missing.length > 0)
            io.stderr(`warning: no history for ${missing.map((m) => `"${m}"`).join(', ')}\n`);
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
    const rows = records.map((r) => [
        r.date.slice(0, 10),
        `${r.sha.slice(0, 7)}${r.rerun ? ' (re-run)' : ''}`,
        ...keys.map((k) => {
            const m = r.metrics[k];
            return m === undefined ? '' : formatValue(m.value, m.unit);
        }),
        r.environment === undefined ? '' : environmentLabel(r.environment),
    ]);
    const header = ['date', 'commit', ...keys, 'environment'];
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


/***/ })

};
