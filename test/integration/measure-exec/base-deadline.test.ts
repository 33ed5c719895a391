import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { prepareBase } from '../../../src/measure/base-model.js';
import { ModelDeadline } from '../../../src/measure/deadline.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');

test("the base's auto search runs under benchmark.timeout: past it the base is unavailable, not an error of the model", async () => {
  const text =
    'version: 1\nbenchmark: { runtime: cpu, timeout: 1 ms, min-seconds: 0 s, warmup-seconds: 0 s }\nmodels:\n  - name: gender\n    path: model.json\n' +
    '    compress: auto\n    budget: { size-increase: 5%, accuracy: { max-abs-error: 0.05 } }\n';
  const config = parseConfig(text, join(example, 'model-budget.yml'), 'model-budget.yml');
  const [spec] = config.models;
  if (!spec) throw new Error('no model');
  // Loading the base's copy draws on the same clock: it stands still until the copy is loaded, then jumps past the end.
  let clock = 0;
  const deadline = new ModelDeadline(spec.benchmark.timeout, spec.name, { now: () => clock, setTimer: () => ({ cancel: () => undefined }) });
  const base = await prepareBase(spec, { status: 'found', path: spec.absPath, ref: 'abc1234', spec }, {}, () => (clock = 10), deadline);
  expect(base.model).toBeUndefined();
  expect(base.comparison).toMatchObject({
    status: 'unavailable',
    reason: expect.stringMatching(
      /^the base branch's copy could not be compressed with its settings \(auto: true\): gender: the 0\.001 s benchmark\.timeout ran out at (compressing the base branch's copy|loading the original for drift|auto evaluation \d+)/,
    ) as string,
  });
});

test("loading the base's copy runs under benchmark.timeout: past it the base is unavailable, naming the stage", async () => {
  const text =
    'version: 1\nbenchmark: { runtime: cpu, timeout: 1 ms, min-seconds: 0 s, warmup-seconds: 0 s }\nmodels:\n  - name: gender\n    path: model.json\n';
  const config = parseConfig(text, join(example, 'model-budget.yml'), 'model-budget.yml');
  const [spec] = config.models;
  if (!spec) throw new Error('no model');
  // The clock reads 0 when the deadline is made and 10 ms at every later look: out of time when loading starts.
  let reads = 0;
  const deadline = new ModelDeadline(spec.benchmark.timeout, spec.name, { now: () => (reads++ === 0 ? 0 : 10) });
  const base = await prepareBase(spec, { status: 'found', path: spec.absPath, ref: 'abc1234', spec }, {}, () => undefined, deadline);
  expect(base.model).toBeUndefined();
  expect(base.comparison).toEqual({
    status: 'unavailable',
    reason:
      "the base branch's model could not be loaded: gender: the 0.001 s benchmark.timeout ran out at loading the base branch's copy; raise benchmark.timeout (it bounds every stage of one model) or use a smaller input shape",
  });
});
