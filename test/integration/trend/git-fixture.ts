/** A local bare repository as `origin` and clones of it, as actions/checkout would leave them. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A bare `origin` with one commit on `main`, and a function that clones it into a fresh workspace. */
export function makeOrigin(): { root: string; origin: string; clone: (name: string) => string } {
  const root = mkdtempSync(join(tmpdir(), 'model-budget-trend-'));
  const origin = join(root, 'origin.git');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  const seed = join(root, 'seed');
  mkdirSync(seed);
  git(seed, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(seed, 'model-budget.yml'), 'models: []\n');
  git(seed, 'add', '.');
  git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'seed');
  git(seed, 'remote', 'add', 'origin', origin);
  git(seed, 'push', '--quiet', 'origin', 'main');
  const clone = (name: string): string => {
    const dir = join(root, name);
    git(root, 'clone', '--quiet', '--depth=1', `file://${origin}`, dir);
    return dir;
  };
  return { root, origin, clone };
}

/** Commits `files` (name → content) to the data branch from a fresh clone `dir`, as a person editing it would. */
export function editDataBranch(dir: string, files: Readonly<Record<string, string>>, message: string): void {
  git(dir, 'fetch', '--quiet', 'origin', 'model-budget-data:data');
  git(dir, 'checkout', '--quiet', 'data');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  git(dir, 'add', '.');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', message);
  git(dir, 'push', '--quiet', 'origin', 'data:model-budget-data');
}
