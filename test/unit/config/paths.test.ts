import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { findRepositoryRoot, isInside } from '../../../src/config/paths.js';
import { ConfigError } from '../../../src/errors.js';

/** A repository folder with a model, a sample folder, and a secret file next to (outside) it. */
function repo(): { root: string; outside: string } {
  const parent = mkdtempSync(join(tmpdir(), 'mb-paths-'));
  const root = join(parent, 'repo');
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(join(root, 'models'));
  mkdirSync(join(root, 'samples'));
  writeFileSync(join(root, 'models', 'model.json'), '{}');
  const outside = join(parent, 'secret.txt');
  writeFileSync(outside, 'root:x:0:0:root:/root:/bin/bash\n');
  return { root, outside };
}

async function configIssues(root: string, model: string): Promise<string> {
  writeFileSync(join(root, 'model-budget.yml'), `version: 1\nmodels:\n  - name: m\n${model}`);
  const error = await loadConfig('model-budget.yml', root).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  expect(error.message).not.toContain('root:x');
  return error.message;
}

describe('paths in the config stay inside the repository', () => {
  it.each([
    {
      what: 'an absolute path outside',
      path: (o: string) => o,
      expected: /:4:11 models\[0\]\.path: ".*secret\.txt" is an absolute path outside the repository/,
    },
    { what: '".." out of it', path: () => '../secret.txt', expected: /:4:11 models\[0\]\.path: "\.\.\/secret\.txt" resolves outside the repository/ },
    { what: '/etc/passwd', path: () => '/etc/passwd', expected: /"\/etc\/passwd" is an absolute path outside the repository/ },
  ])('refuses $what at the line it is written', async ({ path, expected }) => {
    const { root, outside } = repo();
    expect(await configIssues(root, `    path: ${path(outside)}\n`)).toMatch(expected);
  });

  it('refuses a symlink inside the repository that leads out of it', async () => {
    const { root, outside } = repo();
    symlinkSync(outside, join(root, 'models', 'leak.json'));
    expect(await configIssues(root, '    path: models/leak.json\n')).toMatch(
      /models\[0\]\.path: "models\/leak\.json" is a symbolic link \(or lies under one\) that leads outside the repository/,
    );
  });

  it('refuses a sample symlinked to /dev/zero and a FIFO as a model, before opening either', async () => {
    const { root } = repo();
    symlinkSync('/dev/zero', join(root, 'samples', 'x.npy'));
    execFileSync('mkfifo', [join(root, 'models', 'fifo.json')]);
    const message = await configIssues(root, '    path: models/fifo.json\n    inputs:\n      npy: { x: [samples/x.npy] }\n');
    expect(message).toMatch(/:4:11 models\[0\]\.path: "models\/fifo\.json" is a FIFO \(named pipe\), not a regular file; refused/);
    expect(message).toMatch(/models\[0\]\.inputs\.npy\.x\[0\]: "samples\/x\.npy" is a symbolic link .* outside the repository/);
  });

  it('refuses a custom-layers module outside the repository (it would run as code)', async () => {
    const { root } = repo();
    expect(await configIssues(root, '    path: models/model.json\n    custom-layers: /dev/null\n')).toMatch(
      /models\[0\]\.custom-layers: "\/dev\/null" is an absolute path outside the repository/,
    );
  });

  it('wants a folder for images.dir', async () => {
    const { root } = repo();
    expect(await configIssues(root, '    path: models/model.json\n    inputs:\n      images: { dir: models/model.json }\n')).toMatch(
      /models\[0\]\.inputs\.images\.dir: "models\/model\.json" must be a folder, but it is a file/,
    );
  });

  it('accepts symlinks that stay inside, ".." that stays inside, and paths that do not exist yet', async () => {
    const { root } = repo();
    symlinkSync(join(root, 'models', 'model.json'), join(root, 'models', 'alias.json'));
    mkdirSync(join(root, 'config'));
    writeFileSync(
      join(root, 'config', 'model-budget.yml'),
      'version: 1\nmodels:\n  - name: a\n    path: ../models/alias.json\n  - name: b\n    path: ../models/later.json\n',
    );
    const config = await loadConfig('config/model-budget.yml', root);
    expect(config.models.map((m) => m.name)).toEqual(['a', 'b']);
  });

  it('finds the repository from the config folder upwards (.git), else uses the working directory', async () => {
    const { root } = repo();
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    expect(await findRepositoryRoot(join(root, 'a', 'b', 'model-budget.yml'), '/')).toBe(root);
    const bare = mkdtempSync(join(tmpdir(), 'mb-nogit-'));
    expect(await findRepositoryRoot(join(bare, 'sub', 'model-budget.yml'), bare)).toBe(bare);
  });

  it.each([
    { root: '/r', path: '/r', inside: true },
    { root: '/r', path: '/r/a/b', inside: true },
    { root: '/r', path: '/r/..x', inside: true },
    { root: '/r', path: '/rx', inside: false },
    { root: '/r', path: '/', inside: false },
    { root: '/r', path: '/r/../s', inside: false },
  ])('isInside($root, $path) is $inside', ({ root, path, inside }) => {
    expect(isInside(root, join(path))).toBe(inside);
  });
});
