export const id = 840;
export const ids = [840];
export const modules = {

/***/ 3459:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   compareCommand: () => (/* binding */ compareCommand),
/* harmony export */   comparisonJson: () => (/* binding */ comparisonJson),
/* harmony export */   renderComparison: () => (/* binding */ renderComparison)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var _config_units_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3820);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9473);
/* harmony import */ var _measure_latency_benchmark_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3627);
/* harmony import */ var _measure_runtime_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(1820);
/* harmony import */ var _model_load_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8171);
/* harmony import */ var _args_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(8642);
/* harmony import */ var _types_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(6910);
/**
 * `model-budget compare <baseline> <candidate>`: interleaved A/B latency of two models in one process, with the
 * ratio of medians, its bootstrap confidence interval and a verdict. Exit 1 only for `slower`.
 */










const USAGE = `Usage: model-budget compare <baseline-model.json> <candidate-model.json>
  [--runtime wasm|cpu|tensorflow|tensorflow-gpu|webgpu|auto] (default wasm)
  [--max-increase 10%]   allowed slowdown; exit 1 only when the whole 95% interval is above it
  [--quantile 50]        percentile compared: 50 = ratio of medians; 25 resists a busy machine better
  [--seed N]             seed of the run order, bootstrap and inputs (default 1)
  [--runs N]             timed rounds at least (default 64)
  [--min-seconds S]      timed phase lasts at least S seconds (default 1)
  [--max-seconds S]      cap on the timed phase (default 30)
  [--json out.json]      write { schemaVersion, verdict, latency: { ratio, ci, verdict }, ... }
`;
function numberOption(raw, name, integer) {
    if (raw === undefined)
        return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`--${name} expects ${integer ? 'a whole number' : 'a number'}, got "${raw}"`);
    }
    return value;
}
function thresholdOption(raw) {
    if (raw === undefined)
        return 0.1;
    const parsed = (0,_config_units_js__WEBPACK_IMPORTED_MODULE_3__/* .parsePercent */ .lo)(/^\s*[\d.]+\s*$/.test(raw) ? Number(raw) : raw);
    if (!parsed.ok)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`--max-increase expects ${parsed.expected}, got "${raw}"`);
    return parsed.value;
}
function runtimeOption(raw) {
    if (raw === undefined)
        return 'wasm';
    if (raw === 'auto' || _measure_runtime_js__WEBPACK_IMPORTED_MODULE_6__/* .RUNTIME_NAMES */ .st.includes(raw))
        return raw;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`--runtime expects one of auto, ${_measure_runtime_js__WEBPACK_IMPORTED_MODULE_6__/* .RUNTIME_NAMES */ .st.join(', ')}; got "${raw}"`);
}
const quantileLabel = (q) => (q === 50 ? 'medians' : `p${q}s`);
const ms = (v) => `${v.toFixed(v < 10 ? 3 : 2)} ms`;
const pct = (ratio) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;
/** The A/B table and verdict as plain text. */
function renderComparison(result, names) {
    const { comparison: c, runtime } = result;
    const cpu = (0,node_os__WEBPACK_IMPORTED_MODULE_1__.cpus)()[0]?.model.trim() ?? 'unknown CPU';
    const rows = [
        ['p50', (s) => ms(s.p50)],
        ['p90', (s) => ms(s.p90)],
        ['p95', (s) => ms(s.p95)],
        ['min', (s) => ms(s.min)],
        ['mean ± std', (s) => `${ms(s.mean)} ± ${s.std.toFixed(3)}`],
        ['CV', (s) => `${(s.cv * 100).toFixed(1)}%`],
    ];
    const table = [
        `| | baseline | candidate |`,
        `|---|---:|---:|`,
        `| load | ${ms(result.loadMs.baseline)} | ${ms(result.loadMs.candidate)} |`,
        ...rows.map(([label, f]) => `| ${label} | ${f(result.baseline)} | ${f(result.candidate)} |`),
    ];
    const band = `${pct(1 / (1 + c.threshold))} … ${pct(1 + c.threshold)}`;
    return [
        `baseline:  ${names.baseline}`,
        `candidate: ${names.candidate}`,
        `runtime ${runtime.name} ${runtime.version}, ${runtime.threads} thread(s), ${cpu}, ${(0,node_os__WEBPACK_IMPORTED_MODULE_1__.cpus)().length} cores; ` +
            `${result.rounds} interleaved rounds, seed ${result.seed}` +
            (result.stoppedBy === 'max-seconds' ? ' (stopped by --max-seconds)' : ''),
        '',
        ...table,
        '',
        `ratio of ${quantileLabel(result.quantile)} ${c.ratio.toFixed(3)} (${pct(c.ratio)}), ${Math.round(c.confidence * 100)}% CI ` +
            `[${c.ci[0].toFixed(3)}, ${c.ci[1].toFixed(3)}]`,
        `verdict: ${c.verdict} (no-change band ${band})`,
        ...(c.verdict === 'inconclusive'
            ? ['the interval straddles the band edge: the runs cannot tell; run longer (--min-seconds) or on a quieter machine']
            : []),
        ...result.warnings.map((w) => `warning: ${w}`),
        '',
    ].join('\n');
}
/** `model-budget compare`; returns 1 only when the candidate is `slower` beyond `--max-increase`. */
async function compareCommand(args, io) {
    const parsed = (0,_args_js__WEBPACK_IMPORTED_MODULE_8__/* .parseCommandArgs */ .Q)(args, {
        runtime: { type: 'string' },
        json: { type: 'string' },
        'max-increase': { type: 'string' },
        seed: { type: 'string' },
        quantile: { type: 'string' },
        runs: { type: 'string' },
        'min-seconds': { type: 'string' },
        'max-seconds': { type: 'string' },
    });
    if (parsed.values['help']) {
        io.stdout(USAGE);
        return _types_js__WEBPACK_IMPORTED_MODULE_9__/* .EXIT */ .d.ok;
    }
    const [baselinePath, candidatePath, ...extra] = parsed.positionals;
    if (baselinePath === undefined || candidatePath === undefined || extra.length > 0) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`compare takes exactly two model paths, got ${parsed.positionals.length}.\n${USAGE}`);
    }
    const threshold = thresholdOption((0,_args_js__WEBPACK_IMPORTED_MODULE_8__/* .stringOption */ .P)(parsed, 'max-increase'));
    const seed = numberOption((0,_args_js__WEBPACK_IMPORTED_MODULE_8__/* .stringOption */ .P)(parsed, 'seed'), 'seed', true) ?? 1;
    const minRuns = numberOption((0,_args_js__WEBPACK_IMPORTED_MODULE_8__/* .stringOption */ .P)(parsed, 'runs'), 'runs', true);
    const minSeconds = numberOption((0,_args_js__WEBPACK_IMPORTED_MODULE_8__/* .stringOption */ .P)(parsed, 'min-seconds'), 'min-seconds', false);
    const maxSeconds = numberOption((0,_args_js__WEBPACK_IMPORTED_MODULE_8__/* .stringOption */ .P)(parsed, 'max-seconds'), 'max-seconds', false);
    const quantile = numberOption((0,_args_js__WEBPACK_IMPORTED_MODULE_8__/* .stringOption */ .P)(parsed, 'quantile'), 'quantile', false);
    if (quantile !== undefined && !(quantile > 0 && quantile < 100)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`--quantile expects a percentile between 0 and 100, got ${quantile}`);
    }
    const runtime = runtimeOption((0,_args_js__WEBPACK_IMPORTED_MODULE_8__/* .stringOption */ .P)(parsed, 'runtime'));
    await (0,_measure_runtime_js__WEBPACK_IMPORTED_MODULE_6__/* .selectRuntime */ .lf)(runtime, { cwd: io.cwd });
    const baseline = await (0,_model_load_js__WEBPACK_IMPORTED_MODULE_7__/* .loadModel */ .c)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(io.cwd, baselinePath));
    const candidate = await (0,_model_load_js__WEBPACK_IMPORTED_MODULE_7__/* .loadModel */ .c)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(io.cwd, candidatePath));
    io.stderr(`comparing on ${runtime}…\n`);
    const result = await (0,_measure_latency_benchmark_js__WEBPACK_IMPORTED_MODULE_5__/* .compareModels */ .w)(baseline, candidate, {
        seed,
        threshold,
        against: 'base',
        pinned: runtime !== 'auto',
        ...(minRuns === undefined ? {} : { minRuns }),
        ...(quantile === undefined ? {} : { quantile }),
        ...(minSeconds === undefined ? {} : { minSeconds }),
        ...(maxSeconds === undefined ? {} : { maxSeconds }),
    });
    io.stdout(renderComparison(result, { baseline: baselinePath, candidate: candidatePath }));
    const json = (0,_args_js__WEBPACK_IMPORTED_MODULE_8__/* .stringOption */ .P)(parsed, 'json');
    if (json !== undefined) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(io.cwd, json), JSON.stringify(comparisonJson(result, baselinePath, candidatePath), null, 2) + '\n');
        io.stderr(`report written to ${json}\n`);
    }
    return result.comparison.verdict === 'slower' ? _types_js__WEBPACK_IMPORTED_MODULE_9__/* .EXIT */ .d.overBudget : _types_js__WEBPACK_IMPORTED_MODULE_9__/* .EXIT */ .d.ok;
}
/** report.json of `compare`. */
function comparisonJson(result, baseline, candidate) {
    const c = result.comparison;
    return {
        schemaVersion: 1,
        verdict: c.verdict,
        latency: { ratio: c.ratio, ci: c.ci, confidence: c.confidence, threshold: c.threshold, verdict: c.verdict },
        baseline: { path: baseline, loadMs: result.loadMs.baseline, ...result.baseline },
        candidate: { path: candidate, loadMs: result.loadMs.candidate, ...result.candidate },
        rounds: result.rounds,
        quantile: result.quantile,
        seed: result.seed,
        runtime: { name: result.runtime.name, version: result.runtime.version, threads: result.runtime.threads },
        environment: { cpu: (0,node_os__WEBPACK_IMPORTED_MODULE_1__.cpus)()[0]?.model.trim() ?? 'unknown', cores: (0,node_os__WEBPACK_IMPORTED_MODULE_1__.cpus)().length, node: process.version },
    };
}


/***/ })

};
