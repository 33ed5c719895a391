import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import { CATALOG } from '../../../src/errors.js';

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(argv, { cwd, env: {}, stdout: () => undefined, stderr: (t) => (stderr += t) });
  return { code, stderr };
}

test('an error whose fix is a config change prints the example config, indented, after the message', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-errors-'));
  const result = await run(dir, 'check');
  expect(result.code).toBe(2);
  const example = CATALOG['config/not-found'].example.replace(/^(?=.)/gm, '  ');
  expect(result.stderr).toBe(
    `model-budget: model-budget.yml:1:1 not found. Create it (see the README's "Configuration") or pass --config / the \`config\` input\n` +
      `For example, in model-budget.yml:\n${example}`,
  );
});

test('the example of a config problem found past the schema comes with it too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-errors-'));
  await writeFile(
    join(dir, 'model-budget.yml'),
    'version: 1\nbenchmark: { min-seconds: 5 s, max-seconds: 2 s }\nmodels:\n  - name: a\n    path: a/model.json\n',
  );
  const result = await run(dir, 'check');
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(
    /^model-budget: model-budget\.yml:2:\d+ benchmark\.max-seconds: is 2 s, below min-seconds \(5 s\); raise max-seconds or lower min-seconds\n/,
  );
  expect(result.stderr).toContain('For example, in model-budget.yml:\n  version: 1\n  benchmark:\n    min-seconds: 2 s\n');
});

test('an error without an example prints the message and its fix only', async () => {
  const result = await run(tmpdir(), 'frobnicate');
  expect(result.code).toBe(2);
  expect(result.stderr).toBe('model-budget: unknown command "frobnicate"; run `model-budget --help` for the commands\n');
});
