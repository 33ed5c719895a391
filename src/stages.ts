/**
 * The stages `run.ts` drives for one model, each a function of its slice of the config returning a readonly value:
 * load → compress → save → (base) → size → execute → judge → report. The order and the progress lines are the
 * pipeline's contract: `checkModel` in run.ts shows them on one screen.
 */
import { formatLevelsProgress, type LevelsProgress } from './compress/levels-auto.js';
import { relative } from 'node:path';
import type { ModelSpec } from './config/load.js';
import { METRICS, type MetricKey } from './metrics.js';
import { note } from './note.js';
import { formatBytes, formatPercent } from './format.js';
import { formatAutoProgress, type AutoProgress } from './compress/auto.js';
import { CompressError, ConfigError, problem } from './errors.js';
import { formatOf } from './formats/index.js';
import { COMPRESSIONS, type CompressionName, type LoadOptions, type ModelFormat } from './formats/types.js';
import { loadModelInWorker } from './formats/worker/load.js';
import { diffBudgets } from './judge/budget-changes.js';
import { judgeModel, type Measured } from './judge/judge.js';
import type { BaseSide } from './measure/base-model.js';
import { compressAsConfigured, techniquesOf, type CompressSetting } from './measure/compress-stage.js';
import type { ModelDeadline } from './measure/deadline.js';
import { SYNTHETIC_INPUTS_NOTICE } from './measure/drift-session.js';
import { describeOutputs, type DriftResult } from './measure/drift.js';
import { unknownInputNames } from './measure/inputs.js';
import { measureSizes, weightBreakdown, weightChanges, type SizeMeasurement, type SizeNeeds } from './measure/size.js';
import type { LoadedModel } from './model/types.js';
import type { ModelReport, PrecisionChoice, SearchFrontier, WeightChange, WeightShare } from './report/types.js';

/** What every stage may report through: progress lines, warnings, and the model's deadline (`benchmark.timeout`). */
export interface StageContext {
  readonly step: (what: string) => void;
  readonly warn: (message: string) => void;
  readonly deadline: ModelDeadline;
}

/** The loader's options from a model's config: `limits.model-size`, `custom-layers` and `signature`. */
export function loadOptionsOf(spec: Pick<ModelSpec, 'limits' | 'customLayers' | 'signature'>): LoadOptions {
  return {
    maxBytes: spec.limits['model-size'],
    ...(spec.customLayers === undefined ? {} : { customLayers: spec.customLayers }),
    ...(spec.signature === undefined ? {} : { signature: spec.signature }),
  };
}

/**
 * Load: the model in the format its content shows, in a worker thread the model's deadline terminates when it runs
 * out (SECURITY.md, "Limits"). A typo in an input name is a config error at its line, found here even when nothing runs the model.
 */
export async function loadStage(
  spec: Pick<ModelSpec, 'path' | 'absPath' | 'limits' | 'customLayers' | 'signature' | 'configuredInputs'>,
  ctx: Pick<StageContext, 'step' | 'deadline'>,
): Promise<LoadedModel> {
  ctx.step(`loading ${spec.path}`);
  const model = await ctx.deadline.race('loading', (signal) => loadModelInWorker(spec.absPath, loadOptionsOf(spec), signal));
  const unknownInputs = unknownInputNames(formatOf(model).inputNames(model), spec.configuredInputs);
  if (unknownInputs.length > 0) throw new ConfigError(unknownInputs);
  return model;
}

/** The model as it ships: compressed as configured (the original when there is no `compress:`), with what that did. */
export interface CompressedModel {
  readonly model: LoadedModel;
  /** Drift of `model` against the original (set when compressed). */
  readonly drift?: DriftResult;
  /** The per-weight dtypes `compress: auto` chose. */
  readonly precision?: readonly PrecisionChoice[];
  /** Every candidate `compress: auto` evaluated, with the Pareto points. */
  readonly frontier?: SearchFrontier;
  /** Report notes: one per technique, the warnings, what the drift was measured on. */
  readonly notes: readonly string[];
  /** The model after each technique, in run order, for {@link techniqueSizeNotes}. */
  readonly steps?: readonly { readonly technique: string; readonly model: LoadedModel }[];
}

/**
 * Compress: the techniques of `compress:` (those the model's format takes), and the drift of the result against the
 * original. Warnings go to `ctx.warn` as well as the notes. Takes the whole spec: the `auto` search and the drift
 * need the accuracy budget, inputs, custom layers and runtime settings.
 */
export async function compressStage(original: LoadedModel, spec: ModelSpec, ctx: StageContext): Promise<CompressedModel> {
  if (!spec.compress) return { model: original, notes: [] };
  const format = formatOf(original);
  const refused = inapplicableCompressions(format, spec.compress);
  if (refused.length > 0) {
    throw new CompressError(problem('compress/not-applicable', { path: spec.path, techniques: refused.join(', compress.'), format: format.name }), {
      file: spec.absPath,
    });
  }
  ctx.step(`compressing (${techniquesOf(spec.compress).join(', ')})`);
  const outcome = await compressAsConfigured(original, spec.compress, spec, {
    measureDrift: true,
    step: ctx.step,
    deadline: ctx.deadline,
    onEvaluation: (p: AutoProgress) => ctx.step(formatAutoProgress(p)),
    onLevels: (p: LevelsProgress) => ctx.step(formatLevelsProgress(p)),
  });
  for (const warning of outcome.warnings) ctx.warn(`${spec.name}: ${warning}`);
  const notes = [...outcome.notes];
  if (outcome.inputsNote) notes.push(`accuracy drift measured on ${outcome.inputsNote}`);
  if (outcome.drift) notes.push(...describeOutputs(outcome.drift));
  if (outcome.synthetic) {
    ctx.warn(`${spec.name}: ${SYNTHETIC_INPUTS_NOTICE}`);
    notes.push(SYNTHETIC_INPUTS_NOTICE);
  }
  return {
    model: outcome.model,
    ...(outcome.drift ? { drift: outcome.drift } : {}),
    ...(outcome.precision ? { precision: outcome.precision } : {}),
    ...(outcome.steps ? { steps: outcome.steps } : {}),
    ...(outcome.frontier ? { frontier: outcome.frontier } : {}),
    notes,
  };
}

/**
 * One note per technique: its effect on the served bytes, raw and (when `needs` asks for them, i.e. a budget or the
 * report needs them anyway) gzip and brotli. Measured in the size pool after the size stage, so the original and the
 * shipped model come from the cache; only the models between two techniques are compressed anew.
 */
export async function techniqueSizeNotes(
  original: LoadedModel,
  steps: readonly { readonly technique: string; readonly model: LoadedModel }[],
  needs: SizeNeeds,
): Promise<string[]> {
  if (steps.length === 0) return [];
  const sizes = await sizesOf([{ model: original, unchanged: true }, ...steps.map((s) => ({ model: s.model, unchanged: false }))], needs);
  const change = (label: string, a: number | undefined, b: number | undefined): string[] =>
    a === undefined || b === undefined
      ? []
      : [`${label} ${formatBytes(a)} → ${formatBytes(b)} (${b >= a ? '+' : '−'}${formatPercent(Math.abs(b - a) / Math.max(a, 1))})`];
  return steps.map((s, i) => {
    const [a, b] = [sizes[i], sizes[i + 1]];
    const parts = [...change('raw', a?.bytes, b?.bytes), ...change('gzip', a?.gzipBytes, b?.gzipBytes), ...change('brotli', a?.brotliBytes, b?.brotliBytes)];
    return `${s.technique} size effect: ${parts.join(', ')}`;
  });
}

/** The techniques of a `compress:` setting that `format` does not take, in run order. */
export function inapplicableCompressions(format: Pick<ModelFormat, 'compressions'>, compress: CompressSetting): CompressionName[] {
  const techniques: readonly string[] = techniquesOf(compress);
  return COMPRESSIONS.filter((t) => techniques.includes(t) && !format.compressions.includes(t));
}

/** Where `output:` may write: inside the repository, never over a source model (symbolic links followed). */
export interface OutputGuards {
  /** Folder that messages show paths relative to. */
  readonly cwd: string;
  /** The repository: `output:` must stay inside it. */
  readonly root?: string;
  /** Every model's files in the config: `output:` must not overlap them. */
  readonly sources?: readonly string[];
}

/** Save: writes the compressed model to `output` as its format serializes it; returns the report note. */
export async function saveStage(model: LoadedModel, output: string, guards: OutputGuards): Promise<{ readonly note: string }> {
  await formatOf(model).save(model, output, {
    ...(guards.root === undefined ? {} : { within: guards.root }),
    ...(guards.sources ? { protect: guards.sources } : {}),
  });
  return { note: note`compressed model written to ${relative(guards.cwd, output) || '.'}` };
}

/** A model to size, and whether it is exactly the files on disk (the original, an uncompressed base). */
export interface SizedModel {
  readonly model: LoadedModel;
  readonly unchanged: boolean;
}

/** Sizes as served (each model's format says which files: on disk, or serialized), of all models in one pool. */
export async function sizesOf(models: readonly (SizedModel | undefined)[], needs: SizeNeeds): Promise<(SizeMeasurement | undefined)[]> {
  const present = models.filter((m): m is SizedModel => m !== undefined);
  const files = await Promise.all(present.map(({ model, unchanged }) => formatOf(model).served(model, unchanged)));
  const measured = await measureSizes(files, { needs });
  return models.map((m) => (m === undefined ? undefined : measured[present.indexOf(m)]));
}

/**
 * The original's sizes, started now on worker threads so that they run while compression and drift use this
 * thread (brotli 11 of a 27 MB shard takes about a minute on one core); awaited by `sizeStage` before any timing.
 */
export function startOriginalSizes(original: LoadedModel, needs: SizeNeeds): Promise<() => SizeMeasurement | undefined> {
  return settled(sizesOf([{ model: original, unchanged: true }], needs).then(([sizes]) => sizes));
}

/**
 * Size: raw, gzip and brotli bytes of the shipped model, with the original's and the base's in the same pool, before
 * any timing starts (compression would steal the cores the latency loop measures).
 */
export async function sizeStage(
  models: {
    readonly candidate: LoadedModel;
    readonly original: LoadedModel;
    readonly base: BaseSide;
    readonly early?: Promise<() => SizeMeasurement | undefined>;
  },
  needs: SizeNeeds,
  ctx: Pick<StageContext, 'step' | 'deadline'>,
): Promise<Readonly<Record<string, Measured>>> {
  const { candidate, original, base, early } = models;
  const encodings = [needs.gzip ? 'gzip -9' : undefined, needs.brotli ? 'brotli 11' : undefined].filter(Boolean).join(', ');
  ctx.step(`measuring size${encodings ? ` (${encodings})` : ''}`);
  const sized: (SizedModel | undefined)[] = [
    { model: candidate, unchanged: candidate === original },
    early || candidate === original ? undefined : { model: original, unchanged: true },
    base.model ? { model: base.model, unchanged: base.unchanged === true } : undefined,
  ];
  const [[sizes, , baseSizes], originalSizes] = await ctx.deadline.race('measuring size', () =>
    Promise.all([sizesOf(sized, needs), early?.then((r) => r()) ?? Promise.resolve(undefined)]),
  );
  if (!sizes) throw new Error('no size measured for the candidate model');
  const measured: Record<string, Measured> = {};
  const sizeEntry = (value: number | undefined, pick: (s: SizeMeasurement) => number | undefined): Measured | undefined => {
    if (value === undefined) return undefined;
    const before = originalSizes ? pick(originalSizes) : undefined;
    const old = baseSizes ? pick(baseSizes) : undefined;
    return { value, ...(before === undefined ? {} : { original: before }), ...(old === undefined ? {} : { base: old }) };
  };
  const raw = sizeEntry(sizes.bytes, (s) => s.bytes);
  if (raw) measured['size'] = base.lfsBytes === undefined ? raw : { ...raw, base: base.lfsBytes };
  const gzipSize = sizeEntry(sizes.gzipBytes, (s) => s.gzipBytes);
  if (gzipSize) measured['gzip-size'] = gzipSize;
  const brotliSize = sizeEntry(sizes.brotliBytes, (s) => s.brotliBytes);
  if (brotliSize) measured['brotli-size'] = brotliSize;
  return measured;
}

/** Every weight's share of the shipped model, and what changed against the base's. */
export function weightsStage(
  candidate: LoadedModel,
  base: LoadedModel | undefined,
): { readonly weights: readonly WeightShare[]; readonly changes?: readonly WeightChange[] } {
  const weights = weightBreakdown(formatOf(candidate).weights(candidate));
  const changes = base ? weightChanges(weightBreakdown(formatOf(base).weights(base)), weights) : undefined;
  return { weights, ...(changes && changes.length > 0 ? { changes } : {}) };
}

/** Judge: every measured metric against its budget, the base (`size-increase`) and the A/B (`latency.increase`). */
export function judgeStage(
  spec: Pick<ModelSpec, 'budgets' | 'sizeIncrease' | 'relativeSources'>,
  measured: Readonly<Record<string, Measured>>,
  latencyComparison: ModelReport['latencyComparison'],
): ModelReport['metrics'] {
  return judgeModel({
    measured,
    budgets: spec.budgets,
    ...(spec.sizeIncrease === undefined ? {} : { sizeIncrease: spec.sizeIncrease }),
    ...(latencyComparison ? { latencyComparison } : {}),
    sources: spec.relativeSources,
  });
}

/** The budgets this pull request changes against the base config's entry for the model. */
export function budgetChangesOf(spec: Pick<ModelSpec, 'budgets'>, baseSpec: Pick<ModelSpec, 'budgets'> | undefined): Pick<ModelReport, 'budgetChanges'> {
  const changes = baseSpec ? diffBudgets(baseSpec.budgets, spec.budgets) : [];
  return changes.length > 0 ? { budgetChanges: changes } : {};
}

/**
 * The metrics this report leaves out, said once (a budget on any of them measures it). Accuracy is only compared
 * for a compressed model; a budgeted metric that was not measured is the judge's warning, not this note.
 */
export function notMeasured(spec: Pick<ModelSpec, 'budgets' | 'compress'>, measured: Readonly<Record<string, Measured>>): string | undefined {
  const keys = (Object.keys(METRICS) as MetricKey[]).filter(
    (key) => measured[key] === undefined && !spec.budgets.some((b) => b.key === key) && (spec.compress !== undefined || !key.startsWith('accuracy.')),
  );
  if (keys.length === 0) return undefined;
  return `not measured (no budget needs them): ${keys.map((k) => METRICS[k].label).join(', ')}; a budget on one measures it`;
}

/** A promise whose rejection is kept for later (no unhandled rejection while other stages run): call the result to get it. */
function settled<T>(work: Promise<T>): Promise<() => T> {
  return work.then(
    (value) => () => value,
    (error: unknown) => () => {
      throw error;
    },
  );
}
