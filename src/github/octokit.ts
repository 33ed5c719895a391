/**
 * The Octokit adapter of `GitHubClient`: `@actions/github`'s client (which reads `GITHUB_API_URL` when it is
 * imported and talks through undici's fetch) with the retry and throttling plugins. The token goes to Octokit and
 * nowhere else; errors are reduced to a status and GitHub's message, which never contain it.
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
}

/** How many times a rate-limited request is tried again before giving up. */
const RATE_LIMIT_RETRIES = 2;

/** Builds the client the Action uses. */
export function createOctokitClient(options: OctokitClientOptions): GitHubClient {
  const { owner, repo } = options.repo;
  const onLimit = (kind: string) => (retryAfterS: number, request: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
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

  return {
    listComments: (issueNumber) =>
      call('list comments', async () => {
        const all = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
        return all.map(toComment);
      }),
    createComment: (issueNumber, body) =>
      call('create comment', async () => toComment((await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })).data)),
    updateComment: (commentId, body) =>
      call('update comment', async () => toComment((await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body })).data)),
    getAuthenticatedLogin: async () => {
      try {
        return (await octokit.rest.users.getAuthenticated()).data.login;
      } catch (error) {
        // Workflow (GITHUB_TOKEN) and GitHub App installation tokens are not users: 403 "Resource not accessible by integration".
        if (statusOf(error) === 403 || statusOf(error) === 401) return undefined;
        throw wrap('read the token owner', error);
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

function wrap(what: string, error: unknown): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const status = statusOf(error);
  // Octokit's message is GitHub's own ("Resource not accessible by integration - https://docs…"); it holds no token.
  const detail = error instanceof Error ? error.message : String(error);
  return new GitHubApiError(`could not ${what}: ${status ? `HTTP ${status}: ` : ''}${detail}`, status, { cause: error });
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw wrap(what, error);
  }
}
