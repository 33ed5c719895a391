/**
 * The Octokit adapter of `GitHubClient`: `@actions/github`'s client (which reads `GITHUB_API_URL` when it is
 * imported and talks through undici's fetch) with the retry and throttling plugins. The token goes to Octokit and
 * nowhere else; errors are reduced to a status and GitHub's message, which never contain it.
 *
 * Every attempt has a timeout and all calls of one client share a total budget, so a hung API cannot hold the job
 * for long: the verdict, summary and report.json are written before the first call and stay as they are. A comment
 * create is tried once here (a retry after a 5xx or a timeout that in fact succeeded would post a second comment);
 * the sticky-comment logic re-lists before it tries again.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { GitHubApiError } from './client.js';
import type { GitHubClient, IssueComment, PullRequestInfo, RepoRef } from './client.js';

export interface OctokitClientOptions {
  readonly token: string;
  readonly repo: RepoRef;
  /** Warnings (rate limits hit, retries given up). */
  readonly warn: (message: string) => void;
  /** Retries after a 5xx or network error; default 3. */
  readonly retries?: number;
  /** Base of the quadratic retry back-off, in ms; default 1000 (1 s, 4 s, 9 s). */
  readonly retryAfterBaseMs?: number;
  /** Longest wait for one HTTP attempt, in ms; default `REQUEST_TIMEOUT_MS`. */
  readonly requestTimeoutMs?: number;
  /** Longest time all calls of this client take together, retries and rate-limit waits included, in ms; default `TOTAL_BUDGET_MS`. */
  readonly totalBudgetMs?: number;
}

/** Default timeout of one HTTP attempt: 30 s. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Default total budget of one client (one Action run): 3 minutes. */
export const TOTAL_BUDGET_MS = 180_000;

/** The permission a 403 on each call means is missing (workflow tokens get exactly the `permissions:` granted). */
const PERMISSION_FOR: Readonly<Record<string, string>> = {
  'list comments': 'pull-requests: read',
  'create comment': 'pull-requests: write',
  'update comment': 'pull-requests: write',
  'read pull request': 'pull-requests: read',
  'list pull requests': 'pull-requests: read',
  'download artifact': 'actions: read',
  'list artifacts': 'actions: read',
};

/** How many times a rate-limited request is tried again before giving up. */
const RATE_LIMIT_RETRIES = 2;

/** Builds the client the Action uses. */
export function createOctokitClient(options: OctokitClientOptions): GitHubClient {
  const { owner, repo } = options.repo;
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const totalBudgetMs = options.totalBudgetMs ?? TOTAL_BUDGET_MS;
  const limits = { requestTimeoutMs, totalBudgetMs };
  const budget = new AbortController();
  const budgetTimer = setTimeout(() => budget.abort(new BudgetSpent(totalBudgetMs)), totalBudgetMs);
  // The budget never keeps the process alive on its own.
  budgetTimer.unref();
  const onLimit =
    (kind: string) =>
    (retryAfterS: number, request: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
      if (budget.signal.aborted) return false;
      options.warn(`GitHub ${kind} rate limit on ${request.method ?? ''} ${request.url ?? ''}; retry ${retryCount + 1} in ${retryAfterS} s`);
      return retryCount < RATE_LIMIT_RETRIES;
    };
  const octokit = getOctokit(
    options.token,
    {
      retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryAfterBaseMs ?? 1000 },
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
      log: { debug: () => undefined, info: () => undefined, warn: options.warn, error: options.warn },
    },
    retry,
    throttling,
  );
  // Outermost hook: every attempt the retry plugin makes goes through this fetch, each with its own timeout,
  // all under the client's budget.
  octokit.hook.wrap('request', (request, endpoint) => {
    const given: unknown = endpoint.request?.fetch;
    const inner: typeof fetch = typeof given === 'function' ? (given as typeof fetch) : fetch;
    const timedFetch: typeof fetch = (url, init) => {
      const signals = [AbortSignal.timeout(requestTimeoutMs), budget.signal, ...(init?.signal ? [init.signal] : [])];
      return inner(url, { ...init, signal: AbortSignal.any(signals) });
    };
    // The inner hooks (retry, throttling) are bound to this same options object, so it is changed in place:
    // options passed to `request(...)` would not reach them.
    endpoint.request = { ...endpoint.request, fetch: timedFetch };
    return request(endpoint);
  });
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    if (budget.signal.aborted) throw new GitHubApiError(`could not ${what}: ${budgetMessage(totalBudgetMs)}`, 0);
    let stop: (() => void) | undefined;
    // The race ends the call when the budget runs out even while a retry or rate-limit wait is sleeping.
    const spent = new Promise<never>((_, reject) => {
      const onAbort = (): void => reject(new GitHubApiError(`could not ${what}: ${budgetMessage(totalBudgetMs)}`, 0));
      budget.signal.addEventListener('abort', onAbort, { once: true });
      stop = () => budget.signal.removeEventListener('abort', onAbort);
    });
    try {
      return await Promise.race([fn(), spent]);
    } catch (error) {
      throw wrap(what, error, limits);
    } finally {
      stop?.();
    }
  };

  return {
    listComments: (issueNumber) =>
      call('list comments', async () => {
        const all = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
        return all.map(toComment);
      }),
    createComment: (issueNumber, body) =>
      call('create comment', async () =>
        // retries: 0 — see the header: the caller re-lists the comments before it creates again.
        toComment((await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body, request: { retries: 0 } })).data),
      ),
    updateComment: (commentId, body) =>
      call('update comment', async () => toComment((await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body })).data)),
    getAuthenticatedLogin: async () => {
      try {
        return (await octokit.rest.users.getAuthenticated()).data.login;
      } catch (error) {
        // Workflow (GITHUB_TOKEN) and GitHub App installation tokens are not users: 403 "Resource not accessible by integration".
        if (statusOf(error) === 403 || statusOf(error) === 401) return undefined;
        throw wrap('read the token owner', error, limits);
      }
    },
    getPullRequest: (pullNumber) =>
      call('read pull request', async () => toPull((await octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber })).data)),
    listPullRequestsForHead: (headOwner, headBranch) =>
      call('list pull requests', async () => {
        const { data } = await octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${headOwner}:${headBranch}`, per_page: 100 });
        return data.map(toPull);
      }),
    downloadArtifact: (runId, name, maxBytes) =>
      call('download artifact', async () => {
        const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: runId, name, per_page: 100 });
        const artifact = data.artifacts.find((a) => a.name === name && !a.expired);
        if (!artifact) return undefined;
        if (artifact.size_in_bytes > maxBytes) {
          throw new GitHubApiError(`artifact "${name}" is ${artifact.size_in_bytes} bytes, more than the ${maxBytes} allowed`, 413);
        }
        const response = await octokit.rest.actions.downloadArtifact({ owner, repo, artifact_id: artifact.id, archive_format: 'zip' });
        const bytes = toBytes(response.data);
        if (bytes.byteLength > maxBytes) {
          throw new GitHubApiError(`artifact "${name}" is ${bytes.byteLength} bytes, more than the ${maxBytes} allowed`, 413);
        }
        return bytes;
      }),
    listArtifactNames: (runId) =>
      call('list artifacts', async () => {
        const all = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, { owner, repo, run_id: runId, per_page: 100 });
        return all.filter((a) => !a.expired).map((a) => a.name);
      }),
  };
}

interface RawComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user: { readonly login: string } | null;
  readonly html_url?: string;
}

function toComment(raw: RawComment): IssueComment {
  return { id: raw.id, body: raw.body ?? '', author: raw.user?.login ?? '', ...(raw.html_url ? { url: raw.html_url } : {}) };
}

interface RawPull {
  readonly number: number;
  readonly head: { readonly sha: string };
  readonly labels: readonly { readonly name?: string }[];
}

function toPull(raw: RawPull): PullRequestInfo {
  return { number: raw.number, headSha: raw.head.sha, labels: raw.labels.flatMap((l) => (l.name ? [l.name] : [])) };
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new GitHubApiError('artifact download returned no bytes', 0);
}

function statusOf(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') return error.status;
  return 0;
}

/** Why a call was cut short when the client's budget ran out. */
class BudgetSpent extends Error {
  constructor(budgetMs: number) {
    super(budgetMessage(budgetMs));
    this.name = 'BudgetSpent';
  }
}

function budgetMessage(budgetMs: number): string {
  return `the ${budgetMs / 1000} s budget for GitHub API calls in this run is spent (GitHub did not answer in time)`;
}

function wrap(what: string, error: unknown, limits: { readonly requestTimeoutMs: number; readonly totalBudgetMs: number }): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  if (isAbort(error, 'BudgetSpent')) return new GitHubApiError(`could not ${what}: ${budgetMessage(limits.totalBudgetMs)}`, 0, { cause: error });
  if (isAbort(error, 'TimeoutError')) {
    return new GitHubApiError(`could not ${what}: GitHub did not answer within ${limits.requestTimeoutMs / 1000} s`, 0, { cause: error });
  }
  const status = statusOf(error);
  // Octokit's message is GitHub's own ("Resource not accessible by integration - https://docs…"); it holds no token.
  const detail = error instanceof Error ? error.message : String(error);
  const permission = PERMISSION_FOR[what];
  const hint = status === 403 && permission && !/rate limit/i.test(detail) ? ` (the token lacks \`permissions: ${permission}\` for this job)` : '';
  return new GitHubApiError(`could not ${what}: ${status ? `HTTP ${status}: ` : ''}${detail}${hint}`, status, { cause: error });
}

/** True when `error` (or its cause, as Octokit wraps fetch's rejection) is an abort of the given name. */
function isAbort(error: unknown, name: string): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === name) return true;
  }
  return false;
}
