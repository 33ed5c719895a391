import { describe, expect, it } from 'vitest';
import { GitHubApiError, type GitHubClient, type IssueComment } from '../../../src/github/client.js';
import { readInputs } from '../../../src/action/inputs.js';
import { commentMarker, publishStickyComment, resolveCommentAuthor, type CommentMode, type StickyCommentResult } from '../../../src/action/sticky-comment.js';

const BOT = 'github-actions[bot]';
const marker = commentMarker('model-budget.yml');
const body = `${marker}\nreport`;

/**
 * A client whose creates fail with the queued errors first; `landOnFailure` makes a failed create still leave its
 * comment behind (a POST that went through while its answer was lost). Every call is recorded.
 */
function scriptedClient(options: { comments?: IssueComment[]; createErrors?: Error[]; landOnFailure?: boolean; landedBody?: string; listError?: Error } = {}) {
  const comments = [...(options.comments ?? [])];
  const createErrors = [...(options.createErrors ?? [])];
  const calls: string[] = [];
  let next = 100;
  const client: GitHubClient = {
    listComments: (issue) => {
      calls.push(`list:${issue}`);
      return options.listError ? Promise.reject(options.listError) : Promise.resolve([...comments]);
    },
    createComment: (issue, text) => {
      calls.push(`create:${issue}`);
      const error = createErrors.shift();
      if (error) {
        if (options.landOnFailure) comments.push({ id: next++, body: options.landedBody ?? text, author: BOT });
        return Promise.reject(error);
      }
      const c = { id: next++, body: text, author: BOT, url: `https://github.com/o/r/pull/7#issuecomment-${next - 1}` };
      comments.push(c);
      return Promise.resolve(c);
    },
    updateComment: (id, text) => {
      calls.push(`update:${id}`);
      return Promise.resolve({ id, body: text, author: BOT, url: `https://github.com/o/r/pull/7#issuecomment-${id}` });
    },
    getAuthenticatedLogin: () => Promise.resolve(undefined),
    getPullRequest: () => Promise.reject(new Error('unused')),
    listPullRequestsForHead: () => Promise.resolve([]),
    downloadArtifact: () => Promise.resolve(undefined),
    listArtifactNames: () => Promise.resolve([]),
  };
  return { client, calls, comments };
}

async function publish(client: GitHubClient, over: { mode?: CommentMode; failing?: boolean; changed?: boolean } = {}) {
  const warnings: string[] = [];
  const result: StickyCommentResult = await publishStickyComment({
    client,
    issueNumber: 7,
    body,
    marker,
    mode: over.mode ?? 'always',
    failing: over.failing ?? false,
    changed: over.changed ?? false,
    author: BOT,
    warn: (m) => warnings.push(m),
  });
  return { result, warnings };
}

describe('results say what happened, with the comment and its link', () => {
  it('created', async () => {
    const { client } = scriptedClient();
    expect((await publish(client)).result).toEqual({ action: 'created', commentId: 100, url: 'https://github.com/o/r/pull/7#issuecomment-100' });
  });

  it('updated and unchanged keep the link; a comment without one gives none', async () => {
    const linked = { id: 5, body: `${marker}\nold`, author: BOT, url: 'https://github.com/o/r/pull/7#issuecomment-5' };
    expect((await publish(scriptedClient({ comments: [linked] }).client)).result).toEqual({
      action: 'updated',
      commentId: 5,
      url: 'https://github.com/o/r/pull/7#issuecomment-5',
    });
    expect((await publish(scriptedClient({ comments: [{ ...linked, body }] }).client)).result).toEqual({
      action: 'unchanged',
      commentId: 5,
      url: 'https://github.com/o/r/pull/7#issuecomment-5',
    });
    expect((await publish(scriptedClient({ comments: [{ id: 6, body, author: BOT }] }).client)).result).toEqual({ action: 'unchanged', commentId: 6 });
  });

  it.each([
    { mode: 'never', failing: true, changed: true, reason: 'comment: never' },
    { mode: 'on-failure', failing: false, changed: true, reason: 'comment: on-failure and the check passes' },
    { mode: 'on-change', failing: false, changed: false, reason: 'comment: on-change and nothing measured changed' },
  ] as const)('skipped ($mode) with its reason, and nothing listed for never', async ({ mode, failing, changed, reason }) => {
    const { client, calls } = scriptedClient();
    expect((await publish(client, { mode, failing, changed })).result).toEqual({ action: 'skipped', reason });
    expect(calls).toEqual(mode === 'never' ? [] : ['list:7']);
  });

  it('on-change creates for a failing check even when nothing measured changed', async () => {
    const { client } = scriptedClient();
    expect((await publish(client, { mode: 'on-change', failing: true, changed: false })).result.action).toBe('created');
  });

  it('a failure other than 403 is a warning that points at the job summary only', async () => {
    const error = new GitHubApiError('could not list comments: HTTP 404: Not Found', 404);
    const { result, warnings } = await publish(scriptedClient({ listError: error }).client);
    const reason = 'could not write the PR comment (could not list comments: HTTP 404: Not Found). The report is still in the job summary and the outputs.';
    expect(result).toEqual({ action: 'failed', reason });
    expect(warnings).toEqual([reason]);
  });

  it('a thrown non-Error is described too', async () => {
    // Some libraries reject with a bare string; the warning must still say what it was.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const client = { ...scriptedClient().client, listComments: () => Promise.reject('socket hang up') };
    expect((await publish(client)).result).toEqual({
      action: 'failed',
      reason: 'could not write the PR comment (socket hang up). The report is still in the job summary and the outputs.',
    });
  });
});

describe('a create whose answer was lost is not posted twice', () => {
  it.each([0, 500, 503])('status %i: the comments are listed again, and a retry creates it', async (status) => {
    const { client, calls } = scriptedClient({ createErrors: [new GitHubApiError('lost', status)] });
    const { result } = await publish(client);
    expect(result).toMatchObject({ action: 'created', commentId: 100 });
    expect(calls).toEqual(['list:7', 'create:7', 'list:7', 'create:7']);
  });

  it('a comment that landed meanwhile is taken instead of a second post', async () => {
    const { client, calls, comments } = scriptedClient({ createErrors: [new GitHubApiError('timeout', 0)], landOnFailure: true });
    const { result } = await publish(client);
    expect(result).toEqual({ action: 'created', commentId: 100 });
    expect(calls).toEqual(['list:7', 'create:7', 'list:7']);
    expect(comments.map((c) => c.id)).toEqual([100]);
  });

  it('a comment that landed with another body is updated', async () => {
    const { client, calls } = scriptedClient({ createErrors: [new GitHubApiError('timeout', 502)], landOnFailure: true, landedBody: `${marker}\nolder` });
    expect((await publish(client)).result).toMatchObject({ action: 'created', commentId: 100 });
    expect(calls).toEqual(['list:7', 'create:7', 'list:7', 'update:100']);
  });

  it('gives up after three tries, with a warning', async () => {
    const errors = [500, 502, 503, 504].map((s) => new GitHubApiError(`HTTP ${s}`, s));
    const { client, calls } = scriptedClient({ createErrors: errors });
    const { result, warnings } = await publish(client);
    expect(result.action).toBe('failed');
    expect(result.action === 'failed' && result.reason).toContain('(HTTP 503)');
    expect(calls).toEqual(['list:7', 'create:7', 'list:7', 'create:7', 'list:7', 'create:7']);
    expect(warnings).toHaveLength(1);
  });

  it.each([
    { what: 'a 4xx', error: new GitHubApiError('HTTP 422', 422) },
    { what: 'a 499', error: new GitHubApiError('HTTP 499', 499) },
    { what: 'an error that is no API error', error: new Error('bug') },
  ])('$what is not retried', async ({ error }) => {
    const { client, calls } = scriptedClient({ createErrors: [error] });
    expect((await publish(client)).result.action).toBe('failed');
    expect(calls).toEqual(['list:7', 'create:7']);
  });
});

describe('commentMarker keeps keys readable', () => {
  it.each([
    { key: '  spaced.yml ', expected: '<!-- model-budget:spaced.yml -->' },
    { key: 'a-b---c', expected: '<!-- model-budget:a-b-c -->' },
    { key: 'x>y<z', expected: '<!-- model-budget:x_y_z -->' },
  ])('$key', ({ key, expected }) => expect(commentMarker(key)).toBe(expected));
});

it('resolveCommentAuthor falls back to the workflow bot, and says why, when /user fails', async () => {
  const client = { ...scriptedClient().client, getAuthenticatedLogin: () => Promise.reject(new GitHubApiError('HTTP 401', 401)) };
  const warnings: string[] = [];
  expect(await resolveCommentAuthor(client, undefined, (m) => warnings.push(m))).toBe(BOT);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/^could not tell which account the token belongs to \(.*HTTP 401.*\); assuming github-actions\[bot\]$/);
});

it('the Action accepts each of the four comment modes, and names them when one is wrong', () => {
  for (const mode of ['always', 'on-change', 'on-failure', 'never'] as const) {
    expect(readInputs((name) => (name === 'comment' ? mode : '')).comment).toBe(mode);
  }
  expect(() => readInputs((name) => (name === 'comment' ? 'sometimes' : ''))).toThrow(
    'input "comment" is "sometimes"; expected one of always, on-change, on-failure, never',
  );
});

it('a 403 names the permission and the two-workflow setup', async () => {
  const error = new GitHubApiError('could not list comments: HTTP 403: Resource not accessible by integration', 403);
  expect((await publish(scriptedClient({ listError: error }).client)).result).toEqual({
    action: 'failed',
    reason:
      'could not write the PR comment (could not list comments: HTTP 403: Resource not accessible by integration). ' +
      'Pull requests from forks get a read-only token: give the job `permissions: pull-requests: write`, or use the ' +
      'two-workflow setup (mode: measure + mode: report). The report is still in the job summary and the outputs.',
  });
});
