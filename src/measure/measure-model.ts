import { relative } from 'node:path';
import type { BaseLocation } from '../base.js';
import type { ModelSpec } from '../config/load.js';
import { METRICS, type MetricKey } from '../metrics.js';
import { formatAutoProgress, type AutoProgress } from '../compress/auto.js';
import { ConfigError } from '../errors.js';
import { note } from '../note.js';
import { declaredInputNames, unknownInputNames } from './inputs.js';
import type { Measured } from '../judge/judge.js';
import { loadModel } from '../model/load.js';
import { saveModel, serializeModel } from '../model/save.js';
import type { LoadedModel } from '../model/types.js';
import type { BaseComparison, Environment, LatencyComparison, PrecisionChoice, WeightChange, WeightShare } from '../report/types.js';
import { baseCompressSetting, prepareBase } from './base-model.js';
import { compressAsConfigured, searchesPrecision, techniquesOf } from './compress-stage.js';
import { SYNTHETIC_INPUTS_NOTICE } from './drift-session.js';
import { describeOutputs, type DriftResult } from './drift.js';
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
  /** The repository: `output:` must stay inside it, symbolic links followed. */
  readonly root?: string;
  /** Every model's files in the config: `output:` must not overlap them, symbolic links followed. */
  readonly sources?: readonly string[];
  /** Milliseconds, for the model's deadline; injectable for tests. */
  readonly now?: () => number;
}

/**
 * Loads one model, compresses it as configured, and measures what its budgets need. Against the base branch it
 * compares like with like: the base's copy compressed as the base branch ships it (see `prepareBase`), so sizes,
 * weight changes, FLOPs and the latency A/B are shipped model against shipped model.
 */
export async function measureModel(spec: ModelSpec, ctx: MeasureContext): Promise<ModelMeasurement> {
  // benchmark.timeout bounds every stage of this model, not only the latency loop.
  const deadline = new ModelDeadline(spec.benchmark.timeout, spec.name, ctx.now);
  ctx.step(`loading ${spec.path}`);
  const loadOptions = { maxBytes: spec.limits['model-size'], ...(spec.customLayers === undefined ? {} : { customLayers: spec.customLayers }) };
  // Loading is under the model's deadline too; it is checked between reads (SECURITY.md, "Limits").
  const original = await deadline.race('loading', () => loadModel(spec.absPath, loadOptions));
  // A typo in an input name is a config error at its line, found here even when nothing runs the model.
  const unknownInputs = unknownInputNames(declaredInputNames(original), spec.configuredInputs);
  if (unknownInputs.length > 0) throw new ConfigError(unknownInputs);
  const notes: string[] = [...(original.notes ?? [])];
  const needs = executionNeeds(spec);
  const baseSearches = searchesPrecision(baseCompressSetting(spec, ctx.base).compress);
  const runtime = spec.compress || baseSearches || needs.latency || needs.flops ? await activateRuntime(spec, ctx.cwd) : undefined;

  const needSizes = sizeNeeds(spec);
  // A compressed model's original is sized on worker threads while compression and drift run on this thread
  // (brotli 11 of a 27 MB shard takes about a minute on one core); it is awaited before any timing starts.
  const earlyOriginalSizes = spec.compress ? settled(sizesOf([{ model: original, unchanged: true }], needSizes)) : undefined;
  let candidate: LoadedModel = original;
  let drift: DriftResult | undefined;
  let precision: readonly PrecisionChoice[] | undefined;
  if (spec.compress) {
    ctx.step(`compressing (${techniquesOf(spec.compress).join(', ')})`);
    const outcome = await compressAsConfigured(original, spec.compress, spec, {
      measureDrift: true,
      step: ctx.step,
      deadline,
      onEvaluation: (p: AutoProgress) => ctx.step(formatAutoProgress(p)),
    });
    candidate = outcome.model;
    precision = outcome.precision;
    for (const warning of outcome.warnings) ctx.warn(`${spec.name}: ${warning}`);
    notes.push(...outcome.notes);
    drift = outcome.drift;
    if (outcome.inputsNote) notes.push(`accuracy drift measured on ${outcome.inputsNote}`);
    if (drift) notes.push(...describeOutputs(drift));
    if (outcome.synthetic) {
      ctx.warn(`${spec.name}: ${SYNTHETIC_INPUTS_NOTICE}`);
      notes.push(SYNTHETIC_INPUTS_NOTICE);
    }
    if (spec.output) {
      await saveModel(candidate, spec.output, { ...(ctx.root === undefined ? {} : { within: ctx.root }), ...(ctx.sources ? { protect: ctx.sources } : {}) });
      notes.push(note`compressed model written to ${relative(ctx.cwd, spec.output) || '.'}`);
    }
  }

  const baseSide = await prepareBase(spec, ctx.base, loadOptions, ctx.step, deadline);
  const { model: baseModel, lfsBytes: baseLfsBytes, comparison: base } = baseSide;
  notes.push(...baseSide.notes);
  const encodings = [needSizes.gzip ? 'gzip -9' : undefined, needSizes.brotli ? 'brotli 11' : undefined].filter(Boolean).join(', ');
  ctx.step(`measuring size${encodings ? ` (${encodings})` : ''}`);
  const measured: Record<string, Measured> = {};
  // Compressed, original and base sizes in one pool, before any timing starts: compression would steal the
  // cores the latency loop measures.
  const sized: (SizedModel | undefined)[] = [
    { model: candidate, unchanged: candidate === original },
    earlyOriginalSizes || candidate === original ? undefined : { model: original, unchanged: true },
    baseModel ? { model: baseModel, unchanged: baseSide.unchanged === true } : undefined,
  ];
  const [[sizes, , baseSizes], [early]] = await deadline.race('measuring size', () =>
    Promise.all([sizesOf(sized, needSizes), earlyOriginalSizes?.then((r) => r()) ?? Promise.resolve([])]),
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

/** A promise whose rejection is kept for later (no unhandled rejection while other stages run): call the result to get it. */
function settled<T>(work: Promise<T>): Promise<() => T> {
  return work.then(
    (value) => () => value,
    (error: unknown) => () => {
      throw error;
    },
  );
}

/** A model to size, and whether it is exactly the files on disk (the original, an uncompressed base). */
interface SizedModel {
  readonly model: LoadedModel;
  readonly unchanged: boolean;
}

/** Sizes as served (the files on disk for an unchanged TF.js model, else its converter-style serialization), of all models at once. */
async function sizesOf(models: readonly (SizedModel | undefined)[], needs: SizeNeeds): Promise<(SizeMeasurement | undefined)[]> {
  const present = models.filter((m): m is SizedModel => m !== undefined);
  const files = await Promise.all(
    present.map(async ({ model, unchanged }) => (unchanged && model.sourceKind === 'tfjs' ? readFiles(model.files.map((f) => f.path)) : serializeModel(model).files)),
  );
  const measured = await measureSizes(files, { needs });
  return models.map((m) => (m === undefined ? undefined : measured[present.indexOf(m)]));
}
