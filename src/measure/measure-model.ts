import type { BaseLocation } from '../base.js';
import type { ModelSpec } from '../config/load.js';
import { errorMessage, ModelBudgetError } from '../errors.js';
import type { Measured } from '../judge/judge.js';
import { loadModel } from '../model/load.js';
import { serializeModel } from '../model/save.js';
import type { LoadedModel } from '../model/types.js';
import type { BaseComparison, Environment, LatencyComparison, WeightShare } from '../report/types.js';
import { measureFiles, measureSize, weightBreakdown, type SizeMeasurement } from './size.js';

/** Everything measured for one model, before judging. */
export interface ModelMeasurement {
  readonly format: 'layers' | 'graph';
  /** By metric key: the value budgets apply to, with original and base values where known. */
  readonly measured: Readonly<Record<string, Measured>>;
  readonly weights: readonly WeightShare[];
  readonly notes: readonly string[];
  readonly base?: BaseComparison;
  readonly latencyComparison?: LatencyComparison;
  readonly environment?: Environment;
}

export interface MeasureContext {
  readonly step: (what: string) => void;
  readonly warn: (message: string) => void;
  readonly base?: BaseLocation;
}

/** Loads one model, compresses it as configured, and measures what its budgets need. */
export async function measureModel(spec: ModelSpec, ctx: MeasureContext): Promise<ModelMeasurement> {
  ctx.step(`loading ${spec.path}`);
  const original = await loadModel(spec.absPath, spec.customLayers === undefined ? {} : { customLayers: spec.customLayers });
  const notes: string[] = [];
  const candidate: LoadedModel = original;

  ctx.step('measuring size');
  const sizes = await sizeOf(candidate);
  const measured: Record<string, Measured> = {};
  const put = (key: string, value: number, extra: { original?: number; base?: number } = {}): void => {
    measured[key] = { value, ...extra };
  };

  let baseSizes: SizeMeasurement | undefined;
  let base: BaseComparison | undefined;
  if (ctx.base?.status === 'found') {
    ctx.step(`measuring the base (${ctx.base.ref})`);
    try {
      baseSizes = await sizeOf(await loadModel(ctx.base.path));
      base = { status: 'compared', ref: ctx.base.ref };
    } catch (error) {
      if (!(error instanceof ModelBudgetError)) throw error;
      base = { status: 'unavailable', reason: `the base branch's model could not be loaded: ${errorMessage(error)}` };
    }
  } else if (ctx.base) {
    base = ctx.base.status === 'new' ? { status: 'new' } : { status: 'unavailable', reason: ctx.base.reason };
  }

  const withBase = (key: 'bytes' | 'gzipBytes' | 'brotliBytes'): { base?: number } => (baseSizes ? { base: baseSizes[key] } : {});
  put('size', sizes.bytes, withBase('bytes'));
  put('gzip-size', sizes.gzipBytes, withBase('gzipBytes'));
  put('brotli-size', sizes.brotliBytes, withBase('brotliBytes'));

  return {
    format: candidate.format,
    measured,
    weights: weightBreakdown(candidate.artifacts.weightSpecs ?? []),
    notes,
    ...(base ? { base } : {}),
  };
}

/** Sizes as served: the files on disk for a model loaded from TF.js files, else its converter-style serialization. */
async function sizeOf(model: LoadedModel): Promise<SizeMeasurement> {
  if (model.sourceKind === 'tfjs') return measureFiles(model.files.map((f) => f.path));
  return measureSize(serializeModel(model).files);
}
