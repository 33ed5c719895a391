import { describe, expect, it } from 'vitest';
import { GitHubApiError, type GitHubClient, type IssueComment } from '../../../src/github/client.js';
import {
  carriesMarker,
  commentMarker,
  findOwnComment,
  publishStickyComment,
  resolveCommentAuthor,
  type CommentMode,
} from '../../../src/action/sticky-comment.js';

/** In-memory client recording every write. */
function fakeClient(initial: IssueComment[] = [], failWith?: GitHubApiError): GitHubClient & { writes: string[]; comments: IssueComment[] } {
  const comments = [...initial];
  const writes: string[] = [];
  let next = 500;
  return {
    comments,
    writes,
    listComments: () => (failWith ? Promise.reject(failWith) : Promise.resolve(comments)),
    createComment: (_issue, body) => {
      writes.push(`create:${body}`);
      const c = { id: next++, body, author: 'github-actions[bot]' };
      comments.push(c);
      return Promise.resolve(c);
    },
    updateComment: (id, body) => {
      writes.push(`update:${id}`);
      return Promise.resolve({ id, body, author: 'github-actions[bot]' });
    },
    getAuthenticatedLogin: () => Promise.resolve(undefined),
    getPullRequest: () => Promise.reject(new Error('unused')),
    listPullRequestsForHead: () => Promise.resolve([]),
    downloadArtifact: () => Promise.resolve(undefined),
    listArtifactNames: () => Promise.resolve([]),
  };
}

const marker = commentMarker('model-budget.yml');
const body = `${marker}\nreport`;
const request = (client: GitHubClient, over: Partial<{ mode: CommentMode; failing: boolean; changed: boolean; body: string }> = {}) => {
  const warnings: string[] = [];
  return {
    warnings,
    run: () =>
      publishStickyComment({
        client,
        issueNumber: 7,
        body: over.body ?? body,
        marker,
        mode: over.mode ?? 'always',
        failing: over.failing ?? false,
        changed: over.changed ?? false,
        author: 'github-actions[bot]',
        warn: (m) => warnings.push(m),
      }),
  };
};

describe('commentMarker', () => {
  it.each([
    { key: 'model-budget.yml', expected: '<!-- model-budget:model-budget.yml -->' },
    { key: 'a--> <script>', expected: '<!-- model-budget:a-_ _script_ -->' },
    { key: 'a\nb\u0000c\u2028d', expected: '<!-- model-budget:a_b_c_d -->' },
  ])('$key', ({ key, expected }) => expect(commentMarker(key)).toBe(expected));
});

describe('publishStickyComment', () => {
  it.each([
    { what: 'always creates', mode: 'always', failing: false, changed: false, action: 'created' },
    { what: 'never touches nothing', mode: 'never', failing: true, changed: true, action: 'skipped' },
    { what: 'on-failure skips a pass', mode: 'on-failure', failing: false, changed: true, action: 'skipped' },
    { what: 'on-failure creates on failure', mode: 'on-failure', failing: true, changed: false, action: 'created' },
    { what: 'on-change skips when nothing changed', mode: 'on-change', failing: false, changed: false, action: 'skipped' },
    { what: 'on-change creates when a metric changed', mode: 'on-change', failing: false, changed: true, action: 'created' },
  ] as const)('no comment yet: $what', async ({ mode, failing, changed, action }) => {
    const client = fakeClient();
    const result = await request(client, { mode, failing, changed }).run();
    expect(result.action).toBe(action);
    expect(client.writes.length).toBe(action === 'created' ? 1 : 0);
  });

  it.each(['always', 'on-change', 'on-failure'] as const)('%s updates an existing comment in place, even when passing', async (mode) => {
    const client = fakeClient([{ id: 42, body: `${marker}\nold`, author: 'github-actions[bot]' }]);
    const result = await request(client, { mode }).run();
    expect(result).toMatchObject({ action: 'updated', commentId: 42 });
    expect(client.writes).toEqual(['update:42']);
  });

  it('leaves an identical comment alone', async () => {
    const client = fakeClient([{ id: 42, body, author: 'github-actions[bot]' }]);
    expect(await request(client).run()).toMatchObject({ action: 'unchanged', commentId: 42 });
    expect(client.writes).toEqual([]);
  });

  it("ignores another author's comment that carries our marker", async () => {
    const client = fakeClient([{ id: 41, body: `${marker} copied`, author: 'mallory' }]);
    const result = await request(client).run();
    expect(result.action).toBe('created');
    expect(client.comments.find((c) => c.id === 41)?.body).toBe(`${marker} copied`);
  });

  it('403 becomes a warning that explains fork tokens, never a throw', async () => {
    const client = fakeClient([], new GitHubApiError('could not list comments: HTTP 403: Resource not accessible by integration', 403));
    const r = request(client);
    expect(await r.run()).toMatchObject({ action: 'failed' });
    expect(r.warnings.join('\n')).toMatch(/forks.*two-workflow/s);
  });
});

describe('the marker counts only as the first line', () => {
  const other = commentMarker('other.yml');
  it.each([
    { what: 'first line', body: `${marker}\nreport`, expected: true },
    { what: 'whole body', body: marker, expected: true },
    { what: 'CRLF line ends', body: `${marker}\r\nreport`, expected: true },
    { what: 'quoted in a model name further down', body: `${other}\n### \`${marker}\``, expected: false },
    { what: 'inside the first line', body: `x ${marker}\nreport`, expected: false },
    { what: 'a longer first line', body: `${marker} copied\nreport`, expected: false },
  ])('$what', ({ body, expected }) => expect(carriesMarker(body, marker)).toBe(expected));

  it("another config's comment that quotes our marker is never overwritten", async () => {
    const client = fakeClient([{ id: 40, body: `${other}\n### \`net ${marker}\``, author: 'github-actions[bot]' }]);
    const result = await request(client).run();
    expect(result.action).toBe('created');
    expect(client.comments.find((c) => c.id === 40)?.body).toContain(other);
  });

  it('refuses a body whose first line is not the marker', async () => {
    await expect(request(fakeClient(), { body: `report\n${marker}` }).run()).rejects.toThrow(/does not start with its marker/);
  });
});

describe('findOwnComment', () => {
  it('picks the oldest of our duplicates, case-insensitive author', () => {
    const comments = [
      { id: 9, body: marker, author: 'github-actions[bot]' },
      { id: 3, body: marker, author: 'GitHub-Actions[bot]' },
      { id: 1, body: marker, author: 'someone' },
    ];
    expect(findOwnComment(comments, marker, 'github-actions[bot]')?.id).toBe(3);
  });
});

describe('resolveCommentAuthor', () => {
  it.each([
    { what: 'input wins', override: 'my-app[bot]', login: 'x', expected: 'my-app[bot]' },
    { what: 'personal token', override: undefined, login: 'octo-dev', expected: 'octo-dev' },
    { what: 'workflow token (/user is 403)', override: undefined, login: undefined, expected: 'github-actions[bot]' },
  ])('$what', async ({ override, login, expected }) => {
    const client = { ...fakeClient(), getAuthenticatedLogin: () => Promise.resolve(login) };
    expect(await resolveCommentAuthor(client, override, () => undefined)).toBe(expected);
  });
});
