import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { ACTION_INPUT_DEFAULTS } from '../../../src/config/defaults.js';
import { readInputs } from '../../../src/action/inputs.js';
import { readTrendInputs } from '../../../src/action/trend-hooks.js';

interface ActionYml {
  readonly inputs: Readonly<Record<string, { readonly default?: unknown }>>;
}
const actionYml = parse(readFileSync(new URL('../../../action.yml', import.meta.url), 'utf8')) as ActionYml;

describe('Action input defaults', () => {
  test('action.yml declares the defaults the code falls back to, for every input', () => {
    const declared = Object.fromEntries(Object.entries(actionYml.inputs).map(([name, input]) => [name, input.default]));
    expect(declared).toEqual({ ...ACTION_INPUT_DEFAULTS, 'github-token': '${{ github.token }}' });
  });

  test('an Action run with every input unset reads the same values as one with every input at its action.yml default', () => {
    const fromYml = (name: string): string => {
      const value = actionYml.inputs[name]?.default;
      return typeof value === 'string' && !value.startsWith('${{') ? value : '';
    };
    const unset = (): string => '';
    expect(readInputs(unset)).toEqual(readInputs(fromYml));
    expect(readTrendInputs(unset)).toEqual(readTrendInputs(fromYml));
    expect(readTrendInputs(unset)).toEqual({ record: 'auto', branch: 'model-budget-data', maxEntries: 500 });
  });
});
