import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, test } from 'vitest';
import { node24 } from '../../helpers/node-binary.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
/** A workspace where `npm i @tensorflow/tfjs-node` ran (a stand-in: test/fixtures/runtimes/README.md). */
const workspace = join(root, 'test', 'fixtures', 'runtimes', 'tfjs-node-standin');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-bundle-tfjs-node-'));
  await cp(join(root, 'dist'), join(dir, 'tool', 'dist'), { recursive: true });
  await cp(join(root, 'examples', 'gender'), join(dir, 'config', 'gender'), { recursive: true });
  await writeFile(
    join(dir, 'config', 'model-budget.yml'),
    'version: 1\nbenchmark: { runtime: tensorflow, runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\n' +
      'models:\n  - name: gender\n    path: gender/model.json\n    budget: { size: 300 KB, latency: { p50: 10 s } }\n',
  );
}, 60_000);

test('runtime: tensorflow starts in the CLI bundle on Node 24, whose util lacks isNullOrUndefined', async () => {
  const json = join(dir, 'r.json');
  const { stdout } = await run(node24(), [join(dir, 'tool', 'dist', 'cli.js'), 'check', '--config', join(dir, 'config', 'model-budget.yml'), '--json', json], {
    cwd: workspace,
    env: { PATH: process.env['PATH'] ?? '' },
  });
  expect(stdout).toContain('## ✅ model-budget: pass');
  const report = JSON.parse(await readFile(json, 'utf8')) as { environment?: { runtime: string; runtimeVersion: string; node: string } };
  expect(report.environment).toMatchObject({ runtime: 'tensorflow', runtimeVersion: '4.22.0-standin' });
  expect(report.environment?.node).toMatch(/^v24\./);
}, 120_000);
