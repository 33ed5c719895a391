/**
 * The one publish sequence every mode ends with (check, measure, report, aggregate, and a check that could not
 * run): report.json first (no API call may delay it), then the pull request's labels as they are now (only when
 * they can matter), the annotations, the job summary, the outputs, the sticky comment, and the verdict. A
 * comment that cannot be written is a warning; it never decides the check.
 */
import type { GitHubClient } from '../github/client.js';
import type { Annotation } from '../report/annotations.js';
import type { Verdict } from '../report/types.js';
import type { ActionOutcome, ActionPorts } from './ports.js';
import { writeReportJson } from './report-file.js';
import { commentMarker, publishStickyComment, resolveCommentAuthor, type CommentMode } from './sticky-comment.js';

/** The pull request a report is published on, with its labels as they are now. */
export interface PublishTarget {
  readonly number: number;
  readonly labels: readonly string[];
}

/** What the comment's renderer is told. */
export interface CommentRenderOptions {
  readonly marker: string;
  /** Set when the override label accepted a failure. */
  readonly overrideLabel?: string;
  readonly runUrl?: string;
}

export interface CommentRequest {
  readonly mode: CommentMode;
  /** The marker's key (always from the workflow's own inputs, never from an artifact). */
  readonly key: string;
  /** The `comment-author` input; empty: found from the token. */
  readonly author: string;
  /** The client to write with; `undefined` (no token) is a warning and no comment. */
  readonly client: () => GitHubClient | undefined;
  readonly body: (options: CommentRenderOptions) => string;
  /** Whether the PR changes something measured (for `comment: on-change`). */
  readonly changed: boolean;
}

export interface PublishRequest {
  /** The verdict before the override label. */
  readonly verdict: Verdict;
  /** The content of report.json. */
  readonly reportJson: unknown;
  /** The `report-json` input and the folder it is relative to. */
  readonly reportFile: { readonly reportJson: string; readonly workingDir: string };
  /**
   * The pull request to publish on, asked after report.json is written; `failing` says whether its labels can
   * matter (a mode that can answer without the API then does). `undefined`: no pull request.
   */
  readonly target: (failing: boolean) => Promise<PublishTarget | undefined>;
  /** The label that turns a broken budget into a warning. */
  readonly overrideLabel: string;
  readonly annotations: (accepted: boolean) => readonly Annotation[];
  /** The job summary and the `markdown` output. */
  readonly summary: (accepted: boolean) => string;
  /** Outputs set after `verdict` and `markdown`. */
  readonly outputs?: Readonly<Record<string, string>>;
  /** No comment when absent. */
  readonly comment?: CommentRequest;
  readonly runUrl?: string;
  /** What `setFailed` says; absent: the mode never fails the job for its verdict. */
  readonly failures?: { readonly error: string; readonly fail: string };
}

export interface Published {
  /** The override label accepted a failure. */
  readonly accepted: boolean;
  readonly outcome: ActionOutcome;
}

/** Publishes one report in the one order every mode shares. */
export async function publish(request: PublishRequest, ports: ActionPorts): Promise<Published> {
  const { core } = ports;
  const reportJsonPath = await writeReportJson(request.reportJson, { ...request.reportFile, env: ports.env, ...(ports.files ? { files: ports.files } : {}) });
  core.setOutput('report-json', reportJsonPath);
  const failing = request.verdict === 'fail';
  const target = await request.target(failing);
  const accepted = failing && (target?.labels ?? []).includes(request.overrideLabel);
  for (const annotation of request.annotations(accepted)) core.annotate(annotation);
  const markdown = request.summary(accepted);
  await core.appendSummary(markdown);
  core.setOutput('verdict', accepted ? 'warn' : request.verdict);
  core.setOutput('markdown', markdown);
  for (const [name, value] of Object.entries(request.outputs ?? {})) core.setOutput(name, value);
  if (target && request.comment && request.comment.mode !== 'never') await postComment(request, request.comment, target, accepted, ports);
  return { accepted, outcome: outcomeOf(request, accepted) };
}

async function postComment(request: PublishRequest, comment: CommentRequest, target: PublishTarget, accepted: boolean, ports: ActionPorts): Promise<void> {
  const { core } = ports;
  const client = comment.client();
  if (!client) {
    core.warning('model-budget: no github-token, so no PR comment; the report is in the job summary');
    return;
  }
  const marker = commentMarker(comment.key);
  const author = await resolveCommentAuthor(client, comment.author || undefined, core.warning);
  const result = await publishStickyComment({
    client,
    issueNumber: target.number,
    body: comment.body({
      marker,
      ...(accepted ? { overrideLabel: request.overrideLabel } : {}),
      ...(request.runUrl ? { runUrl: request.runUrl } : {}),
    }),
    marker,
    mode: comment.mode,
    failing: request.verdict === 'fail' || request.verdict === 'error',
    changed: comment.changed,
    author,
    warn: core.warning,
  });
  core.info(`model-budget: PR #${target.number} comment ${result.action}${'reason' in result ? ` (${result.reason})` : ''}`);
  if ('commentId' in result && result.commentId !== undefined) core.setOutput('comment-id', String(result.commentId));
}

function outcomeOf(request: PublishRequest, accepted: boolean): ActionOutcome {
  if (!request.failures) return { exitCode: 0 };
  if (request.verdict === 'error') return { exitCode: 1, failure: request.failures.error };
  if (request.verdict === 'fail' && !accepted) return { exitCode: 1, failure: request.failures.fail };
  return { exitCode: 0 };
}
