/**
 * The few GitHub API calls the Action makes, behind a narrow interface so that the sticky-comment logic and the
 * report mode can be tested with a recording fake, and the Octokit adapter (`octokit.ts`) stays the only place that
 * knows about HTTP.
 */

/** One issue/PR comment, reduced to what the sticky-comment search needs. */
export interface IssueComment {
  readonly id: number;
  readonly body: string;
  /** Login of the comment's author, e.g. `github-actions[bot]`. */
  readonly author: string;
  readonly url?: string;
}

/** A pull request as the report mode needs it (from the API, never from an uploaded artifact). */
export interface PullRequestInfo {
  readonly number: number;
  readonly headSha: string;
  readonly labels: readonly string[];
}

/** Why a call failed, in the terms the caller decides on. */
export class GitHubApiError extends Error {
  /** HTTP status (0 when no response came back). */
  readonly status: number;

  constructor(message: string, status: number, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GitHubApiError';
    this.status = status;
  }
}

/** Repository coordinates. */
export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

export interface GitHubClient {
  /** Every comment on the issue/PR, all pages (100 per page). */
  listComments(issueNumber: number): Promise<readonly IssueComment[]>;
  createComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateComment(commentId: number, body: string): Promise<IssueComment>;
  /**
   * Login the token writes comments as. `GET /user` answers for personal tokens; workflow and app tokens get
   * 403 there, and the adapter returns `undefined` so the caller can fall back to the known bot login.
   */
  getAuthenticatedLogin(): Promise<string | undefined>;
  getPullRequest(pullNumber: number): Promise<PullRequestInfo>;
  /** Open pull requests whose head is `owner:branch` (used when a `workflow_run` event lists none). */
  listPullRequestsForHead(headOwner: string, headBranch: string): Promise<readonly PullRequestInfo[]>;
  /**
   * Downloads the named artifact of a workflow run as zip bytes, or `undefined` when the run has no such artifact.
   * @param maxBytes refuse archives larger than this (the artifact was produced by untrusted PR code).
   */
  downloadArtifact(runId: number, name: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** Names of the run's artifacts that have not expired, all pages (100 per page). */
  listArtifactNames(runId: number): Promise<readonly string[]>;
}
