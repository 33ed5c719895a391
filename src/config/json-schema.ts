import * as z from 'zod';
import { QUANTIZED_DTYPES, TFLITE_QUANTIZE } from '../dtypes.js';
import { configSchema, unitInputSchemas } from './schema.js';

/**
 * The JSON Schema of model-budget.yml, generated from the same zod schema the tool validates with (input side:
 * what a user writes). Committed as schema/model-budget.schema.json; a test keeps the two equal. Values with units
 * (`5 MB`, `40 ms`, `10%`) get the patterns and ranges their parsers accept, so an editor flags `p90: 40` (a
 * duration needs its unit) as the tool would.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const unit = unitInputSchemas.get(zodSchema);
      if (!unit) return;
      const target = jsonSchema as Record<string, unknown>;
      delete target['type'];
      delete target['anyOf'];
      Object.assign(target, unit.json);
    },
  });
  const models = (schema as { properties?: { models?: { items?: Record<string, unknown> } } }).properties?.models?.items;
  if (models) models['allOf'] = [formatRules()];
  return {
    ...schema,
    $id: 'https://github.com/model-budget/model-budget/schema/model-budget.schema.json',
    title: 'model-budget.yml',
    description: 'Budgets for ML models checked by model-budget on every pull request.',
  };
}

/** A model's `compress.quantize` written as a word or as `{ dtype }`, restricted to `values`. */
function quantizeIn(values: readonly string[], dtypeOnly: boolean): Record<string, unknown> {
  const dtype = { enum: [...values] };
  return {
    properties: {
      compress: {
        anyOf: [
          { type: 'string' },
          {
            properties: {
              quantize: {
                anyOf: [
                  { type: 'string', ...dtype },
                  { type: 'object', properties: { dtype }, ...(dtypeOnly ? { propertyNames: { enum: ['dtype'] } } : {}) },
                ],
              },
            },
          },
        ],
      },
    },
  };
}

/**
 * What the loader checks once the format is known (src/config/load.ts `formatMismatches`), as far as the name tells
 * it: a `.tflite` path takes TFLite's precisions (as one word or `{ dtype }`) and runs on `litert` or `auto`; any
 * other path takes the TF.js dtypes and a TF.js runtime. (The tool also knows a TFLite file by its first bytes,
 * which a schema cannot read.)
 */
function formatRules(): Record<string, unknown> {
  const tflitePath = { properties: { path: { pattern: '\\.[tT][fF][lL][iI][tT][eE]$' } }, required: ['path'] };
  const runtimeIn = (values: readonly string[]): Record<string, unknown> => ({
    properties: { benchmark: { properties: { runtime: { enum: [...values] } } } },
  });
  const litert = { required: ['benchmark'], properties: { benchmark: { required: ['runtime'], properties: { runtime: { const: 'litert' } } } } };
  return {
    if: tflitePath,
    then: { allOf: [quantizeIn(TFLITE_QUANTIZE, true), runtimeIn(['auto', 'litert'])] },
    else: { allOf: [quantizeIn(QUANTIZED_DTYPES, false), { not: litert }] },
  };
}
