import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema } from '../../../src/config/json-schema.js';

const file = join(import.meta.dirname, '..', '..', '..', 'schema', 'model-budget.schema.json');

// Regenerate with: UPDATE_SCHEMA=1 npx vitest run test/unit/config/json-schema.test.ts
test('schema/model-budget.schema.json is generated from the zod schema', async () => {
  const generated = JSON.stringify(configJsonSchema(), null, 2) + '\n';
  if (process.env['UPDATE_SCHEMA'] === '1') await writeFile(file, generated);
  expect(await readFile(file, 'utf8')).toBe(generated);
});

test('the JSON Schema knows every budget key the example uses', async () => {
  const schema = configJsonSchema() as { properties: { models: { items: { properties: { budget: { properties: object } } } } } };
  const example = parse(await readFile(join(import.meta.dirname, '..', '..', '..', 'model-budget.yml'), 'utf8')) as {
    models: { budget: Record<string, unknown> }[];
  };
  const known = Object.keys(schema.properties.models.items.properties.budget.properties);
  for (const key of Object.keys(example.models[0]?.budget ?? {})) expect(known).toContain(key);
});
