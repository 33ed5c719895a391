import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCheck } from '../../../src/run.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');
const ports = { progress: () => undefined, warn: () => undefined };

async function workspace(config: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mb-base-'));
  await cp(example, join(dir, 'models', 'gender'), { recursive: true });
  await writeFile(join(dir, 'model-budget.yml'), config);
  return dir;
}

test('the base branch snapshot: base values, budget changes, new models', async () => {
  const head = await workspace(
    'version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    compress: { quantize: float16 }\n    budget: { size: 200 KB, size-increase: 10% }\n' +
      '  - name: newcomer\n    path: models/gender/model.json\n',
  );
  const base = await workspace('version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    budget: { size: 150 KB }\n');
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: head, base: { dir: base, ref: 'abc1234' } }, ports);

  const [gender, newcomer] = report.models;
  expect(gender?.base).toEqual({ status: 'compared', ref: 'abc1234' });
  const size = gender?.metrics.find((m) => m.key === 'size');
  expect(size?.base).toBe(231_781);
  expect(size?.value).toBeLessThan(size?.base ?? 0);
  expect(gender?.metrics.find((m) => m.key === 'size-increase.size')?.status).toBe('pass');
  expect(gender?.budgetChanges).toEqual([{ key: 'size', unit: 'bytes', from: 150_000, to: 200_000 }]);
  // Every float32 weight became float16: the "what changed" table lists the biggest changes first.
  const changes = gender?.weightChanges ?? [];
  expect(changes).toHaveLength(10);
  expect(changes[0]).toMatchObject({ dtype: 'float16', baseDtype: 'float32', bytes: 32_768, baseBytes: 65_536 });
  // "newcomer" is not in the base config, but its path exists there: it is compared by path.
  expect(newcomer?.base).toEqual({ status: 'compared', ref: 'abc1234' });
});

test('a model whose file is absent at the base is new: no comparison, no phantom regression', async () => {
  const head = await workspace('version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    budget: { size: 1 MB, size-increase: 1% }\n');
  const base = await mkdtemp(join(tmpdir(), 'mb-base-empty-'));
  await mkdir(join(base, 'models'));
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: head, base: { dir: base, ref: 'abc1234' } }, ports);
  const [gender] = report.models;
  expect(gender?.base).toEqual({ status: 'new' });
  expect(gender?.metrics.some((m) => m.key.startsWith('size-increase'))).toBe(false);
  expect(gender?.verdict).toBe('pass');
});

test('a base model that cannot be loaded is "unavailable", not a failure', async () => {
  const head = await workspace('version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    budget: { size: 1 MB }\n');
  const base = await workspace('version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n');
  await writeFile(join(base, 'models', 'gender', 'model.json'), 'not json');
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: head, base: { dir: base, ref: 'abc1234' } }, ports);
  expect(report.models[0]?.base).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('is not valid JSON') as string });
  expect(report.verdict).toBe('pass');
});

test('base shards that are Git LFS pointers: the size comes from the pointers, and the report says so', async () => {
  const head = await workspace('version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    budget: { size: 1 MB }\n');
  const base = await workspace('version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n');
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 300000\n`;
  await writeFile(join(base, 'models', 'gender', 'gender.bin'), pointer);
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: head, base: { dir: base, ref: 'abc1234' } }, ports);
  const [gender] = report.models;
  expect(gender?.base).toEqual({ status: 'compared', ref: 'abc1234' });
  expect(gender?.metrics.find((m) => m.key === 'size')?.base).toBe(29_973 + 300_000);
  expect(gender?.metrics.find((m) => m.key === 'gzip-size')?.base).toBeUndefined();
  expect(gender?.notes.join('\n')).toMatch(/Git LFS pointers/);
});
