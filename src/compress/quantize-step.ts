/**
 * The `quantize:` technique as the config asks for it: the setting resolved (dtype or patterns, rounding, levels,
 * per-channel), the per-channel rewrite first when asked (per-channel.ts), then per-tensor quantization with a
 * fixed number of codes or with the codes `levels: auto` chooses per weight (levels-auto.ts).
 */
import type { io } from '@tensorflow/tfjs';
import { CompressError, problem } from '../errors.js';
import type { QuantizedDtype } from '../dtypes.js';
import type { DriftLike } from './auto.js';
import { chooseLevels, describeLevels, type LevelsProgress } from './levels-auto.js';
import { rescaleChannels, type PerChannelResult } from './per-channel.js';
import { quantizeWeights, weightQuantizer, type QuantizeResult } from './quantize.js';
import type { Rounding } from './rounding.js';
import type { QuantizeSelection } from './select.js';

/** `quantize:` written as a block: `{ dtype: uint8, rounding: nearest }`, optionally with per-dtype patterns. */
export type QuantizeBlock = Exclude<QuantizeSelection, string> & {
  readonly dtype?: QuantizedDtype;
  readonly rounding?: Rounding;
  /** Codes uint8 weights use (16–256 in the config), or `auto`: per uint8 / uint16 weight, the fewest the accuracy allows; default all. */
  readonly levels?: number | 'auto';
  /** Graph models: one scale per output channel of each kernel, put back in the graph (per-channel.ts). */
  readonly 'per-channel'?: boolean;
};

/** The rounding `compress: quantize` uses unless told: better than the converter's at the same bytes. */
export const DEFAULT_ROUNDING: Rounding = 'sum-preserving';

/** What a `quantize:` setting means. */
export interface ResolvedQuantize {
  readonly dtypes: QuantizeSelection;
  readonly rounding: Rounding;
  readonly levels?: number | 'auto';
  readonly perChannel?: boolean;
}

/** The dtypes selection, rounding, levels and per-channel flag a `quantize:` setting means. */
export function resolveQuantize(setting: QuantizeSelection | QuantizeBlock): ResolvedQuantize {
  if (typeof setting === 'string') return { dtypes: setting, rounding: DEFAULT_ROUNDING };
  const { dtype, rounding, levels, 'per-channel': perChannel, ...patterns } = setting as QuantizeBlock;
  const named = Object.keys(patterns).length > 0;
  if (dtype === undefined && !named) {
    throw new CompressError(problem('compress/quantize-no-dtype'));
  }
  const dtypes: QuantizeSelection = dtype === undefined ? patterns : named ? { ...patterns, [dtype]: '*' } : dtype;
  return { dtypes, rounding: rounding ?? DEFAULT_ROUNDING, ...(levels === undefined ? {} : { levels }), ...(perChannel ? { perChannel } : {}) };
}

/** What `levels: auto` needs: drift against the original, the accuracy budget when there is one, progress. */
export interface LevelsEvaluator {
  readonly evaluate: (candidate: io.ModelArtifacts) => Promise<DriftLike>;
  readonly withinBudget: (drift: DriftLike) => boolean;
  /** False: no accuracy budget; the max-abs drift of the model on every code is the bar. */
  readonly hasBudget?: boolean;
  readonly onLevels?: (progress: LevelsProgress) => void;
}

const n = (x: number): string => x.toLocaleString('en-US');

/** `per-channel: 12 folded, 30 inserted, 8 split Mul(s)`. */
function perChannelNote(r: PerChannelResult): string {
  return `per-channel scales on ${r.folded.length + r.inserted.length + r.split.length} layer(s): ${r.folded.length} folded into a Mul, ${r.inserted.length} with an inserted Mul, ${r.split.length} split (fused op, Mul, activation)`;
}

/**
 * Runs `quantize:` on `artifacts`.
 * @throws CompressError for `levels: auto` without an evaluator, and quantizeWeights' refusals.
 */
export async function quantizeAsPlanned(
  artifacts: io.ModelArtifacts,
  setting: QuantizeSelection | QuantizeBlock,
  minElements: number,
  evaluator: LevelsEvaluator | undefined,
): Promise<{ artifacts: io.ModelArtifacts; summary: string; warnings: readonly string[]; details: Readonly<Record<string, unknown>> }> {
  const { dtypes, rounding, levels, perChannel } = resolveQuantize(setting);
  const channels = perChannel ? rescaleChannels(artifacts) : undefined;
  const input = channels?.artifacts ?? artifacts;
  const keepFloat = new Set(channels?.keepFloat ?? []);
  // `levels: auto` quantizes the model once per evaluation: its weights are decoded and each encoding made once.
  const quantizer = levels === 'auto' ? weightQuantizer(input) : undefined;
  const quantize = (byWeight?: ReadonlyMap<string, number>): QuantizeResult =>
    quantizeWeights(
      input,
      {
        dtypes,
        rounding,
        minElements,
        keepFloat,
        ...(typeof levels === 'number' ? { levels } : {}),
        ...(byWeight ? { levelsByWeight: byWeight } : {}),
      },
      quantizer,
    );
  const notes: string[] = [];
  let r: QuantizeResult;
  let search: Omit<Awaited<ReturnType<typeof chooseLevels>>, 'result'> | undefined;
  if (levels === 'auto') {
    if (!evaluator) throw new CompressError(problem('compress/levels-auto-no-evaluator'));
    const found = await chooseLevels({
      quantize,
      evaluate: evaluator.evaluate,
      ...(evaluator.hasBudget === false ? {} : { withinBudget: evaluator.withinBudget }),
      ...(evaluator.onLevels ? { onEvaluation: evaluator.onLevels } : {}),
    });
    const { result, ...rest } = found;
    r = result;
    search = rest;
    const bar = evaluator.hasBudget === false ? 'max-abs no worse than on every code' : 'inside the accuracy budget';
    notes.push(
      found.overBudget
        ? `levels auto: the model on every code already breaks the accuracy budget; kept every code`
        : `levels auto (${bar}): ${describeLevels(found)}`,
    );
  } else r = quantize();
  if (channels && channels.warnings.length === 0) notes.unshift(perChannelNote(channels));
  const how = dtypes === 'float16' ? '' : ` (${rounding} rounding${typeof levels === 'number' ? `, ${levels} levels` : ''})`;
  const summary = `${typeof dtypes === 'string' ? dtypes : 'mixed'}${how}: ${n(r.bytesBefore)} → ${n(r.bytesAfter)} weight bytes${notes.length ? `; ${notes.join('; ')}` : ''}`;
  const { artifacts: out, ...details } = r;
  return {
    artifacts: out,
    summary,
    warnings: [...(channels?.warnings ?? []), ...r.warnings],
    details: {
      ...details,
      ...(channels ? { perChannel: { folded: channels.folded, inserted: channels.inserted, split: channels.split } } : {}),
      ...(search ? { levels: { ...search, levels: Object.fromEntries(search.levels) } } : {}),
    },
  };
}
