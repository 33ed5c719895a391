import * as z from 'zod';
import { DEFAULT_MAX_MODEL_BYTES, DEFAULT_MAX_SAMPLE_BYTES } from '../limits.js';
import { QUANTIZE_VALUES } from '../dtypes.js';
import { DEFAULT_AUTO_EVALUATIONS, DEFAULT_DRIFT_SAMPLES, DEFAULT_INPUT_SEED } from './defaults.js';
import { METRICS } from '../metrics.js';
import { formatValue } from '../format.js';
import { parseCount, parseDuration, parseNumber, parsePercent, parseSize, UNIT_JSON_SCHEMAS, type Parsed, type UnitJsonSchema } from './units.js';
import { ROUNDINGS } from '../compress/rounding.js';
import { problem } from '../errors.js';

/**
 * The schema of `model-budget.yml`: the only place its keys, types and defaults are defined. The JSON Schema in
 * `schema/model-budget.schema.json` is generated from it (`io: 'input'`), so editors see the same rules.
 */

function show(value: unknown): string {
  return value === undefined ? 'nothing' : (JSON.stringify(value) ?? typeof value);
}

/**
 * What a value in a unit may look like as written, for the JSON Schema (`json-schema.ts` puts it in place of the
 * loose string-or-number the zod input type is): the parsers stay the one judge of values, their unit tables the
 * one source of the patterns.
 */
export const unitInputSchemas = z.registry<{ json: UnitJsonSchema }>();

function unit(parse: (input: unknown) => Parsed, description: string, examples: readonly (string | number)[], json: UnitJsonSchema) {
  const input = z
    .union([z.string(), z.number()], { error: (issue) => `expected ${expectedOf(parse)}, got ${show(issue.input)}` })
    .meta({ description, examples: [...examples] });
  input.register(unitInputSchemas, { json });
  return input.transform((value, ctx) => {
    const parsed = parse(value);
    if (parsed.ok) return parsed.value;
    ctx.issues.push({ code: 'custom', message: `expected ${parsed.expected}, got ${show(value)}`, input: value });
    return z.NEVER;
  });
}

function expectedOf(parse: (input: unknown) => Parsed): string {
  const probe = parse(Symbol('probe'));
  return probe.ok ? 'a value' : probe.expected;
}

export const size = () => unit(parseSize, 'Bytes: "5 MB" (1000²), "5 MiB" (1024²), or a number of bytes.', ['5 MB', '512 KiB'], UNIT_JSON_SCHEMAS.size);
export const duration = () => unit(parseDuration, 'A duration with its unit: "40 ms", "1.5 s".', ['40 ms', '1.5 s'], UNIT_JSON_SCHEMAS.duration);
export const percent = () => unit(parsePercent, 'A percentage: "10%" (or a fraction 0–1).', ['10%'], UNIT_JSON_SCHEMAS.percent);
export const count = () => unit(parseCount, 'A count: "600 M", "1.2 G", or a number.', ['600 M'], UNIT_JSON_SCHEMAS.count);
export const number = () => unit(parseNumber, 'A plain number.', [0.01], UNIT_JSON_SCHEMAS.number);

/** Pruning sparsity: a fraction of the weights below 1 (`50%` or `0.5`). */
const sparsity = () =>
  unit(
    (input) => {
      const parsed = parsePercent(input);
      return parsed.ok && parsed.value < 1 ? parsed : { ok: false, expected: 'a sparsity below 100% like "50%" (or a fraction below 1)' };
    },
    'Fraction of the weights set to zero, below 100%: "50%" or 0.5.',
    ['50%'],
    {
      anyOf: [
        { type: 'string', pattern: '^\\s*([0-9]{1,2}(\\.[0-9]+)?|\\.[0-9]+)\\s*%\\s*$' },
        { type: 'number', minimum: 0, exclusiveMaximum: 1 },
      ],
    },
  );

type Unit = Parameters<typeof formatValue>[0];

/**
 * `warn` is an earlier warning, so it must lie on the near side of the hard limit: at or below `max`, at or above
 * `min`. Beyond it, the warning could never show before the failure.
 */
function warnBeforeLimit(hard: 'max' | 'min', unitName: Unit) {
  return (v: { max?: number | undefined; min?: number | undefined; warn?: number | undefined }, ctx: z.core.$RefinementCtx<unknown>): void => {
    const limit = v[hard];
    if (limit === undefined || v.warn === undefined) return;
    if (hard === 'max' ? v.warn <= limit : v.warn >= limit) return;
    const [w, l] = [formatValue(unitName, v.warn), formatValue(unitName, limit)];
    ctx.addIssue({
      code: 'custom',
      path: ['warn'],
      message: problem('config/warn-beyond-limit', { warn: w, hard, limit: l, suggestion: `{ ${hard}: ${w}, warn: ${l} }` }).text,
      input: v.warn,
    });
  };
}

/** A hard budget (`5 MB`) or a hard and a soft one (`{ max: 5 MB, warn: 4.5 MB }`). */
function maxBudget(value: () => z.ZodType<number, unknown>, unitName: Unit) {
  return z
    .union([value(), z.strictObject({ max: value().optional(), warn: value().optional() }).superRefine(warnBeforeLimit('max', unitName))])
    .transform((v) => (typeof v === 'number' ? { max: v } : v));
}

/** For metrics that must stay high (cosine, agreement): `0.999` or `{ min: 0.999, warn: 0.9995 }`. */
function minBudget(value: () => z.ZodType<number, unknown>, unitName: Unit) {
  return z
    .union([value(), z.strictObject({ min: value().optional(), warn: value().optional() }).superRefine(warnBeforeLimit('min', unitName))])
    .transform((v) => (typeof v === 'number' ? { min: v } : v));
}

/**
 * Keys a `trend:` budget may name: every metric key, and `latency-p50` / `accuracy-cosine` spellings of the dotted
 * ones (a dot inside a YAML key reads like nesting to some people).
 */
export const TREND_KEYS = Object.keys(METRICS).flatMap((key) => (key.includes('.') ? [key, key.replace('.', '-')] : [key]));

const latencyBudget = z.strictObject({
  p50: maxBudget(duration, 'ms').optional(),
  p90: maxBudget(duration, 'ms').optional(),
  p95: maxBudget(duration, 'ms').optional(),
  p99: maxBudget(duration, 'ms').optional(),
  mean: maxBudget(duration, 'ms').optional(),
  'first-inference': maxBudget(duration, 'ms').optional(),
  /** Largest allowed slowdown against the baseline (base branch, else the uncompressed original). */
  increase: percent().optional(),
});

const accuracyBudget = z.strictObject({
  'top1-agreement': minBudget(percent, 'fraction').optional(),
  'max-abs-error': maxBudget(number, 'number').optional(),
  rmse: maxBudget(number, 'number').optional(),
  cosine: minBudget(number, 'number').optional(),
  /** Worst per-sample PSNR in dB over `image` outputs. */
  psnr: minBudget(number, 'number').optional(),
  /** Largest distance in pixels between the original's and the candidate's keypoints over `heatmap` outputs. */
  'keypoint-error': maxBudget(number, 'number').optional(),
});

/** The budgets of one model, or of one leg in `per-leg:`. */
const legBudgetSchema = z.strictObject({
  size: maxBudget(size, 'bytes').optional(),
  'gzip-size': maxBudget(size, 'bytes').optional(),
  'brotli-size': maxBudget(size, 'bytes').optional(),
  latency: latencyBudget.optional(),
  'load-time': maxBudget(duration, 'ms').optional(),
  memory: maxBudget(size, 'bytes').optional(),
  flops: maxBudget(count, 'count').optional(),
  params: maxBudget(count, 'count').optional(),
  accuracy: accuracyBudget.optional(),
  /** Allowed change against the median of recent default-branch points, per metric (`latency.p50: 15%`). */
  trend: z.strictObject(Object.fromEntries(TREND_KEYS.map((key) => [key, percent().optional()]))).optional(),
  /** Largest allowed growth of each size against the base branch (`size-increase: 5%`). */
  'size-increase': percent().optional(),
});

/**
 * A model's budgets, with `per-leg: { <leg pattern>: { …budgets… } }` for the legs of a job matrix (`*` matches any
 * run of characters): on a leg whose id matches, each budget written there replaces the model's own.
 */
export const budgetSchema = legBudgetSchema.extend({
  'per-leg': z.record(z.string().min(1).max(200), legBudgetSchema).optional(),
});

/** `benchmark.runtime` values: `litert` runs `.tflite` models, the others TF.js models (and `auto` picks for either). */
export const RUNTIMES = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu', 'litert'] as const;

/** Benchmark settings as written (every field optional; a model's block overrides the top-level one). */
export const benchmarkOverrideSchema = z.strictObject({
  runtime: z.enum(RUNTIMES).optional(),
  /**
   * Fail instead of falling back to cpu when the runtime lacks a kernel. Default: true when `runtime` is written
   * (other than `auto`), false for the default wasm and for `auto`.
   */
  'pin-runtime': z.boolean().optional(),
  threads: z.number().int().min(1).max(256).optional(),
  warmup: z.number().int().min(0).max(10_000).optional(),
  'warmup-seconds': duration().optional(),
  runs: z.number().int().min(1).max(100_000).optional(),
  'min-seconds': duration().optional(),
  'max-seconds': duration().optional(),
  batch: z.number().int().min(1).max(4096).optional(),
  timeout: duration().optional(),
  seed: z.number().int().optional(),
  /** Percentile the A/B compares (50: ratio of medians; 25 resists CPU contention on shared runners). */
  'compare-quantile': z.number().min(1).max(99).optional(),
});

/**
 * Benchmark defaults. 64 timed runs make a p90 defensible (MLPerf SingleStream asks for at least 64 samples);
 * 1 s minimum like TFLite's benchmark_model; 30 s cap per model; 120 s timeout for one model's whole measurement.
 */
export const BENCHMARK_DEFAULTS = {
  runtime: 'wasm',
  'pin-runtime': false,
  warmup: 5,
  'warmup-seconds': 500,
  runs: 64,
  'min-seconds': 1000,
  'max-seconds': 30_000,
  batch: 1,
  timeout: 120_000,
  seed: 1,
  'compare-quantile': 50,
} as const satisfies Omit<z.output<typeof benchmarkOverrideSchema>, 'threads'>;

export type BenchmarkConfig = Omit<z.output<typeof benchmarkOverrideSchema>, keyof typeof BENCHMARK_DEFAULTS> & {
  -readonly [K in keyof typeof BENCHMARK_DEFAULTS]-?: NonNullable<z.output<typeof benchmarkOverrideSchema>[K]>;
};

/**
 * Merges benchmark blocks over the defaults; later blocks win, `undefined` fields are skipped. A runtime asked for
 * by name is pinned unless `pin-runtime: false` says a cpu fallback is fine: its numbers must come from it.
 */
export function mergeBenchmark(...blocks: readonly (z.output<typeof benchmarkOverrideSchema> | undefined)[]): BenchmarkConfig {
  const merged: Record<string, unknown> = { ...BENCHMARK_DEFAULTS };
  for (const block of blocks) {
    for (const [key, value] of Object.entries(block ?? {})) if (value !== undefined) merged[key] = value;
  }
  if (!blocks.some((b) => b?.['pin-runtime'] !== undefined)) {
    merged['pin-runtime'] = blocks.some((b) => b?.runtime !== undefined) && merged.runtime !== 'auto';
  }
  return merged as BenchmarkConfig;
}

/**
 * Caps on what one model's files may make model-budget read and allocate, so that a small hostile file in a pull
 * request cannot exhaust the runner. Checked from declared sizes before anything is read or built.
 */
export const limitsSchema = z.strictObject({
  /**
   * Most bytes of one model: its files on disk, a `.keras` archive inflated, the weights an HDF5 file or the layer
   * configs declare (as float32). Default 1 GiB.
   */
  'model-size': size().optional(),
  /** Most bytes of one sample file (`.npy`, image). Default 256 MiB. */
  'sample-size': size().optional(),
});

/** Limit defaults: 1 GiB per model (TF.js holds weights in one ArrayBuffer), 256 MiB per sample file. */
export const LIMIT_DEFAULTS = { 'model-size': DEFAULT_MAX_MODEL_BYTES, 'sample-size': DEFAULT_MAX_SAMPLE_BYTES } as const;

export type LimitsConfig = { readonly [K in keyof typeof LIMIT_DEFAULTS]: number };

/** Merges limits blocks over the defaults; later blocks win. */
export function mergeLimits(...blocks: readonly (z.output<typeof limitsSchema> | undefined)[]): LimitsConfig {
  const merged: Record<string, number> = { ...LIMIT_DEFAULTS };
  for (const block of blocks) {
    for (const [key, value] of Object.entries(block ?? {})) if (value !== undefined) merged[key] = value;
  }
  return merged as LimitsConfig;
}

const shapes = z.record(
  z.string(),
  z.array(
    z
      .number()
      .int()
      .min(1)
      .max(1 << 20),
  ),
);

const inputsSchema = z.strictObject({
  /** Concrete shapes for inputs with unknown dimensions, by input name (`input_1` or `input_1:0`). */
  shapes: shapes.optional(),
  /** Fixed values for scalar inputs, by input name (e.g. a graph's `downsample_ratio`). */
  values: z.record(z.string(), z.number()).optional(),
  /** Number of synthetic input sets drift compares on (when no samples are given). */
  samples: z.number().int().min(1).max(10_000).default(DEFAULT_DRIFT_SAMPLES),
  /** Seed of the synthetic inputs. */
  seed: z.number().int().default(DEFAULT_INPUT_SEED),
  /** `.npy` samples by input name: one file or a list (one sample each). */
  npy: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).optional(),
  /** A folder of PNG/JPEG images fed to the model's image input. */
  images: z
    .strictObject({
      dir: z.string(),
      /** The input the images feed; default: the only rank-4 input. */
      input: z.string().optional(),
      resize: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(),
      normalize: z
        .strictObject({
          scale: z.number().optional(),
          mean: z.union([z.number(), z.array(z.number())]).optional(),
          std: z.union([z.number(), z.array(z.number())]).optional(),
        })
        .optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    })
    .optional(),
});

const patterns = z.union([z.string(), z.array(z.string()).min(1)]);

export const compressSchema = z.strictObject({
  /** Graph models: rewrite op chains into the fused ops TF.js runs faster (Relu6, BatchNorm folded, _FusedConv2D). */
  optimize: z.boolean().default(false),
  /** `uint8` (every float32 weight), `{ uint8: "*", float16: ["conv1/*"] }` or `{ dtype: uint8, rounding: nearest }`. */
  quantize: z
    .union([
      z.enum(QUANTIZE_VALUES),
      z.strictObject({
        /** Every float32 weight the patterns do not name gets this dtype. */
        dtype: z.enum(QUANTIZE_VALUES).optional(),
        /** uint8/uint16 rounding: `sum-preserving` (default) keeps each channel's weight sum; `nearest` is the converter's. */
        rounding: z.enum(ROUNDINGS).optional(),
        /** Codes uint8 weights use: fewer compress better for transfer (gzip/brotli); default 256. `auto` chooses per uint8 and uint16 weight. */
        levels: z.union([z.number().int().min(16).max(256), z.literal('auto')]).optional(),
        /** Graph models: one scale per output channel of each Conv2D / depthwise / MatMul kernel, still a stock model. */
        'per-channel': z.boolean().optional(),
        uint8: patterns.optional(),
        uint16: patterns.optional(),
        float16: patterns.optional(),
      }),
    ])
    .optional(),
  /** Weights with fewer elements stay float32 (biases, BatchNorm vectors). */
  'min-elements': z.number().int().min(0).default(0),
  /** Sparsity (`50%`, `0.5`) or `{ sparsity, scope, weights }`. */
  prune: z
    .union([
      sparsity(),
      z.strictObject({
        sparsity: sparsity(),
        scope: z.enum(['global', 'per-layer']).default('per-layer'),
        /** Globs of the weights to prune; default every kernel. */
        weights: z.array(z.string()).optional(),
      }),
    ])
    .optional(),
  'fold-batchnorm': z.boolean().default(false),
  'prune-channels': z.strictObject({ flops: percent().optional(), params: percent().optional() }).optional(),
  /** Search for the smallest mixed-precision model inside the accuracy budget. */
  auto: z
    .union([
      z.boolean(),
      z.strictObject({
        'max-evaluations': z.number().int().min(1).max(10_000).default(DEFAULT_AUTO_EVALUATIONS),
        /** Then the fewest codes per uint8 / uint16 weight inside the same budget (`levels: auto`): smaller to download, same raw bytes. */
        levels: z.boolean().optional(),
      }),
    ])
    .optional(),
});

/** What an output holds; decides which accuracy metrics apply to it (docs/accuracy-drift.md). */
export const OUTPUT_KINDS = ['classification', 'regression', 'embedding', 'image', 'heatmap'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

export const modelSchema = z.strictObject({
  name: z.string().min(1).max(100),
  /** model.json of a TF.js model, a Keras `.h5` / `.keras` file, or a TensorFlow SavedModel folder; relative to the config's folder. */
  path: z.string().min(1),
  /** The signature of a SavedModel `path:` to check; default `serving_default`. Other formats have none. */
  signature: z.string().min(1).optional(),
  /** A JS module that registers custom layers with `tf.serialization.registerClass`. */
  'custom-layers': z.string().optional(),
  /** `auto`, or the techniques to apply. Budgets then apply to the compressed model. */
  compress: z.union([z.literal('auto'), compressSchema]).optional(),
  /** Folder the compressed model is written to (model.json + shards). */
  output: z.string().optional(),
  inputs: inputsSchema.optional(),
  /** The kind of each output by name, where the one inferred from its shape and values is wrong. */
  outputs: z.record(z.string(), z.enum(OUTPUT_KINDS)).optional(),
  benchmark: benchmarkOverrideSchema.optional(),
  limits: limitsSchema.optional(),
  budget: budgetSchema.default({}),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  /** Benchmark defaults for every model; a model's own `benchmark:` overrides them. */
  benchmark: benchmarkOverrideSchema.optional(),
  /** Read and allocation caps for every model; a model's own `limits:` overrides them. */
  limits: limitsSchema.optional(),
  models: z.array(modelSchema).min(1, { error: 'expected at least one model' }),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ModelConfig = z.output<typeof modelSchema>;
export type BudgetInput = z.output<typeof budgetSchema>;
export type CompressConfig = z.output<typeof compressSchema>;
export type InputsConfig = z.output<typeof inputsSchema>;
