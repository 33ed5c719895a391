import { relative } from 'node:path';
import type { BaseLocation } from '../base.js';
import type { ModelSpec } from '../config/load.js';
import { METRICS, type MetricKey } from '../config/metrics.js';
import { formatAutoProgress, type AutoAssignment, type AutoProgress } from '../compress/auto.js';
import { compressModel, type CompressPlan, type CompressResult } from '../compress/registry.js';
import { ConfigError, errorMessage, ModelBudgetError } from '../errors.js';
import { declaredInputNames, unknownInputNames } from './inputs.js';
import type { Measured } from '../judge/judge.js';
import { lfsModelSize } from '../model/lfs-size.js';
import { loadModel } from '../model/load.js';
import { saveModel, serializeModel } from '../model/save.js';
import type { LoadedModel } from '../model/types.js';
import type { BaseComparison, Environment, LatencyComparison, PrecisionChoice, WeightChange, WeightShare } from '../report/types.js';
import { openDriftSession, withinAccuracyBudget, type DriftSession } from './drift-session.js';
import type { DriftResult } from './drift.js';
import { ModelDeadline } from './deadline.js';
import { activateRuntime, executionNeeds, measureExecution, sizeNeeds } from './execution-stage.js';
import { measureSizes, readFiles, weightBreakdown, weightChanges, type SizeMeasurement, type SizeNeeds } from './size.js';

/** Everything measured for one model, before judging. */
export interface ModelMeasurement {
  readonly format: 'layers' | 'graph';
  /** By metric key: the value budgets apply to, with original and base values where known. */
  readonly measured: Readonly<Record<string, Measured>>;
  readonly weights: readonly WeightShare[];
  /** Against the base branch's model, when one was loaded. */
  readonly weightChanges?: readonly WeightChange[];
  /** The per-weight dtypes `compress: auto` chose. */
  readonly precision?: readonly PrecisionChoice[];
  readonly notes: readonly string[];
  readonly base?: BaseComparison;
  readonly latencyComparison?: LatencyComparison;
  readonly environment?: Environment;
}

export interface MeasureContext {
  readonly step: (what: string) => void;
  readonly warn: (message: string) => void;
  readonly base?: BaseLocation;
  /** Folder runtimes (tfjs-node) are resolved from. */
  readonly cwd: string;
  /** Milliseconds, for the model's deadline; injectable for tests. */
  readonly now?: () => number;
}

/** Loads one model, compresses it as configured, and measures what its budgets need. */
export async function measureModel(spec: ModelSpec, ctx: MeasureContext): Promise<ModelMeasurement> {
  // benchmark.timeout bounds every stage of this model, not only the latency loop.
  const deadline = new ModelDeadline(spec.benchmark.timeout, spec.name, ctx.now);
  ctx.step(`loading ${spec.path}`);
  const loadOptions = spec.customLayers === undefined ? {} : { customLayers: spec.customLayers };
  const original = await deadline.race('loading', () => loadModel(spec.absPath, loadOptions));
  // A typo in an input name is a config error at its line, found here even when nothing runs the model.
  const unknownInputs = unknownInputNames(declaredInputNames(original), spec.configuredInputs);
  if (unknownInputs.length > 0) throw new ConfigError(unknownInputs);
  const notes: string[] = [];
  const needs = executionNeeds(spec);
  const runtime = spec.compress || needs.latency || needs.flops ? await activateRuntime(spec, ctx.cwd) : undefined;

  const needSizes = sizeNeeds(spec);
  // A compressed model's original is sized on worker threads while compression and drift run on this thread
  // (brotli 11 of a 27 MB shard takes about a minute on one core); it is awaited before any timing starts.
  const earlyOriginalSizes = spec.compress ? settled(sizesOf([original], original, needSizes)) : undefined;
  let candidate: LoadedModel = original;
  let drift: DriftResult | undefined;
  let precision: PrecisionChoice[] | undefined;
  if (spec.compress) {
    const plan = toPlan(spec.compress);
    ctx.step(`compressing (${Object.keys(plan).join(', ')})`);
    let session: DriftSession | undefined;
    try {
      session = await deadline.race('loading the original for drift', () => openDriftSession(original, spec));
      const evaluator = session;
      let evaluations = 0;
      const auto = plan.auto
        ? {
            evaluate: (a: Parameters<DriftSession['evaluate']>[0]) => deadline.race(`auto evaluation ${++evaluations}`, () => evaluator.evaluate(a)),
            withinBudget: withinAccuracyBudget(spec),
            onEvaluation: (p: AutoProgress) => ctx.step(formatAutoProgress(p)),
          }
        : undefined;
      const result = await deadline.race('compressing', () => compressModel(original, plan, auto));
      candidate = { ...original, artifacts: result.artifacts };
      precision = autoAssignment(result.steps);
      notes.push(...result.steps.map((s) => `${s.technique}: ${s.summary}`));
      for (const warning of result.warnings) ctx.warn(`${spec.name}: ${warning}`);
      notes.push(...result.warnings);
      ctx.step('measuring accuracy drift');
      const compressed = candidate.artifacts;
      drift = await deadline.race('measuring accuracy drift', () => evaluator.evaluate(compressed));
      notes.push(`accuracy drift measured on ${session.inputsNote}`);
    } finally {
      session?.dispose();
    }
    if (spec.output) {
      await saveModel(candidate, spec.output);
      notes.push(`compressed model written to ${relative(ctx.cwd, spec.output) || '.'}`);
    }
  }

  const encodings = [needSizes.gzip ? 'gzip -9' : undefined, needSizes.brotli ? 'brotli 11' : undefined].filter(Boolean).join(', ');
  ctx.step(`measuring size${encodings ? ` (${encodings})` : ''}`);
  const measured: Record<string, Measured> = {};
  const { model: baseModel, lfsBytes: baseLfsBytes, comparison: base, note: baseNote } = await loadBase(ctx, loadOptions);
  if (baseNote) notes.push(baseNote);
  // Compressed, original and base sizes in one pool, before any timing starts: compression would steal the
  // cores the latency loop measures.
  const sized = [candidate, earlyOriginalSizes || candidate === original ? undefined : original, baseModel];
  const [[sizes, , baseSizes], [early]] = await deadline.race('measuring size', () =>
    Promise.all([sizesOf(sized, original, needSizes), earlyOriginalSizes?.then((r) => r()) ?? Promise.resolve([])]),
  );
  const originalSizes = early;
  if (!sizes) throw new Error('no size measured for the candidate model');
  const sizeEntry = (value: number | undefined, pick: (s: SizeMeasurement) => number | undefined): Measured | undefined => {
    if (value === undefined) return undefined;
    const before = originalSizes ? pick(originalSizes) : undefined;
    const old = baseSizes ? pick(baseSizes) : undefined;
    return { value, ...(before === undefined ? {} : { original: before }), ...(old === undefined ? {} : { base: old }) };
  };
  const raw = sizeEntry(sizes.bytes, (s) => s.bytes);
  if (raw) measured['size'] = baseLfsBytes === undefined ? raw : { ...raw, base: baseLfsBytes };
  const gzipSize = sizeEntry(sizes.gzipBytes, (s) => s.gzipBytes);
  if (gzipSize) measured['gzip-size'] = gzipSize;
  const brotliSize = sizeEntry(sizes.brotliBytes, (s) => s.brotliBytes);
  if (brotliSize) measured['brotli-size'] = brotliSize;

  let latencyComparison: LatencyComparison | undefined;
  let environment: Environment | undefined;
  if (runtime && (drift || needs.latency || needs.flops)) {
    const run = await measureExecution({
      spec,
      candidate,
      runtime,
      step: ctx.step,
      deadline,
      ...(candidate === original ? {} : { original }),
      ...(baseModel ? { base: baseModel } : {}),
      ...(drift ? { drift } : {}),
    });
    Object.assign(measured, run.measured);
    notes.push(...run.notes);
    latencyComparison = run.latencyComparison;
    environment = run.environment;
  }

  const skipped = notMeasured(spec, measured);
  if (skipped) notes.push(skipped);

  const weights = weightBreakdown(candidate.artifacts.weightSpecs ?? []);
  const changes = baseModel ? weightChanges(weightBreakdown(baseModel.artifacts.weightSpecs ?? []), weights) : undefined;
  return {
    format: candidate.format,
    measured,
    weights,
    ...(changes && changes.length > 0 ? { weightChanges: changes } : {}),
    ...(precision ? { precision } : {}),
    notes,
    ...(base ? { base } : {}),
    ...(latencyComparison ? { latencyComparison } : {}),
    ...(environment ? { environment } : {}),
  };
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

/** The base branch's copy of the model, or why it cannot be compared. */
async function loadBase(
  ctx: MeasureContext,
  loadOptions: { customLayers?: string },
): Promise<{ model?: LoadedModel; lfsBytes?: number; comparison?: BaseComparison; note?: string }> {
  if (!ctx.base) return {};
  if (ctx.base.status === 'new') return { comparison: { status: 'new' } };
  if (ctx.base.status === 'unavailable') return { comparison: { status: 'unavailable', reason: ctx.base.reason } };
  const compared: BaseComparison = { status: 'compared', ref: ctx.base.ref };
  try {
    return { model: await loadModel(ctx.base.path, loadOptions), comparison: compared };
  } catch (error) {
    if (!(error instanceof ModelBudgetError)) throw error;
    // Shards kept in Git LFS and not fetched are pointers: their size is still known.
    const lfsBytes = await lfsModelSize(ctx.base.path).catch(() => undefined);
    if (lfsBytes === undefined) {
      return { comparison: { status: 'unavailable', reason: `the base branch's model could not be loaded: ${errorMessage(error)}` } };
    }
    return {
      lfsBytes,
      comparison: compared,
      note: "the base branch's shards are Git LFS pointers: its size comes from the pointers, the other base metrics are not compared",
    };
  }
}

/** The auto search's per-weight choice, from its step's details. */
function autoAssignment(steps: CompressResult['steps']): PrecisionChoice[] | undefined {
  const details = steps.find((s) => s.technique === 'auto')?.details as { assignment?: readonly AutoAssignment[] } | undefined;
  return details?.assignment?.map((a) => ({
    name: a.name,
    elements: a.elements,
    dtype: a.dtype,
    ...(a.sensitivity === undefined ? {} : { sensitivity: a.sensitivity }),
  }));
}

/** `compress: auto` is shorthand for `{ auto: true }`; the config's keys are the plan's keys. */
function toPlan(compress: NonNullable<ModelSpec['compress']>): CompressPlan {
  if (compress === 'auto') return { auto: true };
  const { 'min-elements': minElements, 'fold-batchnorm': fold, 'prune-channels': channels, ...rest } = compress;
  return {
    // zod leaves absent optional keys absent, which is what the plan's optional fields mean.
    ...(rest.quantize === undefined ? {} : { quantize: rest.quantize as NonNullable<CompressPlan['quantize']> }),
    ...(rest.prune === undefined ? {} : { prune: rest.prune as NonNullable<CompressPlan['prune']> }),
    ...(rest.auto === undefined || rest.auto === false ? {} : { auto: rest.auto }),
    ...(minElements > 0 ? { 'min-elements': minElements } : {}),
    ...(fold ? { 'fold-batchnorm': true } : {}),
    ...(channels?.flops !== undefined ? { 'prune-channels': { flops: channels.flops } } : channels?.params !== undefined ? { 'prune-channels': { params: channels.params } } : {}),
  };
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

/** Sizes as served (the files on disk for an unchanged TF.js model, else its converter-style serialization), of all models at once. */
async function sizesOf(
  models: readonly (LoadedModel | undefined)[],
  original: LoadedModel,
  needs: SizeNeeds,
): Promise<(SizeMeasurement | undefined)[]> {
  const present = models.filter((m): m is LoadedModel => m !== undefined);
  const files = await Promise.all(
    present.map(async (model) =>
      // The original and base copies are unchanged; so is a candidate that no compression touched.
      (model === original || model !== models[0]) && model.sourceKind === 'tfjs' ? readFiles(model.files.map((f) => f.path)) : serializeModel(model).files,
    ),
  );
  const measured = await measureSizes(files, { needs });
  return models.map((m) => (m === undefined ? undefined : measured[present.indexOf(m)]));
}
