/**
 * The Action's trend hooks end to end on git: pushes to the default branch are recorded (other branches are not),
 * and a PR gets the chart and the history its `trend:` budget is judged against.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { pullRequestHistory, readTrendInputs, recordOnPush, trendForPullRequest } from '../../../src/action/trend-hooks.js';
import { applyTrendBudgetsToReport } from '../../../src/judge/trend-budgets.js';
import { readTrend } from '../../../src/trend/track.js';
import { fixedClock } from '../../fakes/clock.js';
import type { Report } from '../../../src/report/types.js';
import { ENV_A } from '../../unit/trend/records.js';
import { git, makeOrigin } from './git-fixture.js';

function report(size: number): Report {
  return {
    schemaVersion: 1,
    verdict: 'pass',
    config: 'model-budget.yml',
    models: [
      {
        name: 'gender',
        path: 'models/gender/model.json',
        format: 'graph',
        verdict: 'pass',
        metrics: [{ key: 'size', unit: 'bytes', value: size, limit: 300_000, direction: 'max', status: 'pass', message: '' }],
        weights: [],
        notes: [],
      },
    ],
    environment: ENV_A,
    tool: { name: 'model-budget', version: '0.1.0' },
  };
}

const messages: string[] = [];
const log = { info: (m: string): void => void messages.push(m), warning: (m: string): void => void messages.push(`warning: ${m}`) };
const inputs = readTrendInputs(() => '');

test('inputs: defaults, and a clear error for a bad value', () => {
  expect(inputs).toEqual({ record: 'auto', branch: 'model-budget-data', maxEntries: 500 });
  expect(() => readTrendInputs((n) => (n === 'record' ? 'sometimes' : ''))).toThrow(/input "record" is "sometimes"; expected one of auto, always, never/);
  expect(() => readTrendInputs((n) => (n === 'history-max-entries' ? '1' : ''))).toThrow(/history-max-entries/);
});

test('push records on the default branch only; a PR charts the history and judges its trend budget', async () => {
  const { root, clone } = makeOrigin();
  const event = join(root, 'push.json');
  writeFileSync(event, JSON.stringify({ repository: { default_branch: 'main' } }));
  const main = clone('main-checkout');
  const sha = (): string => git(main, 'rev-parse', 'HEAD').trim();

  for (const size of [200_000, 201_000, 199_000, 200_500]) {
    // Each push is a new commit of the default branch.
    git(main, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '--allow-empty', '-m', `size ${size}`);
    await recordOnPush(report(size), {
      env: { GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_PATH: event },
      workspace: main,
      sha: sha(),
      configPath: join(main, 'model-budget.yml'),
      inputs,
      log,
    });
  }
  await recordOnPush(report(999_999), {
    env: { GITHUB_REF: 'refs/heads/feature', GITHUB_EVENT_PATH: event },
    workspace: main,
    sha: sha(),
    configPath: join(main, 'model-budget.yml'),
    inputs,
    log,
  });
  expect(messages.filter((m) => m.startsWith('warning'))).toEqual([]);
  expect(messages.some((m) => m.includes('trend not recorded for refs/heads/feature'))).toBe(true);

  const pr = clone('pr-checkout');
  // The history the Action hands the check: the check's judge step judges the trend budget against it.
  const env = { GITHUB_BASE_REF: 'main' };
  const history = pullRequestHistory({ env, workspace: pr, inputs, log });
  const histories = await history.history.read(['gender']);
  const judged = applyTrendBudgetsToReport(report(240_000), new Map([['gender', { size: 0.1 }]]), histories ?? [], history.history);
  const result = await trendForPullRequest(judged, { env, inputs, budgeted: true, history });
  expect(result.comment).toContain('xychart-beta');
  expect(result.summary).toMatch(/size/);
  const trend = judged.models[0]?.metrics.find((m) => m.key === 'trend.size');
  expect(trend?.status).toBe('fail');
  expect(trend?.value).toBeCloseTo(240_000 / 200_250 - 1, 3);
  expect(judged.verdict).toBe('fail');
});

test('a push record carries the time of the injected clock', async () => {
  const { root, clone } = makeOrigin();
  const event = join(root, 'push.json');
  writeFileSync(event, JSON.stringify({ repository: { default_branch: 'main' } }));
  const main = clone('clock-checkout');
  const clock = fixedClock('2031-05-06T07:08:09.000Z');
  await recordOnPush(report(123_456), {
    env: { GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_PATH: event },
    workspace: main,
    sha: git(main, 'rev-parse', 'HEAD').trim(),
    configPath: join(main, 'model-budget.yml'),
    inputs,
    log,
    now: clock.now,
  });
  expect(clock.reads()).toBe(1);
  const history = await readTrend({ workspace: clone('clock-reader'), branch: inputs.branch, models: ['gender'] }, log);
  expect(history.status).toBe('ok');
  const records = history.status === 'ok' ? (history.histories[0]?.records ?? []) : [];
  expect(records.map((r) => r.date)).toEqual(['2031-05-06T07:08:09.000Z']);
});
