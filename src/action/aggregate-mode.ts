/**
 * `mode: aggregate`, the final job of a job matrix (`needs:` the legs, or a workflow on `workflow_run`): it lists
 * the run's artifacts named `<artifact>-<leg>` (one per leg, each written by `mode: measure`), downloads and
 * validates every one with the artifact schema (artifact.ts: size-capped, bounded inflate, zod), and posts ONE
 * sticky comment with a column per leg. Like `mode: report` it never checks out or runs PR code and never loads
 * the config, so no model and no `custom-layers` module is loaded here; the PR comes from the trusted event,
 * never from an artifact. A leg named in `legs:` that sent nothing is "missing", and the job fails for it. When the
 * job has a checkout (of the default branch: no PR code), the comment also draws each model's history with one line
 * per leg (trend-hooks.ts); without one, a note says how to get the chart.
 */
import { resolve } from 'node:path';
import { errorMessage, problem, UsageError } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import { readCurrentLabels } from '../github/labels.js';
import { aggregateVerdict, renderAggregate, type LegResult } from '../report/aggregate.js';
import { toReportJson } from '../report/json.js';
import { MAX_ARTIFACT_BYTES, readArtifact } from './artifact.js';
import type { ActionContext } from './context.js';
import type { ActionInputs } from './inputs.js';
import type { ActionOutcome, ActionPorts } from './ports.js';
import { publish } from './publish.js';
import { currentPullRequest } from './report-mode.js';
import { commentKeyFor, hasMeasuredChange, legArtifactName } from './report-helpers.js';
import { trendForAggregate, type TrendInputs } from './trend-hooks.js';

/** Most legs read from one run: a matrix larger than this is not one comment's worth. */
export const MAX_LEGS = 64;

export async function aggregateMode(inputs: ActionInputs, trendInputs: TrendInputs, context: ActionContext, ports: ActionPorts): Promise<ActionOutcome> {
  const { core } = ports;
  if (!inputs.token) throw new UsageError(problem('github/aggregate-no-token'));
  const runId = context.workflowRun?.id ?? Number(ports.env['GITHUB_RUN_ID']);
  if (!Number.isInteger(runId) || runId <= 0) throw new UsageError(problem('github/aggregate-no-run'));
  const client = ports.createClient(inputs.token, context.repo);

  const legs = await collectLegs(client, runId, inputs, core.warning);
  const verdict = aggregateVerdict(legs);
  const run = context.workflowRun;
  const pullRequest = context.pullRequest;
  const runUrl = context.runUrl ? { runUrl: context.runUrl } : {};
  // On a pull request, the history per leg from the data branch (read once; without a checkout, a note).
  const trendText =
    run || pullRequest
      ? await trendForAggregate(legs, { env: ports.env, workspace: context.workspace, inputs: trendInputs, log: { info: core.info, warning: core.warning } })
      : '';
  const trend = trendText ? { trend: trendText } : {};

  const { outcome } = await publish(
    {
      verdict,
      reportJson: {
        schemaVersion: 1,
        verdict,
        legs: legs.map((l) => (l.status === 'reported' ? { leg: l.leg, status: l.status, report: toReportJson(l.report) } : l)),
      },
      reportFile: { reportJson: inputs.reportJson, workingDir: resolve(context.workspace, inputs.workingDirectory) },
      // The PR: from this event (a `needs:` job of the PR's own workflow), or looked up for a workflow_run.
      target: async (failing) =>
        run
          ? currentPullRequest(client, run, core)
          : pullRequest && { number: pullRequest.number, labels: failing ? await readCurrentLabels(client, pullRequest, core.warning) : [] },
      overrideLabel: inputs.overrideLabel,
      annotations: () => [],
      summary: (accepted) => renderAggregate(legs, { ...(accepted ? { overrideLabel: inputs.overrideLabel } : {}), ...runUrl, ...trend, maxChars: 900_000 }),
      comment: {
        mode: inputs.comment,
        // The key comes from this workflow's inputs, never from an artifact.
        key: commentKeyFor(inputs, context.workspace),
        author: inputs.commentAuthor,
        client: () => client,
        body: (options) => renderAggregate(legs, { ...options, ...trend }),
        changed: legs.some((l) => l.status === 'reported' && hasMeasuredChange(l.report)),
      },
      ...runUrl,
      failures: {
        error: 'model-budget: some legs are missing, unreadable or could not check (see the job summary)',
        fail: 'model-budget: a hard budget is broken on some legs (see the job summary)',
      },
    },
    ports,
  );
  return outcome;
}

/**
 * Every leg of the run: the artifacts named `<artifact>-<leg>` (validated one by one), then every leg listed in
 * `legs:` that sent none, as missing. A listing that fails leaves only the listed legs, all missing.
 */
async function collectLegs(client: GitHubClient, runId: number, inputs: ActionInputs, warn: (m: string) => void): Promise<LegResult[]> {
  const prefix = `${legArtifactName(inputs.artifact, undefined)}-`;
  let names: readonly string[] = [];
  try {
    names = (await client.listArtifactNames(runId)).filter((n) => n.startsWith(prefix) && n.length > prefix.length);
  } catch (error) {
    warn(`model-budget: could not list the artifacts of run ${runId}: ${errorMessage(error)}`);
  }
  const unique = [...new Set(names)].sort();
  if (unique.length > MAX_LEGS) warn(`model-budget: run ${runId} has ${unique.length} leg artifacts; the first ${MAX_LEGS} are read`);
  const legs: LegResult[] = [];
  for (const name of unique.slice(0, MAX_LEGS)) legs.push(await readLeg(client, runId, name, name.slice(prefix.length)));
  for (const leg of inputs.legs) if (!legs.some((l) => l.leg === leg)) legs.push({ leg, status: 'missing' });
  // Columns in the order `legs:` lists them, then the unlisted ones by name.
  const rank = (leg: string): number => (inputs.legs.includes(leg) ? inputs.legs.indexOf(leg) : inputs.legs.length);
  return legs.sort((a, b) => rank(a.leg) - rank(b.leg) || a.leg.localeCompare(b.leg));
}

async function readLeg(client: GitHubClient, runId: number, name: string, leg: string): Promise<LegResult> {
  try {
    const zip = await client.downloadArtifact(runId, name, MAX_ARTIFACT_BYTES);
    if (!zip) return { leg, status: 'missing' };
    const { report } = readArtifact(zip);
    // The artifact's name decides the column; a report that claims another leg is not believed.
    if (report.leg !== undefined && report.leg !== leg)
      return { leg, status: 'invalid', reason: `the report is of leg "${report.leg}", the artifact is named for "${leg}"` };
    return { leg, status: 'reported', report };
  } catch (error) {
    return { leg, status: 'invalid', reason: errorMessage(error) };
  }
}
