import type { ModelSpec } from '../config/load.js';
import type { AutoAssignment } from '../compress/auto.js';
import { compressModel, type CompressPlan, type CompressResult } from '../compress/registry.js';
import type { LoadedModel, TfjsLoadedModel, TfliteLoadedModel } from '../model/types.js';
import type { PrecisionChoice, SearchFrontier } from '../report/types.js';
import { compressTfliteWith, tfliteNeedsSamples } from './compress-tflite.js';
import { accuracyBudgetUse, hasAccuracyBudget, openDriftSession, withinAccuracyBudget, type DriftSession } from './drift-session.js';
import type { DriftResult } from './drift.js';
import type { ModelDeadline } from './deadline.js';
import type { AutoProgress } from '../compress/auto.js';
import type { LevelsProgress } from '../compress/levels-auto.js';

/** A model's `compress:` setting as parsed: `auto`, or the techniques. */
export type CompressSetting = NonNullable<ModelSpec['compress']>;

/** A model compressed as configured. */
export interface CompressOutcome {
  readonly model: LoadedModel;
  /** Drift of `model` against the original, when asked for. */
  readonly drift?: DriftResult;
  /** The per-weight dtypes `compress: auto` chose. */
  readonly precision?: readonly PrecisionChoice[];
  /** Every candidate `compress: auto` evaluated, with the Pareto points. */
  readonly frontier?: SearchFrontier;
  /** One line per technique, then the warnings. */
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
  /** What the drift was measured on (set with `drift`). */
  readonly inputsNote?: string;
  /** Set with `drift` when no real samples were given: the drift was measured on synthetic inputs only. */
  readonly synthetic?: boolean;
  /** The model after each technique, in run order (the last is `model`), for each technique's size effect. */
  readonly steps?: readonly { readonly technique: string; readonly model: LoadedModel }[];
}

/**
 * `original` compressed with `compress`. `spec` supplies what the search and drift need: its accuracy budget (the
 * `auto` search's acceptance test), inputs, custom layers and runtime settings. With `measureDrift` the result's
 * drift against the original is measured as well (the shipped model's accuracy budgets need it); without it and
 * without `auto`, no model is run at all. Deterministic for the same inputs, so the base branch's copy can be
 * compressed the way the base branch ships it.
 */
export async function compressAsConfigured(
  original: LoadedModel,
  compress: CompressSetting,
  spec: ModelSpec,
  options: {
    readonly measureDrift: boolean;
    readonly step: (what: string) => void;
    /** The model's deadline (`benchmark.timeout`): every stage here runs under it. */
    readonly deadline?: ModelDeadline;
    /** Called after each `auto` evaluation, for a progress line. */
    readonly onEvaluation?: (progress: AutoProgress) => void;
    /** Called after each `levels: auto` evaluation, for a progress line. */
    readonly onLevels?: (progress: LevelsProgress) => void;
  },
): Promise<CompressOutcome> {
  const race = <T>(stage: string, work: () => Promise<T>): Promise<T> => (options.deadline ? options.deadline.race(stage, work) : work());
  const plan = toPlan(compress);
  if (original.format === 'tflite') return compressTfliteAsConfigured(original, plan, spec, options, race);
  // `optimize` checks its own rewrites with the drift evaluator, as `auto` searches with it.
  const levelsAuto = choosesLevels(plan);
  if (!plan.auto && !plan.optimize && !levelsAuto && !options.measureDrift)
    return summarize(original, await race('compressing', () => compressModel(original, plan)));
  let session: DriftSession | undefined;
  try {
    session = await race('loading the original for drift', () => openDriftSession(original, spec));
    const evaluator = session;
    let evaluations = 0;
    const budgeted = hasAccuracyBudget(spec);
    const auto =
      plan.auto || plan.optimize || levelsAuto
        ? {
            evaluate: (a: Parameters<DriftSession['evaluate']>[0]) => race(`auto evaluation ${++evaluations}`, () => evaluator.evaluate(a)),
            // `auto` needs a budget (these throw without one); `levels: auto` then compares with every code instead,
            // and `optimize` checks its rewrites against its own exactness bound.
            withinBudget: plan.auto || budgeted ? withinAccuracyBudget(spec) : () => true,
            budgetUse: plan.auto || budgeted ? accuracyBudgetUse(spec) : () => 0,
            hasBudget: budgeted,
            ...(options.deadline ? { timeLeftMs: () => options.deadline?.remainingMs() ?? Infinity } : {}),
            ...(options.onEvaluation ? { onEvaluation: options.onEvaluation } : {}),
            ...(options.onLevels ? { onLevels: options.onLevels } : {}),
          }
        : undefined;
    const outcome = summarize(original, await race('compressing', () => compressModel(original, plan, auto)));
    if (!options.measureDrift) return outcome;
    options.step('measuring accuracy drift');
    const drift = await race('measuring accuracy drift', () => evaluator.evaluateModel(outcome.model));
    return { ...outcome, drift, inputsNote: session.inputsNote, synthetic: session.synthetic };
  } finally {
    session?.dispose();
  }
}

/**
 * A `.tflite` model compressed as its format does it (src/measure/compress-tflite.ts), and its drift on LiteRT against
 * the original when asked for. The drift session is opened first when the technique needs samples (int8, auto).
 */
async function compressTfliteAsConfigured(
  original: TfliteLoadedModel,
  plan: CompressPlan,
  spec: ModelSpec,
  options: { readonly measureDrift: boolean; readonly step: (what: string) => void },
  race: <T>(stage: string, work: () => Promise<T>) => Promise<T>,
): Promise<CompressOutcome> {
  const quantize = typeof plan.quantize === 'object' && 'dtype' in plan.quantize ? plan.quantize.dtype : plan.quantize;
  const tflitePlan = plan.auto ? { auto: true as const } : { quantize };
  const needsSession = options.measureDrift || tfliteNeedsSamples(original, tflitePlan);
  const session = needsSession ? await race('loading the original for drift', () => openDriftSession(original, spec)) : undefined;
  try {
    const { model, notes } = await race('compressing', () => compressTfliteWith(original, tflitePlan, spec, session, options.step));
    const outcome: CompressOutcome = { model, notes, warnings: [] };
    if (!options.measureDrift || !session) return outcome;
    const drift = await race('measuring accuracy drift', () => session.evaluateModel(model));
    return { ...outcome, drift, inputsNote: session.inputsNote, synthetic: session.synthetic };
  } finally {
    session?.dispose();
  }
}

function summarize(original: TfjsLoadedModel, result: CompressResult): CompressOutcome {
  const precision = autoAssignment(result.steps);
  const frontier = (result.steps.find((s) => s.technique === 'auto')?.details as { frontier?: SearchFrontier } | undefined)?.frontier;
  return {
    model: { ...original, artifacts: result.artifacts },
    ...(precision ? { precision } : {}),
    ...(frontier ? { frontier } : {}),
    notes: [...result.steps.map((s) => `${s.technique}: ${s.summary}`), ...result.warnings],
    warnings: result.warnings,
    ...(result.stepArtifacts && result.stepArtifacts.length === result.steps.length
      ? { steps: result.steps.map((s, i) => ({ technique: s.technique, model: { ...original, artifacts: result.stepArtifacts?.[i] ?? result.artifacts } })) }
      : {}),
  };
}

/** The techniques a setting applies, in run order, for the progress line. */
export function techniquesOf(compress: CompressSetting): string[] {
  return Object.keys(toPlan(compress));
}

/**
 * A setting in one canonical line (`quantize: uint8, min-elements: 1024`; `none` when absent): two settings that
 * mean the same read the same, so a PR that changes them can be told from one that does not.
 */
export function describeCompress(compress: CompressSetting | undefined): string {
  if (compress === undefined) return 'none';
  const entries = Object.entries(toPlan(compress)).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : stableJson(value)}`);
  return entries.length === 0 ? 'none' : entries.join(', ');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Whether a plan asks `levels: auto`, which runs the model to choose the codes per weight. */
function choosesLevels(plan: CompressPlan): boolean {
  return typeof plan.quantize === 'object' && (plan.quantize as { levels?: unknown }).levels === 'auto';
}

/** Whether a setting runs the `auto` search (which needs a runtime and an accuracy budget). */
export function searchesPrecision(compress: CompressSetting | undefined): boolean {
  return compress !== undefined && toPlan(compress).auto !== undefined;
}

/** The auto search's per-weight choice, from its step's details. */
function autoAssignment(steps: CompressResult['steps']): PrecisionChoice[] | undefined {
  const details = steps.find((s) => s.technique === 'auto')?.details as { assignment?: readonly AutoAssignment[] } | undefined;
  return details?.assignment?.map((a) => ({
    name: a.name,
    elements: a.elements,
    dtype: a.dtype,
    ...(a.sensitivity === undefined ? {} : { sensitivity: a.sensitivity }),
    ...(a.group === undefined ? {} : { group: a.group }),
  }));
}

/** `compress: auto` is shorthand for `{ auto: true }`; the config's keys are the plan's keys. */
function toPlan(compress: CompressSetting): CompressPlan {
  if (compress === 'auto') return { auto: true };
  const { 'min-elements': minElements, 'fold-batchnorm': fold, 'prune-channels': channels, ...rest } = compress;
  return {
    // zod leaves absent optional keys absent, which is what the plan's optional fields mean.
    ...(rest.quantize === undefined ? {} : { quantize: rest.quantize as NonNullable<CompressPlan['quantize']> }),
    ...(rest.prune === undefined ? {} : { prune: rest.prune as NonNullable<CompressPlan['prune']> }),
    ...(rest.auto === undefined || rest.auto === false ? {} : { auto: rest.auto }),
    ...(minElements > 0 ? { 'min-elements': minElements } : {}),
    ...(fold ? { 'fold-batchnorm': true } : {}),
    ...(rest.optimize ? { optimize: true } : {}),
    ...(channels?.flops !== undefined
      ? { 'prune-channels': { flops: channels.flops } }
      : channels?.params !== undefined
        ? { 'prune-channels': { params: channels.params } }
        : {}),
  };
}
