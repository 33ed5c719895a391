import { execFile } from 'node:child_process';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { node24 } from '../../helpers/node-binary.js';
import { fixture } from '../../unit/keras/fixtures.js';

const root = join(import.meta.dirname, '..', '..', '..');

/** A workspace whose model's custom-layers module never returns once imported: loading spins in synchronous code. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-bundle-load-timeout-'));
  await cp(join(root, 'dist'), join(dir, 'tool', 'dist'), { recursive: true });
  const work = join(dir, 'work');
  await cp(fixture('k2-mlp-sequential.h5'), join(work, 'mlp.h5'));
  await writeFile(join(work, 'spin.mjs'), 'for (;;) {}\n');
  await writeFile(
    join(work, 'model-budget.yml'),
    'version: 1\nbenchmark: { timeout: 2 s }\nmodels:\n  - name: mlp\n    path: mlp.h5\n    custom-layers: spin.mjs\n    budget: { size: 1 MB }\n',
  );
}, 60_000);

describe('a load that never returns, in the shipped CLI on Node 24', () => {
  test('is stopped at benchmark.timeout, and the process exits (no worker thread left behind)', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      // The guard against a leaked thread: a worker still spinning would keep the process alive until this kill.
      execFile(
        node24(),
        [join(dir, 'tool', 'dist', 'cli.js'), 'check'],
        { cwd: join(dir, 'work'), env: { PATH: process.env['PATH'] ?? '' }, timeout: 100_000 },
        (error, out, err) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout: out, stderr: err });
        },
      );
    });
    expect(stdout + stderr).toContain(
      'mlp: the 2 s benchmark.timeout ran out at loading; raise benchmark.timeout (it bounds every stage of one model) or use a smaller input shape',
    );
    expect(code).toBe(2);
  }, 120_000);
});
