import * as z from 'zod';
import { configSchema } from './schema.js';

/**
 * The JSON Schema of model-budget.yml, generated from the same zod schema the tool validates with (input side:
 * what a user writes). Committed as schema/model-budget.schema.json; a test keeps the two equal.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'https://github.com/model-budget/model-budget/schema/model-budget.schema.json',
    title: 'model-budget.yml',
    description: 'Budgets for ML models checked by model-budget on every pull request.',
  };
}
