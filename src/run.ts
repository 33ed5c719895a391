import { cpus } from 'node:os';
import { configForLeg, loadConfig, type BudgetConfig, type ModelSpec } from './config/load.js';
import { defaultLegId, normalizeLegId, type LegFingerprint } from './leg.js';
import { modelHome } from './config/output-paths.js';
import { errorDetail, errorMessage, MESSAGES, ModelBudgetError } from './errors.js';
import { modelVerdict, overallVerdict, type Measured } from './judge/judge.js';
import { applyTrendBudgetsToReport, type TrendHistory } from './judge/trend-budgets.js';
import { baseCompressSetting, prepareBase } from './measure/base-model.js';
import { searchesPrecision } from './measure/compress-stage.js';
import { ModelDeadline } from './measure/deadline.js';
import { activateRuntime, executionNeeds, measureExecution, sizeNeeds, type ExecutionResult } from './measure/execution-stage.js';
import type { BaseKind, Environment, ModelReport, Report } from './report/types.js';
import { VERSION } from './version.js';
import { loadBaseConfig, locateBaseModel, type BaseLocation } from './base.js';
import {
  budgetChangesOf,
  compressStage,
  judgeStage,
  loadOptionsOf,
  loadStage,
  notMeasured,
  saveStage,
  sizeStage,
  techniqueSizeNotes,
  startOriginalSizes,
  weightsStage,
  type StageContext,
} from './stages.js';

export interface CheckOptions {
  /** Path of model-budget.yml (absolute, or relative to `cwd`). */
  readonly configPath: string;
  /** Working directory that messages show paths relative to; default process.cwd(). */
  readonly cwd?: string;
  /** Base-branch snapshot: a folder holding the base commit's files at the same relative paths; `kind`: how that commit was found. */
  readonly base?: { readonly dir: string; readonly ref: string; readonly kind?: BaseKind };
  /**
   * The leg of a job matrix this run measures: picks the `budget.per-leg` blocks and is written into the report.
   * Default: made from `runner` (or this machine), the CPU model and the configured runtimes (`defaultLegId`).
   */
  readonly leg?: string;
  /** Runner fields of the default leg id (the Action passes RUNNER_OS, RUNNER_ARCH, MODEL_BUDGET_GPU). */
  readonly runner?: Pick<LegFingerprint, 'os' | 'arch' | 'gpu'>;
  /** The history `trend:` budgets are judged against; absent: trend budgets are not judged. Read only when one is set. */
  readonly history?: TrendHistory;
}

export interface CheckPorts {
  /** One line per step, for humans watching the log. */
  readonly progress: (line: string) => void;
  readonly warn: (message: string) => void;
  /** Stack traces and other detail for `--verbose` / `verbose: true`; absent: not shown. */
  readonly debug?: (line: string) => void;
  /** Milliseconds, for progress timing; injectable for tests. */
  readonly now?: () => number;
}

export interface CheckResult {
  readonly report: Report;
  readonly config: BudgetConfig;
}

/**
 * The pipeline: config → for each model `checkModel` (load → compress → save → size → execute → judge) → the
 * `trend:` budgets judged against `history` → report.
 * A config error throws (nothing can be checked); a model that cannot be loaded or measured becomes a model
 * with verdict `error` and the others are still checked.
 */
export async function runCheck(options: CheckOptions, ports: CheckPorts): Promise<CheckResult> {
  const cwd = options.cwd ?? process.cwd();
  const now = ports.now ?? (() => performance.now());
  const loaded = await loadConfig(options.configPath, cwd);
  const leg = options.leg === undefined ? defaultLegOf(loaded, options.runner) : normalizeLegId(options.leg);
  const config = configForLeg(loaded, leg);
  const baseLoaded = options.base ? await loadBaseConfig(loaded, options.base.dir, cwd, ports.warn) : undefined;
  // The base's budgets as judged on the same leg, so that a per-leg budget is not shown as a budget change.
  const baseConfig = baseLoaded ? configForLeg(baseLoaded, leg) : undefined;

  const sources = config.models.map((m) => modelHome(m.absPath));
  const models: ModelReport[] = [];
  let environment: Environment | undefined;
  for (const spec of config.models) {
    const started = now();
    const step = (what: string): void => ports.progress(`${spec.name}: ${what} (${((now() - started) / 1000).toFixed(1)} s)`);
    try {
      const base = options.base ? await locateBaseModel(spec, baseConfig, options.base, cwd) : undefined;
      const checked = await checkModel(spec, {
        step,
        warn: ports.warn,
        cwd,
        root: config.root,
        sources,
        ...(base ? { base } : {}),
        baseSpec: baseConfig?.models.find((m) => m.name === spec.name),
      });
      environment ??= checked.environment;
      models.push(checked.report);
      step('done');
    } catch (error) {
      // One model's failure never stops the others; an error that is not ours (a runtime's) keeps its message.
      const failure =
        error instanceof ModelBudgetError
          ? error
          : new ModelBudgetError(MESSAGES.modelCheckFailed(spec.path, spec.name, errorMessage(error)), { cause: error });
      ports.debug?.(errorDetail(error));
      models.push(errorReport(spec, failure));
      step(`error: ${errorMessage(failure)}`);
    }
  }
  const measured: Report = {
    schemaVersion: 1,
    verdict: overallVerdict(models.map((m) => m.verdict)),
    config: config.displayPath,
    leg,
    models,
    ...(environment ? { environment } : {}),
    tool: { name: 'model-budget', version: VERSION },
  };
  const report = await judgeTrend(measured, config, options.history); // judge: trend budgets, against the report's environment
  return { report, config };
}

/**
 * The `trend:` budgets judged against the history, once every model is measured: a model's series is taken from
 * the environment of the report (the first executed model's), as it was recorded.
 */
async function judgeTrend(report: Report, config: BudgetConfig, history: TrendHistory | undefined): Promise<Report> {
  const budgets = new Map(config.models.map((m) => [m.name, m.trend]));
  if (history === undefined || [...budgets.values()].every((b) => Object.keys(b).length === 0)) return report;
  const histories = await history.read(config.models.map((m) => m.name));
  if (histories === undefined) return report;
  return applyTrendBudgetsToReport(report, budgets, histories, history);
}

/** `defaultLegId` of this machine: the runner's OS and architecture (else Node's), CPU model, configured runtimes. */
function defaultLegOf(config: BudgetConfig, runner: CheckOptions['runner']): string {
  const runtimes = [...new Set(config.models.map((m) => m.benchmark.runtime))].join('+');
  return defaultLegId({
    os: runner?.os ?? process.platform,
    arch: runner?.arch ?? process.arch,
    cpu: cpus()[0]?.model,
    runtime: runtimes,
    gpu: runner?.gpu,
  });
}

/** What `checkModel` needs besides the model's config. */
interface ModelContext {
  readonly step: (what: string) => void;
  readonly warn: (message: string) => void;
  /** Folder runtimes (tfjs-node) are resolved from, and that messages show paths relative to. */
  readonly cwd: string;
  /** The repository: `output:` must stay inside it, symbolic links followed. */
  readonly root?: string;
  /** Every model's files in the config: `output:` must not overlap them, symbolic links followed. */
  readonly sources?: readonly string[];
  readonly base?: BaseLocation;
  /** The base config's entry for the model, for the budget changes. */
  readonly baseSpec: ModelSpec | undefined;
}

/**
 * One model through every stage. Against the base branch it compares like with like: the base's copy compressed as
 * the base branch ships it (`prepareBase`), so sizes, weight changes, FLOPs and the latency A/B are shipped model
 * against shipped model. `benchmark.timeout` bounds every stage of the model, not only the latency loop.
 */
async function checkModel(spec: ModelSpec, ctx: ModelContext): Promise<{ readonly report: ModelReport; readonly environment?: Environment }> {
  const stage: StageContext = { step: ctx.step, warn: ctx.warn, deadline: new ModelDeadline(spec.benchmark.timeout, spec.name) };
  const original = await loadStage(spec, stage); // load
  const needs = executionNeeds(spec);
  const baseSearches = searchesPrecision(baseCompressSetting(spec, ctx.base).compress);
  const runtime = spec.compress || baseSearches || needs.latency || needs.flops ? await activateRuntime(spec, ctx.cwd) : undefined;
  // The original is sized on worker threads while compression and drift run on this thread.
  const early = spec.compress ? startOriginalSizes(original, sizeNeeds(spec)) : undefined;

  const compressed = await compressStage(original, spec, stage); // compress (and drift)
  const saved = spec.compress && spec.output ? await saveStage(compressed.model, spec.output, ctx) : undefined; // save
  // The base branch's copy, compressed as the base branch ships it.
  const base = await prepareBase(spec, ctx.base, loadOptionsOf(spec), ctx.step, stage.deadline);
  const sizes = await sizeStage({ candidate: compressed.model, original, base, ...(early ? { early } : {}) }, sizeNeeds(spec), stage); // size
  const stepSizes = compressed.steps
    ? await stage.deadline.race('measuring size', () => techniqueSizeNotes(original, compressed.steps ?? [], sizeNeeds(spec)))
    : [];
  // execute: latency, memory, FLOPs on the model's runtime (drift was measured while compressing).
  const executed: ExecutionResult | undefined =
    runtime && (compressed.drift || needs.latency || needs.flops)
      ? await measureExecution({
          spec,
          candidate: compressed.model,
          runtime,
          step: ctx.step,
          deadline: stage.deadline,
          ...(compressed.model === original ? {} : { original }),
          ...(base.model ? { base: base.model } : {}),
          ...(compressed.drift ? { drift: compressed.drift } : {}),
        })
      : undefined;

  const measured: Readonly<Record<string, Measured>> = { ...sizes, ...executed?.measured };
  const skipped = notMeasured(spec, measured);
  const notes = [
    ...(original.notes ?? []),
    ...compressed.notes,
    ...stepSizes,
    ...(saved ? [saved.note] : []),
    ...base.notes,
    ...(executed?.notes ?? []),
    ...(skipped ? [skipped] : []),
  ];
  const { weights, changes } = weightsStage(compressed.model, base.model);
  const metrics = judgeStage(spec, measured, executed?.latencyComparison); // judge
  // report
  const report: ModelReport = {
    name: spec.name,
    path: spec.path,
    format: compressed.model.format,
    verdict: modelVerdict(metrics),
    metrics,
    weights,
    ...(changes ? { weightChanges: changes } : {}),
    ...(compressed.precision ? { precision: compressed.precision } : {}),
    ...(compressed.frontier ? { frontier: compressed.frontier } : {}),
    notes,
    ...(base.comparison ? { base: base.comparison } : {}),
    ...budgetChangesOf(spec, ctx.baseSpec),
    ...(executed?.latencyComparison ? { latencyComparison: executed.latencyComparison } : {}),
  };
  return { report, ...(executed ? { environment: executed.environment } : {}) };
}

function errorReport(spec: ModelSpec, error: ModelBudgetError): ModelReport {
  return { name: spec.name, path: spec.path, verdict: 'error', metrics: [], weights: [], notes: [], error: error.message };
}
