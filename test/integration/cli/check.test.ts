import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import { record } from '../../unit/trend/records.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cwd: string, ...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-cli-'));
  await cp(example, join(dir, 'models', 'gender'), { recursive: true });
});

const config = (budget: string, extra = ''): string =>
  `version: 1\nbenchmark: { runtime: cpu, runs: 8, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n  - name: gender\n    path: models/gender/model.json\n${extra}    budget:\n${budget}`;

describe('model-budget check', () => {
  test('within budget: exit 0, the markdown report on stdout, a progress line per step on stderr', async () => {
    await writeFile(join(dir, 'model-budget.yml'), config('      size: 300 KB\n      gzip-size: { max: 250 KB, warn: 100 KB }\n'));
    const result = await run(dir, 'check', '--json', 'report.json');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('## ⚠️ model-budget: warn');
    expect(result.stdout).toMatch(/\| size on disk \| 231\.8 KB \| ≤ 300 KB \| ✅ pass \|/);
    expect(result.stderr).toMatch(/^gender: loading models\/gender\/model\.json \(\d+\.\d s\)$/m);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
      schemaVersion: number;
      verdict: string;
      models: { name: string; verdict: string; metrics: Record<string, { value: number; limit?: number; status: string }> }[];
    };
    expect(json.schemaVersion).toBe(1);
    expect(json.verdict).toBe('warn');
    expect(json.models[0]?.metrics['size']).toMatchObject({ value: 231_781, limit: 300_000, status: 'pass' });
    expect(json.models[0]?.metrics['gzip-size']?.status).toBe('warn');
    // Brotli 11 is slow and nothing asks for it: left out, and the report says so. The basic timings are always there.
    expect(json.models[0]?.metrics['brotli-size']).toBeUndefined();
    expect(result.stdout).toContain('not measured (no budget needs them): brotli size, FLOPs, parameters');
    expect(json.models[0]?.metrics['latency.p50']?.status).toBe('no-budget');
    expect(json.models[0]?.metrics['memory']?.value).toBeGreaterThan(0);
  });

  test('a hard budget broken: exit 1 and the message says by how much', async () => {
    await writeFile(join(dir, 'model-budget.yml'), config('      size: 200 KB\n'));
    const result = await run(dir, 'check');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('231.8 KB is over the 200 KB budget by 15.9%');
  });

  test('compression: budgets apply to the compressed model, original shown beside it, output written, drift measured', async () => {
    await writeFile(
      join(dir, 'model-budget.yml'),
      config('      size: 100 KB\n      accuracy: { max-abs-error: 0.05, cosine: 0.999 }\n', '    compress: { quantize: uint8 }\n    output: out/gender\n'),
    );
    const result = await run(dir, 'check', '--json', 'r.json');
    expect(result.code).toBe(0);
    const json = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as {
      models: { metrics: Record<string, { value: number; original?: number; status: string }> }[];
    };
    const metrics = json.models[0]?.metrics ?? {};
    expect(metrics['size']?.original).toBe(231_781);
    expect(metrics['size']?.value).toBeLessThan(0.4 * 231_781);
    expect(metrics['accuracy.max-abs-error']?.value).toBeGreaterThan(0);
    expect(metrics['accuracy.cosine']?.status).toBe('pass');
    // Checked on synthetic inputs only: the report says so and points at real samples.
    expect(result.stdout + result.stderr).toContain('accuracy was checked on seeded synthetic inputs only');
    expect(result.stdout + result.stderr).toContain('inputs.images');
    // Each output with its kind: the gender head is a softmax, so top-1 and cosine apply.
    expect(result.stdout).toMatch(
      /accuracy of output (?:"|&quot;)[^"&]+(?:"|&quot;) \(classification, inferred[^)]*\): max abs error [\d.e-]+, RMSE [\d.e-]+, top-1 [\d.]+%, cosine worst/,
    );
    const written = JSON.parse(await readFile(join(dir, 'out', 'gender', 'model.json'), 'utf8')) as {
      weightsManifest: { weights: { quantization?: { dtype: string } }[] }[];
    };
    expect(written.weightsManifest[0]?.weights.some((w) => w.quantization?.dtype === 'uint8')).toBe(true);
  });

  test('trend budgets: --history judges them as the Action does, and a run past one fails', async () => {
    await writeFile(join(dir, 'model-budget.yml'), config('      size: 1 MB\n      trend: { size: 5% }\n'));
    // Five main-branch points of 200 KB: the example's 231.8 KB is +15.9%.
    const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify(record({ sha: `s${i}`, size: 200_000 })));
    await writeFile(join(dir, 'gender.jsonl'), `${lines.join('\n')}\n`);
    const failed = await run(dir, 'check', '--history', 'gender.jsonl');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('which is more than the 5% trend budget');

    await writeFile(join(dir, 'model-budget.yml'), config('      size: 1 MB\n      trend: { size: 20% }\n'));
    expect((await run(dir, 'check', '--history', 'gender.jsonl')).code).toBe(0);
  });

  test('--leg: the matching budget.per-leg applies, the report names the leg, trend budgets read that leg only', async () => {
    await writeFile(join(dir, 'model-budget.yml'), config('      size: 300 KB\n      per-leg:\n        "*-arm64":\n          size: 200 KB\n'));
    const x64 = await run(dir, 'check', '--leg', 'linux-x64', '--json', 'x64.json');
    expect(x64.code).toBe(0);
    expect((JSON.parse(await readFile(join(dir, 'x64.json'), 'utf8')) as { leg: string }).leg).toBe('linux-x64');
    const arm = await run(dir, 'check', '--leg', 'Linux ARM64');
    expect(arm.code).toBe(1);
    expect(arm.stdout).toContain('231.8 KB is over the 200 KB budget');

    // arm64's history is at 231.8 KB, x64's far below: only the leg's own series is compared.
    await writeFile(join(dir, 'model-budget.yml'), config('      size: 1 MB\n      trend: { size: 5% }\n'));
    const lines = Array.from({ length: 5 }, (_, i) => [
      JSON.stringify(record({ sha: `s${i}`, size: 200_000, leg: 'linux-x64' })),
      JSON.stringify(record({ sha: `s${i}`, size: 231_781, leg: 'linux-arm64' })),
    ]).flat();
    await writeFile(join(dir, 'legs.jsonl'), `${lines.join('\n')}\n`);
    expect((await run(dir, 'check', '--leg', 'linux-arm64', '--history', 'legs.jsonl')).code).toBe(0);
    expect((await run(dir, 'check', '--leg', 'linux-x64', '--history', 'legs.jsonl')).code).toBe(1);
    expect((await run(dir, 'check', '--leg', '***')).code).toBe(2);
  });

  test('a config error: exit 2, file:line:col, no stack trace', async () => {
    await writeFile(join(dir, 'model-budget.yml'), config('      size: 5 MX\n'));
    const result = await run(dir, 'check');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'model-budget: model-budget.yml:7:13 models[0].budget.size: expected a size like "5 MB", "512 KiB" or a number of bytes, got "5 MX"\n',
    );
  });

  test('a missing config says how to create one', async () => {
    const result = await run(dir, 'check', '--config', 'nope.yml');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nope\.yml:1:1 not found\. Create it/);
  });

  test('a model that cannot load: exit 2, the report says which model and why, other models are still checked', async () => {
    await writeFile(
      join(dir, 'model-budget.yml'),
      `version: 1\nmodels:\n  - name: broken\n    path: models/none/model.json\n  - name: gender\n    path: models/gender/model.json\n    budget: { size: 1 MB }\n`,
    );
    const result = await run(dir, 'check');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/### 💥 broken/);
    expect(result.stdout).toMatch(/### ✅ gender/);
    expect(result.stderr).toMatch(/model-budget: broken: .*models\/none\/model\.json not found/);
  });

  test('usage errors exit 2; --help exits 0', async () => {
    expect((await run(dir, 'frobnicate')).stderr).toMatch(/unknown command "frobnicate"/);
    expect((await run(dir, 'check', '--bogus')).code).toBe(2);
    const help = await run(dir, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/model-budget check \[--config model-budget\.yml\]/);
  });
});

describe('compress: auto', () => {
  test('finds a mixed precision inside the accuracy budget and reports the choice per weight', async () => {
    await writeFile(
      join(dir, 'model-budget.yml'),
      'version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    compress: { auto: { max-evaluations: 24 } }\n    inputs: { samples: 2 }\n' +
        '    budget:\n      accuracy: { max-abs-error: 0.004 }\n',
    );
    const result = await run(dir, 'check', '--json', 'auto.json');
    const json = JSON.parse(await readFile(join(dir, 'auto.json'), 'utf8')) as {
      models: {
        metrics: Record<string, { value: number; original?: number; status: string }>;
        precision?: { name: string; dtype: string }[];
        frontier?: { bytesBefore: number; points: { bytes: number; kind: string; pareto: boolean; chosen: boolean; withinBudget: boolean }[] };
      }[];
    };
    const [model] = json.models;
    // Uniform uint8 drifts 0.0067 on this model: the search must keep some weights wider, and say which.
    const dtypes = new Set(model?.precision?.map((p) => p.dtype));
    expect(model?.precision).toHaveLength(38); // every float32 weight (the int32 one is a shape)
    expect(dtypes.has('uint8')).toBe(true);
    expect(dtypes.size).toBeGreaterThan(1);
    expect(model?.metrics['accuracy.max-abs-error']?.status).toBe('pass');
    expect(model?.metrics['size']?.value).toBeLessThan(model?.metrics['size']?.original ?? 0);
    expect(result.stdout).toMatch(/<details><summary>Precision chosen by auto: /);
    // The frontier: every evaluated candidate, the uniform uint8 one among them, the chosen one inside the budget.
    const points = model?.frontier?.points ?? [];
    expect(points.some((p) => p.kind === 'all-uint8' && !p.withinBudget)).toBe(true);
    expect(points.filter((p) => p.chosen)).toEqual([expect.objectContaining({ withinBudget: true, pareto: true })]);
    expect(result.stdout).toMatch(/<summary><b>Smallest model within your budget<\/b>/);
    expect(result.stdout).toContain('```mermaid\nxychart-beta');
  });

  test('without an accuracy budget it says what to add', async () => {
    await writeFile(join(dir, 'model-budget.yml'), 'version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    compress: auto\n');
    const result = await run(dir, 'check');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/compress: auto needs an accuracy budget to stay inside, e\.g\. budget: \{ accuracy: \{ max-abs-error: 0\.01 \} \}/);
  });
});

describe('compress: quantize per-channel, levels auto', () => {
  test('levels auto without an accuracy budget keeps drift no worse than 256 levels; the notes give each technique’s raw and gzip effect, no brotli', async () => {
    await writeFile(
      join(dir, 'model-budget.yml'),
      'version: 1\nbenchmark: { runtime: cpu, runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n  - name: gender\n    path: models/gender/model.json\n' +
        '    compress: { prune: 0.3, quantize: { dtype: uint8, per-channel: true, levels: auto } }\n    inputs: { samples: 2 }\n' +
        '    budget:\n      gzip-size: 1 MB\n',
    );
    const result = await run(dir, 'check');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^gender: levels: 1\/40 every weight on all its codes: max-abs [\d.e-]+ \(/m);
    expect(result.stdout).toMatch(/per-channel scales on \d+ layer\(s\): 0 folded into a Mul, \d+ with an inserted Mul, 0 split/);
    expect(result.stdout).toMatch(/levels auto \(max-abs no worse than on every code\): \d+ of \d+ uint8 weight\(s\) on fewer codes/);
    expect(result.stdout).toMatch(/prune size effect: raw 231\.8 KB → [\d.]+ KB \(−[\d.]+%\), gzip [\d.]+ KB → [\d.]+ KB \(−[\d.]+%\)\n/);
    expect(result.stdout).toMatch(/quantize size effect: raw [\d.]+ KB → [\d.]+ KB \(−[\d.]+%\), gzip [\d.]+ KB → [\d.]+ KB \(−[\d.]+%\)\n/);
    expect(result.stdout).not.toMatch(/size effect:.*brotli/);
  });
});
