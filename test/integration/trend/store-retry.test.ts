import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRecords, readHistory } from '../../../src/trend/store.js';
import type { TrendLog } from '../../../src/trend/types.js';
import { record } from '../../unit/trend/records.js';
import { git, makeOrigin } from './git-fixture.js';

// The retry paths, driven by real git: a lock file another git process would hold, a writer that lands between
// our fetch and our push (a hook of the workspace pushes when our fetch updates a ref), a remote that applies a
// push and still reports it failed. The back-off is observed through the injected `sleep` and `random`.
function recordingLog(): TrendLog & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, info: (m) => infos.push(m), warning: (m) => warnings.push(m) };
}

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';

function hook(repoGitDir: string, name: string, script: string): void {
  const path = join(repoGitDir, 'hooks', name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
}

function lines(origin: string, file: string): string[] {
  return git(origin, 'show', `model-budget-data:${file}`).trimEnd().split('\n');
}

/** A data branch whose tip has a parent, so that a depth-1 fetch of it writes `.git/shallow` (and needs its lock). */
async function twoCommits(workspace: string): Promise<void> {
  for (const sha of ['1'.repeat(40), '2'.repeat(40)]) await appendRecords([record({ sha, size: 1 })], { workspace, log: recordingLog() });
}

describe('the history store retries', () => {
  it('waits for a lock another git process holds, with the jittered exponential back-off, then writes', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    await twoCommits(ws);
    const lock = join(ws, '.git', 'shallow.lock');
    writeFileSync(lock, '');
    const sleeps: number[] = [];
    const log = recordingLog();
    const result = await appendRecords([record({ sha: SHA, size: 1 })], {
      workspace: ws,
      log,
      random: () => 0.5,
      sleep: (ms) => {
        sleeps.push(ms);
        // The other process finishes after its third wait.
        if (sleeps.length === 3) rmSync(lock);
        return Promise.resolve();
      },
    });
    expect(result).toMatchObject({ status: 'written', attempts: 4, files: ['gender.jsonl'] });
    // random() · min(4 s, 250 ms · 2ⁿ) for the n-th retry.
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(log.warnings).toEqual([]);
    expect(lines(origin, 'gender.jsonl')).toHaveLength(3);
  });

  it('caps the back-off at 4 s and gives up after maxAttempts with the fetch error', async () => {
    const { clone } = makeOrigin();
    const ws = clone('ws');
    await twoCommits(ws);
    writeFileSync(join(ws, '.git', 'shallow.lock'), '');
    const sleeps: number[] = [];
    const log = recordingLog();
    const result = await appendRecords([record({ sha: SHA, size: 1 })], {
      workspace: ws,
      log,
      maxAttempts: 6,
      random: () => 1,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(result.status).toBe('warning');
    const message = result.status === 'warning' ? result.message : '';
    expect(message).toMatch(/^could not fetch model-budget-data from origin: .*shallow\.lock.*File exists/s);
    expect(log.warnings).toEqual([message]);
  });

  it('tries 10 times by default', async () => {
    const { clone } = makeOrigin();
    const ws = clone('ws');
    await twoCommits(ws);
    writeFileSync(join(ws, '.git', 'shallow.lock'), '');
    const sleeps: number[] = [];
    const result = await appendRecords([record({ sha: SHA, size: 1 })], {
      workspace: ws,
      log: recordingLog(),
      random: () => 1,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    expect(result.status).toBe('warning');
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000]);
  });

  it('a remote that cannot be reached is one warning, with no retry', async () => {
    const { root, clone } = makeOrigin();
    const ws = clone('ws');
    git(ws, 'remote', 'set-url', 'origin', join(root, 'nowhere.git'));
    const sleeps: number[] = [];
    const log = recordingLog();
    const result = await appendRecords([record({ sha: SHA, size: 1 })], {
      workspace: ws,
      log,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    expect(result.status).toBe('warning');
    expect(sleeps).toEqual([]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(/^could not fetch model-budget-data from origin: /);
    // A read does not retry it either.
    const read = await readHistory({ workspace: ws, log, sleep: (ms) => Promise.resolve(void sleeps.push(ms)) });
    expect(read.status).toBe('warning');
    expect(sleeps).toEqual([]);
  });

  it('a writer that lands between our fetch and our push: fetch again, re-apply on top, keep both records', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    const other = clone('other');
    await appendRecords([record({ sha: 'a'.repeat(40), size: 1 })], { workspace: other, log: recordingLog() });
    // Our first fetch updates a ref in the workspace; its reference-transaction hook lets the other writer push once.
    const marker = join(ws, 'raced');
    hook(
      join(ws, '.git'),
      'reference-transaction',
      `[ "$1" = committed ] || exit 0
[ -e '${marker}' ] && exit 0
touch '${marker}'
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
git -C '${other}' fetch --quiet origin model-budget-data:data
git -C '${other}' checkout --quiet data
echo extra > '${other}/extra.txt'
git -C '${other}' add extra.txt
git -C '${other}' -c user.name=t -c user.email=t@t commit --quiet -m other
git -C '${other}' push --quiet origin data:model-budget-data`,
    );
    const sleeps: number[] = [];
    const log = recordingLog();
    const result = await appendRecords([record({ sha: SHA, size: 2 })], {
      workspace: ws,
      log,
      random: () => 0.25,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    expect(existsSync(marker)).toBe(true);
    expect(result).toMatchObject({ status: 'written', attempts: 2 });
    expect(sleeps).toEqual([125]);
    expect(log.warnings).toEqual([]);
    // The other writer's commit is the parent of ours: nothing of it was lost.
    expect(git(origin, 'show', 'model-budget-data:extra.txt')).toBe('extra\n');
    expect(lines(origin, 'gender.jsonl').map((l) => (JSON.parse(l) as { sha: string }).sha)).toEqual(['a'.repeat(40), SHA]);
  });

  it('gives up after maxAttempts when the branch keeps moving', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    const other = clone('other');
    await appendRecords([record({ sha: 'a'.repeat(40), size: 1 })], { workspace: other, log: recordingLog() });
    git(other, 'fetch', '--quiet', 'origin', 'model-budget-data:data');
    git(other, 'checkout', '--quiet', 'data');
    // Every fetch of ours is followed by another writer's commit.
    hook(
      join(ws, '.git'),
      'reference-transaction',
      `[ "$1" = committed ] || exit 0
read -r old new ref || exit 0
case "$ref" in refs/model-budget/*) ;; *) exit 0 ;; esac
[ "$new" = 0000000000000000000000000000000000000000 ] && exit 0
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
git -C '${other}' fetch --quiet origin model-budget-data
git -C '${other}' reset --quiet --hard FETCH_HEAD
date +%s%N > '${other}/moving.txt'
git -C '${other}' add moving.txt
git -C '${other}' -c user.name=t -c user.email=t@t commit --quiet -m move
git -C '${other}' push --quiet origin data:model-budget-data`,
    );
    const sleeps: number[] = [];
    const log = recordingLog();
    const result = await appendRecords([record({ sha: SHA, size: 2 })], {
      workspace: ws,
      log,
      maxAttempts: 3,
      random: () => 1,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    expect(result).toEqual({ status: 'warning', message: 'gave up recording the trend history after 3 attempts: model-budget-data kept moving' });
    expect(log.warnings).toEqual([result.status === 'warning' ? result.message : '']);
    // No wait after the last attempt.
    expect(sleeps).toEqual([500, 1000]);
    expect(lines(origin, 'gender.jsonl')).toHaveLength(1);
  });

  it('a push the remote applied but reported as failed is not written twice', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    // The remote takes the push (objects out of quarantine, ref moved), then says a ref could not be locked.
    const marker = join(origin, 'applied');
    hook(
      origin,
      'pre-receive',
      `[ -e '${marker}' ] && exit 0
touch '${marker}'
read -r old new ref
cp -R "$GIT_QUARANTINE_PATH"/. objects/
env -u GIT_QUARANTINE_PATH git update-ref "$ref" "$new"
echo "error: cannot lock ref '$ref'" >&2
exit 1`,
    );
    const sleeps: number[] = [];
    const log = recordingLog();
    const result = await appendRecords([record({ sha: SHA, size: 1 })], {
      workspace: ws,
      log,
      random: () => 0,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    expect(existsSync(marker)).toBe(true);
    const tip = git(origin, 'rev-parse', 'model-budget-data').trim();
    expect(result).toEqual({ status: 'written', commit: tip, attempts: 1, files: ['gender.jsonl'] });
    expect(sleeps).toEqual([0]);
    expect(lines(origin, 'gender.jsonl')).toHaveLength(1);
    expect(git(origin, 'rev-list', '--count', 'model-budget-data').trim()).toBe('1');
  });

  it('a read waits for a busy clone with the back-off, then reads', async () => {
    const { clone } = makeOrigin();
    const ws = clone('ws');
    await twoCommits(ws);
    const lock = join(ws, '.git', 'shallow.lock');
    writeFileSync(lock, '');
    const sleeps: number[] = [];
    const log = recordingLog();
    const result = await readHistory({
      workspace: ws,
      log,
      random: () => 0.5,
      sleep: (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 2) rmSync(lock);
        return Promise.resolve();
      },
    });
    expect(sleeps).toEqual([250, 500]);
    expect(result.status).toBe('ok');
    expect(result.histories.map((h) => h.records.length)).toEqual([2]);
    expect(log.warnings).toEqual([]);
  });

  it('a read retries a busy clone 4 times in all, then warns with the fetch error', async () => {
    const { clone } = makeOrigin();
    const ws = clone('ws');
    await twoCommits(ws);
    writeFileSync(join(ws, '.git', 'shallow.lock'), '');
    const sleeps: number[] = [];
    const log = recordingLog();
    const result = await readHistory({ workspace: ws, log, random: () => 1, sleep: (ms) => Promise.resolve(void sleeps.push(ms)) });
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(result.status).toBe('warning');
    const message = result.status === 'warning' ? result.message : '';
    expect(message).toMatch(/^could not fetch model-budget-data from origin: .*shallow\.lock.*File exists/s);
    expect(log.warnings).toEqual([message]);
  });
});
