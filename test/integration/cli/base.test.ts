import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { hasMeasuredChange } from '../../../src/action/report-helpers.js';
import type { ModelReport } from '../../../src/report/types.js';
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
  // The base ships the source as it is (no compress there), the PR adds compression: shipped against shipped.
  expect(gender?.base).toEqual({ status: 'compared', ref: 'abc1234', compressChange: { from: 'none', to: 'quantize: float16' } });
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

describe('with compress: the base copy is compressed as the base branch ships it (like for like)', () => {
  const gender = (compress: string, budget = '{ size-increase: 10% }'): string =>
    `version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    compress: ${compress}\n    budget: ${budget}\n`;
  const sizes = (model: ModelReport | undefined): [string, number, number | undefined][] =>
    (model?.metrics ?? []).filter((m) => ['size', 'gzip-size', 'brotli-size'].includes(m.key)).map((m) => [m.key, m.value, m.base]);

  test('an untouched model under the same quantize: 0% size change, no weight changes, nothing for on-change to show', async () => {
    const config = gender('{ quantize: uint8 }');
    const { report } = await runCheck(
      { configPath: 'model-budget.yml', cwd: await workspace(config), base: { dir: await workspace(config), ref: 'abc1234' } },
      ports,
    );
    const [model] = report.models;
    expect(model?.base).toEqual({ status: 'compared', ref: 'abc1234', compressedWith: 'base-config' });
    for (const [key, value, base] of sizes(model)) expect(base, key).toBe(value);
    // The uint8 copy is far smaller than the float32 source (231,781 bytes): both sides are the shipped one.
    expect(model?.metrics.find((m) => m.key === 'size')?.value).toBeLessThan(231_781 / 2);
    expect(model?.metrics.filter((m) => m.key.startsWith('size-increase.')).map((m) => [m.key, m.value, m.status])).toEqual([
      // gzip and brotli sizes are measured only when budgeted, so size-increase applies to the raw size here.
      ['size-increase.size', 0, 'pass'],
    ]);
    expect(model?.weightChanges).toBeUndefined();
    expect(hasMeasuredChange(report)).toBe(false);
  });

  test('uint8 → float16 grows the shipped model and fails size-increase: 10%, and the report says the settings changed', async () => {
    const head = await workspace(gender('{ quantize: float16 }'));
    const base = await workspace(gender('{ quantize: uint8 }'));
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: head, base: { dir: base, ref: 'abc1234' } }, ports);
    const [model] = report.models;
    const increase = model?.metrics.find((m) => m.key === 'size-increase.size');
    expect(increase?.status).toBe('fail');
    expect(increase?.message).toMatch(/grew \d+(\.\d+)?% against the base/);
    expect(increase?.value).toBeGreaterThan(0.5);
    expect(model?.verdict).toBe('fail');
    expect(model?.base).toEqual({
      status: 'compared',
      ref: 'abc1234',
      compressedWith: 'base-config',
      compressChange: { from: 'quantize: uint8', to: 'quantize: float16' },
    });
    expect(model?.weightChanges?.[0]).toMatchObject({ dtype: 'float16', baseDtype: 'uint8' });
    expect(hasMeasuredChange(report)).toBe(true);
  });

  test("a base config that does not name the model: its copy is compressed with this PR's settings, and the report says so", async () => {
    const head = await workspace(gender('{ quantize: uint8 }'));
    const base = await workspace('version: 1\nmodels:\n  - name: other\n    path: models/gender/model.json\n');
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: head, base: { dir: base, ref: 'abc1234' } }, ports);
    const [model] = report.models;
    expect(model?.base).toEqual({ status: 'compared', ref: 'abc1234', compressedWith: 'head-config' });
    expect(model?.notes.join('\n')).toMatch(
      /the base branch's config does not name this model \(or could not be read\), so its copy is compressed with this pull request's compress settings/,
    );
    for (const [key, value, base] of sizes(model)) expect(base, key).toBe(value);
  });

  test('the PR drops compression: the raw model now shipped is compared with the compressed one the base ships', async () => {
    const head = await workspace('version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    budget: { size-increase: 10% }\n');
    const base = await workspace(gender('{ quantize: uint8 }'));
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: head, base: { dir: base, ref: 'abc1234' } }, ports);
    const [model] = report.models;
    expect(model?.metrics.find((m) => m.key === 'size')?.value).toBe(231_781);
    expect(model?.metrics.find((m) => m.key === 'size-increase.size')?.status).toBe('fail');
    expect(model?.base).toMatchObject({ compressChange: { from: 'quantize: uint8', to: 'none' } });
  });

  test('compress: auto on both sides reruns the same search with the base budget: an untouched model does not move', async () => {
    const config = gender('auto', '{ size-increase: 1%, accuracy: { max-abs-error: 0.05 } }');
    const { report } = await runCheck(
      { configPath: 'model-budget.yml', cwd: await workspace(config), base: { dir: await workspace(config), ref: 'abc1234' } },
      ports,
    );
    const [model] = report.models;
    expect(model?.precision?.length).toBeGreaterThan(0);
    expect(model?.base).toEqual({ status: 'compared', ref: 'abc1234', compressedWith: 'base-config' });
    for (const [key, value, base] of sizes(model)) expect(base, key).toBe(value);
    expect(model?.weightChanges).toBeUndefined();
  });

  test("the base's own output: is never written, so an old one that is refused today does not hide the base's settings", async () => {
    const head = await workspace(gender('{ quantize: uint8 }'));
    const base = await workspace(`${gender('{ quantize: uint8 }')}    output: models/gender\n`);
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: head, base: { dir: base, ref: 'abc1234' } }, ports);
    expect(report.models[0]?.base).toEqual({ status: 'compared', ref: 'abc1234', compressedWith: 'base-config' });
  });
});
