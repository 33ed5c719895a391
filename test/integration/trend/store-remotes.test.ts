import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRecords, readHistory } from '../../../src/trend/store.js';
import type { TrendLog } from '../../../src/trend/types.js';
import { record } from '../../unit/trend/records.js';
import { git, makeOrigin } from './git-fixture.js';

// Remotes given another way than a plain `origin`, and .git/shallow in the clones actions/checkout does not make.
function recordingLog(): TrendLog & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warning: (m) => warnings.push(m) };
}

const shallowOf = (ws: string): string | undefined => {
  const path = join(ws, '.git', 'shallow');
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
};

describe('the history store and its remote', () => {
  it('a remote given as a URL is fetched from and pushed to as that URL', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    const remote = `file://${origin}`;
    const written = await appendRecords([record({ sha: 'a'.repeat(40), size: 1 })], { workspace: ws, remote, log: recordingLog() });
    expect(written).toMatchObject({ status: 'written', attempts: 1 });
    expect(git(origin, 'rev-parse', 'model-budget-data').trim()).toBe(written.status === 'written' ? written.commit : '');
    const read = await readHistory({ workspace: clone('reader'), remote, log: recordingLog() });
    expect(read.histories.map((h) => h.records.map((r) => r.sha[0]))).toEqual([['a']]);
  });

  it('a push URL that is no repository: one warning with git’s own words and the fix, not a crash', async () => {
    const { root, clone } = makeOrigin();
    const ws = clone('ws');
    const nowhere = join(root, 'nowhere.git');
    git(ws, 'remote', 'set-url', '--push', 'origin', nowhere);
    const log = recordingLog();
    const result = await appendRecords([record({ sha: 'b'.repeat(40), size: 1 })], { workspace: ws, log });
    expect(result.status).toBe('warning');
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(
      /^could not push the trend history to model-budget-data: .*nowhere\.git.*\. Give the workflow `permissions: contents: write`/s,
    );
  });
});

describe('.git/shallow is left as it was', () => {
  it('a full clone made before the data branch existed gets no .git/shallow from reading the branch', async () => {
    const { root, origin, clone } = makeOrigin();
    const ws = join(root, 'ws');
    git(root, 'clone', '--quiet', `file://${origin}`, ws);
    expect(shallowOf(ws)).toBeUndefined();
    // Another job creates the branch afterwards; this clone fetches it at depth 1, which writes .git/shallow.
    await appendRecords([record({ sha: 'c'.repeat(40), size: 1 })], { workspace: clone('writer'), log: recordingLog() });
    const read = await readHistory({ workspace: ws, log: recordingLog() });
    expect(read.histories).toHaveLength(1);
    expect(shallowOf(ws)).toBeUndefined();
    expect(git(ws, 'rev-parse', '--is-shallow-repository').trim()).toBe('false');
  });

  it('a shallow clone of two branches keeps both of its own lines, one per line', async () => {
    const { root, origin } = makeOrigin();
    const seed = join(root, 'seed');
    for (const branch of ['main', 'other']) {
      git(seed, 'checkout', '--quiet', '-B', branch, 'main');
      git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '--allow-empty', '-m', branch);
      git(seed, 'push', '--quiet', '--force', 'origin', branch);
    }
    const ws = join(root, 'ws');
    git(root, 'clone', '--quiet', '--depth=1', '--no-single-branch', `file://${origin}`, ws);
    const before = shallowOf(ws);
    expect(before?.trimEnd().split('\n')).toHaveLength(2);
    await appendRecords([record({ sha: 'd'.repeat(40), size: 1 })], { workspace: join(root, 'seed'), log: recordingLog() });
    const read = await readHistory({ workspace: ws, log: recordingLog() });
    expect(read.histories).toHaveLength(1);
    expect(shallowOf(ws)).toBe(before);
  });
});
