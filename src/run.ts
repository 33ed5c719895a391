import { cpus } from 'node:os';
import { configForLeg, loadConfig, type BudgetConfig, type ModelSpec } from './config/load.js';
import { defaultLegId, normalizeLegId, type LegFingerprint } from './leg.js';
import { modelHome } from './config/output-paths.js';
import { errorDetail, errorMessage, MESSAGES, ModelBudgetError } from './errors.js';
import { judgeModel, modelVerdict, overallVerdict } from './judge/judge.js';
import { diffBudgets } from './judge/budget-changes.js';
import { measureModel, type ModelMeasurement } from './measure/measure-model.js';
import type { BaseKind, Environment, ModelReport, Report } from './report/types.js';
import { VERSION } from './version.js';
import { loadBaseConfig, locateBaseModel } from './base.js';

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
 * The pipeline on one screen: config → for each model (load → compress → measure → judge) → report.
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
      const measurement = await measureModel(spec, { step, warn: ports.warn, cwd, root: config.root, sources, ...(base ? { base } : {}) });
      environment ??= measurement.environment;
      models.push(toModelReport(spec, measurement, baseConfig?.models.find((m) => m.name === spec.name)));
      step('done');
    } catch (error) {
      // One model's failure never stops the others; an error that is not ours (a runtime's) keeps its message.
      const failure =
        error instanceof ModelBudgetError ? error : new ModelBudgetError(MESSAGES.modelCheckFailed(spec.path, spec.name, errorMessage(error)), { cause: error });
      ports.debug?.(errorDetail(error));
      models.push(errorReport(spec, failure));
      step(`error: ${errorMessage(failure)}`);
    }
  }
  const report: Report = {
    schemaVersion: 1,
    verdict: overallVerdict(models.map((m) => m.verdict)),
    config: config.displayPath,
    leg,
    models,
    ...(environment ? { environment } : {}),
    tool: { name: 'model-budget', version: VERSION },
  };
  return { report, config };
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

function toModelReport(spec: ModelSpec, m: ModelMeasurement, baseSpec: ModelSpec | undefined): ModelReport {
  const metrics = judgeModel({
    measured: m.measured,
    budgets: spec.budgets,
    ...(spec.sizeIncrease === undefined ? {} : { sizeIncrease: spec.sizeIncrease }),
    ...(m.latencyComparison ? { latencyComparison: m.latencyComparison } : {}),
    sources: spec.relativeSources,
  });
  const changes = baseSpec ? diffBudgets(baseSpec.budgets, spec.budgets) : [];
  return {
    name: spec.name,
    path: spec.path,
    format: m.format,
    verdict: modelVerdict(metrics),
    metrics,
    weights: m.weights,
    ...(m.weightChanges ? { weightChanges: m.weightChanges } : {}),
    ...(m.precision ? { precision: m.precision } : {}),
    notes: m.notes,
    ...(m.base ? { base: m.base } : {}),
    ...(changes.length > 0 ? { budgetChanges: changes } : {}),
    ...(m.latencyComparison ? { latencyComparison: m.latencyComparison } : {}),
  };
}

function errorReport(spec: ModelSpec, error: ModelBudgetError): ModelReport {
  return { name: spec.name, path: spec.path, verdict: 'error', metrics: [], weights: [], notes: [], error: error.message };
}
