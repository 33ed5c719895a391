/**
 * Units in `model-budget.yml`. Sizes are bytes (KB = 1000, KiB = 1024), durations milliseconds, percentages
 * fractions (10% = 0.1), counts plain numbers with an optional SI suffix (600 M = 600,000,000).
 * Each parser returns the number or a message saying what was expected.
 */

export type Parsed = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly expected: string };

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

const DURATION_UNITS: Readonly<Record<string, number>> = { us: 1e-3, µs: 1e-3, ms: 1, s: 1000, min: 60_000 };

const COUNT_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, g: 1e9, b: 1e9, t: 1e12 };

const NUMBER_WITH_UNIT = /^\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:e([+-]?[0-9]+))?\s*([a-zA-Zµ%]*)\s*$/;

function split(input: string): { amount: number; unit: string } | undefined {
  const match = NUMBER_WITH_UNIT.exec(input);
  if (!match) return undefined;
  const mantissa = match[1] ?? '';
  const exponent = match[2] === undefined ? '' : `e${match[2]}`;
  return { amount: Number(mantissa + exponent), unit: (match[3] ?? '').toLowerCase() };
}

const SIZE_EXPECTED = 'a size like "5 MB", "512 KiB" or a number of bytes';

/** `5 MB` → 5,000,000; `5 MiB` → 5,242,880; a bare number is bytes. */
export function parseSize(input: unknown): Parsed {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? { ok: true, value: input } : { ok: false, expected: SIZE_EXPECTED };
  }
  if (typeof input !== 'string') return { ok: false, expected: SIZE_EXPECTED };
  const parts = split(input);
  const factor = parts ? SIZE_UNITS[parts.unit === '' ? 'b' : parts.unit] : undefined;
  if (!parts || factor === undefined) return { ok: false, expected: SIZE_EXPECTED };
  return { ok: true, value: Math.round(parts.amount * factor) };
}

const DURATION_EXPECTED = 'a duration like "40 ms" or "1.5 s"';

/** `40 ms` → 40; `1.5 s` → 1500. A bare number is rejected: the unit must be explicit. */
export function parseDuration(input: unknown): Parsed {
  if (typeof input !== 'string') return { ok: false, expected: DURATION_EXPECTED };
  const parts = split(input);
  const factor = parts ? DURATION_UNITS[parts.unit] : undefined;
  if (!parts || factor === undefined) return { ok: false, expected: DURATION_EXPECTED };
  return { ok: true, value: parts.amount * factor };
}

const PERCENT_EXPECTED = 'a percentage like "10%"';

/** `10%` → 0.1. A bare number between 0 and 1 is taken as a fraction. */
export function parsePercent(input: unknown): Parsed {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 && input <= 1
      ? { ok: true, value: input }
      : { ok: false, expected: `${PERCENT_EXPECTED} or a fraction between 0 and 1` };
  }
  if (typeof input !== 'string') return { ok: false, expected: PERCENT_EXPECTED };
  const parts = split(input);
  if (!parts || parts.unit !== '%') return { ok: false, expected: PERCENT_EXPECTED };
  return { ok: true, value: parts.amount / 100 };
}

const COUNT_EXPECTED = 'a count like "600 M", "1.2 G" or a plain number';

/** `600 M` → 600,000,000 (SI: k, M, G; B is billions too). */
export function parseCount(input: unknown): Parsed {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? { ok: true, value: input } : { ok: false, expected: COUNT_EXPECTED };
  }
  if (typeof input !== 'string') return { ok: false, expected: COUNT_EXPECTED };
  const parts = split(input);
  const factor = parts ? COUNT_UNITS[parts.unit] : undefined;
  if (!parts || factor === undefined) return { ok: false, expected: COUNT_EXPECTED };
  return { ok: true, value: parts.amount * factor };
}

/** A numeric string as YAML users write one: `0.01`, `-3`, `1e-2`. */
const NUMBER_PATTERN = '^\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$';
const NUMBER_STRING = new RegExp(NUMBER_PATTERN);

/** A plain number (errors, cosine): accepts numbers and numeric strings like "1e-2". */
export function parseNumber(input: unknown): Parsed {
  const value = typeof input === 'string' && NUMBER_STRING.test(input) ? Number(input) : input;
  return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : { ok: false, expected: 'a number like 0.01' };
}

/** The JSON Schema of what a user may write for one unit (input side); generated beside the parsers it mirrors. */
export type UnitJsonSchema = Readonly<Record<string, unknown>>;

/** A regex source matching `word` in any letter case: JSON Schema patterns take no flags. */
function anyCase(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');
}

/** `NUMBER_WITH_UNIT` with the unit restricted to `units` (`''` in the list: the unit may be left out). */
function unitPattern(units: readonly string[]): string {
  const named = units.filter((u) => u !== '').map(anyCase);
  const group = `(${named.join('|')})${units.includes('') ? '?' : ''}`;
  return `^\\s*([0-9]+(\\.[0-9]+)?|\\.[0-9]+)(e[+-]?[0-9]+)?\\s*${group}\\s*$`;
}

/** Input JSON Schemas by unit, from the same unit tables the parsers read. */
export const UNIT_JSON_SCHEMAS = {
  size: {
    anyOf: [
      { type: 'string', pattern: unitPattern(['', ...Object.keys(SIZE_UNITS)]) },
      { type: 'number', minimum: 0 },
    ],
  },
  duration: { type: 'string', pattern: unitPattern(Object.keys(DURATION_UNITS)) },
  percent: {
    anyOf: [
      { type: 'string', pattern: unitPattern(['%']) },
      { type: 'number', minimum: 0, maximum: 1 },
    ],
  },
  count: {
    anyOf: [
      { type: 'string', pattern: unitPattern(Object.keys(COUNT_UNITS)) },
      { type: 'number', minimum: 0 },
    ],
  },
  number: { anyOf: [{ type: 'number' }, { type: 'string', pattern: NUMBER_PATTERN }] },
} as const satisfies Record<string, UnitJsonSchema>;
