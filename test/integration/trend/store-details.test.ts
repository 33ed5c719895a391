import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRecords, readHistory } from '../../../src/trend/store.js';
import type { TrendLog } from '../../../src/trend/types.js';
import { record } from '../../unit/trend/records.js';
import { editDataBranch, git, makeOrigin } from './git-fixture.js';

// What the store writes and says, exactly: author, message, README, log lines, warnings, names of unnamed files.
function recordingLog(): TrendLog & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, info: (m) => infos.push(m), warning: (m) => warnings.push(m) };
}

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';

describe('the history store, in detail', () => {
  it('nothing to record is skipped, with the reason', async () => {
    expect(await appendRecords([], { workspace: '/nonexistent', log: recordingLog() })).toEqual({ status: 'skipped', reason: 'no model produced a record' });
  });

  it('writes one commit as model-budget, names the recorded shas, says so in the log, and leaves no ref behind', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    const log = recordingLog();
    // maxAttempts below 1 still makes one attempt.
    const result = await appendRecords([record({ sha: SHA, size: 1 }), record({ model: 'age', sha: SHA, size: 2 })], { workspace: ws, log, maxAttempts: 0 });
    expect(result).toMatchObject({ status: 'written', attempts: 1, files: ['gender.jsonl', 'age.jsonl'] });
    const commit = result.status === 'written' ? result.commit : '';
    expect(git(origin, 'rev-parse', 'model-budget-data').trim()).toBe(commit);
    expect(git(origin, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', 'model-budget-data').trim()).toBe(
      'model-budget <model-budget@users.noreply.github.com>|model-budget <model-budget@users.noreply.github.com>|model-budget: record abcdef0',
    );
    expect(log.infos).toEqual([`model-budget: recorded 2 model(s) on model-budget-data (${commit.slice(0, 7)})`]);
    // Records of two commits in one write: the message names both, once each.
    const two = await appendRecords(
      [record({ sha: '1'.repeat(40), size: 1 }), record({ model: 'age', sha: '2'.repeat(40), size: 2 }), record({ model: 'x', sha: '2'.repeat(40), size: 3 })],
      { workspace: ws, log },
    );
    expect(two.status).toBe('written');
    expect(git(origin, 'log', '-1', '--format=%s', 'model-budget-data').trim()).toBe('model-budget: record 1111111, 2222222');
    expect(git(origin, 'show', 'model-budget-data:README.md')).toMatch(/^# model-budget history\n\nWritten by model-budget: one JSON Lines file per model/);
    expect(git(ws, 'for-each-ref', 'refs/model-budget')).toBe('');

    // A README someone edited is kept as it is on the next write.
    editDataBranch(clone('edit'), { 'README.md': 'ours\n' }, 'edit');
    await appendRecords([record({ sha: 'b'.repeat(40), size: 3 })], { workspace: ws, log });
    expect(git(origin, 'show', 'model-budget-data:README.md')).toBe('ours\n');
  });

  it('reads: a missing branch says so, a model without a file is empty, an unnamed file is named by its records or its name', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    const log = recordingLog();
    expect(await readHistory({ workspace: ws, log })).toEqual({
      status: 'missing',
      message: 'no trend history yet: branch model-budget-data does not exist on origin',
      histories: [],
    });
    expect(log.infos).toEqual(['no trend history yet: branch model-budget-data does not exist on origin']);

    await appendRecords([record({ sha: SHA, size: 1 })], { workspace: ws, log });
    const wanted = await readHistory({ workspace: ws, log, models: ['gender', 'absent'] });
    expect(wanted.status).toBe('ok');
    expect(wanted.histories.find((h) => h.model === 'absent')).toEqual({ model: 'absent', records: [], corrupt: 0, newer: 0, truncated: false });
    expect(git(ws, 'for-each-ref', 'refs/model-budget')).toBe('');

    // A file of corrupt lines only: no record to name it, so its file name does.
    editDataBranch(clone('edit'), { 'broken.jsonl': 'not json\n' }, 'broken');
    const all = await readHistory({ workspace: ws, log });
    expect(all.histories.map((h) => [h.model, h.records.length, h.corrupt])).toEqual([
      ['broken', 0, 1],
      ['gender', 1, 0],
    ]);
    expect(log.warnings).toEqual(['model-budget-data:broken.jsonl: skipped 1 corrupt line(s)']);
    void origin;
  });

  it("a refused push names the remote's reason and the fix", async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    const hook = join(origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\nexit 1\n');
    chmodSync(hook, 0o755);
    const log = recordingLog();
    const result = await appendRecords([record({ sha: SHA, size: 1 })], { workspace: ws, log, sleep: () => Promise.reject(new Error('no retry expected')) });
    const message =
      'could not push the trend history to model-budget-data: [remote rejected] (pre-receive hook declined). Give the workflow `permissions: contents: write` on push and keep `persist-credentials` of actions/checkout on';
    expect(result).toEqual({ status: 'warning', message });
    expect(log.warnings).toEqual([message]);
  });

  it('an unreachable remote: one warning naming the branch and the remote, no history', async () => {
    const { root, clone } = makeOrigin();
    const ws = clone('ws');
    git(ws, 'remote', 'set-url', 'origin', join(root, 'nowhere.git'));
    const log = recordingLog();
    const read = await readHistory({ workspace: ws, log });
    expect(read.status).toBe('warning');
    expect(read.histories).toEqual([]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(/^could not fetch model-budget-data from origin: /);
  });
});
