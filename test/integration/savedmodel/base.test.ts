import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import { materializeLocalBase } from '../../../src/git/base-snapshot.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'savedmodel');
const FILES = ['saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001'];

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const f of FILES) total += (await stat(join(dir, f))).size;
  return total;
}

const config =
  'version: 1\nbenchmark: { runtime: cpu, runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n  - name: sm\n    path: models/sm\n    budget: { size: 2 MB }\n';

/**
 * A repository whose base commit holds `base` at models/sm (changed by `alter` before it is committed); the working
 * tree then holds `head` there.
 */
async function repository(base: string, head: string, alter?: (folder: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mb-savedmodel-base-'));
  git(dir, 'init', '--quiet', '--initial-branch=main');
  await cp(join(fixtures, base), join(dir, 'models', 'sm'), { recursive: true });
  await alter?.(join(dir, 'models', 'sm'));
  // A stray file in the folder is no part of the SavedModel: it is not copied out of the commit.
  await writeFile(join(dir, 'models', 'sm', 'README.txt'), 'notes\n');
  await writeFile(join(dir, 'model-budget.yml'), config);
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'base');
  await rm(join(dir, 'models', 'sm'), { recursive: true });
  await cp(join(fixtures, head), join(dir, 'models', 'sm'), { recursive: true });
  return dir;
}

test('the base snapshot copies the SavedModel files of the folder out of the base commit', async () => {
  const dir = await repository('times-three-float', 'kws-dscnn');
  const snapshot = await materializeLocalBase({ workingDir: dir, configPath: join(dir, 'model-budget.yml'), ref: 'main' });
  try {
    expect([...snapshot.files].sort()).toEqual(['model-budget.yml', ...FILES.map((f) => `models/sm/${f}`)].sort());
    expect(await sizeOf(join(snapshot.dir, 'models', 'sm'))).toBe(await sizeOf(join(fixtures, 'times-three-float')));
    expect(snapshot.lfsPointers).toEqual([]);
  } finally {
    await snapshot.cleanup();
  }
});

test('check --base compares the SavedModel in the working tree with the different one at the base commit', async () => {
  const dir = await repository('times-three-float', 'kws-dscnn');
  const result = await run(dir, 'check', '--base', 'main', '--json', 'report.json');
  expect(result.code).toBe(0);
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
    models: { base?: { status: string }; metrics: Record<string, { value: number; base?: number }> }[];
  };
  const sm = report.models[0];
  expect(sm?.base?.status).toBe('compared');
  expect(sm?.metrics['size']).toMatchObject({ value: await sizeOf(join(fixtures, 'kws-dscnn')), base: await sizeOf(join(fixtures, 'times-three-float')) });
});

test('variables kept in Git LFS at the base: the pointer is listed, and the base size comes from it', async () => {
  const realBytes = 123_456;
  // At the base commit the variables' data file is an LFS pointer (what git holds for a file kept in LFS).
  const dir = await repository('times-three-float', 'times-three-float', (folder) =>
    writeFile(
      join(folder, 'variables', 'variables.data-00000-of-00001'),
      `version https://git-lfs.github.com/spec/v1\noid sha256:${'b'.repeat(64)}\nsize ${realBytes}\n`,
    ),
  );
  const snapshot = await materializeLocalBase({ workingDir: dir, configPath: join(dir, 'model-budget.yml'), ref: 'main' });
  try {
    expect(snapshot.lfsPointers).toEqual([{ path: 'models/sm/variables/variables.data-00000-of-00001', size: realBytes }]);
  } finally {
    await snapshot.cleanup();
  }
  const result = await run(dir, 'check', '--base', 'main', '--json', 'report.json');
  expect(result.code).toBe(0);
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
    models: { notes?: string[]; metrics: Record<string, { value: number; base?: number }> }[];
  };
  const pb = await stat(join(fixtures, 'times-three-float', 'saved_model.pb'));
  const index = await stat(join(fixtures, 'times-three-float', 'variables', 'variables.index'));
  expect(report.models[0]?.metrics['size']?.base).toBe(pb.size + index.size + realBytes);
  expect(report.models[0]?.notes?.join('\n')).toContain('Git LFS pointers');
});

test('a variables file committed as a symbolic link is not copied out of the base commit, and the base is unavailable', async () => {
  const dir = await repository('times-three-float', 'times-three-float', async (folder) => {
    const data = join(folder, 'variables', 'variables.data-00000-of-00001');
    await rm(data);
    await symlink('/etc/hostname', data);
  });
  const snapshot = await materializeLocalBase({ workingDir: dir, configPath: join(dir, 'model-budget.yml'), ref: 'main' });
  try {
    expect([...snapshot.files].sort()).toEqual(['model-budget.yml', 'models/sm/saved_model.pb', 'models/sm/variables/variables.index']);
  } finally {
    await snapshot.cleanup();
  }
  const result = await run(dir, 'check', '--base', 'main', '--json', 'report.json');
  expect(result.code).toBe(0);
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { models: { base?: { status: string; reason?: string } }[] };
  expect(report.models[0]?.base?.status).toBe('unavailable');
  expect(report.models[0]?.base?.reason).toMatch(/variables\.data-00000-of-00001 is missing/);
});
