import { readFileSync } from 'node:fs';
import { join } from 'node:path';
/**
 * The Action's path: record reports on pushes to the default branch, then read the history in a PR checkout and
 * turn it into the comment chart and the trend budget.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/types.js';
import { judgeTrendBudgets } from '../../../src/judge/trend-budgets.js';
import { renderTrendMermaid } from '../../../src/trend/chart.js';
import { readTrend, recordTrend, shouldRecordTrend } from '../../../src/trend/track.js';
import { ENV_A } from '../../unit/trend/records.js';
import { git, makeOrigin } from './git-fixture.js';

function report(size: number, p50: number): Report {
  return {
    schemaVersion: 1,
    verdict: 'pass',
    config: 'model-budget.yml',
    models: [
      {
        name: 'human-gender',
        path: 'models/gender/model.json',
        format: 'graph',
        verdict: 'pass',
        metrics: [
          { key: 'size', unit: 'bytes', value: size, limit: 260_000, direction: 'max', status: 'pass', message: '' },
          { key: 'latency.p50', unit: 'ms', value: p50, direction: 'max', status: 'no-budget', message: '' },
        ],
        weights: [],
        notes: [],
      },
    ],
    environment: ENV_A,
    tool: { name: 'model-budget', version: '0.1.0' },
  };
}

const log = { info: (): void => undefined, warning: (m: string): void => void m };

describe('recordTrend and readTrend', () => {
  it('records pushes, then a PR reads them shallowly and charts and judges against them', async () => {
    const { origin, clone } = makeOrigin();
    const pushJob = clone('push');
    for (let i = 0; i < 5; i += 1) {
      const result = await recordTrend(
        report(200_000 + i * 1000, 10 + i * 0.1),
        { workspace: pushJob, sha: `${i}`.repeat(40), ref: 'refs/heads/main', date: `2025-03-0${i + 1}T12:00:00Z`, configHash: 'h' },
        log,
      );
      expect(result.status).toBe('written');
    }
    const prJob = clone('pr');
    const read = await readTrend({ workspace: prJob, models: ['human-gender'] }, log);
    expect(read.status).toBe('ok');
    const history = read.histories[0]?.records ?? [];
    expect(history.map((r) => r.sha[0])).toEqual(['0', '1', '2', '3', '4']);
    // The PR checkout fetched the data branch's tip alone (its parent never arrived) and stays as shallow as it was.
    const tip = read.status === 'ok' ? read.commit : 'none';
    git(prJob, 'cat-file', '-e', `${tip}^{tree}`);
    const parent = git(origin, 'rev-parse', `${tip}^`).trim();
    expect(() => git(prJob, 'cat-file', '-e', parent)).toThrow();
    expect(git(prJob, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    expect(readFileSync(join(prJob, '.git', 'shallow'), 'utf8')).not.toContain(tip);
    expect(git(origin, 'rev-list', '--count', 'model-budget-data').trim()).toBe('5');

    const pr = report(230_000, 12.5).models[0];
    if (pr === undefined) throw new Error('no model');
    const chart = renderTrendMermaid({ current: pr, history, environment: ENV_A, ref: 'refs/heads/main' });
    expect(chart).toContain('line [200, 201, 202, 203, 204, 230]');
    expect(chart).toContain('line [260, 260, 260, 260, 260, 260]');
    const verdicts = judgeTrendBudgets({ budgets: { 'latency-p50': 0.15, size: 0.2 }, current: pr, history, environment: ENV_A });
    expect(verdicts.map((v) => [v.key, v.status])).toEqual([
      ['latency.p50', 'fail'],
      ['size', 'pass'],
    ]);
  });
});

describe('shouldRecordTrend', () => {
  it.each([
    { mode: 'auto', eventName: 'push', ref: 'refs/heads/main', expected: true },
    { mode: 'auto', eventName: 'push', ref: 'refs/heads/feature', expected: false },
    { mode: 'auto', eventName: 'pull_request', ref: 'refs/pull/1/merge', expected: false },
    { mode: 'always', eventName: 'push', ref: 'refs/heads/feature', expected: true },
    { mode: 'always', eventName: 'pull_request', ref: 'refs/pull/1/merge', expected: false },
    { mode: 'never', eventName: 'push', ref: 'refs/heads/main', expected: false },
  ] as const)('$mode on $eventName $ref → $expected', ({ mode, eventName, ref, expected }) => {
    expect(shouldRecordTrend(mode, { eventName, ref, defaultBranch: 'main' })).toBe(expected);
  });
});
