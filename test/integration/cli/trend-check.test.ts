/**
 * The check judges `trend:` budgets itself: `runCheck` with a history handed in (no CLI, no Action, no git) fails a
 * model past its trend budget, honours the history's ref and `noHistory`, and reads the history only when a model
 * has a trend budget.
 */
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, expect, test } from 'vitest';
import type { TrendHistory } from '../../../src/judge/trend-budgets.js';
import { runCheck } from '../../../src/run.js';
import type { ModelHistory } from '../../../src/trend/types.js';
import { record } from '../../unit/trend/records.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');
const ports = { progress: () => undefined, warn: () => undefined };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-trend-check-'));
  await cp(example, join(dir, 'models', 'gender'), { recursive: true });
});

async function writeConfig(budget: string): Promise<void> {
  const config = `version: 1\nbenchmark: { runtime: cpu, runs: 2, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    budget:\n${budget}`;
  await writeFile(join(dir, 'model-budget.yml'), config);
}

/** Five default-branch points of `size` bytes for "gender", and the model names each read asked for. */
function history(size: number | undefined, options: Omit<TrendHistory, 'read'> = {}): { history: TrendHistory; reads: (readonly string[])[] } {
  const reads: (readonly string[])[] = [];
  const histories: ModelHistory[] =
    size === undefined
      ? []
      : [{ model: 'gender', records: Array.from({ length: 5 }, (_, i) => record({ sha: `s${i}`, size })), corrupt: 0, newer: 0, truncated: false }];
  const read = (models: readonly string[]): Promise<readonly ModelHistory[]> => {
    reads.push(models);
    return Promise.resolve(histories);
  };
  return { history: { read, ...options }, reads };
}

test('a model past its trend budget fails the check, against the history handed in', async () => {
  await writeConfig('      size: 1 MB\n      trend: { size: 5% }\n');
  // The example's 231.8 KB against a median of 200 KB: +15.9%.
  const given = history(200_000);
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir, history: given.history }, ports);
  expect(given.reads).toEqual([['gender']]);
  const trend = report.models[0]?.metrics.find((m) => m.key === 'trend.size');
  expect(trend).toMatchObject({ status: 'fail', limit: 0.05, unit: 'fraction' });
  expect(trend?.value).toBeCloseTo(231_781 / 200_000 - 1, 4);
  expect(trend?.message).toContain('which is more than the 5% trend budget');
  expect(report.models[0]?.verdict).toBe('fail');
  expect(report.verdict).toBe('fail');

  // Within a 20% trend budget: judged, and passing.
  await writeConfig('      size: 1 MB\n      trend: { size: 20% }\n');
  const within = await runCheck({ configPath: 'model-budget.yml', cwd: dir, history: history(200_000).history }, ports);
  expect(within.report.models[0]?.metrics.find((m) => m.key === 'trend.size')?.status).toBe('pass');
  expect(within.report.verdict).toBe('pass');
});

test("only the history's ref counts, and a model with no recorded point gets a note unless noHistory is skip", async () => {
  await writeConfig('      size: 1 MB\n      trend: { size: 5% }\n');
  const otherRef = await runCheck({ configPath: 'model-budget.yml', cwd: dir, history: history(200_000, { ref: 'refs/heads/release' }).history }, ports);
  expect(otherRef.report.models[0]?.metrics.some((m) => m.key.startsWith('trend.'))).toBe(false);
  expect(otherRef.report.models[0]?.notes).toContain('size: 0 default-branch point(s), the trend budget needs 3; skipped');
  expect(otherRef.report.verdict).toBe('pass');

  const noted = await runCheck({ configPath: 'model-budget.yml', cwd: dir, history: history(undefined, { noHistory: 'note' }).history }, ports);
  expect(noted.report.models[0]?.notes).toContain('trend budgets skipped: no recorded history for this model');
  const skipped = await runCheck({ configPath: 'model-budget.yml', cwd: dir, history: history(undefined, { noHistory: 'skip' }).history }, ports);
  expect(skipped.report.models[0]?.notes.filter((n) => n.includes('trend'))).toEqual([]);
});

test('no trend budget: the history is never read; no history given: trend budgets are not judged', async () => {
  await writeConfig('      size: 1 MB\n');
  const given = history(100);
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir, history: given.history }, ports);
  expect(given.reads).toEqual([]);
  expect(report.verdict).toBe('pass');

  await writeConfig('      size: 1 MB\n      trend: { size: 5% }\n');
  const unjudged = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
  expect(unjudged.report.models[0]?.metrics.some((m) => m.key.startsWith('trend.'))).toBe(false);
  expect(unjudged.report.verdict).toBe('pass');
});
