import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';

const MLP = join(import.meta.dirname, '..', '..', 'fixtures', 'keras', 'k2-mlp-sequential.h5');
let dir: string;

async function check(config: string, ...flags: string[]): Promise<{ code: number; stderr: string }> {
  await writeFile(join(dir, 'model-budget.yml'), `version: 1\nmodels:\n${config}`);
  let stderr = '';
  const code = await main(['check', ...flags], { cwd: dir, env: {}, stdout: () => undefined, stderr: (t) => (stderr += t) });
  return { code, stderr };
}

const model = (name: string, file: string): string => `  - name: ${name}\n    path: ${file}\n    budget: { size: 1 MB }\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-verbose-'));
  const bytes = new Uint8Array(await readFile(MLP));
  // Damaged where libhdf5 reports an error (1750), and in a string attribute (2000; the Node build of libhdf5 aborted there).
  for (const offset of [1750, 2000]) await writeFile(join(dir, `damaged-${offset}.h5`), new Uint8Array(bytes).fill(0xff, offset, offset + 64));
});

describe('errors a user can cause: one catalog line, the stack only with --verbose', () => {
  // --verbose first, so that no case depends on libhdf5's state after the abort below.
  test('--verbose adds the stack and the libhdf5 diagnostics under it', async () => {
    const { code, stderr } = await check(model('net', 'damaged-1750.h5'), '--verbose');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ModelLoadError: \/.*\/damaged-1750\.h5: the HDF5 file is damaged/m);
    expect(stderr).toMatch(/^\s+at /m);
    expect(stderr).toMatch(/^Caused by: Error: HDF5-DIAG: Error detected in HDF5/m);
  });

  test('without it: no stack trace and no libhdf5 diagnostics, an abort included', async () => {
    const { code, stderr } = await check(model('net', 'damaged-1750.h5') + model('aborts', 'damaged-2000.h5'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^model-budget: net: \/.*\/damaged-1750\.h5: the HDF5 file is damaged \(message not aligned\); re-save the model with Keras$/m);
    expect(stderr).toMatch(
      /^model-budget: aborts: \/.*\/damaged-2000\.h5: the HDF5 file is damaged \(bad global heap collection signature\); re-save the model with Keras$/m,
    );
    expect(stderr).not.toMatch(/^\s+at |HDF5-DIAG|#000:|RuntimeError/m);
  });
});
