import { execFile, execFileSync } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { corpusModel } from '../../helpers/corpus.js';
import { node24 } from '../../helpers/node-binary.js';

/**
 * The shipped CLI bundle on Node 24 with a `.tflite` model, copied away from every node_modules: LiteRT's JS and its
 * relaxed-SIMD wasm come from dist/ alone; the model is compressed, written to `output:`, run on LiteRT and
 * compared with the file at the base commit.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const run = promisify(execFile);
const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

const config =
  'version: 1\nbenchmark: { runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n  - name: face\n    path: models/face.tflite\n' +
  '    compress: { quantize: float32 }\n    output: out\n    budget: { size: 600 KB, size-increase: 200%, accuracy: { max-abs-error: 0 }, flops: 100 M }\n';

test('the bundle on Node 24, with no node_modules: check a .tflite model against its base commit on LiteRT', async () => {
  const tool = await mkdtemp(join(tmpdir(), 'mb-bundle-tflite-tool-'));
  await cp(join(root, 'dist'), join(tool, 'dist'), { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'mb-bundle-tflite-'));
  git(dir, 'init', '--quiet', '--initial-branch=main');
  await mkdir(join(dir, 'models'));
  await copyFile(corpusModel('mediapipe-face-short').path, join(dir, 'models', 'face.tflite'));
  await writeFile(join(dir, 'model-budget.yml'), config.replace('compress: { quantize: float32 }\n    output: out\n    ', ''));
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'base');
  await writeFile(join(dir, 'model-budget.yml'), config);

  let result: { code: number; stdout: string; stderr: string };
  try {
    const { stdout, stderr } = await run(node24(), [join(tool, 'dist', 'cli.js'), 'check', '--base', 'main', '--json', 'report.json'], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '' },
    });
    result = { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
  expect(result.stderr).toMatch(/^face: timing on litert \(\d+\.\d s\)$/m);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Runtime litert');
  expect((await readdir(join(dir, 'out'))).filter((f) => !f.startsWith('.'))).toEqual(['face.tflite']);
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
    environment?: { runtime: string; threads: number };
    models: { format?: string; base?: { status: string }; metrics: Record<string, { value: number; base?: number; status: string }> }[];
  };
  expect(report.environment).toMatchObject({ runtime: 'litert', threads: 1 });
  const face = report.models[0];
  expect(face?.format).toBe('tflite');
  expect(face?.base?.status).toBe('compared');
  expect(face?.metrics['accuracy.max-abs-error']?.value).toBe(0);
  // float32 doubles the weights of the float16 file at the base: shipped against shipped.
  expect(face?.metrics['size']?.value).toBeGreaterThan(1.7 * (face?.metrics['size']?.base ?? Infinity));
  expect(face?.metrics['size-increase.size']?.status).toBe('pass');
});
