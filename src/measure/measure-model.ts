import { relative } from 'node:path';
import type { BaseLocation } from '../base.js';
import type { ModelSpec } from '../config/load.js';
import type { Measured } from '../judge/judge.js';
import { loadModel } from '../model/load.js';
import { saveModel, serializeModel } from '../model/save.js';
import type { LoadedModel } from '../model/types.js';
import type { BaseComparison, Environment, LatencyComparison, PrecisionChoice, WeightChange, WeightShare } from '../report/types.js';
import { baseCompressSetting, prepareBase } from './base-model.js';
import { compressAsConfigured, searchesPrecision, techniquesOf } from './compress-stage.js';
import { SYNTHETIC_INPUTS_NOTICE } from './drift-session.js';
import { describeOutputs, type DriftResult } from './drift.js';
import { withDeadline } from './deadline.js';
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
  /** The repository: `output:` must stay inside it, symbolic links followed. */
  readonly root?: string;
  /** Every model's files in the config: `output:` must not overlap them, symbolic links followed. */
  readonly sources?: readonly string[];
}

/**
 * Loads one model, compresses it as configured, and measures what its budgets need. Against the base branch it
 * compares like with like: the base's copy compressed as the base branch ships it (see `prepareBase`), so sizes,
 * weight changes, FLOPs and the latency A/B are shipped model against shipped model.
 */
export async function measureModel(spec: ModelSpec, ctx: MeasureContext): Promise<ModelMeasurement> {
  ctx.step(`loading ${spec.path}`);
  const loadOptions = { maxBytes: spec.limits['model-size'], ...(spec.customLayers === undefined ? {} : { customLayers: spec.customLayers }) };
  // Loading is under the model's deadline too; it is checked between reads (SECURITY.md, "Limits").
  const original = await withDeadline(loadModel(spec.absPath, loadOptions), spec.benchmark.timeout, `loading ${spec.path}`);
  const notes: string[] = [...(original.notes ?? [])];
  const needs = executionNeeds(spec);
  const baseSearches = searchesPrecision(baseCompressSetting(spec, ctx.base).compress);
  const runtime = spec.compress || baseSearches || needs.latency || needs.flops ? await activateRuntime(spec, ctx.cwd) : undefined;

  let candidate: LoadedModel = original;
  let drift: DriftResult | undefined;
  let precision: readonly PrecisionChoice[] | undefined;
  if (spec.compress) {
    ctx.step(`compressing (${techniquesOf(spec.compress).join(', ')})`);
    const outcome = await compressAsConfigured(original, spec.compress, spec, { measureDrift: true, step: ctx.step });
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
      notes.push(`compressed model written to ${relative(ctx.cwd, spec.output) || '.'}`);
    }
  }

  const baseSide = await prepareBase(spec, ctx.base, loadOptions, ctx.step);
  const { model: baseModel, lfsBytes: baseLfsBytes, comparison: base } = baseSide;
  notes.push(...baseSide.notes);
  ctx.step('measuring size');
  const measured: Record<string, Measured> = {};
  // Compressed, original and base sizes at once: brotli at quality 11 dominates and each file takes one core.
  const [sizes, originalSizes, baseSizes] = await Promise.all([
    sizeOf(candidate, candidate === original),
    candidate === original ? undefined : sizeOf(original, true),
    baseModel ? sizeOf(baseModel, baseSide.unchanged === true) : undefined,
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

/** Sizes as served: the files on disk for an unchanged TF.js model, else its converter-style serialization. */
async function sizeOf(model: LoadedModel, unchanged: boolean): Promise<SizeMeasurement> {
  if (unchanged && model.sourceKind === 'tfjs') return measureFiles(model.files.map((f) => f.path));
  return measureSize(serializeModel(model).files);
}
