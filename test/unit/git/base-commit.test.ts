import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaseRefError } from '../../../src/errors.js';
import { chooseBase, commitParents, findRepoRoot, resolveBaseCommit } from '../../../src/git/base-commit.js';
import { checkoutPullRequest, git, makePullRequestOrigin } from '../../helpers/pull-request-origin.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const H = 'c'.repeat(40);
const M = 'd'.repeat(40);

describe('chooseBase', () => {
  it.each([
    { what: 'test merge: its first parent', head: { sha: M, parents: [B, H] }, expected: { kind: 'merge-parent', sha: B } },
    { what: 'PR head checked out: merge base with the base tip', head: { sha: H, parents: [A] }, expected: { kind: 'merge-base', of: [B, H] } },
    { what: 'a merge of something else: merge base', head: { sha: M, parents: [B, A] }, expected: { kind: 'merge-base', of: [B, M] } },
    { what: 'an octopus merge: merge base', head: { sha: M, parents: [B, H, A] }, expected: { kind: 'merge-base', of: [B, M] } },
    { what: 'a root commit: merge base', head: { sha: M, parents: [] }, expected: { kind: 'merge-base', of: [B, M] } },
  ])('$what', ({ head, expected }) => expect(chooseBase(head, { baseSha: B, headSha: H })).toEqual(expected));
});

describe('commitParents', () => {
  it.each([
    { what: 'merge', raw: `tree ${A}\nparent ${B}\nparent ${H}\nauthor t <t@t> 1 +0000\n\nparent ${M} in the message\n`, expected: [B, H] },
    { what: 'root', raw: `tree ${A}\nauthor t <t@t> 1 +0000\n\nmsg\n`, expected: [] },
  ])('$what', ({ raw, expected }) => expect(commitParents(raw)).toEqual(expected));
});

const GENDER = 'version: 1\nmodels:\n  - name: m\n    path: m.json\n';
// main moved on after the PR branched: the base tip is not the fork point.
const pr = makePullRequestOrigin({
  base: { 'model-budget.yml': GENDER, 'm.json': '1' },
  head: { 'model-budget.yml': `${GENDER}# edited\n` },
  baseLater: { 'm.json': '2' },
  number: 7,
});
const dirs: string[] = [dirname(pr.origin)];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const checkout = (...args: Parameters<typeof checkoutPullRequest>): string => {
  const result = checkoutPullRequest(...args);
  dirs.push(result.workspace);
  return result.repoDir;
};

describe('resolveBaseCommit on a real checkout', () => {
  it.each([
    { what: 'test merge, fetch-depth 1 (base tip fetched)', options: {}, expected: { kind: 'merge-parent', sha: pr.baseSha } },
    { what: 'test merge, fetch-depth 0', options: { fetchDepth: 0 }, expected: { kind: 'merge-parent', sha: pr.baseSha } },
    { what: 'PR head, fetch-depth 1 (deepened to the fork point)', options: { ref: 'head' as const }, expected: { kind: 'merge-base', sha: pr.forkPoint } },
    { what: 'PR head, fetch-depth 0', options: { ref: 'head' as const, fetchDepth: 0 }, expected: { kind: 'merge-base', sha: pr.forkPoint } },
  ])('$what', async ({ options, expected }) => {
    const repoDir = checkout(pr, options);
    expect(await resolveBaseCommit(repoDir, { baseSha: pr.baseSha, headSha: pr.headSha })).toEqual(expected);
    // The fetched base is readable, and nothing of the user's changed: HEAD stays where checkout put it.
    expect(git(repoDir, 'cat-file', '-t', `${expected.sha}:m.json`)).toBe('blob');
    expect(git(repoDir, 'rev-parse', 'HEAD')).toBe(options.ref === 'head' ? pr.headSha : pr.mergeSha);
  });

  it('a shallow clone that cannot reach origin falls back to the notice with the fix', async () => {
    const repoDir = checkout(pr);
    git(repoDir, 'remote', 'set-url', 'origin', join(repoDir, 'nowhere.git'));
    const error = await resolveBaseCommit(repoDir, { baseSha: pr.baseSha, headSha: pr.headSha }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BaseRefError);
    expect((error as Error).message).toMatch(
      new RegExp(`commit ${pr.baseSha.slice(0, 12)} is not in the checkout and fetching it from origin failed .*fetch-depth: 0`),
    );
  });

  it('outside a git checkout: says to run actions/checkout, and where', async () => {
    const repoDir = checkout(pr, { path: 'app' });
    const error = await resolveBaseCommit(dirname(repoDir), { baseSha: pr.baseSha, headSha: pr.headSha }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BaseRefError);
    expect((error as Error).message).toMatch(
      /is not a git checkout with a commit.*run actions\/checkout before this step \(with its `path:`, set `working-directory`/,
    );
  });
});

describe('findRepoRoot', () => {
  it('is the checkout `path:` made, not the workspace; undefined outside git', async () => {
    const repoDir = checkout(pr, { path: 'app' });
    expect(await findRepoRoot(repoDir)).toBe(repoDir);
    expect(await findRepoRoot(dirname(repoDir))).toBeUndefined();
    expect(await findRepoRoot(join(repoDir, 'no', 'such', 'folder'))).toBeUndefined();
  });
});
