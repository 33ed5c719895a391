export const id = 687;
export const ids = [687];
export const modules = {

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
