export const id = 111;
export const ids = [111,687];
export const modules = {

/***/ 8111:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   applyTrendBudgetsToReport: () => (/* binding */ applyTrendBudgetsToReport)
/* harmony export */ });
/* unused harmony exports TREND_BUDGET_POINTS, TREND_BUDGET_MIN_POINTS, judgeTrendBudgets, applyTrendBudgets, metricKey */
/* harmony import */ var _judge_judge_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5623);
/* harmony import */ var _series_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6687);
/**
 * The optional trend budget: `trend: { latency-p50: 15%, size: 5% }` fails a PR whose value moved more than the
 * given fraction away from the median of the last default-branch points from the same environment. A median of
 * many commits does not drift with one noisy run the way a single base measurement does.
 */


/** Default-branch points the median is taken over. */
const TREND_BUDGET_POINTS = 20;
/** Fewer points than this and the trend budget is skipped (a median of one or two runs is one run). */
const TREND_BUDGET_MIN_POINTS = 3;
/**
 * Judges each trend budget. `max` metrics (sizes, times) fail when the value is above median·(1+threshold), `min`
 * metrics (accuracy) when below median·(1−threshold). Too little history, or no value in this PR: `skip`.
 */
function judgeTrendBudgets(input) {
    return Object.entries(input.budgets).map(([configKey, threshold]) => {
        const key = metricKey(configKey);
        const pct = `${+(threshold * 100).toFixed(2)}%`;
        const now = input.current.metrics.find((m) => m.key === key);
        const series = (0,_series_js__WEBPACK_IMPORTED_MODULE_1__/* .selectSeries */ .W0)(input.history, key, {
            last: input.points ?? TREND_BUDGET_POINTS,
            ...(input.ref === undefined ? {} : { ref: input.ref }),
            ...(input.environment === undefined ? {} : { environment: input.environment }),
        });
        const points = series.points.length;
        if (now === undefined) {
            return { key, status: 'skip', threshold, points, message: `${key}: not measured in this run, trend budget skipped` };
        }
        const mid = (0,_series_js__WEBPACK_IMPORTED_MODULE_1__/* .median */ .JZ)(series.points.map((p) => p.value));
        if (mid === undefined || points < TREND_BUDGET_MIN_POINTS) {
            const where = series.excluded > 0 ? ` from ${(0,_series_js__WEBPACK_IMPORTED_MODULE_1__/* .environmentLabel */ .WG)(series.environment ?? input.environment)}` : '';
            return {
                key,
                status: 'skip',
                value: now.value,
                threshold,
                points,
                message: `${key}: ${points} default-branch point(s)${where}, the trend budget needs ${TREND_BUDGET_MIN_POINTS}; skipped`,
            };
        }
        const change = mid === 0 ? 0 : (now.value - mid) / Math.abs(mid);
        const worse = now.direction === 'min' ? -change : change;
        const status = worse > threshold ? 'fail' : 'pass';
        const signed = `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
        const verb = status === 'fail' ? 'is more than' : 'is within';
        return {
            key,
            status,
            value: now.value,
            median: mid,
            change,
            threshold,
            points,
            message: `${key}: ${(0,_series_js__WEBPACK_IMPORTED_MODULE_1__/* .formatValue */ .Fl)(now.value, now.unit)} is ${signed} against the median ${(0,_series_js__WEBPACK_IMPORTED_MODULE_1__/* .formatValue */ .Fl)(mid, now.unit)} of the last ${points} default-branch points, which ${verb} the ${pct} trend budget`,
        };
    });
}
/**
 * A model's report with its trend budgets judged: each judged budget becomes a metric `trend.<key>` (the change
 * against the median, limit the allowed change) and counts in the verdict; a skipped one (too little history, or
 * not measured) becomes a note. The Action and the CLI (`check --history`) both judge trend budgets here.
 */
function applyTrendBudgets(input) {
    const model = input.current;
    if (Object.keys(input.budgets).length === 0 || model.error !== undefined)
        return model;
    const results = judgeTrendBudgets(input);
    const metrics = results
        .filter((r) => r.status !== 'skip' && r.change !== undefined)
        .map((r) => ({
        key: `trend.${r.key}`,
        unit: 'fraction',
        value: r.change ?? 0,
        limit: r.threshold,
        direction: 'max',
        status: r.status === 'fail' ? 'fail' : 'pass',
        message: r.message,
    }));
    const notes = results.filter((r) => r.status === 'skip').map((r) => r.message);
    const all = [...model.metrics, ...metrics];
    return { ...model, metrics: all, notes: [...model.notes, ...notes], verdict: (0,_judge_judge_js__WEBPACK_IMPORTED_MODULE_0__/* .modelVerdict */ .xJ)(all) };
}
/**
 * Every model of a report with its trend budgets judged against its history (by model name), and the overall
 * verdict updated. A model with trend budgets and no history gets a note saying so.
 */
function applyTrendBudgetsToReport(report, budgets, histories) {
    const models = report.models.map((model) => {
        const wanted = budgets.get(model.name) ?? {};
        if (Object.keys(wanted).length === 0 || model.error !== undefined)
            return model;
        const records = histories.find((h) => h.model === model.name)?.records ?? [];
        if (records.length === 0)
            return { ...model, notes: [...model.notes, 'trend budgets skipped: no recorded history for this model'] };
        return applyTrendBudgets({ budgets: wanted, current: model, history: records, ...(report.environment ? { environment: report.environment } : {}) });
    });
    return { ...report, models, verdict: (0,_judge_judge_js__WEBPACK_IMPORTED_MODULE_0__/* .overallVerdict */ .Bn)(models.map((m) => m.verdict)) };
}
/** `latency-p50` → `latency.p50`, `accuracy-cosine` → `accuracy.cosine`; other keys unchanged. */
function metricKey(configKey) {
    return configKey.replace(/^(latency|accuracy)-/, '$1.');
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
