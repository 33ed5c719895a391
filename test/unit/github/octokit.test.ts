import { zipSync, strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubApiError, type GitHubClient } from '../../../src/github/client.js';
import type { OctokitClientOptions } from '../../../src/github/octokit.js';
import { commentMarker, publishStickyComment } from '../../../src/action/sticky-comment.js';
import { FakeGitHub } from '../../e2e/fake-github.js';

const fake = new FakeGitHub();
let make: (token: string, warn?: (m: string) => void, limits?: Partial<OctokitClientOptions>) => GitHubClient;

beforeAll(async () => {
  // @actions/github reads GITHUB_API_URL when it is imported: set it first, import after.
  process.env['GITHUB_API_URL'] = await fake.start();
  const { createOctokitClient } = await import('../../../src/github/octokit.js');
  make = (token, warn = () => undefined, limits = {}) =>
    createOctokitClient({ token, repo: { owner: 'o', repo: 'r' }, warn, retries: 2, retryAfterBaseMs: 5, ...limits });
});
afterAll(() => fake.stop());

describe('createOctokitClient', () => {
  it('lists every page of comments (100 per page, Link headers)', async () => {
    for (let i = 0; i < 230; i++) fake.addComment(1, `comment ${i}`, i === 150 ? 'github-actions[bot]' : 'someone');
    const comments = await make('bot-token').listComments(1);
    expect(comments).toHaveLength(230);
    expect(comments[150]).toMatchObject({ body: 'comment 150', author: 'github-actions[bot]' });
    expect(fake.requests.filter((r) => r.path.startsWith('/repos/o/r/issues/1/comments')).length).toBe(3);
  });

  it('creates and updates comments', async () => {
    const client = make('bot-token');
    const created = await client.createComment(2, 'hello');
    expect(created).toMatchObject({ body: 'hello', author: 'github-actions[bot]' });
    expect((await client.updateComment(created.id, 'again')).body).toBe('again');
    expect(fake.comments.find((c) => c.id === created.id)?.body).toBe('again');
  });

  it.each([
    { token: 'user-token', expected: 'octo-dev' },
    { token: 'bot-token', expected: undefined },
  ])('GET /user with $token → $expected', async ({ token, expected }) => {
    expect(await make(token).getAuthenticatedLogin()).toBe(expected);
  });

  it('a read-only token gets a 403 GitHubApiError, and the token is in no message', async () => {
    const error = await make('readonly-token')
      .createComment(3, 'x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(403);
    expect((error as Error).message).toMatch(/Resource not accessible by integration/);
    expect(JSON.stringify((error as Error).message)).not.toContain('readonly-token');
  });

  it('retries a 5xx and succeeds', async () => {
    fake.failures.push({ match: 'GET /repos/o/r/issues/4/comments', status: 502 }, { match: 'GET /repos/o/r/issues/4/comments', status: 503 });
    expect(await make('bot-token').listComments(4)).toEqual([]);
  });

  it('gives up after the retries with the status', async () => {
    for (let i = 0; i < 3; i++) fake.failures.push({ match: 'POST /repos/o/r/issues/5/comments', status: 500 });
    const error = await make('bot-token')
      .createComment(5, 'x')
      .catch((e: unknown) => e);
    expect((error as GitHubApiError).status).toBe(500);
    expect(fake.comments.some((c) => c.issue === 5)).toBe(false);
  });

  it('tries again after a secondary rate limit (429 + Retry-After)', async () => {
    fake.failures.push({ match: 'GET /repos/o/r/issues/6/comments', status: 429, retryAfter: 1 });
    expect(await make('bot-token').listComments(6)).toEqual([]);
    expect(fake.requests.filter((r) => r.path.startsWith('/repos/o/r/issues/6/comments')).map((r) => r.status)).toEqual([429, 200]);
  });

  it('reads pull requests and downloads artifacts through the redirect', async () => {
    fake.pulls.push({ number: 9, headSha: 'abc', headRef: 'feat', headOwner: 'forker', labels: ['model-budget:accept'] });
    fake.artifacts.push({ id: 77, runId: 5, name: 'model-budget-report', zip: zipSync({ 'a.txt': strToU8('hi') }) });
    const client = make('bot-token');
    expect(await client.getPullRequest(9)).toEqual({ number: 9, headSha: 'abc', labels: ['model-budget:accept'] });
    expect(await client.listPullRequestsForHead('forker', 'feat')).toHaveLength(1);
    expect((await client.downloadArtifact(5, 'model-budget-report', 1e6))?.byteLength).toBeGreaterThan(0);
    expect(await client.downloadArtifact(5, 'other', 1e6)).toBeUndefined();
    await expect(client.downloadArtifact(5, 'model-budget-report', 10)).rejects.toThrow(/more than the 10 allowed/);
  });

  it('a create is sent once: a 5xx is not retried by the client (the POST may have gone through)', async () => {
    fake.failures.push({ match: 'POST /repos/o/r/issues/12/comments', status: 502, landsAnyway: true });
    const error = await make('bot-token')
      .createComment(12, 'x')
      .catch((e: unknown) => e);
    expect((error as GitHubApiError).status).toBe(502);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/repos/o/r/issues/12/comments')).toHaveLength(1);
  });

  it('a 403 names the permission the job lacks', async () => {
    fake.pulls.push({ number: 13, headSha: 'abc', headRef: 'f', headOwner: 'o', labels: [] });
    const error = await make('readonly-token')
      .createComment(13, 'x')
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('the token lacks `permissions: pull-requests: write`');
  });
});

describe('timeouts and the total budget', () => {
  it('an attempt that gets no answer times out and is tried again', async () => {
    fake.hangs.push('GET /repos/o/r/issues/20/comments');
    expect(await make('bot-token', undefined, { requestTimeoutMs: 300 }).listComments(20)).toEqual([]);
    expect(fake.requests.filter((r) => r.path.startsWith('/repos/o/r/issues/20/comments')).map((r) => r.status)).toEqual([0, 200]);
  });

  it('when every attempt hangs, the call fails with a message saying GitHub did not answer', async () => {
    fake.hangs.push(...Array.from({ length: 3 }, () => 'GET /repos/o/r/pulls/21'));
    const error = await make('bot-token', undefined, { requestTimeoutMs: 200 })
      .getPullRequest(21)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toBe('could not read pull request: GitHub did not answer within 0.2 s');
  });

  it('once the budget is spent, every further call fails at once without a request', async () => {
    fake.hangs.push('GET /repos/o/r/issues/22/comments');
    const client = make('bot-token', undefined, { requestTimeoutMs: 60_000, totalBudgetMs: 300 });
    const first = await client.listComments(22).catch((e: unknown) => e);
    expect((first as Error).message).toMatch(/could not list comments: the 0\.3 s budget for GitHub API calls in this run is spent/);
    const before = fake.requests.length;
    await expect(client.createComment(22, 'x')).rejects.toThrow(/budget for GitHub API calls/);
    expect(fake.requests.length).toBe(before);
  });
});

describe('publishStickyComment through the real client', () => {
  const marker = commentMarker('model-budget.yml');
  const publish = (issueNumber: number) =>
    publishStickyComment({
      client: make('bot-token'),
      issueNumber,
      body: `${marker}\nreport`,
      marker,
      mode: 'always',
      failing: false,
      changed: false,
      author: 'github-actions[bot]',
      warn: () => undefined,
    });

  it('a POST that succeeded but answered 502 leaves exactly one comment', async () => {
    fake.failures.push({ match: 'POST /repos/o/r/issues/30/comments', status: 502, landsAnyway: true });
    expect(await publish(30)).toMatchObject({ action: 'created' });
    expect(fake.comments.filter((c) => c.issue === 30)).toHaveLength(1);
  });

  it('a POST that failed for real is tried again after re-listing', async () => {
    fake.failures.push({ match: 'POST /repos/o/r/issues/31/comments', status: 503 });
    expect(await publish(31)).toMatchObject({ action: 'created' });
    expect(fake.comments.filter((c) => c.issue === 31)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.startsWith('/repos/o/r/issues/31/comments')).map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'POST 503',
      'GET 200',
      'POST 201',
    ]);
  });
});
