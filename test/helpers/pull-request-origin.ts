/**
 * A pull request as GitHub keeps it, and a checkout as actions/checkout makes it.
 *
 * The origin is a bare repository with `main`, the PR branch `feature`, and GitHub's two PR refs:
 * `refs/pull/N/head` (the PR head) and `refs/pull/N/merge` (a merge commit of the head onto the base branch tip,
 * first parent the base tip, second the head). The base branch may move on after the PR branched (`baseLater`).
 *
 * `checkoutPullRequest` replays actions/checkout's own git commands for a `pull_request` event: `git init`,
 * `remote add`, the persisted auth header in the local config, then one fetch (`--depth=1` of the merge commit by
 * default; every branch and tag plus the merge commit with `fetch-depth: 0`) and `checkout --force` of the ref.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Repository path → file contents, `{ copy }`: a file or folder copied from disk, or null: deleted. */
export type Files = Readonly<Record<string, string | { readonly copy: string } | null>>;

export interface PullRequestOrigin {
  /** The bare repository (what `origin` points at). */
  readonly origin: string;
  readonly number: number;
  /** Where `feature` branched off `main`. */
  readonly forkPoint: string;
  /** `main`'s tip when the event fired: the payload's `pull_request.base.sha`. */
  readonly baseSha: string;
  /** The PR head: the payload's `pull_request.head.sha`. */
  readonly headSha: string;
  /** `refs/pull/N/merge`: what `GITHUB_SHA` names on `pull_request`. */
  readonly mergeSha: string;
}

export interface CheckoutOptions {
  /** `GITHUB_WORKSPACE`; default a fresh temporary folder. */
  readonly workspace?: string;
  /** actions/checkout's `path:` (relative to the workspace); default the workspace itself. */
  readonly path?: string;
  /** actions/checkout's `fetch-depth:` (0: all history); default 1. */
  readonly fetchDepth?: number;
  /**
   * What is checked out: the test merge (the default, what a `pull_request` run gets), the PR head
   * (`ref: ${{ github.event.pull_request.head.sha }}`), or `main` as a `push` run gets it.
   */
  readonly ref?: 'merge' | 'head' | 'main';
  /** actions/checkout's `persist-credentials:`; default true. */
  readonly persistCredentials?: boolean;
}

export interface Checkout {
  readonly workspace: string;
  /** The git work tree (`workspace/path`). */
  readonly repoDir: string;
}

const COMMITTER = ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main'];

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', [...COMMITTER, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Builds the origin: `base` on main, `head` on feature, then `baseLater` on main, then GitHub's PR refs. */
export function makePullRequestOrigin(spec: {
  readonly base: Files;
  readonly head: Files;
  readonly baseLater?: Files;
  readonly number?: number;
}): PullRequestOrigin {
  const root = mkdtempSync(join(tmpdir(), 'mb-origin-'));
  const work = join(root, 'work');
  const origin = join(root, 'origin.git');
  const number = spec.number ?? 1;
  git(root, 'init', '-q', '-b', 'main', work);
  git(root, 'init', '-q', '--bare', origin);
  const commit = (files: Files, message: string): string => {
    writeFiles(work, files);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '--allow-empty', '-m', message);
    return git(work, 'rev-parse', 'HEAD');
  };
  const forkPoint = commit(spec.base, 'base');
  git(work, 'checkout', '-q', '-b', 'feature');
  const headSha = commit(spec.head, 'head');
  git(work, 'checkout', '-q', 'main');
  const baseSha = spec.baseLater ? commit(spec.baseLater, 'later on main') : forkPoint;
  // GitHub's test merge: the head merged onto the base tip, never a fast-forward.
  git(work, 'checkout', '-q', '--detach', baseSha);
  git(work, 'merge', '-q', '--no-ff', '--no-edit', '-m', `Merge ${headSha} into ${baseSha}`, headSha);
  const mergeSha = git(work, 'rev-parse', 'HEAD');
  git(work, 'push', '-q', origin, 'main', 'feature', `${headSha}:refs/pull/${number}/head`, `${mergeSha}:refs/pull/${number}/merge`);
  return { origin, number, forkPoint, baseSha, headSha, mergeSha };
}

/** Checks the PR out with actions/checkout's command sequence; returns the workspace and the work tree. */
export function checkoutPullRequest(pr: PullRequestOrigin, options: CheckoutOptions = {}): Checkout {
  const workspace = options.workspace ?? mkdtempSync(join(tmpdir(), 'mb-workspace-'));
  const repoDir = options.path ? join(workspace, options.path) : workspace;
  mkdirSync(repoDir, { recursive: true });
  git(repoDir, 'init', '-q', repoDir);
  git(repoDir, 'remote', 'add', 'origin', pr.origin);
  git(repoDir, 'config', '--local', 'gc.auto', '0');
  if (options.persistCredentials ?? true) {
    // What checkout persists: an auth header for the server's URL (inert for a file origin, present for realism).
    git(repoDir, 'config', '--local', 'http.https://github.com/.extraheader', 'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46KioqKio=');
  }
  const depth = options.fetchDepth ?? 1;
  // A sha is fetched by itself and checked out detached; a ref into its remote-tracking name.
  const [refspecs, checkout]: [string[], string[]] =
    options.ref === 'head'
      ? [[pr.headSha], [pr.headSha]]
      : options.ref === 'main'
        ? [[`+${pr.baseSha}:refs/remotes/origin/main`], ['-B', 'main', 'refs/remotes/origin/main']]
        : [[`+${pr.mergeSha}:refs/remotes/pull/${pr.number}/merge`], [`refs/remotes/pull/${pr.number}/merge`]];
  if (depth > 0) {
    git(repoDir, '-c', 'protocol.version=2', 'fetch', '--no-tags', '--prune', '--no-recurse-submodules', `--depth=${depth}`, 'origin', ...refspecs);
  } else {
    git(
      repoDir,
      '-c',
      'protocol.version=2',
      'fetch',
      '--prune',
      '--no-recurse-submodules',
      'origin',
      '+refs/heads/*:refs/remotes/origin/*',
      '+refs/tags/*:refs/tags/*',
      ...refspecs,
    );
  }
  git(repoDir, 'checkout', '-q', '--progress', '--force', ...checkout);
  return { workspace, repoDir };
}

function writeFiles(dir: string, files: Files): void {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    if (content === null) rmSync(target, { recursive: true, force: true });
    else if (typeof content === 'string') writeFileSync(target, content);
    else cpSync(content.copy, target, { recursive: true });
  }
}
