/**
 * Several processes append to one data branch at once, through a local bare repository as `origin`, the way
 * matrix jobs push at the same moment. Every record must land exactly once.
 */
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHistory, historyFileName } from '../../../src/trend/jsonl.js';
import { record } from '../../unit/trend/records.js';
import { git, makeOrigin } from './git-fixture.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..', '..');
let built = '';

beforeAll(() => {
  // Child processes need JavaScript: compile the store (and what it imports) with the project's own tsc.
  const { root: tmp } = makeOrigin();
  built = join(tmp, 'built');
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--outDir',
      built,
      '--rootDir',
      join(root, 'src'),
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--types',
      'node',
      '--skipLibCheck',
      join(root, 'src', 'trend', 'store.ts'),
    ],
    { cwd: root, stdio: 'pipe' },
  );
});

const WORKER = `
import { appendRecords } from ${JSON.stringify('')}STORE;
const [workspace, worker, count, template] = process.argv.slice(2);
const base = JSON.parse(template);
const out = [];
for (let i = 0; i < Number(count); i += 1) {
  const records = ['gender', 'Face Mesh'].map((model) => ({ ...base, model, sha: worker + '-' + i }));
  const result = await appendRecords(records, {
    workspace, maxEntries: 1000, maxAttempts: 60, log: { info() {}, warning(m) { console.error(m); } },
  });
  out.push(result);
}
console.log(JSON.stringify(out));
`;

describe('appendRecords under concurrent writers', () => {
  it('keeps every record exactly once when six processes push at once', async () => {
    const { root: tmp, origin, clone } = makeOrigin();
    const script = join(tmp, 'worker.mjs');
    writeFileSync(script, WORKER.replace(`${JSON.stringify('')}STORE`, JSON.stringify(join(built, 'trend', 'store.js'))));
    const shared = clone('shared');
    // Four jobs with their own checkout, two sharing one (the same runner), all starting at once on a branch
    // that does not exist yet: the orphan creation races too.
    const workspaces = [clone('w0'), clone('w1'), clone('w2'), clone('w3'), shared, shared];
    const template = JSON.stringify(record({ sha: 'x', size: 1000, p50: 5 }));
    const perWorker = 4;
    const outputs = await Promise.all(workspaces.map((ws, worker) => run(process.execPath, [script, ws, `w${worker}`, String(perWorker), template])));
    for (const output of outputs) {
      const results = JSON.parse(output.stdout) as { status: string }[];
      expect(results.map((r) => r.status)).toEqual(Array(perWorker).fill('written'));
    }

    for (const model of ['gender', 'Face Mesh']) {
      const text = git(origin, 'show', `model-budget-data:${historyFileName(model)}`);
      const history = parseHistory(model, text);
      expect(history.corrupt).toBe(0);
      const shas = history.records.map((r) => r.sha).sort();
      const expected = workspaces.flatMap((_, w) => Array.from({ length: perWorker }, (_x, i) => `w${w}-${i}`)).sort();
      expect(shas).toEqual(expected);
      expect(history.records.every((r) => !r.rerun && r.model === model)).toBe(true);
    }
    // A linear chain of fast-forwards: one commit per successful write, nothing forced.
    expect(Number(git(origin, 'rev-list', '--count', 'model-budget-data').trim())).toBe(workspaces.length * perWorker);
  });
});
