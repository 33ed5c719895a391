/**
 * `mode: report`, the privileged half of the fork-safe setup. It runs on `workflow_run` with a write token and
 * never checks out or runs PR code: it downloads the artifact the `measure` job uploaded, validates it, finds the
 * PR from the trusted event (never from the artifact), and posts the sticky comment.
 */
import { reportAnnotations } from '../report/annotations.js';
import { renderComment } from '../report/comment.js';
import { commentMarker, publishStickyComment, resolveCommentAuthor } from '../report/sticky-comment.js';
import { UsageError, errorMessage } from '../errors.js';
import { MAX_ARTIFACT_BYTES, readArtifact } from './artifact.js';
import type { ActionOutcome, ActionPorts } from './action-run.js';
import type { GitHubClient } from './client.js';
import type { ActionContext, WorkflowRunEvent } from './context.js';
import type { ActionInputs } from './inputs.js';
import { commentKeyFor, hasMeasuredChange, overrideNote } from './report-helpers.js';

export async function reportMode(inputs: ActionInputs, context: ActionContext, ports: ActionPorts): Promise<ActionOutcome> {
  const { core } = ports;
  const run = context.workflowRun;
  if (!run) throw new UsageError(`mode: report runs on the workflow_run event, not on ${context.eventName}`);
  if (!inputs.token) throw new UsageError('mode: report needs the github-token input (with pull-requests: write and actions: read)');
  const client = ports.createClient(inputs.token, context.repo);

  const zip = await client.downloadArtifact(run.id, inputs.artifact, MAX_ARTIFACT_BYTES);
  if (!zip) {
    core.warning(`model-budget: run ${run.id} has no artifact "${inputs.artifact}" (did the measure job upload it?); nothing to post`);
    return { exitCode: 0 };
  }
  let payload;
  try {
    payload = readArtifact(zip);
  } catch (error) {
    return { exitCode: 1, failure: `model-budget: the artifact "${inputs.artifact}" of run ${run.id} is not a valid report: ${errorMessage(error)}` };
  }
  const { report } = payload;
  core.setOutput('verdict', report.verdict);

  const number = await findPullRequest(client, run);
  if (number === undefined) {
    core.info(`model-budget: no open pull request has head ${run.headSha.slice(0, 12)}; nothing to post`);
    return { exitCode: 0 };
  }
  const pr = await client.getPullRequest(number);
  if (pr.headSha !== run.headSha) {
    core.info(`model-budget: PR #${number} has moved on to ${pr.headSha.slice(0, 12)}; this report is for ${run.headSha.slice(0, 12)}, not posted`);
    return { exitCode: 0 };
  }
  const accepted = report.verdict === 'fail' && pr.labels.includes(inputs.overrideLabel);
  if (accepted) core.setOutput('verdict', 'warn');
  for (const annotation of reportAnnotations(report, { accepted })) core.annotate(annotation);
  const markdown = ports.renderMarkdown(report) + (accepted ? `\n${overrideNote(inputs.overrideLabel)}\n` : '');
  core.setOutput('markdown', markdown);
  await core.appendSummary(markdown);

  // The key comes from this workflow's inputs, never from the artifact (which could aim at another config's comment).
  const marker = commentMarker(commentKeyFor(inputs, context.workspace));
  const body = renderComment(report, {
    marker,
    ...(accepted ? { overrideLabel: inputs.overrideLabel } : {}),
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
  });
  const author = await resolveCommentAuthor(client, inputs.commentAuthor || undefined, core.warning);
  const result = await publishStickyComment({
    client,
    issueNumber: number,
    body,
    marker,
    mode: inputs.comment,
    failing: report.verdict === 'fail' || report.verdict === 'error',
    changed: hasMeasuredChange(report),
    author,
    warn: core.warning,
  });
  core.info(`model-budget: PR #${number} comment ${result.action}${'reason' in result ? ` (${result.reason})` : ''}`);
  if ('commentId' in result && result.commentId !== undefined) core.setOutput('comment-id', String(result.commentId));
  return { exitCode: 0 };
}

/** The PR of a workflow run: the one GitHub attached to the run, else the open PR whose head is the run's branch and commit. */
async function findPullRequest(client: GitHubClient, run: WorkflowRunEvent): Promise<number | undefined> {
  const attached = run.pullRequests.find((p) => p.headSha === run.headSha) ?? run.pullRequests[0];
  if (attached) return attached.number;
  // Runs from forks list no pull requests; the fork owner and branch come from the event, which GitHub wrote.
  if (!run.headBranch) return undefined;
  const candidates = await client.listPullRequestsForHead(run.headOwner, run.headBranch);
  return candidates.find((p) => p.headSha === run.headSha)?.number;
}
