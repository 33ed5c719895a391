/**
 * An in-memory `GitHubClient` that records every call, for the Action's flow tests. `fail` makes the named call
 * reject with the given GitHubApiError (once per entry, in order); `landsAnyway` makes a failing create still
 * store the comment, as GitHub does when a POST succeeds but its answer is lost. With a `timeline`, every call is
 * recorded there too, as `github.<call>`.
 */
import { GitHubApiError, type GitHubClient, type IssueComment, type PullRequestInfo } from '../../src/github/client.js';
import type { Timeline } from './timeline.js';

export type ClientCall = keyof GitHubClient;
type StoredComment = { -readonly [K in keyof IssueComment]: IssueComment[K] } & { issue: number };

export interface FakeClient extends GitHubClient {
  readonly calls: ClientCall[];
  readonly comments: StoredComment[];
  readonly pulls: PullRequestInfo[];
  readonly artifacts: Map<string, Uint8Array>;
  readonly failures: { call: ClientCall; error: GitHubApiError; landsAnyway?: boolean }[];
}

export function fakeClient(init: { pulls?: PullRequestInfo[]; artifacts?: Record<string, Uint8Array>; timeline?: Timeline } = {}): FakeClient {
  const calls: ClientCall[] = [];
  const comments: StoredComment[] = [];
  const pulls = [...(init.pulls ?? [])];
  const artifacts = new Map(Object.entries(init.artifacts ?? {}));
  const failures: FakeClient['failures'] = [];
  let next = 100;
  const step = (call: ClientCall): { error: GitHubApiError; landsAnyway: boolean } | undefined => {
    calls.push(call);
    init.timeline?.record('github', call);
    const at = failures.findIndex((f) => f.call === call);
    if (at < 0) return undefined;
    const [f] = failures.splice(at, 1);
    return f ? { error: f.error, landsAnyway: f.landsAnyway ?? false } : undefined;
  };
  const guard = <T>(call: ClientCall, fn: () => T): Promise<T> => {
    const failure = step(call);
    if (failure) return Promise.reject(failure.error);
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  return {
    calls,
    comments,
    pulls,
    artifacts,
    failures,
    listComments: (issue) => guard('listComments', () => comments.filter((c) => c.issue === issue)),
    createComment: (issue, body) => {
      const failure = step('createComment');
      const comment = { id: next++, issue, body, author: 'github-actions[bot]' };
      if (!failure || failure.landsAnyway) comments.push(comment);
      return failure ? Promise.reject(failure.error) : Promise.resolve(comment);
    },
    updateComment: (id, body) =>
      guard('updateComment', () => {
        const comment = comments.find((c) => c.id === id);
        if (!comment) throw new GitHubApiError('could not update comment: HTTP 404: Not Found', 404);
        comment.body = body;
        return comment;
      }),
    getAuthenticatedLogin: () => guard('getAuthenticatedLogin', () => undefined),
    getPullRequest: (number) =>
      guard('getPullRequest', () => {
        const pull = pulls.find((p) => p.number === number);
        if (!pull) throw new GitHubApiError('could not read pull request: HTTP 404: Not Found', 404);
        return pull;
      }),
    listPullRequestsForHead: () => guard('listPullRequestsForHead', () => pulls),
    downloadArtifact: (_runId, name) => guard('downloadArtifact', () => artifacts.get(name)),
    listArtifactNames: () => guard('listArtifactNames', () => [...artifacts.keys()]),
  };
}
