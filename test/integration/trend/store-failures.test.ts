import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runGit, type GitResult } from '../../../src/git/run-git.js';
import { appendRecords, readHistory, type GitRunner } from '../../../src/trend/store.js';
import type { TrendLog } from '../../../src/trend/types.js';
import { record } from '../../unit/trend/records.js';
import { editDataBranch, git, makeOrigin } from './git-fixture.js';

// git failing half-way through a write or a read, through the store's git port: every other command runs real git
// against a real origin, and the planted failure is the exit code and stderr git itself would give. Whatever fails,
// the store warns once with the command that failed, writes nothing, and leaves no private ref behind.
function recordingLog(): TrendLog & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, info: (m) => infos.push(m), warning: (m) => warnings.push(m) };
}

const FAILED: GitResult = { code: 128, stdout: '', stdoutBytes: Buffer.alloc(0), stderr: 'fatal: planted failure\n', truncated: false };

/** Real git, except that the `nth` command starting with `command` (e.g. `cat-file`) fails, or throws `error`. */
function failing(command: string, options: { nth?: number; error?: Error; result?: GitResult } = {}): GitRunner & { calls: string[][] } {
  const calls: string[][] = [];
  let seen = 0;
  const run = async (args: readonly string[], gitOptions: Parameters<GitRunner>[1]): Promise<GitResult> => {
    calls.push([...args]);
    if (args[0] === command) {
      seen += 1;
      if (seen === (options.nth ?? 1)) {
        if (options.error) throw options.error;
        return options.result ?? FAILED;
      }
    }
    return runGit(args, gitOptions);
  };
  return Object.assign(run, { calls });
}

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';

/** A workspace whose data branch already holds one record of `gender`, so a write reads it back. */
async function withHistory(): Promise<{ origin: string; ws: string; tip: string }> {
  const { origin, clone } = makeOrigin();
  const ws = clone('ws');
  const first = await appendRecords([record({ sha: '1'.repeat(40), size: 1 })], { workspace: ws, log: recordingLog() });
  if (first.status !== 'written') throw new Error(`fixture: ${JSON.stringify(first)}`);
  return { origin, ws, tip: first.commit };
}

describe('the history store when git fails half-way', () => {
  const writes: [string, { nth?: number }, RegExp][] = [
    ['ls-tree', {}, /^could not record the trend history: git ls-tree [0-9a-f]{40}: fatal: planted failure$/],
    ['cat-file', {}, /^could not record the trend history: git cat-file gender\.jsonl: fatal: planted failure$/],
    ['hash-object', {}, /^could not record the trend history: git hash-object: fatal: planted failure$/],
    ['mktree', {}, /^could not record the trend history: git mktree: fatal: planted failure$/],
    ['commit-tree', {}, /^could not record the trend history: git commit-tree: fatal: planted failure$/],
    // The first rev-parse asks for .git/shallow; the second reads the fetched tip.
    ['rev-parse', { nth: 2 }, /^could not read model-budget-data: fatal: planted failure$/],
  ];
  for (const [command, options, message] of writes) {
    it(`a write whose git ${command} fails warns with it once, pushes nothing and leaves no ref`, async () => {
      const { origin, ws, tip } = await withHistory();
      const log = recordingLog();
      const port = failing(command, options);
      const result = await appendRecords([record({ sha: SHA, size: 2 })], { workspace: ws, log, git: port, sleep: () => Promise.resolve() });
      expect(result.status).toBe('warning');
      const text = result.status === 'warning' ? result.message : '';
      expect(text).toMatch(message);
      expect(log.warnings).toEqual([text]);
      expect(log.infos).toEqual([]);
      // One attempt: a broken clone is not a race, so nothing is retried and nothing is pushed.
      expect(port.calls.filter((args) => args[0] === 'fetch')).toHaveLength(1);
      expect(port.calls.filter((args) => args[0] === 'push')).toHaveLength(0);
      expect(git(origin, 'rev-parse', 'model-budget-data').trim()).toBe(tip);
      expect(git(ws, 'for-each-ref', 'refs/model-budget')).toBe('');
    });
  }

  it('a write whose git cannot start half-way (commit-tree) warns with why, and the checkout is left as it was', async () => {
    const { origin, ws, tip } = await withHistory();
    const shallow = join(ws, '.git', 'shallow');
    const lines = readFileSync(shallow, 'utf8');
    const before = git(ws, 'show-ref').trim();
    const log = recordingLog();
    const port = failing('commit-tree', { error: new Error('spawn git EMFILE') });
    const result = await appendRecords([record({ sha: SHA, size: 2 })], { workspace: ws, log, git: port });
    expect(result).toEqual({ status: 'warning', message: 'could not record the trend history: spawn git EMFILE' });
    expect(log.warnings).toEqual(['could not record the trend history: spawn git EMFILE']);
    expect(git(origin, 'rev-parse', 'model-budget-data').trim()).toBe(tip);
    expect(git(ws, 'show-ref').trim()).toBe(before);
    // The fetch wrote the data branch's tip into .git/shallow; the throw did not keep it there.
    expect(readFileSync(shallow, 'utf8')).toBe(lines);
  });

  it('a thrown value that is not an Error is still named', async () => {
    const { ws } = await withHistory();
    const port: GitRunner = (args, options) => (args[0] === 'mktree' ? Promise.reject(new Error('out of memory')) : runGit(args, options));
    const result = await appendRecords([record({ sha: SHA, size: 2 })], { workspace: ws, log: recordingLog(), git: port });
    expect(result).toEqual({ status: 'warning', message: 'could not record the trend history: out of memory' });
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a runner that rejects with a non-Error is what is tested
    const odd: GitRunner = (args, options) => (args[0] === 'mktree' ? Promise.reject('killed') : runGit(args, options));
    const again = await appendRecords([record({ sha: SHA, size: 2 })], { workspace: ws, log: recordingLog(), git: odd });
    expect(again).toEqual({ status: 'warning', message: 'could not record the trend history: killed' });
  });

  it('git that cannot start at all: appending and reading warn, and never throw', async () => {
    const { ws } = await withHistory();
    const none: GitRunner = () => Promise.reject(new Error('spawn git ENOENT'));
    expect(await appendRecords([record({ sha: SHA, size: 2 })], { workspace: ws, log: recordingLog(), git: none })).toEqual({
      status: 'warning',
      message: 'could not record the trend history: spawn git ENOENT',
    });
    expect(await readHistory({ workspace: ws, log: recordingLog(), git: none })).toEqual({
      status: 'warning',
      message: 'could not read the trend history: spawn git ENOENT',
      histories: [],
    });
  });

  const reads: [string, { nth?: number }, RegExp][] = [
    ['ls-tree', {}, /^could not read the trend history: git ls-tree [0-9a-f]{40}: fatal: planted failure$/],
    ['cat-file', {}, /^could not read the trend history: git cat-file gender\.jsonl: fatal: planted failure$/],
    ['rev-parse', { nth: 2 }, /^could not read model-budget-data: fatal: planted failure$/],
  ];
  for (const [command, options, message] of reads) {
    it(`a read whose git ${command} fails gives a warning and no history, not a crash`, async () => {
      const { ws } = await withHistory();
      const log = recordingLog();
      const result = await readHistory({ workspace: ws, log, git: failing(command, options), sleep: () => Promise.resolve() });
      expect(result.status).toBe('warning');
      expect(result.histories).toEqual([]);
      const text = result.status === 'warning' ? result.message : '';
      expect(text).toMatch(message);
      expect(log.warnings).toEqual([text]);
      expect(git(ws, 'for-each-ref', 'refs/model-budget')).toBe('');
    });
  }

  it('a read whose git cannot start warns with why', async () => {
    const { ws } = await withHistory();
    const log = recordingLog();
    const result = await readHistory({ workspace: ws, log, git: failing('ls-tree', { error: new Error('spawn git ENOENT') }) });
    expect(result).toEqual({ status: 'warning', message: 'could not read the trend history: spawn git ENOENT', histories: [] });
    expect(log.warnings).toEqual(['could not read the trend history: spawn git ENOENT']);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a runner that rejects with a non-Error is what is tested
    const odd: GitRunner = (args, options) => (args[0] === 'ls-tree' ? Promise.reject(7) : runGit(args, options));
    expect(await readHistory({ workspace: ws, log: recordingLog(), git: odd })).toMatchObject({ message: 'could not read the trend history: 7' });
  });

  it('the default back-off waits on a real timer between attempts (a busy clone once, then real git)', async () => {
    const { ws } = await withHistory();
    const busy: GitResult = { ...FAILED, stderr: "fatal: Unable to create '/x/.git/shallow.lock': File exists.\n" };
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      // random() · 250 ms · 2ⁿ with n = 1 for the read (60 ms); random() · min(4 s, 250 ms · 2ⁿ) for the write (70 ms).
      const read = await readHistory({ workspace: ws, log: recordingLog(), git: failing('fetch', { result: busy }), random: () => 0.12 });
      expect(read.status).toBe('ok');
      expect(timers.mock.calls.map((call) => call[1])).toContain(60);
      const port = failing('fetch', { result: busy });
      const written = await appendRecords([record({ sha: SHA, size: 2 })], { workspace: ws, log: recordingLog(), git: port, random: () => 0.14 });
      expect(written).toMatchObject({ status: 'written', attempts: 2 });
      expect(timers.mock.calls.map((call) => call[1])).toContain(70);
      expect(port.calls.filter((args) => args[0] === 'fetch')).toHaveLength(2);
    } finally {
      timers.mockRestore();
    }
  });

  it('a file named unlike its model is named by its last record; a requested model keeps the name asked for', async () => {
    const { clone } = makeOrigin();
    const ws = clone('ws');
    const log = recordingLog();
    // "Gender Net" is stored as gender-net-<hash>.jsonl: the model's name is in the records, not the file name.
    await appendRecords([record({ model: 'Gender Net', sha: SHA, size: 1 })], { workspace: ws, log });
    const all = await readHistory({ workspace: ws, log });
    expect(all.histories.map((h) => [h.model, h.records.length])).toEqual([['Gender Net', 1]]);
    const asked = await readHistory({ workspace: ws, log, models: ['Gender Net'] });
    expect(asked.histories.map((h) => [h.model, h.records.length])).toEqual([['Gender Net', 1]]);

    // Without a record to name it, only the final ".jsonl" of the file name goes.
    editDataBranch(clone('edit'), { 'a.jsonlb.jsonl': 'not json\n' }, 'odd name');
    const odd = await readHistory({ workspace: ws, log });
    expect(odd.histories.map((h) => h.model).sort()).toEqual(['Gender Net', 'a.jsonlb']);
  });
});
