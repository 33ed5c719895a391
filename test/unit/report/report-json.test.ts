/**
 * report.json is the scriptable contract: its bytes for a report that sets every field stay as they were when
 * its type was written by hand, now that the type is derived from the report schema.
 */
import { expect, test } from 'vitest';
import { reportJsonSchema, toReportJson } from '../../../src/report/json.js';
import type { Report } from '../../../src/report/types.js';

const report: Report = {
  schemaVersion: 1,
  verdict: 'fail',
  config: 'model-budget.yml',
  leg: 'linux-x64',
  models: [
    {
      name: 'gender',
      path: 'models/gender/model.json',
      format: 'graph',
      verdict: 'fail',
      metrics: [
        {
          key: 'size',
          unit: 'bytes',
          value: 231_781,
          limit: 200_000,
          warn: 150_000,
          direction: 'max',
          status: 'fail',
          message: '231.8 KB is over the 200 KB budget by 15.9%',
          original: 900_000,
          base: 230_000,
          source: { file: 'model-budget.yml', line: 7, column: 13 },
        },
        {
          key: 'accuracy.cosine',
          unit: 'fraction',
          value: Number.NaN,
          limit: 0.999,
          direction: 'min',
          status: 'warn',
          message: 'cosine has a budget but was not measured',
        },
        { key: 'latency.p50', unit: 'ms', value: 1.25, direction: 'max', status: 'no-budget', message: '1.25 ms (no budget)' },
      ],
      weights: [{ name: 'dense/kernel', shape: [128, 2], dtype: 'float32', bytes: 1024, share: 1 }],
      weightChanges: [{ name: 'dense/kernel', bytes: 1024, baseBytes: 512 }],
      budgetChanges: [{ key: 'size', unit: 'bytes', from: 150_000, to: 200_000 }],
      precision: [{ name: 'dense/kernel', elements: 256, dtype: 'uint8', sensitivity: 0.001, group: 1 }],
      frontier: {
        bytesBefore: 1024,
        points: [
          { bytes: 256, budgetUse: 0.4, withinBudget: true, kind: 'all-uint8', pareto: true, chosen: true },
          { bytes: 512, budgetUse: null, withinBudget: false, kind: 'all-2-byte', pareto: false, chosen: false },
        ],
      },
      notes: ['quantize: uint8'],
      base: { status: 'compared', ref: 'abc123', kind: 'merge-base', compressedWith: 'base-config' },
      latencyComparison: { against: 'base', ratio: 1.02, ci: [0.99, 1.05], confidence: 0.95, threshold: 0.1, verdict: 'inconclusive' },
    },
    { name: 'broken', path: 'models/broken/model.json', verdict: 'error', metrics: [], weights: [], notes: [], error: 'could not load' },
  ],
  environment: { runtime: 'cpu', runtimeVersion: '4.22.0', threads: 1, cpu: 'AMD EPYC', cores: 2, node: 'v24.0.0' },
  tool: { name: 'model-budget', version: '0.1.0' },
};

test('report.json of a report with every field, byte for byte', () => {
  expect(`${JSON.stringify(toReportJson(report), null, 2)}\n`).toMatchInlineSnapshot(`
    "{
      "schemaVersion": 1,
      "verdict": "fail",
      "config": "model-budget.yml",
      "models": [
        {
          "name": "gender",
          "path": "models/gender/model.json",
          "format": "graph",
          "verdict": "fail",
          "metrics": {
            "size": {
              "value": 231781,
              "limit": 200000,
              "warn": 150000,
              "status": "fail",
              "unit": "bytes",
              "base": 230000,
              "original": 900000,
              "message": "231.8 KB is over the 200 KB budget by 15.9%"
            },
            "accuracy.cosine": {
              "value": null,
              "limit": 0.999,
              "status": "warn",
              "unit": "fraction",
              "message": "cosine has a budget but was not measured"
            },
            "latency.p50": {
              "value": 1.25,
              "status": "no-budget",
              "unit": "ms",
              "message": "1.25 ms (no budget)"
            }
          },
          "notes": [
            "quantize: uint8"
          ],
          "base": {
            "status": "compared",
            "ref": "abc123",
            "kind": "merge-base",
            "compressedWith": "base-config"
          },
          "latencyComparison": {
            "against": "base",
            "ratio": 1.02,
            "ci": [
              0.99,
              1.05
            ],
            "confidence": 0.95,
            "threshold": 0.1,
            "verdict": "inconclusive"
          },
          "precision": [
            {
              "name": "dense/kernel",
              "elements": 256,
              "dtype": "uint8",
              "sensitivity": 0.001,
              "group": 1
            }
          ],
          "frontier": {
            "bytesBefore": 1024,
            "points": [
              {
                "bytes": 256,
                "budgetUse": 0.4,
                "withinBudget": true,
                "kind": "all-uint8",
                "pareto": true,
                "chosen": true
              },
              {
                "bytes": 512,
                "budgetUse": null,
                "withinBudget": false,
                "kind": "all-2-byte",
                "pareto": false,
                "chosen": false
              }
            ]
          }
        },
        {
          "name": "broken",
          "path": "models/broken/model.json",
          "verdict": "error",
          "error": "could not load",
          "metrics": {},
          "notes": []
        }
      ],
      "environment": {
        "runtime": "cpu",
        "runtimeVersion": "4.22.0",
        "threads": 1,
        "cpu": "AMD EPYC",
        "cores": 2,
        "node": "v24.0.0"
      },
      "leg": "linux-x64",
      "tool": {
        "name": "model-budget",
        "version": "0.1.0"
      }
    }
    "
  `);
});

test("report.json is what its schema (derived from the report's) says: parsing it keeps every field and value", () => {
  const written: unknown = JSON.parse(JSON.stringify(toReportJson(report)));
  // zod drops a field its schema does not name, and throws on a value of the wrong type.
  expect(reportJsonSchema.parse(written)).toEqual(written);
});
