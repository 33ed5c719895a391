/**
 * Named errors and the message catalog. Every error below the entry points is one of these; only `cli.ts` and
 * `action.ts` turn them into exit codes, annotations and `setFailed`. Each message comes from the catalog
 * (`src/errors/<area>.ts`, rendered in docs/errors.md): it names the file and what is wrong, the fix says what to do,
 * and where a config change is the fix an example model-budget.yml shows it.
 */

import { CHECK_ERRORS } from './errors/check.js';
import { CLI_ERRORS } from './errors/cli.js';
import { COMPRESS_ERRORS } from './errors/compress.js';
import { CONFIG_ERRORS } from './errors/config.js';
import { PLACEHOLDER, type CatalogEntry, type Placeholders } from './errors/entry.js';
import { GITHUB_ERRORS } from './errors/github.js';
import { KERAS_ERRORS } from './errors/keras.js';
import { MEASURE_ERRORS } from './errors/measure.js';
import { MODEL_ERRORS } from './errors/model.js';
import { OUTPUT_ERRORS } from './errors/output.js';
import { RUNTIME_ERRORS } from './errors/runtime.js';
import { SAVEDMODEL_ERRORS } from './errors/savedmodel.js';
import { TFLITE_ERRORS } from './errors/tflite.js';
import { TREND_ERRORS } from './errors/trend.js';

export type { CatalogEntry } from './errors/entry.js';

/** Every message a user can meet, by code. Codes are `area/what`; each area file holds only its own prefix. */
export const CATALOG = {
  ...CLI_ERRORS,
  ...CONFIG_ERRORS,
  ...MODEL_ERRORS,
  ...KERAS_ERRORS,
  ...SAVEDMODEL_ERRORS,
  ...TFLITE_ERRORS,
  ...COMPRESS_ERRORS,
  ...OUTPUT_ERRORS,
  ...RUNTIME_ERRORS,
  ...MEASURE_ERRORS,
  ...CHECK_ERRORS,
  ...GITHUB_ERRORS,
  ...TREND_ERRORS,
} as const;

/** A catalog code, e.g. `model/shard-missing`. */
export type ErrorCode = keyof typeof CATALOG;

type FixOf<E> = E extends { readonly fix: infer F } ? F : never;
type ParamName<C extends ErrorCode> = Placeholders<(typeof CATALOG)[C]['message']> | Placeholders<FixOf<(typeof CATALOG)[C]>>;

/** The values a code's message and fix need, by placeholder name. */
export type ErrorParams<C extends ErrorCode> = { readonly [K in ParamName<C>]: string | number };

/** A catalog message filled in: what `problem()` returns and every named error takes. */
export interface Problem {
  readonly code: ErrorCode;
  /** Message and fix, as one line: what `error.message` is. */
  readonly text: string;
  readonly fix: string | undefined;
  readonly example: string | undefined;
}

/** Fills `{name}` placeholders from `params`; a name without a value stays as written. */
export function fillTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** The catalog message for `code`, filled in. `throw new ModelLoadError(problem('model/…', { … }), { file })`. */
export function problem<C extends ErrorCode>(code: C, ...params: [ParamName<C>] extends [never] ? [] : [ErrorParams<C>]): Problem {
  const entry: CatalogEntry = CATALOG[code];
  const values: Readonly<Record<string, string | number>> = params[0] ?? {};
  const message = fillTemplate(entry.message, values);
  const fix = entry.fix === undefined ? undefined : fillTemplate(entry.fix, values);
  return { code, text: fix === undefined ? message : `${message}; ${fix}`, fix, example: entry.example };
}

/** Where a problem is and what caused it. */
export interface ErrorOptions {
  file?: string;
  line?: number;
  column?: number;
  cause?: unknown;
}

/** Base class: a problem with the user's input that they can fix (exit code 2). */
export class ModelBudgetError extends Error {
  /** The catalog code; undefined only for a message passed as plain text. */
  readonly code: ErrorCode | undefined;
  /** What to do, also at the end of `message`. */
  readonly fix: string | undefined;
  /** A model-budget.yml that fixes it, where a config change is the fix. */
  readonly example: string | undefined;
  /** The file the problem is in, relative to the working directory where possible. */
  readonly file: string | undefined;
  /** 1-based line in `file`, when known (used for annotations). */
  readonly line: number | undefined;
  /** 1-based column in `file`, when known. */
  readonly column: number | undefined;

  constructor(message: Problem | string, options: ErrorOptions = {}) {
    super(typeof message === 'string' ? message : message.text, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = typeof message === 'string' ? undefined : message.code;
    this.fix = typeof message === 'string' ? undefined : message.fix;
    this.example = typeof message === 'string' ? undefined : message.example;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }
}

/** One problem found in `model-budget.yml`. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path, e.g. `models[0].budget.size`. */
  readonly path: string;
  readonly message: string;
  /** The catalog code, for the problems that are not a schema mismatch (too large, not YAML, duplicate names, …). */
  readonly code?: ErrorCode;
}

/** `model-budget.yml` is missing, not YAML, or does not match the schema. Carries every problem at once. */
export class ConfigError extends ModelBudgetError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: { cause?: unknown } = {}) {
    const first = issues[0];
    const code = issues.length === 1 && first?.code !== undefined ? first.code : 'config/invalid';
    const entry = CATALOG[code];
    super(
      { code, text: issues.map(formatConfigIssue).join('\n'), fix: undefined, example: 'example' in entry ? entry.example : undefined },
      {
        ...(first ? { file: first.file, line: first.line, column: first.column } : {}),
        ...(options.cause === undefined ? {} : { cause: options.cause }),
      },
    );
    this.issues = issues;
  }
}

/** `file:line:col path: message`, the one format every config problem is printed in. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where} ${issue.message}`;
}

/** A model file (model.json, shard, .h5, .keras) is missing, corrupt, hostile or not a model. */
export class ModelLoadError extends ModelBudgetError {}

/** A compression technique cannot be applied as configured. */
export class CompressError extends ModelBudgetError {}

/** Running or timing a model failed (missing kernel, unknown input shape, timeout, unavailable runtime). */
export class MeasureError extends ModelBudgetError {}

/** The compressed model cannot be written where `output:` says without touching files model-budget did not write. */
export class OutputError extends ModelBudgetError {}

/** Reading the base branch (git) failed in a way the user can fix (e.g. shallow clone). */
export class BaseRefError extends ModelBudgetError {}

/** Wrong command-line usage. */
export class UsageError extends ModelBudgetError {}

/**
 * Messages for failures that are not one of the named errors when they happen: an exception from a library while a
 * model is checked. The raw text stays in `cause`, and the stack is shown only with `--verbose` (CLI) or
 * `verbose: true` (Action).
 */
export const MESSAGES = {
  modelCheckFailed: (path: string, name: string, detail: string): Problem => problem('check/failed', { path, name, detail: firstLine(detail) }),
} as const;

/** The first non-empty line of a message, at most 300 characters: library messages can run to pages. */
export function firstLine(text: string): string {
  const line =
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** The stack of an error and of each `cause` under it: what `--verbose` / `verbose: true` print. */
export function errorDetail(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : errorMessage(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join('\nCaused by: ');
}

/** The message of any thrown value, without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
