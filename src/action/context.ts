/**
 * What the Action needs from the workflow run: the event, the repository, the pull request. Read from the
 * environment and the event file the runner writes (`GITHUB_EVENT_PATH`), validated, so that tests can hand in
 * real webhook payloads and the rest of the code never touches `process.env`.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { RepoRef } from '../github/client.js';

export interface PullRequestEvent {
  readonly number: number;
  readonly baseSha: string;
  readonly headSha: string;
  /** Label names on the PR when the event fired. */
  readonly labels: readonly string[];
}

export interface WorkflowRunEvent {
  readonly id: number;
  readonly headSha: string;
  readonly headBranch: string;
  /** Owner of the repository the run's head commit lives in (the fork, for fork PRs). */
  readonly headOwner: string;
  /** PR numbers GitHub attached to the run (empty for runs from forks). */
  readonly pullRequests: readonly { readonly number: number; readonly headSha: string }[];
}

export interface ActionContext {
  readonly eventName: string;
  readonly repo: RepoRef;
  /** `GITHUB_WORKSPACE`: where the repository is checked out. */
  readonly workspace: string;
  /** Commit the workflow runs on (`GITHUB_SHA`). */
  readonly sha: string;
  /** Link to this workflow run, for "see the job summary". */
  readonly runUrl?: string;
  readonly pullRequest?: PullRequestEvent;
  readonly workflowRun?: WorkflowRunEvent;
}

const pullSchema = z.object({
  number: z.number().int().positive(),
  base: z.object({ sha: z.string().min(1) }),
  head: z.object({ sha: z.string().min(1) }),
  labels: z.array(z.object({ name: z.string() })).optional(),
});

const workflowRunSchema = z.object({
  id: z.number().int().positive(),
  head_sha: z.string().min(1),
  head_branch: z.string().nullable(),
  head_repository: z
    .object({ owner: z.object({ login: z.string() }) })
    .nullable()
    .optional(),
  pull_requests: z.array(z.object({ number: z.number().int().positive(), head: z.object({ sha: z.string() }) })).optional(),
});

/** Reads the context from runner environment variables. Throws an Error naming the missing variable. */
export function readActionContext(env: Readonly<Record<string, string | undefined>>): ActionContext {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: model-budget's Action runs inside a GitHub Actions job`);
    return value;
  };
  const [owner, repo] = need('GITHUB_REPOSITORY').split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY is "${env['GITHUB_REPOSITORY'] ?? ''}", expected owner/name`);
  const eventName = need('GITHUB_EVENT_NAME');
  const eventPath = env['GITHUB_EVENT_PATH'];
  const payload: unknown = eventPath ? JSON.parse(readFileSync(eventPath, 'utf8')) : {};
  const event = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const server = env['GITHUB_SERVER_URL'] ?? 'https://github.com';
  const runId = env['GITHUB_RUN_ID'];

  let pullRequest: PullRequestEvent | undefined;
  if ((eventName === 'pull_request' || eventName === 'pull_request_target') && event['pull_request']) {
    const pr = pullSchema.parse(event['pull_request']);
    pullRequest = { number: pr.number, baseSha: pr.base.sha, headSha: pr.head.sha, labels: (pr.labels ?? []).map((l) => l.name) };
  }
  let workflowRun: WorkflowRunEvent | undefined;
  if (eventName === 'workflow_run' && event['workflow_run']) {
    const run = workflowRunSchema.parse(event['workflow_run']);
    workflowRun = {
      id: run.id,
      headSha: run.head_sha,
      headBranch: run.head_branch ?? '',
      headOwner: run.head_repository?.owner.login ?? owner,
      pullRequests: (run.pull_requests ?? []).map((p) => ({ number: p.number, headSha: p.head.sha })),
    };
  }
  return {
    eventName,
    repo: { owner, repo },
    workspace: env['GITHUB_WORKSPACE'] ?? process.cwd(),
    sha: env['GITHUB_SHA'] ?? '',
    ...(runId ? { runUrl: `${server}/${owner}/${repo}/actions/runs/${runId}` } : {}),
    ...(pullRequest ? { pullRequest } : {}),
    ...(workflowRun ? { workflowRun } : {}),
  };
}
