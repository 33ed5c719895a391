/**
 * `mode: report`, the privileged half of the fork-safe setup. It runs on `workflow_run` with a write token and
 * never checks out or runs PR code: it downloads the artifact the `measure` job uploaded, validates it, finds the
 * PR from the trusted event (never from the artifact), and posts the sticky comment. It never loads the config,
 * so no model and no `custom-layers` module from the repository is ever loaded here. An API problem (artifact,
 * pull request, comment) is a warning that names the fix; the summary and report.json are still written.
 */
import { resolve } from 'node:path';
import { errorMessage, problem, UsageError } from '../errors.js';
import type { GitHubClient, PullRequestInfo } from '../github/client.js';
import { reportAnnotations } from '../report/annotations.js';
import { renderComment } from '../report/comment.js';
import { MAX_ARTIFACT_BYTES, readArtifact } from './artifact.js';
import type { ActionContext, WorkflowRunEvent } from './context.js';
import type { ActionInputs } from './inputs.js';
import type { ActionOutcome, ActionPorts } from './ports.js';
import { publish } from './publish.js';
import { commentKeyFor, hasMeasuredChange, overrideNote } from './report-helpers.js';

export async function reportMode(inputs: ActionInputs, context: ActionContext, ports: ActionPorts): Promise<ActionOutcome> {
  const { core } = ports;
  const run = context.workflowRun;
  if (!run) throw new UsageError(problem('github/report-wrong-event', { eventName: context.eventName }));
  if (!inputs.token) throw new UsageError(problem('github/report-no-token'));
  const client = ports.createClient(inputs.token, context.repo);

  let zip: Uint8Array | undefined;
  try {
    zip = await client.downloadArtifact(run.id, inputs.artifact, MAX_ARTIFACT_BYTES);
  } catch (error) {
    return nothingToPost(`could not download the artifact "${inputs.artifact}" of run ${run.id}: ${errorMessage(error)}`, ports);
  }
  if (!zip) return nothingToPost(`run ${run.id} has no artifact "${inputs.artifact}" (did the measure job upload it?)`, ports);
  let payload;
  try {
    payload = readArtifact(zip);
  } catch (error) {
    return { exitCode: 1, failure: `model-budget: the artifact "${inputs.artifact}" of run ${run.id} is not a valid report: ${errorMessage(error)}` };
  }
  const { report } = payload;

  // The job does not fail for the report's verdict: the measure job's own check shows it.
  const { outcome } = await publish(
    {
      verdict: report.verdict,
      reportJson: ports.toReportJson(report),
      reportFile: { reportJson: inputs.reportJson, workingDir: resolve(context.workspace, inputs.workingDirectory) },
      // The PR as it is now (its head and labels), so that check and report modes judge the override label alike.
      target: () => currentPullRequest(client, run, core),
      overrideLabel: inputs.overrideLabel,
      annotations: (accepted) => reportAnnotations(report, { accepted }),
      summary: (accepted) => ports.renderMarkdown(report) + (accepted ? `\n${overrideNote(inputs.overrideLabel)}\n` : ''),
      comment: {
        mode: inputs.comment,
        // The key comes from this workflow's inputs, never from the artifact (which could aim at another config's comment).
        key: commentKeyFor(inputs, context.workspace),
        author: inputs.commentAuthor,
        client: () => client,
        body: (options) => renderComment(report, options),
        changed: hasMeasuredChange(report),
      },
      ...(context.runUrl ? { runUrl: context.runUrl } : {}),
    },
    ports,
  );
  return outcome;
}

/** Nothing to render: a warning and a summary line saying why; the job does not fail for it. */
async function nothingToPost(reason: string, ports: ActionPorts): Promise<ActionOutcome> {
  ports.core.warning(`model-budget: ${reason}; nothing to post`);
  await ports.core.appendSummary(`## model-budget: no report to post\n\n\`\`\`\n${reason.replace(/```/g, "'''")}\n\`\`\`\n`);
  return { exitCode: 0 };
}

/**
 * The run's PR, read through the API, when it is open and its head is still the run's commit; `undefined` (with a
 * line in the log saying why) when there is none, it has moved on, or the API could not tell.
 */
export async function currentPullRequest(
  client: GitHubClient,
  run: WorkflowRunEvent,
  log: Pick<ActionPorts['core'], 'info' | 'warning'>,
): Promise<PullRequestInfo | undefined> {
  let pr: PullRequestInfo;
  try {
    const number = await findPullRequest(client, run);
    if (number === undefined) {
      log.info(`model-budget: no open pull request has head ${run.headSha.slice(0, 12)}; nothing to post`);
      return undefined;
    }
    pr = await client.getPullRequest(number);
  } catch (error) {
    log.warning(`model-budget: could not read the pull request of run ${run.id} (${errorMessage(error)}); the report is in the job summary, no comment posted`);
    return undefined;
  }
  if (pr.headSha !== run.headSha) {
    log.info(`model-budget: PR #${pr.number} has moved on to ${pr.headSha.slice(0, 12)}; this report is for ${run.headSha.slice(0, 12)}, not posted`);
    return undefined;
  }
  return pr;
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
