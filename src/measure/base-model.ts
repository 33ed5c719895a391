import type { BaseLocation } from '../base.js';
import type { ModelSpec } from '../config/load.js';
import { errorMessage, ModelBudgetError } from '../errors.js';
import { lfsModelSize } from '../formats/index.js';
import type { LoadOptions } from '../formats/types.js';
import { loadModelInWorker } from '../formats/worker/load.js';
import type { LoadedModel } from '../model/types.js';
import type { BaseComparison } from '../report/types.js';
import { compressAsConfigured, describeCompress, type CompressSetting } from './compress-stage.js';
import { ModelDeadline } from './deadline.js';

/** The base branch's side of the comparison: the model as the base branch ships it, or why there is none. */
export interface BaseSide {
  /** The base's shipped model: its source compressed with the base's `compress:` settings (the source when none). */
  readonly model?: LoadedModel;
  /** Whether `model` is the base's source files as they are (so its size is the files' size). */
  readonly unchanged?: boolean;
  /** Size from Git LFS pointers when the base's shards were not fetched. */
  readonly lfsBytes?: number;
  readonly comparison?: BaseComparison;
  readonly notes: readonly string[];
}

/**
 * The compress settings the base branch ships this model with: its own config's, or — when the base's config
 * does not name the model (or there is none) — this PR's, as the closest guess (`guessed`).
 */
export function baseCompressSetting(spec: ModelSpec, base: BaseLocation | undefined): { compress?: CompressSetting; guessed: boolean } {
  if (base?.status !== 'found') return { guessed: false };
  if (base.spec) return base.spec.compress === undefined ? { guessed: false } : { compress: base.spec.compress, guessed: false };
  return spec.compress === undefined ? { guessed: true } : { compress: spec.compress, guessed: true };
}

/**
 * Loads the base branch's copy of the model and compresses it as the base branch does, so that the head's
 * shipped model is compared with the base's shipped model. The base's `auto` search uses the base's accuracy
 * budget with this PR's inputs (samples exist in the working tree only); loading (in a worker thread, like the
 * head's) and compressing run under `benchmark.timeout`.
 * A base that cannot be loaded or compressed is "unavailable", never the model's failure.
 */
export async function prepareBase(
  spec: ModelSpec,
  base: BaseLocation | undefined,
  loadOptions: LoadOptions,
  step: (what: string) => void,
  /** The model's deadline; without one, `benchmark.timeout` from now. */
  deadline?: ModelDeadline,
): Promise<BaseSide> {
  if (!base) return { notes: [] };
  if (base.status === 'new') return { comparison: { status: 'new' }, notes: [] };
  if (base.status === 'unavailable') return { comparison: { status: 'unavailable', reason: base.reason }, notes: [] };
  const { compress, guessed } = baseCompressSetting(spec, base);
  const notes: string[] = [];
  const headSetting = describeCompress(spec.compress);
  const baseSetting = describeCompress(base.spec?.compress);
  const changed = base.spec !== undefined && headSetting !== baseSetting;
  const compared: BaseComparison = {
    status: 'compared',
    ref: base.ref,
    ...(base.kind ? { kind: base.kind } : {}),
    ...(compress ? { compressedWith: guessed ? 'head-config' : 'base-config' } : {}),
    ...(changed ? { compressChange: { from: baseSetting, to: headSetting } } : {}),
  };
  if (guessed && compress) {
    notes.push(
      "the base branch's config does not name this model (or could not be read), so its copy is compressed with this pull request's compress settings",
    );
  }

  const bound = deadline ?? new ModelDeadline(spec.benchmark.timeout, spec.name);
  let source: LoadedModel;
  try {
    source = await bound.race("loading the base branch's copy", (signal) => loadModelInWorker(base.path, loadOptions, signal));
  } catch (error) {
    if (!(error instanceof ModelBudgetError)) throw error;
    // Shards kept in Git LFS and not fetched are pointers: their size is still known, but not what compressing them gives.
    const lfsBytes = compress ? undefined : await lfsModelSize(base.path).catch(() => undefined);
    if (lfsBytes === undefined) {
      return { comparison: { status: 'unavailable', reason: `the base branch's model could not be loaded: ${errorMessage(error)}` }, notes: [] };
    }
    return {
      lfsBytes,
      comparison: compared,
      notes: [...notes, "the base branch's shards are Git LFS pointers: its size comes from the pointers, the other base metrics are not compared"],
    };
  }
  if (!compress) return { model: source, unchanged: true, comparison: compared, notes };

  step("compressing the base branch's copy as the base branch ships it");
  // The base's own accuracy budget decides its auto search; everything else (inputs, runtime) is this run's.
  const searchSpec: ModelSpec = { ...spec, budgets: base.spec?.budgets ?? spec.budgets };
  try {
    const outcome = await bound.race("compressing the base branch's copy", () =>
      compressAsConfigured(source, compress, searchSpec, { measureDrift: false, step, deadline: bound }),
    );
    return { model: outcome.model, unchanged: false, comparison: compared, notes };
  } catch (error) {
    if (!(error instanceof ModelBudgetError)) throw error;
    return {
      comparison: {
        status: 'unavailable',
        reason: `the base branch's copy could not be compressed with its settings (${describeCompress(compress)}): ${errorMessage(error)}`,
      },
      notes: [],
    };
  }
}
