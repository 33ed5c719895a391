import { expect, test } from 'vitest';
import { configJsonSchema } from '../../../src/config/json-schema.js';
import { catalogKeyProblems, schemaKeyPaths } from './keys.js';

const keys = schemaKeyPaths(configJsonSchema());
const inputs = ['config', 'verbose'];

test.each([
  { what: 'a model key, dotted', text: 'set `benchmark.timeout`', expected: [] },
  { what: 'a key with its value', text: 'write `output: dist/net`', expected: [] },
  { what: 'a key under a list', text: 'see `models[0].budget.size`', expected: [] },
  { what: 'a flow mapping', text: 'write `compress: { quantize: uint8 }`', expected: [] },
  { what: 'a key that does not exist', text: 'set `benchmark.input-shapes`', expected: ['x: config key "benchmark.input-shapes" does not exist'] },
  { what: 'a misspelt key with a value', text: 'write `ouput: dist/net`', expected: ['x: config key "ouput" does not exist'] },
  { what: 'an Action input', text: 'or `verbose: true` (Action)', expected: [] },
  { what: 'an Action input that does not exist', text: 'pass the `conf` input', expected: ['x: Action input "conf" does not exist'] },
  { what: 'a file name', text: 'no `model.json` here', expected: [] },
  { what: 'a command', text: 'run `model-budget --help`', expected: [] },
  { what: "another step's input", text: 'check out (`actions/checkout` with `fetch-depth: 0`)', expected: [] },
  { what: "another step's input, named first", text: 'add `lfs: true` to actions/checkout (locally: `git lfs pull`)', expected: [] },
  { what: 'a key in prose', text: 'over limits.model-size (5 bytes)', expected: [] },
  { what: 'a wrong key in prose', text: 'set benchmark.input-shapes to the shape', expected: ['x: config key "benchmark.input-shapes" does not exist'] },
  { what: 'a library call in prose', text: 'calls tf.serialization.registerClass', expected: [] },
])('$what', ({ text, expected }) => {
  expect(catalogKeyProblems('x', { message: text }, keys, inputs)).toEqual(expected);
  expect(catalogKeyProblems('x', { message: 'm', fix: text }, keys, inputs)).toEqual(expected);
});

test('the key set is derived from the schema: nested budget keys and map values are in it', () => {
  expect(keys.has('models.budget.latency.p90')).toBe(true);
  expect(keys.has('benchmark.timeout')).toBe(true);
  expect(keys.has('benchmark.input-shapes')).toBe(false);
});
