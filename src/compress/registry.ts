/**
 * The compression techniques by name, and `compressModel`, which applies the configured ones in a fixed order:
 * optimize → fold-batchnorm → prune-channels → prune → quantize (or auto). Structural changes come first so that pruning and
 * quantization see the final weights; quantization comes last because it changes the storage, not the values.
 */
import { basename, dirname } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { CompressError, problem } from '../errors.js';
import { COMPRESSIONS, type CompressionName } from '../formats/types.js';
import type { TfjsLoadedModel } from '../model/types.js';
import { autoCompress, type AutoProgress, type DriftLike } from './auto.js';
import { FOLD_TOLERANCE, foldBatchNorm } from './fold-batchnorm.js';
import { optimizeChecked } from './optimize-check.js';
import { pruneChannels, type ChannelTarget } from './prune-channels.js';
import { pruneWeights } from './prune.js';
import { quantizeAsPlanned, type QuantizeBlock } from './quantize-step.js';
import { chooseLevels, describeLevels, type LevelsProgress } from './levels-auto.js';
import { weightQuantizer } from './quantize.js';
import type { QuantizeSelection } from './select.js';
import { weightBytes } from './weights.js';

/**
 * The `compress:` block of one model, as the config maps onto it (keys as written in YAML).
 * - `optimize`: `true` rewrites a graph model into fused ops (exact up to float rounding; faster, same weights).
 * - `quantize`: `uint8` | `uint16` | `float16`, or patterns per dtype `{ uint8: "*", float16: ["conv1/*"] }`, or a
 *   block `{ dtype: uint8, rounding: sum-preserving | nearest }` (rounding default sum-preserving).
 * - `min-elements`: float32 weights with fewer elements are never quantized (default 0).
 * - `prune`: target sparsity in [0, 1) of the kernels, or `{ sparsity, scope: per-layer | global, weights: [globs] }`.
 * - `fold-batchnorm`: `true` folds BatchNormalization into the preceding Conv2D / DepthwiseConv2D / Dense.
 * - `prune-channels`: `{ flops: 0.2 }` or `{ params: 0.2 }`, the fraction to remove.
 * - `auto`: `true` or `{ max-evaluations, levels }`: mixed-precision search inside the model's accuracy budget (needs
 *   an evaluator; excludes `quantize`); `levels: true` then puts its uint8 / uint16 weights on the fewest codes in the budget.
 */
export { DEFAULT_ROUNDING, resolveQuantize, type QuantizeBlock } from './quantize-step.js';

export interface CompressPlan {
  /** `true` rewrites a graph model's op chains into the fused ops TF.js runs faster (see optimize-graph.ts). */
  readonly optimize?: boolean;
  readonly quantize?: QuantizeSelection | QuantizeBlock;
  readonly 'min-elements'?: number;
  readonly prune?: number | { readonly sparsity: number; readonly scope?: 'per-layer' | 'global'; readonly weights?: readonly string[] };
  readonly 'fold-batchnorm'?: boolean;
  readonly 'prune-channels'?: ChannelTarget;
  readonly auto?: boolean | { readonly 'max-evaluations'?: number; readonly levels?: boolean | undefined };
}

/** Names of the techniques, in the order they run (defined with the formats, which declare the ones they take). */
export const TECHNIQUE_NAMES = COMPRESSIONS;
export type TechniqueName = CompressionName;

/** What the `auto` technique needs from the caller: drift against the original model, and the budget. */
export interface AutoEvaluator {
  readonly evaluate: (candidate: io.ModelArtifacts) => Promise<DriftLike>;
  readonly withinBudget: (drift: DriftLike) => boolean;
  /** Share of the accuracy budget a drift uses (1 = at the limit): how the search ranks weights and draws its frontier. */
  readonly budgetUse: (drift: DriftLike) => number;
  /** Milliseconds left of the model's timeout: the search stops in time to leave the rest of the check room. */
  readonly timeLeftMs?: () => number;
  /** Progress after each evaluation of the search. */
  readonly onEvaluation?: (progress: AutoProgress) => void;
  /** False when the model has no accuracy budget (`withinBudget` then must not be called; `levels: auto` compares with the model on every code). */
  readonly hasBudget?: boolean;
  /** Progress after each evaluation of `levels: auto`. */
  readonly onLevels?: (progress: LevelsProgress) => void;
}

/** What one technique did. `details` is the technique's own result without the artifacts. */
export interface TechniqueSummary {
  readonly technique: TechniqueName;
  /** One line for the report, e.g. "uint8: 4,003,200 → 1,000,800 weight bytes". */
  readonly summary: string;
  readonly warnings: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

/** Result of {@link compressModel}. */
export interface CompressResult {
  readonly artifacts: io.ModelArtifacts;
  readonly steps: readonly TechniqueSummary[];
  /** Every warning of every step, plus plan-level ones (e.g. nothing to compress). */
  readonly warnings: readonly string[];
  readonly weightBytesBefore: number;
  readonly weightBytesAfter: number;
  /** The artifacts after each step, in step order (the last is `artifacts`): what each technique's size effect is measured on. */
  readonly stepArtifacts?: readonly io.ModelArtifacts[];
}

interface Technique {
  readonly name: TechniqueName;
  readonly wanted: (plan: CompressPlan) => boolean;
  readonly run: (
    artifacts: io.ModelArtifacts,
    plan: CompressPlan,
    auto: AutoEvaluator | undefined,
  ) => Promise<{ artifacts: io.ModelArtifacts } & Omit<TechniqueSummary, 'technique'>>;
}

const n = (x: number): string => x.toLocaleString('en-US');

/** `folder/model.json`: enough of the path to tell models apart in a message. */
const shortName = (path: string): string => `${basename(dirname(path))}/${basename(path)}`;

function strip<T extends { artifacts: io.ModelArtifacts }>(result: T): Omit<T, 'artifacts'> {
  const { artifacts: _drop, ...rest } = result;
  return rest;
}

/**
 * `auto: { levels: true }`: the precisions `auto` chose, then the fewest codes per uint8 / uint16 weight that keep the model
 * inside the same budget (`chooseLevels`, as `quantize: { levels: auto }` does). Raw bytes stay; gzip and brotli
 * shrink. Nothing to do when the search kept the model as it was or chose no uint8 or uint16 weight.
 */
async function autoLevels(
  artifacts: io.ModelArtifacts,
  r: Awaited<ReturnType<typeof autoCompress>>,
  auto: AutoEvaluator,
): Promise<{ artifacts: io.ModelArtifacts; note: string; levels: Record<string, number> } | undefined> {
  if (r.drift === undefined || !r.withinBudget || !r.assignment.some((t) => t.dtype === 'uint8' || t.dtype === 'uint16')) return undefined;
  const targets = new Map(r.assignment.map((t) => [t.name, t.dtype] as const));
  const quantize = weightQuantizer(artifacts);
  const found = await chooseLevels({
    quantize: (byWeight) => quantize(targets, { rounding: 'sum-preserving', levelsByWeight: byWeight }),
    evaluate: auto.evaluate,
    withinBudget: auto.withinBudget,
    ...(auto.onLevels ? { onEvaluation: auto.onLevels } : {}),
  });
  const note = found.overBudget ? 'levels: the chosen model is over the budget on re-measurement; kept every code' : `levels: ${describeLevels(found)}`;
  return { artifacts: found.overBudget ? r.artifacts : found.result.artifacts, note, levels: Object.fromEntries(found.levels) };
}

/** Every technique, by name, in run order. */
export const TECHNIQUES: readonly Technique[] = [
  {
    name: 'optimize',
    wanted: (p) => p.optimize === true,
    run: async (a, _p, auto) => {
      const r = await optimizeChecked(a, auto?.evaluate);
      const counts = Object.entries(r.rewrites)
        .filter(([, c]) => c > 0)
        .map(([k, c]) => `${c} ${k}`)
        .join(', ');
      const summary = `graph nodes ${n(r.nodesBefore)} → ${n(r.nodesAfter)}${counts ? ` (${counts})` : ''}`;
      return { artifacts: r.artifacts, summary, warnings: r.warnings, details: strip(r) };
    },
  },
  {
    name: 'fold-batchnorm',
    wanted: (p) => p['fold-batchnorm'] === true,
    run: (a) => {
      const r = foldBatchNorm(a);
      const cost =
        r.widened.length > 0
          ? `; ${r.widened.length} quantized kernel(s) stored unquantized to stay exact: weights ${n(r.bytesBefore)} → ${n(r.bytesAfter)} bytes`
          : '';
      const summary = `folded ${r.folded.length} BatchNormalization layer(s)${r.skipped.length ? `, left ${r.skipped.length}` : ''}${cost}`;
      const from = [...new Set(r.widened.map((w) => w.from))].join('/');
      const widened =
        r.widened.length === 0
          ? []
          : [
              `fold-batchnorm: ${r.widened.length} folded kernel(s) were ${from}; they are stored unquantized so the output stays within ` +
                `${FOLD_TOLERANCE} of the unfolded model (weights ${n(r.bytesBefore)} → ${n(r.bytesAfter)} bytes); add \`quantize\` to quantize them again and let the accuracy budget judge it`,
            ];
      return Promise.resolve({
        artifacts: r.artifacts,
        summary,
        warnings: [...r.skipped.map((s) => `fold-batchnorm: kept ${s}`), ...widened],
        details: strip(r),
      });
    },
  },
  {
    name: 'prune-channels',
    wanted: (p) => p['prune-channels'] !== undefined,
    run: (a, p) => {
      const r = pruneChannels(a, p['prune-channels'] ?? { params: 0 });
      const summary = `params ${n(r.paramsBefore)} → ${n(r.paramsAfter)}, est. MACs ${n(Math.round(r.flopsBefore))} → ${n(Math.round(r.flopsAfter))}`;
      return Promise.resolve({ artifacts: r.artifacts, summary, warnings: r.skipped.map((s) => `prune-channels: kept ${s}`), details: strip(r) });
    },
  },
  {
    name: 'prune',
    wanted: (p) => p.prune !== undefined,
    run: (a, p) => {
      const o = typeof p.prune === 'number' ? { sparsity: p.prune } : (p.prune ?? { sparsity: 0 });
      const r = pruneWeights(a, o);
      const summary =
        `sparsity ${(r.sparsity * 100).toFixed(1)} % of ${r.tensors.length} kernel(s); raw size unchanged (dense storage), ` +
        `gzip ${n(r.gzipBytesBefore)} → ${n(r.gzipBytesAfter)} bytes`;
      return Promise.resolve({ artifacts: r.artifacts, summary, warnings: r.warnings, details: strip(r) });
    },
  },
  {
    name: 'quantize',
    wanted: (p) => p.quantize !== undefined,
    run: (a, p, auto) => quantizeAsPlanned(a, p.quantize ?? 'uint8', p['min-elements'] ?? 0, auto),
  },
  {
    name: 'auto',
    wanted: (p) => p.auto !== undefined && p.auto !== false,
    run: async (a, p, auto) => {
      if (!auto) throw new CompressError(problem('compress/auto-no-accuracy'));
      const max = typeof p.auto === 'object' ? p.auto['max-evaluations'] : undefined;
      const r = await autoCompress(a, { ...auto, minElements: p['min-elements'] ?? 0, ...(max === undefined ? {} : { maxEvaluations: max }) });
      const counts = new Map<string, number>();
      for (const t of r.assignment) counts.set(t.dtype, (counts.get(t.dtype) ?? 0) + 1);
      const mix = [...counts].map(([d, c]) => `${c} ${d}`).join(', ');
      const summary = `${mix || 'no weights'}: ${n(r.bytesBefore)} → ${n(r.bytesAfter)} weight bytes in ${r.evaluations} evaluations${r.capped ? ' (capped)' : ''}`;
      const fewer = typeof p.auto === 'object' && p.auto.levels === true ? await autoLevels(a, r, auto) : undefined;
      if (!fewer) return { artifacts: r.artifacts, summary, warnings: r.warnings, details: strip(r) };
      return { artifacts: fewer.artifacts, summary: `${summary}; ${fewer.note}`, warnings: r.warnings, details: { ...strip(r), levels: fewer.levels } };
    },
  },
];

/**
 * Applies `plan` to `model` and returns the compressed artifacts with a summary per technique. Pure on artifacts.
 * @throws CompressError for a plan that cannot apply (quantize with auto, auto without an evaluator, a technique's
 * own refusals).
 */
export async function compressModel(model: TfjsLoadedModel, plan: CompressPlan, auto?: AutoEvaluator): Promise<CompressResult> {
  const wanted = TECHNIQUES.filter((t) => t.wanted(plan));
  if (plan.quantize !== undefined && wanted.some((t) => t.name === 'auto')) {
    throw new CompressError(problem('compress/quantize-and-auto', { model: shortName(model.path) }));
  }
  const before = weightBytes(model.artifacts).byteLength;
  const hasFloat = (model.artifacts.weightSpecs ?? []).some((s) => s.dtype === 'float32');
  if (wanted.length > 0 && !hasFloat) {
    const warning = `${shortName(model.path)} has no float weights: nothing to compress`;
    return { artifacts: model.artifacts, steps: [], warnings: [warning], weightBytesBefore: before, weightBytesAfter: before };
  }
  let artifacts = model.artifacts;
  const steps: TechniqueSummary[] = [];
  const stepArtifacts: io.ModelArtifacts[] = [];
  for (const technique of wanted) {
    try {
      const { artifacts: next, ...summary } = await technique.run(artifacts, plan, auto);
      artifacts = next;
      steps.push({ technique: technique.name, ...summary });
      stepArtifacts.push(next);
    } catch (error) {
      if (error instanceof CompressError) {
        throw new CompressError(problem('compress/failed', { path: model.path, detail: error.message }), { file: model.path, cause: error });
      }
      throw error;
    }
  }
  return {
    artifacts,
    steps,
    warnings: steps.flatMap((s) => s.warnings),
    weightBytesBefore: before,
    weightBytesAfter: weightBytes(artifacts).byteLength,
    stepArtifacts,
  };
}
