/**
 * What the Action does, with the world injected (inputs, environment, `@actions/core`, the engine, the GitHub
 * client), so it runs the same under the runner and in tests. `check` and `measure` modes run the engine; `report`
 * mode only renders and posts a report another job produced (see report-mode.ts). The only failure exits are a
 * broken hard budget not accepted by the override label, and a check that could not run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { BaseRefError, errorMessage, ModelBudgetError } from '../errors.js';
import { VERSION } from '../version.js';
import { errorAnnotations, reportAnnotations, type Annotation } from '../report/annotations.js';
import { renderComment } from '../report/comment.js';
import { fencedCode, neutralizeLogText } from '../report/escape.js';
import { commentMarker, publishStickyComment, resolveCommentAuthor } from '../report/sticky-comment.js';
import type { BaseKind, Report } from '../report/types.js';
import { ARTIFACT_REPORT_FILE, serializeArtifact } from './artifact.js';
import { materializeBase, type BaseSnapshot, type BaseSnapshotRequest } from './base.js';
import { findRepoRoot } from './base-commit.js';
import type { GitHubClient, RepoRef } from './client.js';
import { readActionContext, type ActionContext } from './context.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { readCurrentLabels } from './labels.js';
import { writeReportJson } from './report-file.js';
import { reportMode } from './report-mode.js';
import { aggregateMode } from './aggregate-mode.js';
import { hasMeasuredChange, legArtifactName, legCommentKeyFor, markBaseUnavailable, overrideNote, repoPath } from './report-helpers.js';
import { capSummary } from './summary-cap.js';
import { refuseUntrustedEvent } from './trusted-event.js';
import { readTrendInputs, recordOnPush, trendForPullRequest } from './trend-hooks.js';

/** The comment body limit renderComment keeps to by default (GitHub's 65,536 less room for the marker). */
const DEFAULT_COMMENT_CHARS = 65_000;
/** Charts beyond this are left out of the comment (the job summary keeps the text version). */
const MAX_TREND_COMMENT_CHARS = 20_000;

/** The slice of `@actions/core` the Action uses. */
export interface ActionCore {
  readonly info: (message: string) => void;
  readonly warning: (message: string) => void;
  readonly annotate: (annotation: Annotation) => void;
  readonly setOutput: (name: string, value: string) => void;
  /** Masks a value in the log. */
  readonly setSecret: (value: string) => void;
  readonly appendSummary: (markdown: string) => Promise<void>;
}

/** The engine entry (src/run.ts `runCheck`), reduced to what the Action passes and reads. */
export type RunCheck = (
  options: {
    readonly configPath: string;
    readonly cwd?: string;
    readonly base?: { readonly dir: string; readonly ref: string; readonly kind?: BaseKind };
    readonly leg?: string;
    readonly runner?: { readonly os?: string; readonly arch?: string; readonly gpu?: string };
  },
  ports: { readonly progress: (line: string) => void; readonly warn: (message: string) => void; readonly debug?: (line: string) => void },
) => Promise<{ readonly report: Report; readonly config?: { readonly models: readonly { readonly name: string; readonly trend: Readonly<Record<string, number>> }[] } }>;

export interface ActionPorts {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly getInput: (name: string) => string;
  readonly core: ActionCore;
  readonly runCheck: RunCheck;
  readonly renderMarkdown: (report: Report) => string;
  readonly toReportJson: (report: Report) => unknown;
  readonly createClient: (token: string, repo: RepoRef) => GitHubClient;
  /** Default: `materializeBase` (git in the repository holding the config). */
  readonly materializeBase?: (request: BaseSnapshotRequest) => Promise<BaseSnapshot>;
}

export interface ActionOutcome {
  readonly exitCode: 0 | 1;
  /** Message for `setFailed` when `exitCode` is 1. */
  readonly failure?: string;
}

/** Runs the Action once. Throws only for problems with the Action's own setup (inputs, environment). */
export async function runAction(rawPorts: ActionPorts): Promise<ActionOutcome> {
  // Log lines carry names from the PR's files: none of them may be read as a workflow command (`::error`,
  // `::stop-commands::`). Warnings and annotations are safe already: @actions/core escapes a command's data.
  // GitHub refuses a step summary over 1 MiB: every summary this Action writes goes through the cap.
  const ports: ActionPorts = {
    ...rawPorts,
    core: {
      ...rawPorts.core,
      info: (message) => rawPorts.core.info(neutralizeLogText(message)),
      appendSummary: (md) => rawPorts.core.appendSummary(capSummary(md)),
    },
  };
  const { core } = ports;
  const inputs = readInputs(ports.getInput);
  const trendInputs = readTrendInputs(ports.getInput);
  if (inputs.token) core.setSecret(inputs.token);
  const context = readActionContext(ports.env);
  refuseUntrustedEvent(inputs.mode, context.eventName);
  if (inputs.mode === 'report') return reportMode(inputs, context, ports);
  if (inputs.mode === 'aggregate') return aggregateMode(inputs, context, ports);

  const workingDir = resolve(context.workspace, inputs.workingDirectory);
  const configPath = resolve(workingDir, inputs.config);
  // The git repository holding the config: GITHUB_WORKSPACE, or the folder actions/checkout's `path:` named. Base
  // comparison, trend history and annotation paths (which GitHub reads as repository paths) all use it.
  const repoDir = (await findRepoRoot(dirname(configPath))) ?? (await findRepoRoot(workingDir)) ?? context.workspace;
  const toRepoPath = (file: string): string => repoPath(repoDir, resolve(workingDir, file));

  const baseSetup = context.pullRequest ? await prepareBase(inputs, context, { repoDir, workingDir, configPath }, ports) : undefined;
  let report: Report;
  let trendBudgets = new Map<string, Readonly<Record<string, number>>>();
  try {
    const result = await ports.runCheck(
      {
        configPath,
        cwd: workingDir,
        ...(baseSetup?.snapshot ? { base: { dir: baseSetup.snapshot.dir, ref: baseSetup.snapshot.ref, kind: baseSetup.snapshot.kind } } : {}),
        ...(inputs.leg ? { leg: inputs.leg } : {}),
        runner: runnerOf(ports.env),
      },
      { progress: core.info, warn: core.warning, ...(inputs.verbose ? { debug: core.info } : {}) },
    );
    report = baseSetup?.unavailable ? markBaseUnavailable(result.report, baseSetup.unavailable) : result.report;
    trendBudgets = new Map((result.config?.models ?? []).map((m) => [m.name, m.trend]));
  } catch (error) {
    return reportError(error, { toRepoPath, inputs, workingDir, configPath }, ports);
  } finally {
    await baseSetup?.snapshot?.cleanup();
  }

  const log = { info: core.info, warning: core.warning };
  const trend = context.pullRequest
    ? await trendForPullRequest(report, { env: ports.env, workspace: repoDir, inputs: trendInputs, budgets: trendBudgets, log })
    : { report, comment: '', summary: '' };
  report = trend.report;

  let client: GitHubClient | undefined;
  const getClient = (): GitHubClient | undefined => (client ??= inputs.token ? ports.createClient(inputs.token, context.repo) : undefined);
  // report.json first: it does not depend on the labels, and no API call may delay it.
  core.setOutput('report-json', await writeReportJson(ports.toReportJson(report), { reportJson: inputs.reportJson, workingDir, env: ports.env }));
  // Labels matter only for a failure; they are read now, not from the event (a label added since, or a re-run).
  const accepted =
    report.verdict === 'fail' &&
    context.pullRequest !== undefined &&
    (await readCurrentLabels(getClient(), context.pullRequest, core.warning)).includes(inputs.overrideLabel);
  for (const annotation of reportAnnotations(report, { accepted, toRepoPath })) core.annotate(annotation);
  const markdown =
    ports.renderMarkdown(report) + (trend.summary ? `\n${trend.summary}\n` : '') + (accepted ? `\n${overrideNote(inputs.overrideLabel)}\n` : '');
  await core.appendSummary(markdown);
  core.setOutput('verdict', accepted ? 'warn' : report.verdict);
  core.setOutput('markdown', markdown);

  if (report.leg) core.setOutput('leg', report.leg);
  core.setOutput('artifact-name', legArtifactName(inputs.artifact, report.leg));
  const commentOptions = {
    marker: commentMarker(legCommentKeyFor(inputs, context.workspace, report.leg)),
    ...(accepted ? { overrideLabel: inputs.overrideLabel } : {}),
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
  };
  if (inputs.mode === 'measure') {
    const dir = resolve(context.workspace, inputs.artifact);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'report.json'), `${JSON.stringify(ports.toReportJson(report), null, 2)}\n`);
    await writeFile(join(dir, 'comment.md'), renderComment(report, commentOptions));
    await writeFile(join(dir, ARTIFACT_REPORT_FILE), serializeArtifact({ report }));
    core.info(`model-budget: wrote ${dir} for upload (mode: measure posts nothing)`);
  } else if (context.pullRequest && inputs.comment !== 'never') {
    const client = getClient();
    if (!client) {
      core.warning('model-budget: no github-token, so no PR comment; the report is in the job summary');
    } else {
      const author = await resolveCommentAuthor(client, inputs.commentAuthor || undefined, core.warning);
      const trendSection = trend.comment.length <= MAX_TREND_COMMENT_CHARS ? trend.comment : '';
      const body = trendSection
        ? `${renderComment(report, { ...commentOptions, maxChars: DEFAULT_COMMENT_CHARS - trendSection.length - 2 })}\n\n${trendSection}`
        : renderComment(report, commentOptions);
      const result = await publishStickyComment({
        client,
        issueNumber: context.pullRequest.number,
        body,
        marker: commentOptions.marker,
        mode: inputs.comment,
        failing: report.verdict === 'fail' || report.verdict === 'error',
        changed: hasMeasuredChange(report),
        author,
        warn: core.warning,
      });
      core.info(`model-budget: PR comment ${result.action}${'reason' in result ? ` (${result.reason})` : ''}`);
      if ('commentId' in result && result.commentId !== undefined) core.setOutput('comment-id', String(result.commentId));
    }
  } else if (context.eventName === 'push') {
    await recordOnPush(report, { env: ports.env, workspace: repoDir, sha: context.sha, configPath, inputs: trendInputs, log });
  }

  if (report.verdict === 'error') return { exitCode: 1, failure: 'model-budget: some models could not be checked (see the report)' };
  if (report.verdict === 'fail' && !accepted) return { exitCode: 1, failure: 'model-budget: a hard budget is broken (see the annotations and the job summary)' };
  return { exitCode: 0 };
}

/** The runner's own description of the machine, for the default leg id (src/leg.ts). */
function runnerOf(env: Readonly<Record<string, string | undefined>>): { os?: string; arch?: string; gpu?: string } {
  const pick = (name: string): string | undefined => env[name]?.trim() || undefined;
  const os = pick('RUNNER_OS');
  const arch = pick('RUNNER_ARCH');
  const gpu = pick('MODEL_BUDGET_GPU');
  return { ...(os ? { os } : {}), ...(arch ? { arch } : {}), ...(gpu ? { gpu } : {}) };
}

interface BaseSetup {
  readonly snapshot?: BaseSnapshot;
  /** Why the base could not be read (every model is then "could not compare"). */
  readonly unavailable?: string;
}

async function prepareBase(
  inputs: ActionInputs,
  context: ActionContext,
  where: { readonly repoDir: string; readonly workingDir: string; readonly configPath: string },
  ports: ActionPorts,
): Promise<BaseSetup> {
  const pr = context.pullRequest;
  if (!pr) return {};
  try {
    const snapshot = await (ports.materializeBase ?? materializeBase)({ ...where, baseSha: pr.baseSha, headSha: pr.headSha });
    const which = snapshot.kind === 'merge-parent' ? "the base branch tip (the test merge's first parent)" : 'the merge base';
    ports.core.info(`model-budget: comparing with ${which} ${snapshot.ref.slice(0, 12)} (${inputs.config})`);
    for (const pointer of snapshot.lfsPointers) {
      ports.core.warning(`model-budget: ${pointer.path} is a Git LFS pointer at the base; its size (${pointer.size} bytes) is taken from the pointer`);
    }
    return { snapshot };
  } catch (error) {
    const reason = errorMessage(error);
    ports.core.annotate({ level: 'notice', title: 'model-budget: base branch not compared', message: reason });
    if (!(error instanceof BaseRefError)) ports.core.warning(`model-budget: could not read the base branch: ${reason}`);
    return { unavailable: reason };
  }
}

interface ErrorContext {
  readonly toRepoPath: (file: string) => string;
  readonly inputs: ActionInputs;
  readonly workingDir: string;
  readonly configPath: string;
}

/** A config or model error: annotations, the summary, and a report.json with `verdict: error` and the message. */
async function reportError(error: unknown, where: ErrorContext, ports: ActionPorts): Promise<ActionOutcome> {
  const { core } = ports;
  const message = errorMessage(error);
  for (const annotation of errorAnnotations(error, where.toRepoPath)) core.annotate(annotation);
  core.setOutput('verdict', 'error');
  const example = error instanceof ModelBudgetError && error.example !== undefined ? `\nFor example, in model-budget.yml:\n\n${fencedCode(error.example.trimEnd())}\n` : '';
  const markdown = `## 💥 model-budget: the check could not run\n\n${fencedCode(message)}\n${example}`;
  core.setOutput('markdown', markdown);
  const report: Report = { schemaVersion: 1, verdict: 'error', config: relative(where.workingDir, where.configPath) || where.inputs.config, models: [], tool: { name: 'model-budget', version: VERSION } };
  const json = { ...(ports.toReportJson(report) as object), error: message };
  core.setOutput('report-json', await writeReportJson(json, { reportJson: where.inputs.reportJson, workingDir: where.workingDir, env: ports.env }));
  await core.appendSummary(markdown);
  return { exitCode: 1, failure: message };
}

