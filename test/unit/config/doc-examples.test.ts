import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema } from '../../../src/config/json-schema.js';
import { parseConfig } from '../../../src/config/load.js';
import { parseCount, parseDuration, parseNumber, parsePercent, parseSize, UNIT_JSON_SCHEMAS, type Parsed } from '../../../src/config/units.js';
import { ConfigError } from '../../../src/errors.js';

const root = join(import.meta.dirname, '..', '..', '..');
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validate = ajv.compile(configJsonSchema());

/** Top-level keys of a model entry: a block that starts with one is a fragment of one model. */
const MODEL_KEYS = /^(inputs|compress|budget|benchmark|output|custom-layers):/m;

interface Example {
  readonly where: string;
  readonly text: string;
}

/** Every YAML block of the README and docs/ that is a config or a fragment of one model, as a whole config. */
async function docExamples(): Promise<Example[]> {
  const files = ['README.md', ...(await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const examples: Example[] = [];
  for (const file of files) {
    const markdown = await readFile(join(root, file), 'utf8');
    for (const match of markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
      const block = dedent(match[1] ?? '');
      const where = `${file}:${markdown.slice(0, match.index).split('\n').length}`;
      if (/^models:/m.test(block)) examples.push({ where, text: /^version:/m.test(block) ? block : `version: 1\n${block}` });
      else if (MODEL_KEYS.test(block)) {
        examples.push({ where, text: `version: 1\nmodels:\n  - name: example\n    path: model.json\n${indent(block, '    ')}` });
      }
    }
  }
  return examples;
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const margin = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(margin)).join('\n');
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l.trim() === '' ? l : by + l))
    .join('\n');
}

function zodProblems(text: string): string[] {
  try {
    parseConfig(text, '/repo/model-budget.yml', 'model-budget.yml');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
    throw error;
  }
}

function jsonProblems(text: string): string[] {
  return validate(parse(text)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('every example config in the README and docs/', async () => {
  const examples = await docExamples();
  const files = [join(root, 'model-budget.yml')];

  test('there are examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  test.each(examples.map((e) => [e.where, e.text] as const))('%s validates against zod and the JSON Schema', (_where, text) => {
    expect(zodProblems(text)).toEqual([]);
    expect(jsonProblems(text)).toEqual([]);
  });

  test.each(files)('%s validates against zod and the JSON Schema', async (file) => {
    const text = await readFile(file, 'utf8');
    expect(zodProblems(text)).toEqual([]);
    expect(jsonProblems(text)).toEqual([]);
  });
});

describe('the JSON Schema is as strict as the tool', () => {
  const config = (budget: string): string => `version: 1\nmodels:\n  - name: a\n    path: m.json\n    budget:\n${indent(budget, '      ')}\n`;

  test.each([
    { what: 'a duration without its unit', text: config('latency: { p90: 40 }') },
    { what: 'a size with an unknown unit', text: config('size: 5 MX') },
    { what: 'a percentage above 1 as a bare number', text: config('size-increase: 5') },
    { what: 'a negative size', text: config('size: -1') },
    { what: 'a trend key that is no metric', text: config('trend: { latency-p05: 10% }') },
    { what: 'a quantize dtype that does not exist', text: 'version: 1\nmodels:\n  - { name: a, path: m.json, compress: { quantize: int4 } }\n' },
    { what: 'prune of 100%', text: 'version: 1\nmodels:\n  - { name: a, path: m.json, compress: { prune: 100% } }\n' },
    { what: 'prune above 1', text: 'version: 1\nmodels:\n  - { name: a, path: m.json, compress: { prune: 1.5 } }\n' },
    { what: 'a TFLite precision for a TF.js model', text: 'version: 1\nmodels:\n  - { name: a, path: m.json, compress: { quantize: int8 } }\n' },
    { what: 'a TF.js dtype for a .tflite model', text: 'version: 1\nmodels:\n  - { name: a, path: m.tflite, compress: { quantize: { dtype: uint8 } } }\n' },
    { what: 'weight patterns for a .tflite model', text: 'version: 1\nmodels:\n  - { name: a, path: m.TFLite, compress: { quantize: { float16: "*" } } }\n' },
    { what: 'LiteRT for a TF.js model', text: 'version: 1\nmodels:\n  - { name: a, path: m.json, benchmark: { runtime: litert } }\n' },
    { what: 'a TF.js runtime for a .tflite model', text: 'version: 1\nmodels:\n  - { name: a, path: m.tflite, benchmark: { runtime: cpu } }\n' },
  ])('both refuse $what', ({ text }) => {
    expect(zodProblems(text)).not.toEqual([]);
    expect(jsonProblems(text)).not.toEqual([]);
  });
});

test.each([
  'version: 1\nmodels:\n  - { name: a, path: m.tflite, compress: { quantize: dynamic-int8 }, benchmark: { runtime: litert } }\n',
  'version: 1\nmodels:\n  - { name: a, path: m.tflite, compress: { quantize: { dtype: int8 } } }\n',
  'version: 1\nmodels:\n  - { name: a, path: m.json, compress: { auto: { levels: true } }, budget: { accuracy: { cosine: 0.999 } } }\n',
  'version: 1\nbenchmark: { runtime: wasm }\nmodels:\n  - { name: a, path: m.tflite, compress: auto }\n  - { name: b, path: m.json, compress: { quantize: { dtype: uint8, rounding: nearest } } }\n',
])('both accept each format with its own settings: %s', (text) => {
  expect(zodProblems(text)).toEqual([]);
  expect(jsonProblems(text)).toEqual([]);
});

/** Strings shaped like what people write for a unit: amounts, exponents, spaces, units in any case, near misses. */
const unitLike = fc
  .tuple(
    fc.constantFrom('', ' ', '  '),
    fc.oneof(fc.nat({ max: 100_000 }).map(String), fc.constantFrom('1.5', '.5', '0.25', '1.', '-3', '1e3', '2e-1', '1E3', '+4', 'x')),
    fc.constantFrom('', ' '),
    fc.constantFrom('', 'B', 'kb', 'MB', 'MiB', 'gib', 'KIB', 'tb', 'ms', 'MS', 's', 'us', 'µs', 'min', 'h', '%', '%%', 'k', 'M', 'G', 't', 'b', 'px'),
    fc.constantFrom('', ' '),
  )
  .map((parts) => parts.join(''));

describe.each([
  { unit: 'size', parse: parseSize },
  { unit: 'duration', parse: parseDuration },
  { unit: 'percent', parse: parsePercent },
  { unit: 'count', parse: parseCount },
  { unit: 'number', parse: parseNumber },
] as const)('the $unit pattern', ({ unit, parse: parseUnit }: { unit: keyof typeof UNIT_JSON_SCHEMAS; parse: (input: unknown) => Parsed }) => {
  const check = ajv.compile(UNIT_JSON_SCHEMAS[unit]);

  test('accepts a string exactly when the parser does', () => {
    fc.assert(
      fc.property(unitLike, (text) => {
        expect(check(text)).toBe(parseUnit(text).ok);
      }),
      { numRuns: 500 },
    );
  });

  test('accepts a number exactly when the parser does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(0, 1, -1, 0.5, 1.5)), (value) => {
        expect(check(value)).toBe(parseUnit(value).ok);
      }),
      { numRuns: 300 },
    );
  });
});
