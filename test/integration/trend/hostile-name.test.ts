import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { pullRequestHistory, readTrendInputs, recordOnPush, trendForPullRequest } from '../../../src/action/trend-hooks.js';
import type { Report } from '../../../src/report/types.js';
import { markupProblems } from '../../helpers/rendered-markup.js';
import { ENV_A } from '../../unit/trend/records.js';
import { git, makeOrigin } from './git-fixture.js';

const NAME = '<img src=x onerror=alert(1)> @team #1 *x*';

function report(size: number): Report {
  return {
    schemaVersion: 1,
    verdict: 'pass',
    config: 'model-budget.yml',
    models: [
      {
        name: NAME,
        path: 'm/model.json',
        verdict: 'pass',
        metrics: [{ key: 'size', unit: 'bytes', value: size, direction: 'max', status: 'no-budget', message: '' }],
        weights: [],
        notes: [],
      },
    ],
    environment: ENV_A,
    tool: { name: 'model-budget', version: '0.1.0' },
  };
}

test("a model's name is text in the trend sections of the comment and the job summary", async () => {
  const { root, clone } = makeOrigin();
  const event = join(root, 'push.json');
  writeFileSync(event, JSON.stringify({ repository: { default_branch: 'main' } }));
  const main = clone('main-checkout');
  const inputs = readTrendInputs(() => '');
  const log = {
    info: (): void => undefined,
    warning: (m: string): void => {
      throw new Error(m);
    },
  };
  for (const size of [200_000, 201_000]) {
    git(main, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '--allow-empty', '-m', `size ${size}`);
    const sha = git(main, 'rev-parse', 'HEAD').trim();
    await recordOnPush(report(size), {
      env: { GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_PATH: event },
      workspace: main,
      sha,
      configPath: join(main, 'model-budget.yml'),
      inputs,
      log,
    });
  }
  const env = { GITHUB_BASE_REF: 'main' };
  const history = pullRequestHistory({ env, workspace: clone('pr-checkout'), inputs, log });
  const result = await trendForPullRequest(report(202_000), { env, inputs, budgeted: false, history });
  expect(result.comment).toContain('#### Trend of &lt;img');
  expect(result.summary).toContain('#### Trend of &lt;img');
  expect(markupProblems(result.comment)).toEqual([]);
  expect(markupProblems(result.summary)).toEqual([]);
});
