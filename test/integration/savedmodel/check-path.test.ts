import { cp, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'savedmodel');

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

interface JsonReport {
  verdict: string;
  models: { name: string; verdict: string; notes?: string[]; metrics: Record<string, { value: number; limit?: number; status: string }> }[];
}

async function sizeOf(dir: string): Promise<number> {
  const files = ['saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001'];
  let total = 0;
  for (const f of files) total += (await stat(join(dir, f))).size;
  return total;
}

const benchmark = 'benchmark: { runtime: cpu, runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\n';

describe('model-budget check on a SavedModel folder', () => {
  test('unchanged: the size is the SavedModel on disk, budgets judged, FLOPs counted on the converted graph', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-savedmodel-check-'));
    await cp(join(fixtures, 'kws-dscnn'), join(dir, 'models', 'kws'), { recursive: true });
    await writeFile(
      join(dir, 'model-budget.yml'),
      `version: 1\n${benchmark}models:\n  - name: kws\n    path: models/kws\n    budget: { size: 1 MB, flops: 1 M }\n`,
    );
    const result = await run(dir, 'check', '--json', 'report.json');
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as JsonReport;
    const kws = json.models[0];
    // What the repository ships: saved_model.pb + variables, byte for byte.
    expect(kws?.metrics['size']).toMatchObject({ value: await sizeOf(join(fixtures, 'kws-dscnn')), limit: 1_000_000, status: 'fail' });
    // DS-CNN is about 2.7 MFLOPs per inference: over a 1 M budget, so the run fails.
    expect(kws?.metrics['flops']?.value).toBeGreaterThan(1_000_000);
    expect(kws?.metrics['flops']?.status).toBe('fail');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kws: loading models\/kws \(\d+\.\d s\)$/m);
    expect(kws?.notes?.join('\n')).toContain('SavedModel signature "serving_default"');
  });

  test('a SavedModel with a While loop (Keras LSTM) is measured: latency through executeAsync, FLOPs, drift after quantizing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-savedmodel-check-'));
    await cp(join(fixtures, 'rnn-lstm'), join(dir, 'models', 'lstm'), { recursive: true });
    await writeFile(
      join(dir, 'model-budget.yml'),
      `version: 1\n${benchmark}models:\n  - name: lstm\n    path: models/lstm\n    compress: { quantize: uint8 }\n` +
        '    budget: { latency: { p50: 10 s }, flops: 1 G, accuracy: { max-abs-error: 0.5 } }\n',
    );
    const result = await run(dir, 'check', '--json', 'report.json');
    expect(result.stderr).not.toMatch(/model-budget: /);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as JsonReport;
    const lstm = json.models[0];
    expect(lstm?.metrics['latency.p50']?.value).toBeGreaterThan(0);
    expect(lstm?.metrics['flops']?.value).toBeGreaterThan(0);
    expect(lstm?.metrics['accuracy.max-abs-error']?.value).toBeGreaterThan(0);
    expect(lstm?.notes?.join('\n')).toContain('2 control-flow function(s) kept for executeAsync');
    expect(json.verdict).toBe('pass');
    expect(result.code).toBe(0);
  });

  test('compress: quantize and output: write the converted TF.js graph model; its size is what output: holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-savedmodel-check-'));
    await cp(join(fixtures, 'kws-dscnn'), join(dir, 'models', 'kws'), { recursive: true });
    await writeFile(
      join(dir, 'model-budget.yml'),
      `version: 1\n${benchmark}models:\n  - name: kws\n    path: models/kws\n    compress: { quantize: uint8 }\n    output: dist/kws\n` +
        '    budget: { size: 150 KB, accuracy: { max-abs-error: 0.5 } }\n',
    );
    const result = await run(dir, 'check', '--json', 'report.json');
    expect(result.stderr).not.toMatch(/model-budget: /);
    expect(result.code).toBe(0);
    // The marker file that lets a later save replace the folder is no model file.
    const written = (await readdir(join(dir, 'dist', 'kws'))).filter((f) => !f.startsWith('.')).sort();
    expect(written).toEqual(['group1-shard1of1.bin', 'model.json']);
    const modelJson = JSON.parse(await readFile(join(dir, 'dist', 'kws', 'model.json'), 'utf8')) as {
      format: string;
      weightsManifest: { weights: { dtype: string; quantization?: { dtype: string } }[] }[];
    };
    expect(modelJson.format).toBe('graph-model');
    const quantized = modelJson.weightsManifest.flatMap((g) => g.weights).filter((w) => w.quantization?.dtype === 'uint8');
    expect(quantized.length).toBeGreaterThan(0);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as JsonReport;
    let outputBytes = 0;
    for (const f of written) outputBytes += (await stat(join(dir, 'dist', 'kws', f))).size;
    expect(json.models[0]?.metrics['size']).toMatchObject({ value: outputBytes, status: 'pass' });
  });

  test('signature: picks another signature, and one that does not exist lists those that do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-savedmodel-check-'));
    await cp(join(fixtures, 'module_with_multiple_signatures'), join(dir, 'sm'), { recursive: true });
    const config = (signature: string): string =>
      `version: 1\n${benchmark}models:\n  - name: m\n    path: sm\n    signature: ${signature}\n    inputs: { values: { x: 2 } }\n    budget: { size: 1 MB }\n`;
    await writeFile(join(dir, 'model-budget.yml'), config('timestwo'));
    const ok = await run(dir, 'check', '--json', 'report.json');
    expect(ok.code).toBe(0);
    const notes = (JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as JsonReport).models[0]?.notes ?? [];
    expect(notes.join('\n')).toContain('SavedModel signature "timestwo"');
    await writeFile(join(dir, 'model-budget.yml'), config('nope'));
    const bad = await run(dir, 'check');
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/nope/);
    expect(bad.stdout + bad.stderr).toMatch(/serving_default/);
    expect(bad.stdout + bad.stderr).toMatch(/timestwo/);
  });

  test('limits.model-size bounds the files read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-savedmodel-check-'));
    await cp(join(fixtures, 'kws-dscnn'), join(dir, 'models', 'kws'), { recursive: true });
    await writeFile(
      join(dir, 'model-budget.yml'),
      `version: 1\n${benchmark}models:\n  - name: kws\n    path: models/kws\n    limits: { model-size: 900 KB }\n`,
    );
    const result = await run(dir, 'check');
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/over limits\.model-size; refused before reading it/);
  });
});
