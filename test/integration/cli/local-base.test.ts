import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { main } from '../../../src/cli.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

test('check --base <ref> compares the working tree with the merge base, as the Action does on a PR', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-local-base-'));
  git(dir, 'init', '--quiet', '--initial-branch=main');
  await cp(example, join(dir, 'models', 'gender'), { recursive: true });
  await writeFile(join(dir, 'model-budget.yml'), 'version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    budget: { size: 300 KB }\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'base');
  // The working tree: the model is now shipped as float16, with a tighter budget.
  await writeFile(
    join(dir, 'model-budget.yml'),
    'version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    compress: { quantize: float16 }\n    budget: { size: 150 KB, size-increase: 0% }\n',
  );
  const result = await run(dir, 'check', '--base', 'main');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/\| size on disk \| 231\.8 KB \| 231\.8 KB \| 132\.2 KB \| ≤ 150 KB \| ✅ pass \|/);
  expect(result.stdout).toMatch(/- Base: compared with the merge base `[0-9a-f]{12}`/);
  // The job summary words a budget edit as the PR comment does (src/report/cells.ts), without "in this PR".
  expect(result.stdout).toContain('- ✏️ `size` budget lowered 300 KB → 150 KB');
});

test('check --base with an unknown ref or outside git says what to do', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-local-base-'));
  await cp(example, join(dir, 'models', 'gender'), { recursive: true });
  await writeFile(join(dir, 'model-budget.yml'), 'version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n');
  const outside = await run(dir, 'check', '--base', 'main');
  expect(outside.code).toBe(2);
  expect(outside.stderr).toMatch(/--base needs a git checkout/);
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'one');
  const unknown = await run(dir, 'check', '--base', 'nope');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/--base "nope" is not a commit in .*; name a branch, tag or commit/);
});
