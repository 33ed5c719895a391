import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { runAction } from '../../../src/action/action-run.js';
import type { GitHubClient, IssueComment } from '../../../src/github/client.js';
import { toReportJson } from '../../../src/report/json.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { commentMarker } from '../../../src/action/sticky-comment.js';
import type { Report } from '../../../src/report/types.js';

const report: Report = {
  schemaVersion: 1,
  verdict: 'pass',
  config: 'model-budget.yml',
  tool: { name: 'model-budget', version: '0.1.0' },
  models: [{ name: 'net', path: 'm/model.json', verdict: 'pass', metrics: [], weights: [], notes: [] }],
};

/** `mode: report` on a workflow_run of PR #7, with `comments` already on the PR; returns what was written. */
async function reportModeWith(comments: IssueComment[], artifact: unknown, inputs: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'mb-report-'));
  const event = join(dir, 'event.json');
  await writeFile(
    event,
    JSON.stringify({ workflow_run: { id: 5, head_sha: 'abc', head_branch: 'feature', pull_requests: [{ number: 7, head: { sha: 'abc' } }] } }),
  );
  const writes: { action: string; id?: number; body: string }[] = [];
  const client: GitHubClient = {
    listComments: () => Promise.resolve(comments),
    createComment: (_issue, body) => {
      writes.push({ action: 'create', body });
      return Promise.resolve({ id: 99, body, author: 'github-actions[bot]' });
    },
    updateComment: (id, body) => {
      writes.push({ action: 'update', id, body });
      return Promise.resolve({ id, body, author: 'github-actions[bot]' });
    },
    getAuthenticatedLogin: () => Promise.resolve(undefined),
    getPullRequest: (number) => Promise.resolve({ number, headSha: 'abc', labels: [] }),
    listPullRequestsForHead: () => Promise.resolve([]),
    downloadArtifact: () => Promise.resolve(zipSync({ 'model-budget-report.json': strToU8(JSON.stringify(artifact)) })),
    listArtifactNames: () => Promise.resolve([]),
  };
  const values: Record<string, string> = { mode: 'report', 'github-token': 't', ...inputs };
  await runAction({
    env: { GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: event, GITHUB_WORKSPACE: dir },
    getInput: (name) => values[name] ?? '',
    core: {
      info: () => undefined,
      warning: () => undefined,
      annotate: () => undefined,
      setOutput: () => undefined,
      setSecret: () => undefined,
      appendSummary: () => Promise.resolve(),
    },
    runCheck: () => Promise.reject(new Error('mode: report runs no check')),
    renderMarkdown,
    toReportJson,
    createClient: () => client,
  });
  return writes;
}

describe('mode: report chooses the comment from its own inputs, never from the artifact', () => {
  const other = { id: 40, body: `${commentMarker('other.yml')}\nthe other config's report`, author: 'github-actions[bot]' };

  it("an artifact naming another config's key does not overwrite that comment", async () => {
    const writes = await reportModeWith([other], { report, commentKey: 'other.yml' });
    expect(writes.map((w) => w.action)).toEqual(['create']);
    expect(writes[0]?.body).toMatch(/^<!-- model-budget:model-budget.yml -->\n/);
  });

  it('the key is the config input (relative to working-directory), as in check mode, or comment-key', async () => {
    const ours = { id: 41, body: `${commentMarker('ml/budget.yml')}\nold`, author: 'github-actions[bot]' };
    const nested = await reportModeWith([other, ours], { report }, { config: 'budget.yml', 'working-directory': 'ml' });
    expect(nested.map((w) => [w.action, w.id])).toEqual([['update', 41]]);
    expect(nested[0]?.body).toMatch(/^<!-- model-budget:ml\/budget.yml -->\n/);
    const keyed = await reportModeWith([other], { report }, { 'comment-key': 'other.yml' });
    expect(keyed.map((w) => [w.action, w.id])).toEqual([['update', 40]]);
  });
});
