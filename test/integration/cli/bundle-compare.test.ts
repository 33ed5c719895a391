import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

/**
 * The shipped CLI bundle, run as a user runs it, on the two things a pull request must not get wrong with
 * `compress:`: comparing shipped with shipped, and never writing `output:` over a source model.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const run = promisify(execFile);

const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

const config = (compress: string, output: string): string =>
  `version: 1\nbenchmark: { runtime: cpu }\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    compress: ${compress}\n    output: ${output}\n    budget: { size-increase: 10% }\n`;

async function repository(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mb-bundle-compare-'));
  git(dir, 'init', '--quiet', '--initial-branch=main');
  await cp(join(root, 'examples', 'gender'), join(dir, 'models', 'gender'), { recursive: true });
  await writeFile(join(dir, 'model-budget.yml'), config('{ quantize: uint8 }', 'dist/gender'));
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'base');
  return dir;
}

async function check(cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, 'check', '--base', 'main'], { cwd, env: { PATH: process.env['PATH'] ?? '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('the bundle: uint8 → float16 fails size-increase: 10% against the base shipped as uint8; unchanged settings show 0.0%', async () => {
  const dir = await repository();
  const same = await check(dir);
  expect(same.code).toBe(0);
  expect(same.stdout).toMatch(/\| size on disk growth \| {2}\| {2}\| 0\.0% \| ≤ 10\.0% \| ✅ pass \|/);
  expect(same.stdout).not.toContain('What changed');

  await writeFile(join(dir, 'model-budget.yml'), config('{ quantize: float16 }', 'dist/gender'));
  const changed = await check(dir);
  expect(changed.code).toBe(1);
  expect(changed.stdout).toMatch(/size on disk grew \d+\.\d% against the base/);
  expect(changed.stdout).toContain('- Compress settings changed: `quantize: uint8` → `quantize: float16`');
});

test("the bundle: output: at the model's own folder is a config error at its line, and nothing is written", async () => {
  const dir = await repository();
  const before = await readdir(join(dir, 'models', 'gender'));
  await writeFile(join(dir, 'model-budget.yml'), config('{ quantize: uint8 }', 'models/gender'));
  const result = await check(dir);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/model-budget\.yml:7:13 models\[0\]\.output: is the folder of this model's files/);
  expect(await readdir(join(dir, 'models', 'gender'))).toEqual(before);
});
