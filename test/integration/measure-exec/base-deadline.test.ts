import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { prepareBase } from '../../../src/measure/base-model.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');

test("the base's auto search runs under benchmark.timeout: past it the base is unavailable, not an error of the model", async () => {
  const text =
    'version: 1\nbenchmark: { runtime: cpu, timeout: 1 ms, min-seconds: 0 s, warmup-seconds: 0 s }\nmodels:\n  - name: gender\n    path: model.json\n' +
    '    compress: auto\n    budget: { size-increase: 5%, accuracy: { max-abs-error: 0.05 } }\n';
  const config = parseConfig(text, join(example, 'model-budget.yml'), 'model-budget.yml');
  const [spec] = config.models;
  if (!spec) throw new Error('no model');
  const base = await prepareBase(spec, { status: 'found', path: spec.absPath, ref: 'abc1234', spec }, {}, () => undefined);
  expect(base.model).toBeUndefined();
  expect(base.comparison).toMatchObject({
    status: 'unavailable',
    reason: expect.stringMatching(/^the base branch's copy could not be compressed with its settings \(auto: true\): gender: the 0\.001 s benchmark\.timeout ran out at (compressing the base branch's copy|loading the original for drift|auto evaluation \d+)/) as string,
  });
});
