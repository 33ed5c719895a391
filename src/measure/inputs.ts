import { DEFAULT_DRIFT_SAMPLES } from '../config/defaults.js';
import { suggestKey } from '../config/did-you-mean.js';
import type { ConfiguredInput } from '../config/types.js';
import { type ConfigIssue, MeasureError, problem } from '../errors.js';
import type { HostTensor, InputSpec } from '../runtimes/types.js';
import { seededRandom } from './stats.js';

/** Size given to an unknown non-batch dimension when no shape is configured. */
export const DEFAULT_DIM = 64;
/** Value of a float input of rank 0 or unknown rank (e.g. a `downsample_ratio`), when not configured. */
export const DEFAULT_FLOAT_SCALAR = 0.25;
/** Value of an int32 input of rank 0 or unknown rank, when not configured. */
export const DEFAULT_INT_SCALAR = 1;

/** Options of {@link makeInputs}. */
export interface MakeInputsOptions {
  /** Seed of the PRNG; the same seed and specs give the same tensors. */
  readonly seed: number;
  /** Size of an unknown first (batch) dimension. Default 1. */
  readonly batch?: number;
  /** Full shapes by input name; win over the signature. */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
  /** Constant values for inputs of rank 0 / unknown rank (default 0.25 float, 1 int, true bool). */
  readonly values?: Readonly<Record<string, number>>;
  /** Throw instead of using 64 for an unknown non-batch dimension. Default false. */
  readonly strict?: boolean;
}

/** Graph inputs are fed as `name:0`; users may write either `name` or `name:0`. */
function sameInput(key: string, name: string): boolean {
  return key === name || `${key}:0` === name || key === `${name}:0`;
}

/** The entry of `record` for input `name` (`x` and `x:0` are the same input). */
export function byInputName<T>(record: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  if (record === undefined) return undefined;
  const key = Object.keys(record).find((k) => sameInput(k, name));
  return key === undefined ? undefined : record[key];
}

/** A configured name that matches no input is a typo that would silently fall back to defaults: refuse it. */
export function checkInputNames(specs: readonly InputSpec[], record: Readonly<Record<string, unknown>> | undefined, what: string): void {
  for (const key of Object.keys(record ?? {})) {
    if (!specs.some((s) => sameInput(key, s.name))) {
      throw new MeasureError(problem('measure/input-unknown', { what, key, specs: specs.map((s) => `"${s.name}"`).join(', ') }));
    }
  }
}

/**
 * The concrete shape an input gets: configured shape, else the signature with batch (dim 0) → `batch` and other
 * unknown dims → 64. Unknown rank (shape `[]` with `unknownRank`, or rank 0) gives a scalar.
 */
export function resolveShape(spec: InputSpec, options: Omit<MakeInputsOptions, 'seed'>): number[] {
  const configured = byInputName(options.shapes, spec.name);
  if (configured) {
    if (configured.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new MeasureError(problem('measure/input-shape-not-whole', { name: spec.name, configured: configured.join(', ') }));
    }
    if (spec.shape.length > 0 && configured.length !== spec.shape.length) {
      throw new MeasureError(
        problem('measure/input-shape-rank', {
          name: spec.name,
          configured: configured.join(', '),
          rank: configured.length,
          expected: spec.shape.length,
          spec: spec.shape.map((d) => d ?? '?').join(', '),
        }),
      );
    }
    spec.shape.forEach((d, i) => {
      if (d !== null && d >= 0 && configured[i] !== d) {
        throw new MeasureError(
          problem('measure/input-shape-fixed', {
            name: spec.name,
            configured: configured.join(', '),
            spec: spec.shape.map((x) => x ?? '?').join(', '),
            dimension: i,
          }),
        );
      }
    });
    return [...configured];
  }
  return spec.shape.map((d, i) => {
    if (d !== null && d >= 0) return d;
    if (i === 0) return options.batch ?? 1;
    if (options.strict) {
      throw new MeasureError(problem('measure/input-unknown-dimension', { name: spec.name, dimension: i, spec: spec.shape.map((x) => x ?? '?').join(', ') }));
    }
    return DEFAULT_DIM;
  });
}

/**
 * Seeded synthetic inputs, one tensor per spec in order. float32 → uniform [0, 1); int32 → integers 0–255 (image
 * pixels); bool → random true/false; scalars take `values`, else 0.25 / 1 / true. Host tensors: a runtime places them.
 */
export function makeInputs(specs: readonly InputSpec[], options: MakeInputsOptions): HostTensor[] {
  checkInputNames(specs, options.shapes, 'shapes');
  checkInputNames(specs, options.values, 'values');
  const random = seededRandom(options.seed);
  return specs.map((spec): HostTensor => {
    const shape = resolveShape(spec, options);
    const size = shape.reduce((a, b) => a * b, 1);
    const fixed = byInputName(options.values, spec.name);
    switch (spec.dtype) {
      case 'float32': {
        if (shape.length === 0) return { dtype: 'float32', shape, data: Float32Array.of(fixed ?? DEFAULT_FLOAT_SCALAR) };
        const data = new Float32Array(size);
        for (let i = 0; i < size; i++) data[i] = fixed ?? random();
        return { dtype: 'float32', shape, data };
      }
      case 'int32': {
        if (shape.length === 0) return { dtype: 'int32', shape, data: Int32Array.of(fixed ?? DEFAULT_INT_SCALAR) };
        const data = new Int32Array(size);
        for (let i = 0; i < size; i++) data[i] = fixed ?? Math.floor(random() * 256);
        return { dtype: 'int32', shape, data };
      }
      case 'bool': {
        if (shape.length === 0) return { dtype: 'bool', shape, data: Uint8Array.of(fixed === undefined || fixed !== 0 ? 1 : 0) };
        const data = new Uint8Array(size);
        for (let i = 0; i < size; i++) data[i] = random() < 0.5 ? 0 : 1;
        return { dtype: 'bool', shape, data };
      }
      case 'string':
        throw new MeasureError(problem('measure/input-string', { name: spec.name }));
      default: {
        const never: never = spec.dtype;
        throw new MeasureError(problem('measure/input-dtype', { name: spec.name, dtype: String(never) }));
      }
    }
  });
}

/** `count` synthetic input sets (seeds `seed`, `seed + 1`, ...), the default data for accuracy drift. */
export function makeInputSets(specs: readonly InputSpec[], options: MakeInputsOptions & { readonly count?: number }): HostTensor[][] {
  const count = options.count ?? DEFAULT_DRIFT_SAMPLES;
  if (!Number.isInteger(count) || count < 1) throw new MeasureError(problem('measure/drift-sample-count', { count }));
  return Array.from({ length: count }, (_, i) => makeInputs(specs, { ...options, seed: options.seed + i }));
}

/**
 * Input names in the config that the model does not have, as config problems at their line, with the nearest
 * real name. Checked right after loading, so a typo is caught even when nothing runs the model.
 */
export function unknownInputNames(declared: readonly string[], configured: readonly ConfiguredInput[]): ConfigIssue[] {
  if (declared.length === 0) return [];
  return configured
    .filter((c) => !declared.some((name) => sameInput(c.name, name)))
    .map((c) => {
      const hint = suggestKey(c.name.replace(/:0$/, ''), declared);
      const names = declared.map((n) => `"${n}"`).join(', ');
      return { ...c.source, path: c.path, message: `the model has no input "${c.name}"${hint ? `; did you mean "${hint}"?` : ''} (its inputs: ${names})` };
    });
}
