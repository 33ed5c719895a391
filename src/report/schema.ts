/**
 * The report: what the judge produces and every renderer (markdown, PR comment, report.json, trend record)
 * consumes, written once as a zod schema. `src/report/types.ts` derives its types from here (`z.infer`), and a
 * `report` job validates the untrusted artifact of a `measure` job against the same schema, so the two cannot
 * drift apart. The bounds (string lengths, list sizes) are what a hostile artifact is held to; the reports this
 * tool writes stay far inside them.
 *
 * Units: bytes for sizes and memory, milliseconds for times, fractions (0.1 = 10%) for ratios and agreement, plain
 * counts for flops and params, plain numbers for errors and cosine.
 */
import * as z from 'zod';
import { METRIC_DIRECTIONS, METRIC_UNITS } from '../metrics.js';

const text = (max = 4000) => z.string().max(max);
const num = () => z.number().finite();
const opt = <T extends z.ZodType>(schema: T) => schema.exactOptional();
const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max).readonly();

export const metricStatusSchema = z.enum(['pass', 'warn', 'fail', 'no-budget']);
/** Overall verdict. `error`: the check could not run (config/model error). */
export const verdictSchema = z.enum(['pass', 'warn', 'fail', 'error']);
export const metricUnitSchema = z.enum(METRIC_UNITS);

const locationSchema = z.object({ file: text(1000), line: z.number().int().min(1), column: z.number().int().min(1) }).readonly();

export const metricResultSchema = z
  .object({
    /** Metric key, the budget key: `size`, `gzip-size`, `latency.p90`, `accuracy.cosine`, … */
    key: text(200),
    unit: metricUnitSchema,
    /**
     * The measured value of the model the budget applies to (the compressed one when compression is configured).
     * A metric that could not be measured is NaN in memory and null in JSON.
     */
    value: num()
      .nullable()
      .transform((v) => v ?? Number.NaN),
    /** Hard limit, when a budget sets one. */
    limit: opt(num()),
    /** Soft limit, when a budget sets one. */
    warn: opt(num()),
    /** `max`: the value must stay at or below the limit (sizes, times); `min`: at or above (cosine, agreement). */
    direction: z.enum(METRIC_DIRECTIONS),
    status: metricStatusSchema,
    /** One line saying what happened, e.g. `4.2 MB is over the 4 MB budget by 5.0%`. */
    message: text(),
    /** The same metric on the uncompressed original, when compression is configured. */
    original: opt(num()),
    /** The same metric on the base branch, when a base was measured. */
    base: opt(num()),
    /** Where the budget is written in model-budget.yml (for annotations). */
    source: opt(locationSchema),
  })
  .readonly();

/** One weight tensor in the "what takes the space" table. */
export const weightShareSchema = z
  .object({
    name: text(1000),
    shape: list(z.number().int().min(0), 16),
    /** Storage dtype: float32, int32, or the quantized dtype (uint8, uint16, float16). */
    dtype: text(32),
    bytes: num(),
    /** Fraction of all weight bytes. */
    share: num(),
  })
  .readonly();

/** One weight's storage dtype as chosen by the mixed-precision search. */
export const precisionChoiceSchema = z
  .object({
    name: text(1000),
    elements: z.number().int().min(0),
    /** `uint8`, `uint16`, `float16` or `float32`. */
    dtype: text(32),
    /** Share of the accuracy budget used (1 = at the limit) with only this weight, or its group, at uint8; absent when not measured. */
    sensitivity: opt(num()),
    /** The group of small weights it was measured and moved with. */
    group: opt(z.number().int().min(1)),
  })
  .readonly();

/** One candidate the mixed-precision search evaluated (see src/compress/frontier.ts). */
export const frontierPointSchema = z
  .object({
    /** Weight bytes of the candidate. */
    bytes: num(),
    /** Share of the accuracy budget its drift used (1 = at the limit); null when the drift was not a number. */
    budgetUse: num().nullable(),
    withinBudget: z.boolean(),
    /** `all-uint8`, `all-2-byte` (uint16 or float16 per weight), `probe` (one weight or group at uint8), `candidate`. */
    kind: z.enum(['all-uint8', 'all-2-byte', 'probe', 'candidate']),
    /** No other candidate is at most as big with less of the budget used. */
    pareto: z.boolean(),
    /** The search's result. */
    chosen: z.boolean(),
  })
  .readonly();

/** Every candidate the search evaluated, smallest first, and the weight bytes it started from. */
export const frontierSchema = z.object({ bytesBefore: num(), points: list(frontierPointSchema, 1000) }).readonly();

/** One weight whose bytes changed against the base: added (no `baseBytes`), removed (no `bytes`), or resized. */
export const weightChangeSchema = z
  .object({ name: text(1000), bytes: opt(num()), baseBytes: opt(num()), dtype: opt(text(32)), baseDtype: opt(text(32)) })
  .readonly();

/**
 * How the base commit was found: `merge-parent`, the first parent of GitHub's test merge (`refs/pull/N/merge`),
 * i.e. the base branch tip the PR was merged onto; `merge-base`, the merge base of the checked-out commit and the
 * base branch (a PR head checkout, or `check --base <ref>`).
 */
export const baseKindSchema = z.enum(['merge-parent', 'merge-base']);

/** How the base branch relates: compared, new in this PR, or not comparable (with the reason). */
export const baseComparisonSchema = z
  .discriminatedUnion('status', [
    z.object({
      status: z.literal('compared'),
      ref: text(200),
      kind: opt(baseKindSchema),
      /**
       * Set when the base's copy was compressed before comparing (shipped against shipped): with the base's own
       * `compress:` settings, or this PR's when the base's config does not name the model.
       */
      compressedWith: opt(z.enum(['base-config', 'head-config'])),
      /** The `compress:` settings, base → head, when this PR changes them (`none` when absent). */
      compressChange: opt(z.object({ from: text(), to: text() }).readonly()),
    }),
    z.object({ status: z.literal('new') }),
    z.object({ status: z.literal('unavailable'), reason: text() }),
  ])
  .readonly();

/** A budget this PR changed. */
export const budgetChangeSchema = z
  .object({
    key: text(200),
    unit: metricUnitSchema,
    /** Hard limit on the base branch (absent: no budget there). */
    from: opt(num()),
    /** Hard limit in this PR (absent: removed). */
    to: opt(num()),
  })
  .readonly();

/** Interleaved A/B latency of a model against its baseline. */
export const latencyComparisonSchema = z
  .object({
    /** What the candidate was compared with. */
    against: z.enum(['base', 'original']),
    /** Median candidate time / median baseline time. */
    ratio: num(),
    /** Bootstrap confidence interval of the ratio. */
    ci: z.tuple([num(), num()]).readonly(),
    confidence: num(),
    /** The allowed increase, as a fraction (0.1 = 10%). */
    threshold: num(),
    verdict: z.enum(['faster', 'slower', 'same', 'inconclusive']),
  })
  .readonly();

export const modelReportSchema = z
  .object({
    name: text(500),
    /** Model path as written in the config. */
    path: text(1000),
    /** Absent when the model could not be loaded. */
    format: opt(z.enum(['layers', 'graph', 'tflite'])),
    verdict: verdictSchema,
    metrics: list(metricResultSchema, 200),
    /** Largest weights first. */
    weights: list(weightShareSchema, 10_000),
    /** Lines the renderers show under the table (compression summary, fallbacks, notes); markup in src/note.ts. */
    notes: list(text(), 200),
    /** Set when this model could not be checked. */
    error: opt(text(20_000)),
    base: opt(baseComparisonSchema),
    /** Storage dtype `compress: auto` chose for every weight, with its sensitivity when measured. */
    precision: opt(list(precisionChoiceSchema, 10_000)),
    /** The size/accuracy frontier `compress: auto` found: every candidate it evaluated. */
    frontier: opt(frontierSchema),
    /** Weights whose stored bytes differ from the base branch's, largest change first (top 10). */
    weightChanges: opt(list(weightChangeSchema, 100)),
    /** Budgets this PR changed, e.g. size raised from 5 MB to 6 MB. */
    budgetChanges: opt(list(budgetChangeSchema, 200)),
    /** Interleaved A/B latency of this model against its baseline (base branch, else the uncompressed original). */
    latencyComparison: opt(latencyComparisonSchema),
  })
  .readonly();

/** Runtime and machine the numbers come from. */
export const environmentSchema = z
  .object({ runtime: text(100), runtimeVersion: text(100), threads: num(), cpu: text(300), cores: num(), node: text(100) })
  .readonly();

export const reportSchema = z
  .object({
    schemaVersion: z.literal(1),
    verdict: verdictSchema,
    /** Path of the config, relative to the working directory. */
    config: text(1000),
    models: list(modelReportSchema, 500),
    /** Runtime and machine the numbers come from (filled in when latency is measured). */
    environment: opt(environmentSchema),
    /** The leg of a job matrix the report was measured on (`linux-x64`, `macos-arm64-…-wasm`); see src/leg.ts. */
    leg: opt(z.string().regex(/^[a-z0-9._-]{1,100}$/)),
    tool: z.object({ name: z.literal('model-budget'), version: text(100) }).readonly(),
  })
  .readonly();
