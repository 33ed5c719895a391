/**
 * Named errors. Every error below the entry points is one of these; only `cli.ts` and `action.ts` turn them into
 * exit codes, annotations and `setFailed`. Each message names the file and says what to do.
 */

/** Base class: a problem with the user's input that they can fix (exit code 2). */
export class ModelBudgetError extends Error {
  /** The file the problem is in, relative to the working directory where possible. */
  readonly file: string | undefined;
  /** 1-based line in `file`, when known (used for annotations). */
  readonly line: number | undefined;
  /** 1-based column in `file`, when known. */
  readonly column: number | undefined;

  constructor(
    message: string,
    options: { file?: string; line?: number; column?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
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
}

/** `model-budget.yml` is missing, not YAML, or does not match the schema. Carries every problem at once. */
export class ConfigError extends ModelBudgetError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: { cause?: unknown } = {}) {
    const first = issues[0];
    super(issues.map(formatConfigIssue).join('\n'), {
      ...(first ? { file: first.file, line: first.line, column: first.column } : {}),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
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
 * The catalog of messages for failures that are not one of the named errors above when they happen: an exception
 * from a library while a model is checked, libhdf5's diagnostics. Each says what happened and what to do; the raw
 * text stays in `cause`, and the stack is shown only with `--verbose` (CLI) or `verbose: true` (Action).
 */
export const MESSAGES = {
  modelCheckFailed: (path: string, name: string, detail: string): string =>
    `${path}: checking "${name}" failed: ${firstLine(detail)}. If the model loads in TensorFlow.js (or Keras), ` +
    'run again with --verbose (CLI) or `verbose: true` (Action) and report the stack trace',
  hdf5Unreadable: (file: string, detail: string): string =>
    `${file}: not a readable HDF5 file (${detail}); re-save the model with Keras`,
  hdf5Damaged: (file: string, detail: string): string =>
    `${file}: the HDF5 file is damaged (${detail}); re-save the model with Keras`,
} as const;

/** The first non-empty line of a message, at most 300 characters: library messages can run to pages. */
export function firstLine(text: string): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
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
