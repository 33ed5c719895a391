/**
 * What crosses the load worker's boundary. Structured clone keeps an Error's message and stack but not its class or
 * our fields (`file`, `line`, `column`, a ConfigError's issues), so errors travel as plain data and are rebuilt as
 * the same class on the other side: the CLI and the Action print exactly what an in-thread load would.
 */
import {
  BaseRefError,
  CompressError,
  ConfigError,
  MeasureError,
  ModelBudgetError,
  ModelLoadError,
  OutputError,
  UsageError,
  type ConfigIssue,
  type ErrorCode,
  type Problem,
} from '../../errors.js';
import type { LoadedModel } from '../../model/types.js';
import type { LoadOptions } from '../types.js';

/** The worker's `workerData`: what to load. */
export interface LoadRequest {
  readonly path: string;
  readonly options: LoadOptions;
}

/** The worker's one message: the model (its weight buffers transferred), or why it could not be loaded. */
export type LoadReply = { readonly ok: true; readonly model: LoadedModel } | { readonly ok: false; readonly error: WireError };

/** An error as plain, cloneable data. */
export interface WireError {
  /** Our class name (`ModelLoadError`, …), or the name of any other error (`TypeError`, `Error`). */
  readonly name: string;
  readonly ours: boolean;
  readonly message: string;
  readonly stack?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly issues?: readonly ConfigIssue[];
  readonly code?: string;
  /** Ours: the catalog entry's fix and example, which `message` alone does not carry. */
  readonly fix?: string;
  readonly example?: string;
  readonly cause?: WireError;
}

type OurErrorClass = new (message: Problem | string, options: { file?: string; line?: number; column?: number; cause?: unknown }) => ModelBudgetError;

const OUR_CLASSES: Readonly<Record<string, OurErrorClass>> = {
  ModelLoadError,
  CompressError,
  MeasureError,
  OutputError,
  BaseRefError,
  UsageError,
  ModelBudgetError,
};

/** How deep a chain of causes is carried (what `--verbose` prints goes as deep). */
const MAX_CAUSES = 5;

/** `error` as data the structured clone keeps whole. */
export function toWire(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) return { name: 'Error', ours: false, message: String(error) };
  const code = (error as { code?: unknown }).code;
  const cause = error.cause !== undefined && depth < MAX_CAUSES ? toWire(error.cause, depth + 1) : undefined;
  return {
    name: error.name,
    ours: error instanceof ModelBudgetError,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(error instanceof ModelBudgetError
      ? {
          ...(error.file === undefined ? {} : { file: error.file }),
          ...(error.line === undefined ? {} : { line: error.line }),
          ...(error.column === undefined ? {} : { column: error.column }),
          ...(error.fix === undefined ? {} : { fix: error.fix }),
          ...(error.example === undefined ? {} : { example: error.example }),
        }
      : {}),
    ...(error instanceof ConfigError ? { issues: error.issues } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(cause === undefined ? {} : { cause }),
  };
}

/** The error `toWire` described, as its own class again (other errors as an `Error` with their name and code). */
export function fromWire(wire: WireError): Error {
  const cause = wire.cause === undefined ? undefined : fromWire(wire.cause);
  const withCause = cause === undefined ? {} : { cause };
  let error: Error;
  const ours = wire.ours ? OUR_CLASSES[wire.name] : undefined;
  if (wire.ours && wire.name === 'ConfigError' && wire.issues !== undefined) {
    error = new ConfigError(wire.issues, withCause);
  } else if (ours !== undefined) {
    // With its catalog code, fix and example again: the Action's summary prints the example.
    const message: Problem | string =
      wire.code === undefined ? wire.message : { code: wire.code as ErrorCode, text: wire.message, fix: wire.fix, example: wire.example };
    error = new ours(message, {
      ...(wire.file === undefined ? {} : { file: wire.file }),
      ...(wire.line === undefined ? {} : { line: wire.line }),
      ...(wire.column === undefined ? {} : { column: wire.column }),
      ...withCause,
    });
  } else {
    error = new Error(wire.message, withCause);
    error.name = wire.name;
    if (wire.code !== undefined) Object.defineProperty(error, 'code', { value: wire.code, enumerable: true });
  }
  // The stack of the worker, where it was thrown: what --verbose shows.
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

/** The buffers of a loaded model's weights, each once: moved to the receiving thread instead of copied. */
export function weightBuffers(model: LoadedModel): ArrayBuffer[] {
  // A .tflite model's bytes are a view of the file read in the worker: its buffer is the file alone.
  if (model.format === 'tflite') return model.bytes.buffer instanceof ArrayBuffer ? [model.bytes.buffer] : [];
  const data = model.artifacts.weightData;
  if (data === undefined) return [];
  return [...new Set(Array.isArray(data) ? data : [data])];
}
