import { relative } from 'node:path';
import type { BaseLocation } from '../base.js';
import type { ModelSpec } from '../config/load.js';
import type { AutoAssignment } from '../compress/auto.js';
import { compressModel, type CompressPlan, type CompressResult } from '../compress/registry.js';
import { errorMessage, ModelBudgetError } from '../errors.js';
import type { Measured } from '../judge/judge.js';
import { lfsModelSize } from '../model/lfs-size.js';
import { loadModel } from '../model/load.js';
import { saveModel, serializeModel } from '../model/save.js';
import type { LoadedModel } from '../model/types.js';
import type { BaseComparison, Environment, LatencyComparison, PrecisionChoice, WeightChange, WeightShare } from '../report/types.js';
import { openDriftSession, withinAccuracyBudget, type DriftSession } from './drift-session.js';
import type { DriftResult } from './drift.js';
import { activateRuntime, executionNeeds, measureExecution } from './execution-stage.js';
import { measureFiles, measureSize, weightBreakdown, weightChanges, type SizeMeasurement } from './size.js';

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
}

/** Loads one model, compresses it as configured, and measures what its budgets need. */
export async function measureModel(spec: ModelSpec, ctx: MeasureContext): Promise<ModelMeasurement> {
  ctx.step(`loading ${spec.path}`);
  const loadOptions = spec.customLayers === undefined ? {} : { customLayers: spec.customLayers };
  const original = await loadModel(spec.absPath, loadOptions);
  const notes: string[] = [];
  const needs = executionNeeds(spec);
  const runtime = spec.compress || needs.latency || needs.flops ? await activateRuntime(spec, ctx.cwd) : undefined;

  let candidate: LoadedModel = original;
  let drift: DriftResult | undefined;
  let precision: PrecisionChoice[] | undefined;
  if (spec.compress) {
    const plan = toPlan(spec.compress);
    ctx.step(`compressing (${Object.keys(plan).join(', ')})`);
    let session: DriftSession | undefined;
    try {
      session = await openDriftSession(original, spec);
      const evaluator = session;
      const auto = plan.auto || plan.optimize ? { evaluate: (a: Parameters<DriftSession['evaluate']>[0]) => evaluator.evaluate(a), withinBudget: withinAccuracyBudget(spec) } : undefined;
      const result = await compressModel(original, plan, auto);
      candidate = { ...original, artifacts: result.artifacts };
      precision = autoAssignment(result.steps);
      notes.push(...result.steps.map((s) => `${s.technique}: ${s.summary}`));
      for (const warning of result.warnings) ctx.warn(`${spec.name}: ${warning}`);
      notes.push(...result.warnings);
      ctx.step('measuring accuracy drift');
      drift = await session.evaluate(candidate.artifacts);
      notes.push(`accuracy drift measured on ${session.inputsNote}`);
    } finally {
      session?.dispose();
    }
    if (spec.output) {
      await saveModel(candidate, spec.output);
      notes.push(`compressed model written to ${relative(ctx.cwd, spec.output) || '.'}`);
    }
  }

  ctx.step('measuring size');
  const measured: Record<string, Measured> = {};
  const { model: baseModel, lfsBytes: baseLfsBytes, comparison: base, note: baseNote } = await loadBase(ctx, loadOptions);
  if (baseNote) notes.push(baseNote);
  // Compressed, original and base sizes at once: brotli at quality 11 dominates and each file takes one core.
  const [sizes, originalSizes, baseSizes] = await Promise.all([
    sizeOf(candidate, candidate === original),
    candidate === original ? undefined : sizeOf(original, true),
    baseModel ? sizeOf(baseModel, true) : undefined,
  ]);
  const sizeEntry = (key: keyof SizeMeasurement): Measured => ({
    value: sizes[key],
    ...(originalSizes ? { original: originalSizes[key] } : {}),
    ...(baseSizes ? { base: baseSizes[key] } : {}),
  });
  measured['size'] = baseLfsBytes === undefined ? sizeEntry('bytes') : { ...sizeEntry('bytes'), base: baseLfsBytes };
  measured['gzip-size'] = sizeEntry('gzipBytes');
  measured['brotli-size'] = sizeEntry('brotliBytes');

  let latencyComparison: LatencyComparison | undefined;
  let environment: Environment | undefined;
  if (runtime && (drift || needs.latency || needs.flops)) {
    const run = await measureExecution({
      spec,
      candidate,
      runtime,
      step: ctx.step,
      ...(candidate === original ? {} : { original }),
      ...(baseModel ? { base: baseModel } : {}),
      ...(drift ? { drift } : {}),
    });
    Object.assign(measured, run.measured);
    notes.push(...run.notes);
    latencyComparison = run.latencyComparison;
    environment = run.environment;
  }

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

/** The base branch's copy of the model, or why it cannot be compared. */
async function loadBase(
  ctx: MeasureContext,
  loadOptions: { customLayers?: string },
): Promise<{ model?: LoadedModel; lfsBytes?: number; comparison?: BaseComparison; note?: string }> {
  if (!ctx.base) return {};
  if (ctx.base.status === 'new') return { comparison: { status: 'new' } };
  if (ctx.base.status === 'unavailable') return { comparison: { status: 'unavailable', reason: ctx.base.reason } };
  const compared: BaseComparison = { status: 'compared', ref: ctx.base.ref, ...(ctx.base.kind ? { kind: ctx.base.kind } : {}) };
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
    ...(rest.optimize ? { optimize: true } : {}),
    // zod leaves absent optional keys absent, which is what the plan's optional fields mean.
    ...(rest.quantize === undefined ? {} : { quantize: rest.quantize as NonNullable<CompressPlan['quantize']> }),
    ...(rest.prune === undefined ? {} : { prune: rest.prune as NonNullable<CompressPlan['prune']> }),
    ...(rest.auto === undefined || rest.auto === false ? {} : { auto: rest.auto }),
    ...(minElements > 0 ? { 'min-elements': minElements } : {}),
    ...(fold ? { 'fold-batchnorm': true } : {}),
    ...(channels?.flops !== undefined ? { 'prune-channels': { flops: channels.flops } } : channels?.params !== undefined ? { 'prune-channels': { params: channels.params } } : {}),
  };
}

/** Sizes as served: the files on disk for an unchanged TF.js model, else its converter-style serialization. */
async function sizeOf(model: LoadedModel, unchanged: boolean): Promise<SizeMeasurement> {
  if (unchanged && model.sourceKind === 'tfjs') return measureFiles(model.files.map((f) => f.path));
  return measureSize(serializeModel(model).files);
}
