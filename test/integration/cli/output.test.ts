import { cp, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { runCheck } from '../../../src/run.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');
const ports = { progress: () => undefined, warn: () => undefined };

/** A repository (it has .git) with the example model and a config whose gender model writes to `output`. */
async function repository(output: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mb-output-'));
  await mkdir(join(dir, '.git'));
  await cp(example, join(dir, 'models', 'gender'), { recursive: true });
  await writeFile(
    join(dir, 'model-budget.yml'),
    `version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    compress: { quantize: uint8 }\n    output: ${output}\n`,
  );
  return dir;
}

test("output: the model's own folder is a config error at its line, and the source is untouched", async () => {
  const dir = await repository('models/gender');
  const before = await readdir(join(dir, 'models', 'gender'));
  const error = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(/^model-budget\.yml:6:13 models\[0\]\.output: is the folder of this model's files \(models\/gender\/model\.json\)/);
  expect(await readdir(join(dir, 'models', 'gender'))).toEqual(before);
});

test('output: a folder of files model-budget did not write fails the model, and its files stay', async () => {
  const dir = await repository('docs');
  await mkdir(join(dir, 'docs'));
  await writeFile(join(dir, 'docs', 'group1-shard1of1.bin'), 'not ours');
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
  expect(report.models[0]?.verdict).toBe('error');
  expect(report.models[0]?.error).toMatch(/docs already holds files model-budget did not write \(group1-shard1of1\.bin\); point `output:` at a new folder/);
  expect(await readFile(join(dir, 'docs', 'group1-shard1of1.bin'), 'utf8')).toBe('not ours');
});

test('output: a committed symbolic link out of the repository is refused; a new folder is written, and written again', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'mb-outside-'));
  const linked = await repository('dist/gender');
  await symlink(outside, join(linked, 'dist'));
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: linked }, ports);
  expect(report.models[0]?.error).toMatch(/leads outside the repository through a symbolic link/);
  expect(await readdir(outside)).toEqual([]);

  const dir = await repository('dist/gender');
  for (let run = 0; run < 2; run++) {
    const again = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
    expect(again.report.models[0]?.verdict).toBe('pass');
  }
  expect((await readdir(join(dir, 'dist', 'gender'))).sort()).toEqual(['.model-budget-output', 'group1-shard1of1.bin', 'model.json']);
});

test("output: a committed symbolic link into a model's folder is refused once the link is followed", async () => {
  const dir = await repository('alias/compressed');
  await symlink(join(dir, 'models', 'gender'), join(dir, 'alias'));
  const before = await readdir(join(dir, 'models', 'gender'));
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
  expect(report.models[0]?.error).toMatch(
    /alias\/compressed is .*models\/gender\/compressed once symbolic links are followed, which overlaps the source model .*models\/gender; point `output:` at a folder of its own/,
  );
  expect(await readdir(join(dir, 'models', 'gender'))).toEqual(before);
});
