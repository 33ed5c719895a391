import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFileName } from '../../../src/trend/jsonl.js';
import { appendRecords, readHistory } from '../../../src/trend/store.js';
import type { TrendLog } from '../../../src/trend/types.js';
import { record } from '../../unit/trend/records.js';
import { git, makeOrigin } from './git-fixture.js';

function recordingLog(): TrendLog & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, info: (m) => infos.push(m), warning: (m) => warnings.push(m) };
}

/** Commits `files` as the data branch's next commit, straight into the bare origin (a hand edit, an old tool). */
function seedBranch(origin: string, clone: (name: string) => string, files: Record<string, string>): void {
  const ws = clone(`seed-${Math.random().toString(16).slice(2)}`);
  git(ws, 'checkout', '--quiet', '--orphan', 'model-budget-data');
  git(ws, 'rm', '-rf', '--quiet', '.');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(ws, name), text);
  git(ws, 'add', '.');
  git(ws, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'seed data');
  git(ws, 'push', '--quiet', 'origin', 'model-budget-data');
  void origin;
}

describe('the history store', () => {
  it('reports a missing branch as no history, then creates it as an orphan without touching the work tree', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    const log = recordingLog();
    const head = git(ws, 'rev-parse', 'HEAD');
    expect((await readHistory({ workspace: ws, log })).status).toBe('missing');

    const result = await appendRecords([record({ sha: 'a'.repeat(40), size: 100 })], { workspace: ws, log });
    expect(result).toMatchObject({ status: 'written', attempts: 1, files: ['gender.jsonl'] });
    expect(git(origin, 'rev-list', '--count', 'model-budget-data').trim()).toBe('1');
    expect(git(origin, 'ls-tree', '--name-only', 'model-budget-data').split('\n').filter(Boolean)).toEqual(['README.md', 'gender.jsonl']);
    // The user's checkout: same HEAD, clean status, no private fetch refs left behind.
    expect(git(ws, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(ws, 'status', '--porcelain')).toBe('');
    expect(git(ws, 'for-each-ref', 'refs/model-budget')).toBe('');

    const read = await readHistory({ workspace: ws, log, models: ['gender', 'absent'] });
    expect(read.status).toBe('ok');
    expect(read.histories.map((h) => [h.model, h.records.length])).toEqual([
      ['gender', 1],
      ['absent', 0],
    ]);
    expect(log.warnings).toEqual([]);
  });

  it('marks a second record for the same sha as a re-run and keeps both', async () => {
    const { clone } = makeOrigin();
    const ws = clone('ws');
    const log = recordingLog();
    await appendRecords([record({ sha: 'b'.repeat(40), size: 100 })], { workspace: ws, log });
    await appendRecords([record({ sha: 'b'.repeat(40), size: 101 })], { workspace: clone('other'), log });
    const read = await readHistory({ workspace: ws, log });
    expect(read.histories[0]?.records.map((r) => [r.metrics.size?.value, r.rerun])).toEqual([
      [100, false],
      [101, true],
    ]);
  });

  it('keeps corrupt and newer-schema lines verbatim on append and skips them with a warning on read', async () => {
    const { origin, clone } = makeOrigin();
    const old = JSON.stringify(record({ sha: 'c'.repeat(40), size: 90 }));
    const newer = '{"schemaVersion":2,"model":"gender","sha":"future","shape":"unknown to v1"}';
    const corrupt = '{"schemaVersion":1,"model":"gender", truncated by a bad merge';
    seedBranch(origin, clone, { 'gender.jsonl': `${old}\n${corrupt}\n${newer}\n`, 'NOTES.txt': 'kept\n' });

    const log = recordingLog();
    const ws = clone('ws');
    const result = await appendRecords([record({ sha: 'd'.repeat(40), size: 95 })], { workspace: ws, log, maxEntries: 2 });
    expect(result.status).toBe('written');
    const lines = git(origin, 'show', 'model-budget-data:gender.jsonl').trimEnd().split('\n');
    // maxEntries 2 thins only records this version understands; the corrupt and newer lines stay byte for byte.
    expect(lines.slice(0, 3)).toEqual([old, corrupt, newer]);
    expect(lines).toHaveLength(4);
    expect(git(origin, 'show', 'model-budget-data:NOTES.txt')).toBe('kept\n');

    const read = await readHistory({ workspace: ws, log });
    expect(read.histories[0]).toMatchObject({ model: 'gender', corrupt: 1, newer: 1 });
    expect(read.histories[0]?.records.map((r) => r.sha)).toEqual(['c'.repeat(40), 'd'.repeat(40)]);
    expect(log.warnings.join('\n')).toMatch(/skipped 1 corrupt line[\s\S]*skipped 1 record\(s\) of a newer schema/);
  });

  it('compacts a file to maxEntries, keeping the newest dense and the first record', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    const log = recordingLog();
    for (let i = 0; i < 25; i += 1) {
      await appendRecords([record({ sha: `sha${String(i).padStart(2, '0')}`, size: i })], { workspace: ws, log, maxEntries: 10 });
    }
    const text = git(origin, 'show', `model-budget-data:${historyFileName('gender')}`);
    const sizes = text
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { metrics: { size: { value: number } } }).metrics.size.value);
    expect(sizes.length).toBeLessThanOrEqual(10);
    expect(sizes[0]).toBe(0);
    expect(sizes.slice(-5)).toEqual([20, 21, 22, 23, 24]);
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
  });

  it('reads only the tail of a huge history', async () => {
    const { origin, clone } = makeOrigin();
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify(record({ sha: `s${i}`, size: i })));
    seedBranch(origin, clone, { 'gender.jsonl': `${lines.join('\n')}\n` });
    const log = recordingLog();
    const read = await readHistory({ workspace: clone('ws'), log, models: ['gender'], maxBytes: 64 * 1024 });
    const history = read.histories[0];
    expect(history?.truncated).toBe(true);
    expect(history?.corrupt).toBe(0);
    expect(history?.records.length).toBeGreaterThan(50);
    expect(history?.records.length).toBeLessThan(3000);
    expect(history?.records.at(-1)?.sha).toBe('s2999');
  });

  it('warns instead of throwing when the push is refused or the remote is unreachable', async () => {
    const { origin, clone } = makeOrigin();
    const ws = clone('ws');
    const hook = join(origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "remote: Permission to o/r.git denied to github-actions[bot]." >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const log = recordingLog();
    const refused = await appendRecords([record({ sha: 'e'.repeat(40), size: 1 })], { workspace: ws, log });
    expect(refused.status).toBe('warning');
    expect(log.warnings[0]).toMatch(/could not push the trend history to model-budget-data: .*contents: write/);

    git(ws, 'remote', 'set-url', 'origin', join(origin, '..', 'nowhere.git'));
    const unreachable = await appendRecords([record({ sha: 'e'.repeat(40), size: 1 })], { workspace: ws, log });
    expect(unreachable.status).toBe('warning');
    expect((await readHistory({ workspace: ws, log })).status).toBe('warning');
  });
});
