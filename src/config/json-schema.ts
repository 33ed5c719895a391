import * as z from 'zod';
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
  return {
    ...schema,
    $id: 'https://github.com/model-budget/model-budget/schema/model-budget.schema.json',
    title: 'model-budget.yml',
    description: 'Budgets for ML models checked by model-budget on every pull request.',
  };
}
