import fc from 'fast-check';
import * as z from 'zod';
import { describe, expect, test } from 'vitest';
import { parseArtifactPayload, serializeArtifact } from '../../../src/action/artifact.js';
import { METRIC_UNITS } from '../../../src/metrics.js';
import { reportSchema } from '../../../src/report/schema.js';
import type { MetricResult, ModelReport, Report } from '../../../src/report/types.js';

/** A report in which every optional field of the schema is set somewhere. */
const full: Report = {
  schemaVersion: 1,
  verdict: 'fail',
  config: 'model-budget.yml',
  leg: 'linux-x64',
  tool: { name: 'model-budget', version: '0.1.0' },
  environment: { runtime: 'wasm', runtimeVersion: '4.22.0', threads: 1, cpu: 'AMD EPYC', cores: 2, node: '24.0.0' },
  models: [
    {
      name: 'net',
      path: 'models/net/model.json',
      format: 'graph',
      verdict: 'fail',
      metrics: [
        {
          key: 'size',
          unit: 'bytes',
          value: 5_500_000,
          limit: 5_000_000,
          warn: 4_500_000,
          direction: 'max',
          status: 'fail',
          message: '5.5 MB is over the 5 MB budget by 10.0%',
          original: 22_000_000,
          base: 5_400_000,
          source: { file: 'model-budget.yml', line: 7, column: 14 },
        },
        { key: 'latency.p90', unit: 'ms', value: Number.NaN, direction: 'max', status: 'no-budget', message: 'not measured' },
      ],
      weights: [{ name: 'dense/kernel', shape: [3, 3, 16, 32], dtype: 'uint8', bytes: 4608, share: 1 }],
      notes: ['quantize: uint8'],
      error: 'a message',
      base: { status: 'compared', ref: 'main', kind: 'merge-parent', compressedWith: 'base-config', compressChange: { from: 'none', to: 'quantize: uint8' } },
      precision: [
        { name: 'dense/kernel', elements: 4608, dtype: 'uint8', sensitivity: 0.002 },
        { name: 'dense/bias', elements: 32, dtype: 'float32', sensitivity: 3.5, group: 1 },
      ],
      frontier: {
        bytesBefore: 18_560,
        points: [
          { bytes: 4640, budgetUse: 1.7, withinBudget: false, kind: 'all-uint8', pareto: true, chosen: false },
          { bytes: 4736, budgetUse: 0.2, withinBudget: true, kind: 'candidate', pareto: true, chosen: true },
          { bytes: 9280, budgetUse: null, withinBudget: false, kind: 'all-2-byte', pareto: false, chosen: false },
        ],
      },
      weightChanges: [{ name: 'dense/kernel', bytes: 4608, baseBytes: 18_432, dtype: 'uint8', baseDtype: 'float32' }],
      budgetChanges: [{ key: 'size', unit: 'bytes', from: 6_000_000, to: 5_000_000 }],
      latencyComparison: { against: 'base', ratio: 1.02, ci: [0.98, 1.06], confidence: 0.95, threshold: 0.1, verdict: 'same' },
    },
    { name: 'new', path: 'b/model.json', verdict: 'pass', metrics: [], weights: [], notes: [], base: { status: 'new' } },
    { name: 'other', path: 'c/model.json', verdict: 'pass', metrics: [], weights: [], notes: [], base: { status: 'unavailable', reason: 'no base' } },
  ],
};

const roundTrip = (report: Report): Report => parseArtifactPayload(serializeArtifact({ report })).report;

type Json = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every property path the schema declares (`models[].base.compressChange.from`), alternatives of a union merged. */
function schemaPaths(node: unknown, at: string, out: Set<string>): Set<string> {
  if (!isObject(node)) return out;
  const properties = node['properties'];
  if (isObject(properties)) {
    for (const [key, child] of Object.entries(properties)) {
      out.add(`${at}.${key}`);
      schemaPaths(child, `${at}.${key}`, out);
    }
  }
  const items = node['items'];
  if (isObject(items)) schemaPaths(items, `${at}[]`, out);
  for (const alternatives of [node['anyOf'], node['oneOf'], node['prefixItems']]) {
    if (Array.isArray(alternatives)) for (const a of alternatives) schemaPaths(a, alternatives === node['prefixItems'] ? `${at}[]` : at, out);
  }
  return out;
}

/** Every property path a value holds. */
function valuePaths(value: unknown, at: string, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) valuePaths(v, `${at}[]`, out);
  else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      out.add(`${at}.${key}`);
      valuePaths(child, `${at}.${key}`, out);
    }
  }
  return out;
}

describe('the report schema', () => {
  test('the full report sets every field the schema declares (so the round trip below covers them all)', () => {
    const declared = schemaPaths(z.toJSONSchema(reportSchema, { io: 'input', unrepresentable: 'any' }), '', new Set());
    const present = valuePaths(full, '', new Set());
    expect([...declared].filter((p) => !present.has(p))).toEqual([]);
    expect(declared.size).toBeGreaterThan(60);
  });

  test('a report with every optional field survives the fork-safe artifact unchanged', () => {
    expect(roundTrip(full)).toEqual(full);
    expect(roundTrip(full).models[0]?.precision).toHaveLength(2);
  });

  const text = fc.string({ maxLength: 40 });
  // JSON has no -0 (it reads back as 0) and no NaN (a metric not measured is null, read back as NaN).
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (v === 0 ? 0 : v));
  const value = fc.oneof(finite, fc.constant(Number.NaN));
  const metric: fc.Arbitrary<MetricResult> = fc.record(
    {
      key: text,
      unit: fc.constantFrom(...METRIC_UNITS),
      value,
      limit: finite,
      warn: finite,
      direction: fc.constantFrom('max', 'min'),
      status: fc.constantFrom('pass', 'warn', 'fail', 'no-budget'),
      message: text,
      original: finite,
      base: finite,
    },
    { requiredKeys: ['key', 'unit', 'value', 'direction', 'status', 'message'] },
  );
  const model: fc.Arbitrary<ModelReport> = fc.record(
    {
      name: text,
      path: text,
      format: fc.constantFrom('layers', 'graph'),
      verdict: fc.constantFrom('pass', 'warn', 'fail', 'error'),
      metrics: fc.array(metric, { maxLength: 5 }),
      weights: fc.array(
        fc.record({
          name: text,
          shape: fc.array(fc.nat(64), { maxLength: 4 }),
          dtype: fc.constantFrom('float32', 'uint8'),
          bytes: fc.nat(),
          share: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        { maxLength: 3 },
      ),
      notes: fc.array(text, { maxLength: 3 }),
      error: text,
      precision: fc.array(
        fc.record(
          {
            name: text,
            elements: fc.nat(),
            dtype: fc.constantFrom('uint8', 'uint16', 'float16', 'float32'),
            sensitivity: fc.double({ min: 0, max: 10, noNaN: true }),
            group: fc.integer({ min: 1, max: 4 }),
          },
          { requiredKeys: ['name', 'elements', 'dtype'] },
        ),
        { maxLength: 3 },
      ),
      frontier: fc.record({
        bytesBefore: fc.nat(),
        points: fc.array(
          fc.record({
            bytes: fc.nat(),
            budgetUse: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: null }),
            withinBudget: fc.boolean(),
            kind: fc.constantFrom('all-uint8', 'all-2-byte', 'probe', 'candidate'),
            pareto: fc.boolean(),
            chosen: fc.boolean(),
          }),
          { maxLength: 3 },
        ),
      }),
    },
    { requiredKeys: ['name', 'path', 'verdict', 'metrics', 'weights', 'notes'] },
  );

  test('any report the tool can write reads back equal (property)', () => {
    fc.assert(
      fc.property(fc.array(model, { maxLength: 3 }), fc.constantFrom('pass', 'warn', 'fail', 'error'), (models, verdict) => {
        const report: Report = { schemaVersion: 1, verdict, config: 'model-budget.yml', models, tool: { name: 'model-budget', version: '0.1.0' } };
        expect(roundTrip(report)).toEqual(report);
      }),
      { numRuns: 200 },
    );
  });

  test('the bounds still hold against a hostile artifact', () => {
    const many = { ...full, models: Array.from({ length: 501 }, () => full.models[1]) };
    expect(() => parseArtifactPayload(JSON.stringify({ report: many }))).toThrow(/models: Too big/);
    const long = { ...full, config: 'x'.repeat(1001) };
    expect(() => parseArtifactPayload(JSON.stringify({ report: long }))).toThrow(/config: Too big/);
  });
});
