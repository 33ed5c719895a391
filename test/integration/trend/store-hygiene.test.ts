import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendHistoryBytes } from '../../../src/trend/jsonl.js';
import { appendRecords, readHistory } from '../../../src/trend/store.js';
import type { TrendLog } from '../../../src/trend/types.js';
import { record } from '../../unit/trend/records.js';
import { git, makeOrigin } from './git-fixture.js';

const log: TrendLog = { info: () => undefined, warning: () => undefined };

/** What the store must leave as it found it in the user's checkout. */
function checkoutState(ws: string): { shallow: string | undefined; refs: string; isShallow: string } {
  const path = join(ws, '.git', 'shallow');
  return {
    shallow: existsSync(path) ? readFileSync(path, 'utf8') : undefined,
    refs: git(ws, 'for-each-ref', '--format=%(refname) %(objectname)'),
    isShallow: git(ws, 'rev-parse', '--is-shallow-repository').trim(),
  };
}

describe('the history store leaves the checkout as it found it', () => {
  it.each([
    { what: 'a full clone stays a full clone', depth: [] as string[] },
    { what: 'a depth-1 clone (actions/checkout) keeps its own shallow lines only', depth: ['--depth=1'] },
  ])('$what: no .git/shallow change, no remote-tracking ref, after recording and reading', async ({ depth }) => {
    const { root, origin, clone } = makeOrigin();
    // The first record creates the branch; the second fetches it with depth 1 (the case that wrote .git/shallow).
    await appendRecords([record({ sha: 'a'.repeat(40), size: 1 })], { workspace: clone('first'), log });
    const ws = join(root, 'ws');
    git(root, 'clone', '--quiet', ...depth, `file://${origin}`, ws);
    const before = checkoutState(ws);

    const written = await appendRecords([record({ sha: 'b'.repeat(40), size: 2 })], { workspace: ws, log });
    expect(written.status).toBe('written');
    const read = await readHistory({ workspace: ws, log });
    expect(read.histories[0]?.records.map((r) => r.sha[0])).toEqual(['a', 'b']);

    expect(checkoutState(ws)).toEqual(before);
    expect(git(ws, 'fsck', '--connectivity-only', '--no-dangling').trim()).toBe('');
  });
});

describe('history lines that are not UTF-8', () => {
  it('are kept byte for byte when the store appends, not replaced by U+FFFD', async () => {
    const { root, origin, clone } = makeOrigin();
    const ws = clone('ws');
    await appendRecords([record({ sha: 'a'.repeat(40), size: 1 })], { workspace: ws, log });
    // A hand edit saved in Latin-1 (as an old Windows editor would), pushed to the data branch.
    const editor = join(root, 'editor');
    git(root, 'clone', '--quiet', '--branch', 'model-budget-data', `file://${origin}`, editor);
    const file =
      git(editor, 'ls-files')
        .split('\n')
        .find((n) => n.endsWith('.jsonl')) ?? '';
    const latin1 = Buffer.from('{"note":"caf\xe9"}\n', 'latin1');
    appendFileSync(join(editor, file), latin1);
    git(editor, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-am', 'hand edit');
    git(editor, 'push', '--quiet', 'origin', 'model-budget-data');

    expect((await appendRecords([record({ sha: 'b'.repeat(40), size: 2 })], { workspace: ws, log })).status).toBe('written');
    const stored = execFileSync('git', ['show', `model-budget-data:${file}`], { cwd: origin });
    expect(stored.includes(latin1)).toBe(true);
    expect(stored.includes(Buffer.from('\ufffd'))).toBe(false);
  });
});

describe('a history file of unreadable lines', () => {
  it('is bounded too: past twice maxEntries the oldest lines go, whatever they hold; over-long lines are dropped', () => {
    const junk = Array.from({ length: 5000 }, (_, i) => `not json ${i}`).join('\n');
    const huge = 'x'.repeat(70 * 1024);
    const out = new TextDecoder().decode(appendHistoryBytes(new TextEncoder().encode(`${huge}\n${junk}\n`), [record({ sha: 'c'.repeat(40), size: 3 })], 10));
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    expect(lines.at(-2)).toBe('not json 4999');
    expect(lines.at(-1)).toContain('"sha":"cccc');
    expect(out).not.toContain(huge);
  });
});
