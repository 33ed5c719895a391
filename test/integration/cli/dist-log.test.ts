/**
 * The bundled CLI as a workflow step runs it: nothing a pull request puts in its files becomes a workflow command
 * in the step's output (stdout and stderr, libraries' console output included), and a damaged HDF5 file is one
 * catalog line with no libhdf5 diagnostics and no stack trace.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { workflowCommands } from '../../helpers/runner-commands.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');

test('the bundled CLI: hostile names send no command, a damaged .h5 prints no diagnostics', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-dist-log-'));
  await cp(join(root, 'dist'), join(dir, 'tool', 'dist'), { recursive: true });
  await cp(join(root, 'examples', 'gender'), join(dir, 'work', 'gender'), { recursive: true });
  const bytes = new Uint8Array(await readFile(join(root, 'test', 'fixtures', 'keras', 'k2-mlp-sequential.h5')));
  await writeFile(join(dir, 'work', 'damaged.h5'), bytes.fill(0xff, 1750, 1750 + 64));
  const name = 'net\n::stop-commands::pwn\n::error title=Approved::LGTM ##[add-mask]budget';
  await writeFile(
    join(dir, 'work', 'model-budget.yml'),
    `version: 1\nmodels:\n  - name: ${JSON.stringify(name)}\n    path: gender/model.json\n    budget: { size: 1 KB }\n` +
      `  - name: ${JSON.stringify(`${name} 2`)}\n    path: damaged.h5\n    budget: { size: 1 MB }\n`,
  );
  const result = await run(process.execPath, [join(dir, 'tool', 'dist', 'cli.js'), 'check'], {
    cwd: join(dir, 'work'),
    env: { PATH: process.env['PATH'] ?? '' },
  }).then(
    () => ({ code: 0, stdout: '', stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  expect(result.code).toBe(2);
  expect(result.stdout + result.stderr).toContain('stop-commands::pwn');
  expect(workflowCommands(result.stdout)).toEqual([]);
  expect(workflowCommands(result.stderr)).toEqual([]);
  expect(result.stderr).toMatch(/damaged\.h5: the HDF5 file is damaged \(message not aligned\); re-save the model with Keras$/m);
  expect(result.stderr).not.toMatch(/HDF5-DIAG|^\s+at /m);
});
