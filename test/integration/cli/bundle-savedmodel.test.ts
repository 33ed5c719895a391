import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { node24 } from '../../helpers/node-binary.js';

/**
 * The shipped CLI bundle on Node 24 with a SavedModel folder as `path:`: the converter (protobuf descriptors, the
 * TensorBundle reader) is bundled, the folder is detected, compressed, written to `output:` and compared with the
 * SavedModel at the base commit.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const fixtures = join(root, 'test', 'fixtures', 'savedmodel');
const run = promisify(execFile);

const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

const config =
  'version: 1\nbenchmark: { runtime: wasm, runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n  - name: kws\n    path: models/kws\n' +
  '    compress: { quantize: uint8 }\n    output: dist/kws\n    budget: { size: 150 KB, accuracy: { max-abs-error: 0.5 } }\n';

test('the bundle on Node 24: check a SavedModel folder, write output:, compare with the base commit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-bundle-savedmodel-'));
  git(dir, 'init', '--quiet', '--initial-branch=main');
  await cp(join(fixtures, 'times-three-float'), join(dir, 'models', 'kws'), { recursive: true });
  await writeFile(join(dir, 'model-budget.yml'), config);
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'base');
  await rm(join(dir, 'models', 'kws'), { recursive: true });
  await cp(join(fixtures, 'kws-dscnn'), join(dir, 'models', 'kws'), { recursive: true });

  let result: { code: number; stdout: string; stderr: string };
  try {
    const { stdout, stderr } = await run(node24(), [cli, 'check', '--base', 'main', '--json', 'report.json'], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '' },
    });
    result = { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
  expect(result.stderr).toMatch(/^kws: loading models\/kws \(\d+\.\d s\)$/m);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/- Base: compared with the merge base `[0-9a-f]{12}`/);
  expect((await readdir(join(dir, 'dist', 'kws'))).filter((f) => !f.startsWith('.')).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
    models: { base?: { status: string }; metrics: Record<string, { value: number; base?: number; status: string }> }[];
  };
  const kws = report.models[0];
  expect(kws?.base?.status).toBe('compared');
  // Both sides compressed as configured: the base is times-three (a few hundred bytes), the head DS-CNN (its
  // BatchNorms folded into the kernels by the conversion's optimizer: about 42 KB at uint8).
  expect(kws?.metrics['size']?.base).toBeLessThan(2_000);
  expect(kws?.metrics['size']?.value).toBeGreaterThan(30_000);
  expect(kws?.metrics['size']?.status).toBe('pass');
});

test('the bundle on Node 24: a SavedModel with a While loop (Keras LSTM) is checked on wasm and written with its functions', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-bundle-savedmodel-'));
  await cp(join(fixtures, 'rnn-lstm'), join(dir, 'models', 'lstm'), { recursive: true });
  await writeFile(
    join(dir, 'model-budget.yml'),
    'version: 1\nbenchmark: { runtime: wasm, runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n  - name: lstm\n    path: models/lstm\n' +
      '    compress: { quantize: float16 }\n    output: dist/lstm\n    budget: { latency: { p50: 10 s }, accuracy: { max-abs-error: 0.1 } }\n',
  );
  const { stderr } = await run(node24(), [cli, 'check', '--json', 'report.json'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
  expect(stderr).toMatch(/^lstm: loading models\/lstm \(\d+\.\d s\)$/m);
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
    verdict: string;
    models: { metrics: Record<string, { value: number; status: string }> }[];
  };
  expect(report.verdict).toBe('pass');
  expect(report.models[0]?.metrics['latency.p50']?.value).toBeGreaterThan(0);
  const written = JSON.parse(await readFile(join(dir, 'dist', 'lstm', 'model.json'), 'utf8')) as { modelTopology: { library: { function: unknown[] } } };
  expect(written.modelTopology.library.function).toHaveLength(2);
});
