/**
 * The history store: a data branch in the user's own repository, one JSON Lines file per model, written with git
 * plumbing against a remote of the workspace (`origin`, the checkout whose persisted token can push). Plumbing
 * (hash-object, mktree, commit-tree, push <sha>:<ref>) never touches the user's work tree, index or HEAD.
 *
 * Concurrency: every write is compare-and-swap. The new commit's parent is the tip we read, so the push is a
 * fast-forward only if nobody wrote in between; otherwise the remote rejects it, we fetch the new tip, re-apply
 * our append on top and retry (bounded, with jittered exponential back-off). No record is lost and none is
 * written twice, whatever number of writers race.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { gitError, runGit, type GitOptions, type GitResult } from '../git/run-git.js';
import { DEFAULT_HISTORY_BRANCH, DEFAULT_HISTORY_ENTRIES } from '../config/defaults.js';
import { appendHistoryBytes, historyFileName, parseHistory } from './jsonl.js';
import type { ModelHistory, TrendLog, TrendRecord } from './types.js';

/** Default data branch. */
/** Default bound on one history file read for a PR: 1 MiB of its tail (≈ 1,000 records). */
export const DEFAULT_MAX_READ_BYTES = 1024 * 1024;

export interface StoreOptions {
  /** A git work tree (or bare repository) whose remote holds the history. */
  readonly workspace: string;
  /** Data branch. Default `model-budget-data`. */
  readonly branch?: string;
  /** Remote name or URL. Default `origin`. */
  readonly remote?: string;
  readonly log: TrendLog;
  /** Runs one git command (default `runGit`); every git call of the store goes through it. Injectable for tests. */
  readonly git?: GitRunner;
}

/** The store's one port to git: `runGit`'s signature. */
export type GitRunner = (args: readonly string[], options: GitOptions) => Promise<GitResult>;

/** git in the workspace, through the injected runner. */
type Git = (args: readonly string[], options?: Omit<GitOptions, 'cwd'>) => Promise<GitResult>;

function gitOf(options: StoreOptions): Git {
  const run = options.git ?? runGit;
  return (args, extra) => run(args, { ...extra, cwd: options.workspace });
}

export interface AppendOptions extends StoreOptions {
  /** Lines kept per model file (≥ 2). Default 500. */
  readonly maxEntries?: number;
  /** Push attempts before giving up with a warning. Default 10. */
  readonly maxAttempts?: number;
  /** Back-off: the n-th retry waits random()·min(4 s, 250 ms·2ⁿ). Injectable for tests. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type AppendResult =
  | { readonly status: 'written'; readonly commit: string; readonly attempts: number; readonly files: readonly string[] }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'warning'; readonly message: string };

export interface ReadOptions extends StoreOptions {
  /** Models to read (by name); default every history file on the branch. */
  readonly models?: readonly string[];
  /** Bytes read per file, from its end. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Back-off of a busy clone: the n-th retry waits random()·250 ms·2ⁿ. Injectable for tests. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type ReadResult =
  | { readonly status: 'ok'; readonly commit: string; readonly histories: readonly ModelHistory[] }
  | { readonly status: 'missing'; readonly message: string; readonly histories: readonly [] }
  | { readonly status: 'warning'; readonly message: string; readonly histories: readonly [] };

const COMMITTER = {
  GIT_AUTHOR_NAME: 'model-budget',
  GIT_AUTHOR_EMAIL: 'model-budget@users.noreply.github.com',
  GIT_COMMITTER_NAME: 'model-budget',
  GIT_COMMITTER_EMAIL: 'model-budget@users.noreply.github.com',
};

const README = `# model-budget history

Written by model-budget: one JSON Lines file per model, one record per line, oldest first.
Do not edit by hand while a workflow may be writing; every write is a fast-forward on top of the last one.
`;

/**
 * Appends the records to the data branch (one commit for all of them) and pushes it. Never throws for git or
 * permission problems: a failed push returns `warning` so a history problem cannot fail a budget check.
 */
export async function appendRecords(records: readonly TrendRecord[], options: AppendOptions): Promise<AppendResult> {
  if (records.length === 0) return { status: 'skipped', reason: 'no model produced a record' };
  const git = gitOf(options);
  return keepingCheckout(git, options.workspace, () => appendUnchecked(records, options, git));
}

async function appendUnchecked(records: readonly TrendRecord[], options: AppendOptions, git: Git): Promise<AppendResult> {
  const branch = options.branch ?? DEFAULT_HISTORY_BRANCH;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 10);
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const byFile = groupByFile(records);
  // The commit of the last rejected push: if it turns out to have landed after all (the rejection came from a
  // local lock, not the remote), re-applying would write every record twice.
  let pushed: string | undefined;
  try {
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const tip = await fetchTip(git, options, branch);
      if (tip.status === 'error') {
        // Another writer in the same clone holds a lock or rewrote .git/shallow under us: wait and try again.
        if (tip.busy && attempt < maxAttempts) {
          await sleep(random() * Math.min(4000, 250 * 2 ** attempt));
          continue;
        }
        return warn(options.log, tip.message);
      }
      if (pushed !== undefined && tip.commit === pushed) {
        return { status: 'written', commit: pushed, attempts: attempt - 1, files: [...byFile.keys()] };
      }
      const commit = await buildCommit(git, tip.commit, byFile, options.maxEntries ?? DEFAULT_HISTORY_ENTRIES);
      // To the remote's URL, not its name: a push to a named remote would create a remote-tracking ref of the user's.
      const push = await git(['push', '--porcelain', '--no-verify', await pushUrlOf(git, options), `${commit}:refs/heads/${branch}`]);
      if (push.code === 0) {
        options.log.info(`model-budget: recorded ${records.length} model(s) on ${branch} (${commit.slice(0, 7)})`);
        return { status: 'written', commit, attempts: attempt, files: [...byFile.keys()] };
      }
      pushed = commit;
      if (!isRaceRejection(push)) {
        return warn(options.log, `could not push the trend history to ${branch}: ${pushError(push)}. ${PUSH_FIX}`);
      }
      if (attempt < maxAttempts) await sleep(random() * Math.min(4000, 250 * 2 ** attempt));
    }
    return warn(options.log, `gave up recording the trend history after ${maxAttempts} attempts: ${branch} kept moving`);
  } catch (error) {
    return warn(options.log, `could not record the trend history: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Reads model histories from the data branch with a shallow fetch of that branch alone (never the user's history)
 * and at most `maxBytes` from the end of each file. A missing branch is not an error: there is no history yet.
 */
export async function readHistory(options: ReadOptions): Promise<ReadResult> {
  const git = gitOf(options);
  return keepingCheckout(git, options.workspace, () => readUnchecked(options, git));
}

async function readUnchecked(options: ReadOptions, git: Git): Promise<ReadResult> {
  const branch = options.branch ?? DEFAULT_HISTORY_BRANCH;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  try {
    let tip = await fetchTip(git, options, branch);
    for (let attempt = 1; tip.status === 'error' && tip.busy && attempt < READ_ATTEMPTS; attempt += 1) {
      await sleep(random() * 250 * 2 ** attempt);
      tip = await fetchTip(git, options, branch);
    }
    if (tip.status === 'error') return { status: 'warning', message: warnText(options.log, tip.message), histories: [] };
    if (tip.commit === undefined) {
      const message = `no trend history yet: branch ${branch} does not exist on ${remoteOf(options)}`;
      options.log.info(message);
      return { status: 'missing', message, histories: [] };
    }
    const entries = await listTree(git, tip.commit);
    const wanted = options.models?.map((model) => ({ model, file: historyFileName(model) }));
    const files = wanted ?? [...entries.keys()].filter((name) => name.endsWith('.jsonl')).map((file) => ({ model: '', file }));
    const histories: ModelHistory[] = [];
    for (const { model, file } of files) {
      const entry = entries.get(file);
      if (entry === undefined) {
        histories.push({ model, records: [], corrupt: 0, newer: 0, truncated: false });
        continue;
      }
      const blob = await git(['cat-file', 'blob', entry.sha], { maxStdoutBytes: maxBytes });
      if (blob.code !== 0) throw new Error(`git cat-file ${file}: ${gitError(blob)}`);
      const history = parseHistory(model, blob.stdout, blob.truncated);
      const named = model || history.records.at(-1)?.model || file.replace(/\.jsonl$/, '');
      if (history.corrupt > 0) options.log.warning(`${branch}:${file}: skipped ${history.corrupt} corrupt line(s)`);
      if (history.newer > 0) {
        options.log.warning(`${branch}:${file}: skipped ${history.newer} record(s) of a newer schema; update model-budget`);
      }
      histories.push({ ...history, model: named });
    }
    return { status: 'ok', commit: tip.commit, histories };
  } catch (error) {
    const message = `could not read the trend history: ${error instanceof Error ? error.message : String(error)}`;
    return { status: 'warning', message: warnText(options.log, message), histories: [] };
  }
}

type Tip = { status: 'ok'; commit: string | undefined } | { status: 'error'; message: string; busy: boolean };

/**
 * A fetch that failed only because another git process in the same clone was writing at that moment (two jobs
 * of a runner sharing one checkout): a lock file held, or `.git/shallow` rewritten by the other fetch between our
 * read and our write ("shallow file has changed since we read it"). Waiting and fetching again succeeds.
 */
export function isBusyClone(stderr: string): boolean {
  return /\.lock'?: File exists|unable to create .*\.lock|shallow file has changed since we read it/i.test(stderr);
}

/** Reads retry a busy clone a few times too: a PR's trend should not vanish because a sibling job fetched. */
const READ_ATTEMPTS = 4;

/** Shallow-fetches the data branch into a private, per-call ref and returns its commit (undefined: no branch). */
async function fetchTip(git: Git, options: StoreOptions, branch: string): Promise<Tip> {
  const ref = `refs/model-budget/fetch-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fetch = await git(
    // `--refmap=`: update no remote-tracking ref of the user's; `--depth=1`: the tip alone, however long the history.
    ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--refmap=', '--depth=1', remoteOf(options), `+refs/heads/${branch}:${ref}`],
  );
  try {
    if (fetch.code !== 0) {
      if (/couldn't find remote ref/i.test(fetch.stderr)) return { status: 'ok', commit: undefined };
      return { status: 'error', message: `could not fetch ${branch} from ${remoteOf(options)}: ${gitError(fetch)}`, busy: isBusyClone(fetch.stderr) };
    }
    const parsed = await git(['rev-parse', '--verify', `${ref}^{commit}`]);
    if (parsed.code !== 0) return { status: 'error', message: `could not read ${branch}: ${gitError(parsed)}`, busy: false };
    return { status: 'ok', commit: parsed.stdout.trim() };
  } finally {
    // The objects stay in the object store for this call; the ref is ours alone and must not linger.
    await git(['update-ref', '-d', ref]);
  }
}

interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly sha: string;
}

async function listTree(git: Git, commit: string): Promise<Map<string, TreeEntry>> {
  const result = await git(['ls-tree', '-z', commit]);
  if (result.code !== 0) throw new Error(`git ls-tree ${commit}: ${gitError(result)}`);
  const entries = new Map<string, TreeEntry>();
  for (const item of result.stdout.split('\0')) {
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(item);
    if (match?.[1] && match[2] && match[3] && match[4]) entries.set(match[4], { mode: match[1], type: match[2], sha: match[3] });
  }
  return entries;
}

/** Builds the next commit: the tip's tree with each model file appended to (and compacted); other files untouched. */
async function buildCommit(git: Git, parent: string | undefined, byFile: ReadonlyMap<string, readonly TrendRecord[]>, maxEntries: number): Promise<string> {
  const entries = parent === undefined ? new Map<string, TreeEntry>() : await listTree(git, parent);
  if (!entries.has('README.md')) entries.set('README.md', { mode: '100644', type: 'blob', sha: await writeBlob(git, README) });
  for (const [file, records] of byFile) {
    const existing = entries.get(file);
    let bytes: Uint8Array = new Uint8Array(0);
    if (existing !== undefined) {
      const blob = await git(['cat-file', 'blob', existing.sha]);
      if (blob.code !== 0) throw new Error(`git cat-file ${file}: ${gitError(blob)}`);
      bytes = blob.stdoutBytes;
    }
    entries.set(file, { mode: '100644', type: 'blob', sha: await writeBlob(git, appendHistoryBytes(bytes, records, maxEntries)) });
  }
  const listing = [...entries].map(([name, e]) => `${e.mode} ${e.type} ${e.sha}\t${name}\0`).join('');
  const tree = await git(['mktree', '-z'], { input: listing });
  if (tree.code !== 0) throw new Error(`git mktree: ${gitError(tree)}`);
  const shas = [...new Set([...byFile.values()].flat().map((r) => r.sha.slice(0, 7)))].join(', ');
  const args = ['commit-tree', tree.stdout.trim(), '-m', `model-budget: record ${shas}`];
  if (parent !== undefined) args.push('-p', parent);
  const commit = await git(args, { env: COMMITTER });
  if (commit.code !== 0) throw new Error(`git commit-tree: ${gitError(commit)}`);
  return commit.stdout.trim();
}

async function writeBlob(git: Git, text: string | Uint8Array): Promise<string> {
  const result = await git(['hash-object', '-w', '--stdin'], { input: text });
  if (result.code !== 0) throw new Error(`git hash-object: ${gitError(result)}`);
  return result.stdout.trim();
}

function groupByFile(records: readonly TrendRecord[]): Map<string, TrendRecord[]> {
  const byFile = new Map<string, TrendRecord[]>();
  for (const record of records) {
    const file = historyFileName(record.model);
    byFile.set(file, [...(byFile.get(file) ?? []), record]);
  }
  return byFile;
}

/** A rejection another writer caused (the branch moved, the remote was mid-update, the clone was busy): fetch and retry. */
function isRaceRejection(push: GitResult): boolean {
  const text = `${push.stdout}\n${push.stderr}`;
  return (
    isBusyClone(push.stderr) ||
    /non-fast-forward|fetch first|stale info|cannot lock ref|failed to update ref|incorrect old value|reference already exists/i.test(text)
  );
}

function pushError(push: GitResult): string {
  const rejected = /^!\t[^\t]*\t(.+)$/m.exec(push.stdout)?.[1];
  return rejected ?? gitError(push);
}

const PUSH_FIX = 'Give the workflow `permissions: contents: write` on push and keep `persist-credentials` of actions/checkout on';

function remoteOf(options: StoreOptions): string {
  return options.remote ?? 'origin';
}

/** The URL a push to the remote goes to (its pushurl, insteadOf applied); the remote as given when it is a URL. */
async function pushUrlOf(git: Git, options: StoreOptions): Promise<string> {
  const remote = remoteOf(options);
  const url = await git(['remote', 'get-url', '--push', remote]);
  return url.code === 0 && url.stdout.trim() !== '' ? (url.stdout.trim().split('\n')[0] ?? remote) : remote;
}

/**
 * Runs `work` and leaves the user's checkout as it found it. A depth-1 fetch records the data branch's tip in
 * `.git/shallow`, which would make a full clone shallow (and a shallow one list a commit it never had): the lines
 * this call added are removed again, and the file is deleted when it did not exist before. The fetched objects
 * are unreachable afterwards; git's own gc removes them.
 */
async function keepingCheckout<T>(git: Git, workspace: string, work: () => Promise<T>): Promise<T> {
  const path = await shallowPath(git, workspace);
  const before = path === undefined ? undefined : await readFile(path, 'utf8').catch(() => undefined);
  try {
    return await work();
  } finally {
    if (path !== undefined) await restoreShallow(path, before);
  }
}

async function shallowPath(git: Git, workspace: string): Promise<string | undefined> {
  // git that cannot start at all is reported by the work itself, inside its catch: appending and reading never throw.
  const result = await git(['rev-parse', '--git-path', 'shallow']).catch(() => undefined);
  const path = result?.code === 0 ? result.stdout.trim() : '';
  if (path === '') return undefined;
  return isAbsolute(path) ? path : join(workspace, path);
}

async function restoreShallow(path: string, before: string | undefined): Promise<void> {
  const now = await readFile(path, 'utf8').catch(() => undefined);
  if (now === before) return;
  const kept = new Set(lines(before));
  // The user's own lines stay; what was added while this call ran (the data branch's tip) goes.
  const restored = lines(now).filter((line) => kept.has(line));
  if (before === undefined && restored.length === 0) {
    await rm(path, { force: true });
    return;
  }
  const temporary = `${path}.model-budget-${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, restored.map((line) => `${line}\n`).join(''));
  await rename(temporary, path);
}

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((line) => line.trim() !== '');
}

function warn(log: TrendLog, message: string): { status: 'warning'; message: string } {
  return { status: 'warning', message: warnText(log, message) };
}

function warnText(log: TrendLog, message: string): string {
  log.warning(message);
  return message;
}
