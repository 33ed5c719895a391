import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type * as z from 'zod';
import { ConfigError, errorMessage, problem, type ConfigIssue, type ErrorCode, type Problem } from '../errors.js';
import { budgetsForLeg, flattenBudgets, type LegBudgets } from './budgets.js';
import { suggestKey, knownKeysAt } from './did-you-mean.js';
import { outputProblems, type OutputCheckModel } from './output-paths.js';
import { checkConfigPaths, findRepositoryRoot, type PathRef } from './paths.js';
import {
  configSchema,
  mergeBenchmark,
  mergeLimits,
  type BenchmarkConfig,
  type CompressConfig,
  type InputsConfig,
  type LimitsConfig,
  type OutputKind,
  type ParsedConfig,
} from './schema.js';
import type { BudgetEntry, ConfiguredInput, SourceLocation } from './types.js';
import { QUANTIZED_DTYPES, TFLITE_QUANTIZE } from '../dtypes.js';
import { isTfliteModelFile } from '../formats/tflite/identifier.js';

/** One model as the schema parsed it. */
type ParsedModel = ParsedConfig['models'][number];

/** YAML anchors/aliases beyond this many expansions are refused (alias bombs). */
const MAX_ALIAS_COUNT = 100;
/** A config larger than this is not a hand-written config. */
const MAX_CONFIG_BYTES = 1 << 20;

/** One model as the pipeline sees it: paths resolved, budgets flattened, benchmark settings merged. */
export interface ModelSpec {
  readonly name: string;
  /** Path as written in the config. */
  readonly path: string;
  readonly absPath: string;
  readonly customLayers?: string;
  /** `signature:` of a SavedModel folder. */
  readonly signature?: string;
  readonly compress?: CompressConfig | 'auto';
  readonly output?: string;
  readonly inputs?: InputsConfig;
  /** `outputs:` the kind of each named output, overriding the inferred one. */
  readonly outputs?: Readonly<Record<string, OutputKind>>;
  readonly benchmark: BenchmarkConfig;
  /** Read and allocation caps (`limits:` over the defaults). */
  readonly limits: LimitsConfig;
  readonly budgets: readonly BudgetEntry[];
  /** `latency.increase`: allowed slowdown against the baseline, as a fraction. */
  readonly latencyIncrease?: number;
  /** `size-increase`: allowed growth of sizes against the base branch, as a fraction. */
  readonly sizeIncrease?: number;
  /** `trend:` budgets by metric key. */
  readonly trend: Readonly<Record<string, number>>;
  /** Input names the config uses (`inputs.shapes`, `values`, `npy`, `images.input`), checked against the model once loaded. */
  readonly configuredInputs: readonly ConfiguredInput[];
  /** Where the relative budgets (`latency.increase`, `size-increase`) are written. */
  readonly relativeSources: Readonly<Record<string, SourceLocation>>;
  /** `budget.per-leg`, flattened, in the order written; `configForLeg` applies the matching ones. */
  readonly perLeg: readonly LegBudgets[];
  readonly source: SourceLocation;
}

export interface BudgetConfig {
  /** Absolute path of the config file. */
  readonly file: string;
  /** The config path relative to the working directory, as messages show it. */
  readonly displayPath: string;
  readonly text: string;
  /** The folder every `output:` must stay inside: the repository around the config (else the config's folder). */
  readonly root: string;
  readonly models: readonly ModelSpec[];
}

export interface LoadOptions {
  /** The repository's root folder; default: the nearest folder above the config that holds `.git` (`findRepositoryRoot`). */
  readonly root?: string;
  /** Check `output:` folders (default true; off for a config that is only read, like the base branch's). */
  readonly checkOutputs?: boolean;
}

/**
 * Reads, parses and validates `model-budget.yml`, reporting every problem at once (ConfigError). Every path in it
 * must stay inside the repository (`options.root`).
 */
export async function loadConfig(file: string, cwd: string = process.cwd(), options: LoadOptions = {}): Promise<BudgetConfig> {
  const abs = resolve(cwd, file);
  const displayPath = relative(cwd, abs) || abs;
  let text: string;
  try {
    const bytes = await readFile(abs);
    if (bytes.byteLength > MAX_CONFIG_BYTES) {
      throw new ConfigError([issueAt(displayPath, 1, 1, '', problem('config/too-large', { bytes: bytes.byteLength }))]);
    }
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? problem('config/not-found') : problem('config/unreadable', { detail: errorMessage(error) });
    throw new ConfigError([issueAt(displayPath, 1, 1, '', hint)], { cause: error });
  }
  const root = options.root ?? (await findRepositoryRoot(abs, cwd));
  const { config, paths } = parseWithPaths(text, abs, displayPath, { ...options, root });
  const problems = await checkConfigPaths(paths, root);
  if (problems.length > 0) throw new ConfigError(sortIssues(problems));
  return config;
}

/**
 * Parses config text; `file` is absolute, `displayPath` is what messages show; `root` defaults to the config's
 * folder. Paths are resolved, not checked against the file system (`loadConfig` does that).
 */
export function parseConfig(text: string, file: string, displayPath: string, options: LoadOptions = {}): BudgetConfig {
  return parseWithPaths(text, file, displayPath, options).config;
}

function parseWithPaths(text: string, file: string, displayPath: string, options: LoadOptions): { config: BudgetConfig; paths: PathRef[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = (offset: number | undefined): { line: number; column: number } =>
    offset === undefined ? { line: 1, column: 1 } : { line: lineCounter.linePos(offset).line, column: lineCounter.linePos(offset).col };

  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = at(e.pos[0]);
        return issueAt(displayPath, pos.line, pos.column, '', problem('config/yaml-syntax', { detail: firstLine(e.message) }));
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new ConfigError([issueAt(displayPath, 1, 1, '', problem('config/alias-bomb', { detail: errorMessage(error), limit: MAX_ALIAS_COUNT }))], {
      cause: error,
    });
  }
  if (raw === null || raw === undefined) {
    throw new ConfigError([issueAt(displayPath, 1, 1, '', problem('config/empty'))]);
  }

  const locate = (path: readonly PropertyKey[], keyOf?: string): SourceLocation => {
    const pos = at(nodeOffset(doc, path, keyOf));
    return { file: displayPath, line: pos.line, column: pos.column };
  };

  const result = configSchema.safeParse(raw, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.flatMap((issue) => toConfigIssues(issue, [], locate));
  problems.push(...duplicateNames(raw, locate));
  const dir = dirname(file);
  const root = options.root ?? dir;
  for (const p of options.checkOutputs === false ? [] : outputProblems(outputsOf(raw, dir), dir, root)) {
    problems.push({ ...locate(['models', p.index, 'output']), path: `models[${p.index}].output`, message: p.message, code: p.code });
  }
  if (!result.success || problems.length > 0) throw new ConfigError(sortIssues(problems));
  const parsed = result.data;
  const conflicts = parsed.models.flatMap((m, i) =>
    benchmarkConflicts(mergeBenchmark(parsed.benchmark, m.benchmark), (key) => {
      if (m.benchmark?.[key] !== undefined) return { path: ['models', i, 'benchmark', key], ...locate(['models', i, 'benchmark', key]) };
      if (parsed.benchmark?.[key] !== undefined) return { path: ['benchmark', key], ...locate(['benchmark', key]) };
      return { path: ['models', i, 'benchmark'], ...locate(['models', i]) };
    }),
  );
  if (conflicts.length > 0) throw new ConfigError(sortIssues(unique(conflicts)));
  // A model's format as far as the config can tell: by its name, or by the first bytes of the file when it is there.
  const tflite = parsed.models.map((m) => isTfliteModelFile(m.path, resolveFrom(dir, m.path)));
  const mismatches = parsed.models.flatMap((m, i) =>
    formatMismatches(m, tflite[i] ?? false, (path) => ({ path: formatPath(['models', i, ...path]), ...locate(['models', i, ...path]) })),
  );
  if (mismatches.length > 0) throw new ConfigError(sortIssues(mismatches));

  const models = parsed.models.map((m, i): ModelSpec => {
    const { 'per-leg': perLegWritten, ...own } = m.budget;
    const { budgets, latencyIncrease, sizeIncrease, trend, sources } = flattenBudgets(own, (path) => locate(['models', i, 'budget', ...path]));
    const perLeg = Object.entries(perLegWritten ?? {}).map(([pattern, block]): LegBudgets => ({
      pattern,
      ...flattenBudgets(block, (path) => locate(['models', i, 'budget', 'per-leg', pattern, ...path])),
    }));
    return {
      name: m.name,
      path: m.path,
      absPath: resolveFrom(dir, m.path),
      ...(m['custom-layers'] === undefined ? {} : { customLayers: resolveFrom(dir, m['custom-layers']) }),
      ...(m.signature === undefined ? {} : { signature: m.signature }),
      ...(m.compress === undefined ? {} : { compress: m.compress }),
      ...(m.output === undefined ? {} : { output: resolveFrom(dir, m.output) }),
      ...(m.inputs === undefined ? {} : { inputs: resolveInputs(dir, m.inputs) }),
      ...(m.outputs === undefined ? {} : { outputs: m.outputs }),
      benchmark: benchmarkOf(m, tflite[i] ?? false, parsed.benchmark),
      limits: mergeLimits(parsed.limits, m.limits),
      budgets,
      ...(latencyIncrease === undefined ? {} : { latencyIncrease }),
      ...(sizeIncrease === undefined ? {} : { sizeIncrease }),
      trend,
      relativeSources: sources,
      perLeg,
      configuredInputs: configuredInputs(m.inputs, (path, key) => ({
        path: formatPath(['models', i, 'inputs', ...path]),
        source: locate(['models', i, 'inputs', ...path.slice(0, -1)], key),
      })),
      source: locate(['models', i]),
    };
  });
  return { config: { file, displayPath, text, root, models }, paths: pathRefs(parsed.models, dir, locate) };
}

/** The config as judged on `leg`: each model's budgets with its matching `budget.per-leg` blocks applied. */
export function configForLeg(config: BudgetConfig, leg: string): BudgetConfig {
  const models = config.models.map((spec): ModelSpec => {
    if (spec.perLeg.length === 0) return spec;
    const own = {
      budgets: spec.budgets,
      ...(spec.latencyIncrease === undefined ? {} : { latencyIncrease: spec.latencyIncrease }),
      ...(spec.sizeIncrease === undefined ? {} : { sizeIncrease: spec.sizeIncrease }),
      trend: spec.trend,
      sources: spec.relativeSources,
    };
    const { budgets, latencyIncrease, sizeIncrease, trend, sources } = budgetsForLeg(own, spec.perLeg, leg);
    const { latencyIncrease: _l, sizeIncrease: _s, ...rest } = spec;
    return {
      ...rest,
      budgets,
      ...(latencyIncrease === undefined ? {} : { latencyIncrease }),
      ...(sizeIncrease === undefined ? {} : { sizeIncrease }),
      trend,
      relativeSources: sources,
    };
  });
  return { ...config, models };
}

/** The paths the pipeline will open, with where each is written (`output:` is checked where it is written). */
function pathRefs(models: ParsedConfig['models'], dir: string, locate: Locate): PathRef[] {
  const refs: PathRef[] = [];
  const add = (key: readonly PropertyKey[], written: string, expect: PathRef['expect']): void => {
    refs.push({ key: formatPath(key), written, abs: resolveFrom(dir, written), expect, at: locate(key) });
  };
  models.forEach((m, i) => {
    add(['models', i, 'path'], m.path, 'file');
    if (m['custom-layers'] !== undefined) add(['models', i, 'custom-layers'], m['custom-layers'], 'file');
    for (const [input, value] of Object.entries(m.inputs?.npy ?? {})) {
      if (typeof value === 'string') add(['models', i, 'inputs', 'npy', input], value, 'file');
      else value.forEach((written, j) => add(['models', i, 'inputs', 'npy', input, j], written, 'file'));
    }
    if (m.inputs?.images) add(['models', i, 'inputs', 'images', 'dir'], m.inputs.images.dir, 'folder');
  });
  return refs;
}

/** Every input name the `inputs:` block uses, with where it is written. */
function configuredInputs(inputs: InputsConfig | undefined, at: (path: readonly string[], key: string) => Omit<ConfiguredInput, 'name'>): ConfiguredInput[] {
  if (!inputs) return [];
  const named = (['shapes', 'values', 'npy'] as const).flatMap((block) =>
    Object.keys(inputs[block] ?? {}).map((name) => ({ name, ...at([block, name], name) })),
  );
  const image = inputs.images?.input;
  return image === undefined ? named : [...named, { name: image, ...at(['images', 'input'], 'input') }];
}

function resolveFrom(dir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}

function resolveInputs(dir: string, inputs: InputsConfig): InputsConfig {
  return {
    ...inputs,
    ...(inputs.npy
      ? {
          npy: Object.fromEntries(
            Object.entries(inputs.npy).map(([k, v]) => [k, typeof v === 'string' ? resolveFrom(dir, v) : v.map((p) => resolveFrom(dir, p))]),
          ),
        }
      : {}),
    ...(inputs.images ? { images: { ...inputs.images, dir: resolveFrom(dir, inputs.images.dir) } } : {}),
  };
}

type Locate = (path: readonly PropertyKey[], keyOf?: string) => SourceLocation;

/** The models' `path`/`output` pairs as written, also when other keys are invalid (so every problem shows at once). */
function outputsOf(raw: unknown, dir: string): (OutputCheckModel | undefined)[] {
  const models = (raw as { models?: unknown }).models;
  if (!Array.isArray(models)) return [];
  return models.map((m: unknown) => {
    const { name, path, output } = (m ?? {}) as { name?: unknown; path?: unknown; output?: unknown };
    if (typeof path !== 'string' || path === '') return undefined;
    return { name: typeof name === 'string' ? name : 'model', path, absPath: resolveFrom(dir, path), ...(typeof output === 'string' ? { output } : {}) };
  });
}

function duplicateNames(raw: unknown, locate: Locate): ConfigIssue[] {
  const models = (raw as { models?: unknown }).models;
  if (!Array.isArray(models)) return [];
  const seen = new Map<string, number>();
  const problems: ConfigIssue[] = [];
  models.forEach((m: unknown, i) => {
    const name = (m as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else {
      problems.push({
        ...locate(['models', i, 'name']),
        path: `models[${i}].name`,
        ...problemIssue(problem('config/duplicate-name', { name, first })),
      });
    }
  });
  return problems;
}

/** Longest a timed phase or a model's whole measurement may take (the latency loop's own bound). */
const MAX_BENCHMARK_MS = 3_600_000;

/**
 * Benchmark settings that are each valid but cannot hold together once merged (`max-seconds` below `min-seconds`),
 * found here rather than when the model is timed. `where` says where a key is written (model block, else top level).
 */
function benchmarkConflicts(
  b: BenchmarkConfig,
  where: (key: 'min-seconds' | 'max-seconds' | 'warmup-seconds' | 'timeout') => SourceLocation & { path: readonly PropertyKey[] },
): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  const add = (key: Parameters<typeof where>[0], found: Problem): void => {
    const { path, ...at } = where(key);
    problems.push({ ...at, path: formatPath(path), ...problemIssue(found) });
  };
  const hour = (key: 'min-seconds' | 'max-seconds' | 'warmup-seconds' | 'timeout'): void => {
    if (b[key] > MAX_BENCHMARK_MS) add(key, problem('config/benchmark-over-hour', { value: formatSeconds(b[key]) }));
  };
  hour('warmup-seconds');
  hour('min-seconds');
  hour('max-seconds');
  hour('timeout');
  if (b['max-seconds'] <= 0) add('max-seconds', problem('config/benchmark-not-positive', { value: formatSeconds(b['max-seconds']) }));
  if (b.timeout <= 0) add('timeout', problem('config/benchmark-not-positive', { value: formatSeconds(b.timeout) }));
  if (b['max-seconds'] < b['min-seconds']) {
    add('max-seconds', problem('config/max-below-min', { max: formatSeconds(b['max-seconds']), min: formatSeconds(b['min-seconds']) }));
  }
  if (b.timeout > 0 && b.timeout <= b['min-seconds']) {
    add('timeout', problem('config/timeout-below-min', { timeout: formatSeconds(b.timeout), min: formatSeconds(b['min-seconds']) }));
  }
  return problems;
}

function formatSeconds(ms: number): string {
  return `${+(ms / 1000).toFixed(3)} s`;
}

function unique(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}:${i.column}:${i.path}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * A union branch the value's type did not fit at all (a string given to a mapping branch, "int8" to an enum, a
 * mapping to a unit like `50%`, whose own union of string and number failed).
 */
function missedBranch(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.some(
    (i) =>
      i.path.length === 0 &&
      (i.code === 'invalid_type' || i.code === 'invalid_value' || (i.code === 'invalid_union' && i.errors.every((b) => missedBranch(b)))),
  );
}

/**
 * What a union accepts, from the branches the value missed: `one of "uint8", "uint16", "float16" or a mapping`.
 * Undefined when a branch failed in a way this cannot summarize (its own custom message says more).
 */
function unionExpectation(branches: readonly (readonly z.core.$ZodIssue[])[]): { text: string; values: string[] } | undefined {
  const values: string[] = [];
  const types: string[] = [];
  for (const branch of branches) {
    const root = branch.find((i) => i.path.length === 0);
    if (root?.code === 'invalid_value') values.push(...root.values.map((v) => JSON.stringify(v)));
    else if (root?.code === 'invalid_type') types.push(root.expected === 'object' ? 'a mapping' : root.expected === 'array' ? 'a list' : `a ${root.expected}`);
    else if (root?.code === 'invalid_union' && /^expected (.+), got /.test(root.message)) types.push(/^expected (.+), got /.exec(root.message)?.[1] ?? '');
    else return undefined;
  }
  const listed = values.length === 0 ? [] : [values.length === 1 ? (values[0] ?? '') : `one of ${values.join(', ')}`];
  return { text: [...listed, ...new Set(types)].join(' or '), values };
}

/** `; did you mean "uint8"?` when the value is a near miss of an allowed string. */
function didYouMean(input: unknown, values: readonly string[]): string {
  if (typeof input !== 'string') return '';
  const hint = suggestKey(
    input,
    values.map((v) => JSON.parse(v) as unknown).filter((v): v is string => typeof v === 'string'),
  );
  return hint ? `; did you mean "${hint}"?` : '';
}

function toConfigIssues(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[], locate: Locate): ConfigIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Report the branch that got furthest: one whose type matched the value (a mapping for `{ max, warn }`).
    const branches = issue.errors.filter((branch) => !missedBranch(branch));
    const chosen = branches[0];
    if (chosen && branches.length === 1) return chosen.flatMap((i) => toConfigIssues(i, path, locate));
    const expected = branches.length === 0 ? unionExpectation(issue.errors) : undefined;
    if (expected) {
      const found = { expected: expected.text, got: describe(issue.input), didYouMean: didYouMean(issue.input, expected.values) };
      const dtype = quantizeMistake(path, issue.input);
      return [
        {
          ...locate(path),
          path: formatPath(path),
          ...problemIssue(dtype === undefined ? problem('config/expected', found) : problem('config/compress-dtype', { ...found, dtype })),
        },
      ];
    }
  }
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(configSchema, path);
    return issue.keys.map((key) => {
      const hint = suggestKey(key, known);
      const allowed = known.length > 0 ? ` (allowed: ${known.join(', ')})` : '';
      return {
        ...locate(path, key),
        path: formatPath([...path, key]),
        ...problemIssue(hint ? problem('config/unknown-key-hint', { hint }) : problem('config/unknown-key', { allowed })),
      };
    });
  }
  let message: Pick<ConfigIssue, 'message' | 'code'> = { message: issue.message };
  if (issue.code === 'invalid_type') {
    message = problemIssue(
      issue.input === undefined
        ? problem('config/required', { expected: issue.expected })
        : problem('config/expected', { expected: issue.expected, got: describe(issue.input), didYouMean: '' }),
    );
  } else if (issue.code === 'invalid_value') {
    const values = issue.values.map((v) => JSON.stringify(v));
    const expected = values.length === 1 ? (values[0] ?? '') : `one of ${values.join(', ')}`;
    message = problemIssue(problem('config/expected', { expected, got: describe(issue.input), didYouMean: didYouMean(issue.input, values) }));
  } else if (issue.code === 'too_small' || issue.code === 'too_big') {
    message = problemIssue(problem('config/out-of-range', { bound: issue.message.replace(/^Too (small|big): /, ''), got: describe(issue.input) }));
  }
  return [{ ...locate(path), path: formatPath(path), ...message }];
}

/** The dtype meant when `compress:` is given a dtype (a mistake people make often), else undefined. */
function quantizeMistake(path: readonly PropertyKey[], input: unknown): string | undefined {
  const key = path.at(-1);
  if (key === 'compress' && typeof input === 'string' && /^(uint8|uint16|float16|int8)$/.test(input)) return input === 'int8' ? 'uint8' : input;
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return String(value);
}

/** `models[0].budget.size` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${String(seg)}` : String(seg)), '');
}

/** Source offset of the node at `path` (or of the key `keyOf` inside it); the deepest existing ancestor otherwise. */
function nodeOffset(doc: Document, path: readonly PropertyKey[], keyOf?: string): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) break;
      offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  if (keyOf !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === keyOf);
    offset = rangeStart(pair?.key) ?? offset;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return node && typeof node === 'object' && 'range' in node ? (node as Node).range?.[0] : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function issueAt(file: string, line: number, column: number, path: string, found: Problem): ConfigIssue {
  return { file, line, column, path, ...problemIssue(found) };
}

/** The message and code of a catalog problem, as a config issue carries them. */
function problemIssue(found: Problem): { message: string; code: ErrorCode } {
  return { message: found.text, code: found.code };
}

/** What runs a model of this kind: `litert` runs TFLite files, the tfjs runtimes the rest, `auto` either. */
function runsFormat(runtime: string, tflite: boolean): boolean {
  return runtime === 'auto' || (runtime === 'litert') === tflite;
}

/**
 * The model's benchmark settings: the top-level block's runtime applies to the models it can run (a `.tflite` model
 * next to TF.js ones keeps LiteRT under a top-level `runtime: wasm`), and a `.tflite` model runs on LiteRT by default.
 */
function benchmarkOf(m: ParsedModel, tflite: boolean, top: ParsedConfig['benchmark']): BenchmarkConfig {
  const { runtime, ...rest } = top ?? {};
  const shared = runtime === undefined || runsFormat(runtime, tflite) ? top : rest;
  const merged = mergeBenchmark(shared, m.benchmark);
  return tflite && (merged.runtime === 'auto' || (merged.runtime === 'wasm' && !merged['pin-runtime'])) ? { ...merged, runtime: 'litert' } : merged;
}

/**
 * Settings of one format written for a model of the other, at their line: a model's own runtime that cannot run its
 * file, a `compress.quantize` precision its format does not take.
 */
function formatMismatches(m: ParsedModel, tflite: boolean, at: (path: readonly PropertyKey[]) => SourceLocation & { path: string }): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  const kind = tflite ? 'a .tflite model' : 'a TF.js model';
  const runtime = m.benchmark?.runtime;
  if (runtime !== undefined && !runsFormat(runtime, tflite)) {
    const found = problem('config/runtime-not-for-format', {
      name: runtime,
      runs: runtime === 'litert' ? '.tflite models only' : 'TF.js models',
      path: m.path,
      kind,
      use: tflite ? 'litert' : 'wasm',
    });
    problems.push({ ...at(['benchmark', 'runtime']), ...problemIssue(found) });
  }
  const quantize = m.compress === undefined || m.compress === 'auto' ? undefined : m.compress.quantize;
  const word = typeof quantize === 'string' ? quantize : quantize?.dtype;
  const values: readonly string[] = tflite ? TFLITE_QUANTIZE : QUANTIZED_DTYPES;
  const patterned = tflite && typeof quantize === 'object' && Object.keys(quantize).some((k) => k !== 'dtype');
  if ((word !== undefined && !values.includes(word)) || patterned) {
    const found = problem('config/quantize-not-for-format', { value: patterned ? 'by weight pattern' : `"${word ?? ''}"`, kind, values: values.join(', ') });
    problems.push({ ...at(['compress', 'quantize', ...(typeof quantize === 'object' && !patterned ? ['dtype'] : [])]), ...problemIssue(found) });
  }
  return problems;
}
