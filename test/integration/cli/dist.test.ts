import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { runActionOnPush } from '../../helpers/node-binary.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    if ((await stat(join(dir, entry))).isFile()) out.push(entry);
  }
  return out.sort();
}

test('dist/ is exactly what `npm run build` makes from src/', { timeout: 300_000 }, async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'mb-dist-')), 'dist');
  await run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--out', out], { cwd: root });
  const committed = join(root, 'dist');
  expect(await files(committed)).toEqual(await files(out));
  const stale: string[] = [];
  for (const file of await files(out)) {
    const [a, b] = await Promise.all([readFile(join(committed, file)), readFile(join(out, file))]);
    if (!a.equals(b)) stale.push(relative(root, join(committed, file)));
  }
  expect(stale, 'dist/ is stale: run `npm run build` and commit dist/').toEqual([]);
});

test('the bundled CLI is self-contained: it checks the example from a folder with no node_modules', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-bundle-'));
  await cp(join(root, 'dist'), join(dir, 'tool', 'dist'), { recursive: true });
  await cp(join(root, 'examples', 'gender'), join(dir, 'work', 'gender'), { recursive: true });
  // A Keras 3 file too: the HDF5 reader (h5wasm) must work inside the bundle.
  await cp(join(root, 'test', 'fixtures', 'keras', 'k3-cnn-sequential.keras'), join(dir, 'work', 'mnist.keras'));
  // And a Keras 2 HDF5 file, read by h5wasm as it is (no zip around it).
  await cp(join(root, 'test', 'fixtures', 'keras', 'k2-mlp-sequential.h5'), join(dir, 'work', 'mlp.h5'));
  await writeFile(
    join(dir, 'work', 'model-budget.yml'),
    'version: 1\nmodels:\n  - name: gender\n    path: gender/model.json\n    compress: { quantize: float16 }\n    budget:\n      size: 150 KB\n      latency: { p50: 1 s }\n      accuracy: { cosine: 0.999 }\n' +
      '  - name: mnist\n    path: mnist.keras\n    budget: { size: 1 MB }\n' +
      '  - name: mlp\n    path: mlp.h5\n    budget: { size: 1 MB }\n',
  );
  const { stdout } = await run(process.execPath, [join(dir, 'tool', 'dist', 'cli.js'), 'check', '--json', 'r.json'], {
    cwd: join(dir, 'work'),
    env: { PATH: process.env['PATH'] ?? '' },
  });
  expect(stdout).toContain('## ✅ model-budget: pass');
  const report = JSON.parse(await readFile(join(dir, 'work', 'r.json'), 'utf8')) as {
    environment?: { runtime: string };
    models?: { name: string; verdict: string }[];
  };
  expect(report.models?.map((m) => [m.name, m.verdict])).toEqual([
    ['gender', 'pass'],
    ['mnist', 'pass'],
    ['mlp', 'pass'],
  ]);
  // The wasm binaries next to the bundle loaded: the default runtime ran.
  expect(report.environment?.runtime).toBe('wasm');
});

test('the bundled Action is self-contained: dist/index.js runs a push check on Node 24 from a folder with no node_modules', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-action-bundle-'));
  await cp(join(root, 'dist'), join(dir, 'action', 'dist'), { recursive: true });
  const workspace = join(dir, 'workspace');
  await cp(join(root, 'examples', 'gender'), join(workspace, 'gender'), { recursive: true });
  await writeFile(join(workspace, 'model-budget.yml'), 'version: 1\nmodels:\n  - name: gender\n    path: gender/model.json\n    budget: { size: 300 KB }\n');
  const { stdout, summary, output } = await runActionOnPush(join(dir, 'action', 'dist', 'index.js'), workspace, dir);
  expect(stdout).toMatch(/gender: done/);
  expect(summary).toContain('## ✅ model-budget: pass');
  expect(output).toMatch(/^verdict<<.*\npass\n/m);
});
