/**
 * Which commit a pull request's checked-out tree is compared with, and getting that commit into the clone.
 *
 * On `pull_request`, actions/checkout checks out GitHub's test merge (`refs/pull/N/merge`): the PR head merged onto
 * the base branch tip. That tree already holds everything merged into the base branch since the PR branched, so the
 * base is the merge's first parent, not the PR's branch point (which would blame the PR for the base branch's own
 * changes). When the PR head itself is checked out, the base is the merge base of HEAD and the base branch tip.
 *
 * With checkout's default `fetch-depth: 1` the base commit is not in the clone: it is fetched by sha from `origin`
 * (GitHub serves reachable commits by sha) with the credentials checkout persisted in the repository's git config.
 */
import { resolve } from 'node:path';
import { BaseRefError, problem } from '../errors.js';
import type { BaseKind } from '../report/types.js';
import { gitError, runGit } from './run-git.js';

/** The commit the head is compared with, and how it was found. */
export interface BaseCommit {
  readonly kind: BaseKind;
  readonly sha: string;
}

/** What `chooseBase` decides from HEAD's own commit: a first parent to take, or two commits to find the merge base of. */
export type BaseChoice = { readonly kind: 'merge-parent'; readonly sha: string } | { readonly kind: 'merge-base'; readonly of: readonly [string, string] };

/**
 * The base for a checked-out commit (`head`, with the parents its commit object names — shallow or not) of a pull
 * request whose event says `baseSha` (the base branch tip) and `headSha` (the PR head). A test merge is a commit
 * with two parents whose second is the PR head: its first parent is the base tip GitHub merged onto. Anything else
 * (the PR head checked out, a local commit on top of it) is compared with its merge base with the base tip.
 */
export function chooseBase(
  head: { readonly sha: string; readonly parents: readonly string[] },
  pr: { readonly baseSha: string; readonly headSha: string },
): BaseChoice {
  const [first, second] = head.parents;
  if (head.sha !== pr.headSha && head.parents.length === 2 && first !== undefined && second === pr.headSha) {
    return { kind: 'merge-parent', sha: first };
  }
  return { kind: 'merge-base', of: [pr.baseSha, head.sha] };
}

/** The parent shas a raw commit object names (`git cat-file commit`), which a shallow clone's graft hides from rev-parse. */
export function commitParents(rawCommit: string): string[] {
  const header = rawCommit.split('\n\n', 1)[0] ?? '';
  return header.split('\n').flatMap((line) => /^parent ([0-9a-f]{40,64})$/.exec(line)?.[1] ?? []);
}

/** Deepening steps for a shallow head checkout whose merge base is not yet in the clone. */
const DEEPEN_STEPS = [50, 500, 5000] as const;

/**
 * The base commit of the pull request in the git repository `repoDir` (the one holding the config), fetched from
 * `origin` when the clone lacks it. Throws BaseRefError, with the fix, when it cannot be found or fetched.
 */
export async function resolveBaseCommit(repoDir: string, pr: { readonly baseSha: string; readonly headSha: string }): Promise<BaseCommit> {
  const head = await gitText(repoDir, ['rev-parse', '--verify', 'HEAD^{commit}']);
  if (head === undefined) {
    throw new BaseRefError(problem('github/no-checkout', { repoDir }));
  }
  const raw = (await gitText(repoDir, ['cat-file', 'commit', head])) ?? '';
  const choice = chooseBase({ sha: head, parents: commitParents(raw) }, pr);
  if (choice.kind === 'merge-parent') {
    await ensureCommit(repoDir, choice.sha);
    return { kind: 'merge-parent', sha: choice.sha };
  }
  return { kind: 'merge-base', sha: await findMergeBase(repoDir, ...choice.of) };
}

/**
 * The merge base of `a` and `b`. Commits missing from the clone are fetched; a shallow clone that does not reach
 * their common ancestor is deepened a few times before giving up with the fix.
 */
export async function findMergeBase(repoDir: string, a: string, b: string): Promise<string> {
  await ensureCommit(repoDir, a);
  await ensureCommit(repoDir, b);
  const steps = (await isShallow(repoDir)) ? DEEPEN_STEPS : [];
  for (let i = 0; ; i += 1) {
    const found = await gitText(repoDir, ['merge-base', a, b]);
    if (found) return found;
    const deepen = steps[i];
    if (deepen === undefined) break;
    const fetch = await runGit(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', `--deepen=${deepen}`, 'origin', a, b], { cwd: repoDir });
    if (fetch.code !== 0) {
      throw new BaseRefError(problem('github/no-merge-base-deepen-failed', { first: short(a), second: short(b), detail: gitError(fetch) }));
    }
  }
  const deepened = DEEPEN_STEPS.reduce((sum, n) => sum + n, 0);
  const why = steps.length > 0 ? `the shallow clone does not reach their common ancestor even ${deepened} commits deeper` : 'they have no common ancestor';
  throw new BaseRefError(problem('github/no-merge-base', { first: short(a), second: short(b), why }));
}

/**
 * Makes sure `sha` is in the clone: `git fetch --no-tags origin <sha>` (depth 1 in a shallow clone, so that only
 * that commit comes), which uses the token actions/checkout stored in the repository's local git config.
 */
async function ensureCommit(repoDir: string, sha: string): Promise<void> {
  if (await hasCommit(repoDir, sha)) return;
  const depth = (await isShallow(repoDir)) ? ['--depth=1'] : [];
  const fetch = await runGit(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...depth, 'origin', sha], { cwd: repoDir });
  if (fetch.code === 0 && (await hasCommit(repoDir, sha))) return;
  const why = fetch.code === 0 ? 'origin did not send it' : gitError(fetch);
  throw new BaseRefError(problem('github/base-commit-missing', { sha: short(sha), why }));
}

async function hasCommit(repoDir: string, sha: string): Promise<boolean> {
  return (await runGit(['cat-file', '-e', `${sha}^{commit}`], { cwd: repoDir })).code === 0;
}

async function isShallow(repoDir: string): Promise<boolean> {
  return (await gitText(repoDir, ['rev-parse', '--is-shallow-repository'])) === 'true';
}

/** git's trimmed stdout, or undefined when it fails. */
async function gitText(cwd: string, args: readonly string[]): Promise<string | undefined> {
  const result = await runGit(args, { cwd });
  return result.code === 0 ? result.stdout.trim() : undefined;
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/**
 * The root of the git work tree holding `dir`, as a path under `dir`'s own spelling (no symlinks resolved), or
 * undefined outside a git checkout. With actions/checkout's `path:` this is that folder, not GITHUB_WORKSPACE.
 */
export async function findRepoRoot(dir: string): Promise<string | undefined> {
  // A folder that does not exist (a config path with a typo) makes spawn fail: that is "not in a checkout" too.
  const cdup = await gitText(dir, ['rev-parse', '--show-cdup']).catch(() => undefined);
  return cdup === undefined ? undefined : resolve(dir, cdup || '.');
}
