/**
 * `mode: check` and `mode: measure`: run the engine on the checked-out tree (with the base branch's snapshot on a
 * pull request), add the trend, and publish. `measure` writes the fork-safe artifact for `mode: report` instead of
 * commenting; on a push, `check` records the trend.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { BaseRefError, errorMessage, ModelBudgetError } from '../errors.js';
import { materializeBase, type BaseSnapshot } from '../git/base-snapshot.js';
import { findRepoRoot } from '../git/base-commit.js';
import type { GitHubClient } from '../github/client.js';
import { readCurrentLabels } from '../github/labels.js';
import { errorAnnotations, reportAnnotations } from '../report/annotations.js';
import { renderComment } from '../report/comment.js';
import { fencedCode } from '../report/escape.js';
import type { Report } from '../report/types.js';
import { VERSION } from '../version.js';
import { ARTIFACT_REPORT_FILE, serializeArtifact } from './artifact.js';
import type { ActionContext } from './context.js';
import type { ActionInputs } from './inputs.js';
import { nodeFiles, type ActionOutcome, type ActionPorts } from './ports.js';
import { publish } from './publish.js';
import { hasMeasuredChange, legArtifactName, legCommentKeyFor, markBaseUnavailable, overrideNote, repoPath } from './report-helpers.js';
import { commentMarker } from './sticky-comment.js';
import { pullRequestHistory, recordOnPush, trendForPullRequest, type TrendInputs } from './trend-hooks.js';

/** The comment body limit renderComment keeps to by default (GitHub's 65,536 less room for the marker). */
const DEFAULT_COMMENT_CHARS = 65_000;
/** Charts beyond this are left out of the comment (the job summary keeps the text version). */
const MAX_TREND_COMMENT_CHARS = 20_000;

export async function checkMode(inputs: ActionInputs, trendInputs: TrendInputs, context: ActionContext, ports: ActionPorts): Promise<ActionOutcome> {
  const { core } = ports;
  const workingDir = resolve(context.workspace, inputs.workingDirectory);
  const configPath = resolve(workingDir, inputs.config);
  // The git repository holding the config: GITHUB_WORKSPACE, or the folder actions/checkout's `path:` named. Base
  // comparison, trend history and annotation paths (which GitHub reads as repository paths) all use it.
  const repoDir = (await findRepoRoot(dirname(configPath))) ?? (await findRepoRoot(workingDir)) ?? context.workspace;
  const toRepoPath = (file: string): string => repoPath(repoDir, resolve(workingDir, file));

  const baseSetup = context.pullRequest ? await prepareBase(inputs, context, { repoDir, workingDir, configPath }, ports) : undefined;
  const log = { info: core.info, warning: core.warning };
  // On a pull request the check judges the `trend:` budgets against the data branch's history.
  const history = context.pullRequest ? pullRequestHistory({ env: ports.env, workspace: repoDir, inputs: trendInputs, log }) : undefined;
  let report: Report;
  let budgeted = false;
  try {
    const result = await ports.runCheck(
      {
        configPath,
        cwd: workingDir,
        ...(baseSetup?.snapshot ? { base: { dir: baseSetup.snapshot.dir, ref: baseSetup.snapshot.ref, kind: baseSetup.snapshot.kind } } : {}),
        ...(inputs.leg ? { leg: inputs.leg } : {}),
        runner: runnerOf(ports.env),
        ...(history ? { history: history.history } : {}),
      },
      { progress: core.info, warn: core.warning, ...(inputs.verbose ? { debug: core.info } : {}) },
    );
    report = baseSetup?.unavailable ? markBaseUnavailable(result.report, baseSetup.unavailable) : result.report;
    budgeted = (result.config?.models ?? []).some((m) => Object.keys(m.trend).length > 0);
  } catch (error) {
    return reportError(error, { toRepoPath, inputs, workingDir, configPath }, ports);
  } finally {
    await baseSetup?.snapshot?.cleanup();
  }

  const trend = history ? await trendForPullRequest(report, { env: ports.env, inputs: trendInputs, budgeted, history }) : { comment: '', summary: '' };
  const checked = report;

  let client: GitHubClient | undefined;
  const getClient = (): GitHubClient | undefined => (client ??= inputs.token ? ports.createClient(inputs.token, context.repo) : undefined);
  const commentKey = legCommentKeyFor(inputs, context.workspace, checked.leg);
  const pullRequest = context.pullRequest;
  const { accepted, outcome } = await publish(
    {
      verdict: checked.verdict,
      reportJson: ports.toReportJson(checked),
      reportFile: { reportJson: inputs.reportJson, workingDir },
      // Labels matter only for a failure; they are read now, not from the event (a label added since, or a re-run).
      target: async (failing) =>
        pullRequest && { number: pullRequest.number, labels: failing ? await readCurrentLabels(getClient(), pullRequest, core.warning) : [] },
      overrideLabel: inputs.overrideLabel,
      annotations: (accepted) => reportAnnotations(checked, { accepted, toRepoPath }),
      summary: (accepted) =>
        ports.renderMarkdown(checked) + (trend.summary ? `\n${trend.summary}\n` : '') + (accepted ? `\n${overrideNote(inputs.overrideLabel)}\n` : ''),
      outputs: { ...(checked.leg ? { leg: checked.leg } : {}), 'artifact-name': legArtifactName(inputs.artifact, checked.leg) },
      // mode: measure posts nothing: it writes the artifact for mode: report (below).
      ...(inputs.mode === 'measure'
        ? {}
        : {
            comment: {
              mode: inputs.comment,
              key: commentKey,
              author: inputs.commentAuthor,
              client: getClient,
              body: (options) => {
                const trendSection = trend.comment.length <= MAX_TREND_COMMENT_CHARS ? trend.comment : '';
                return trendSection
                  ? `${renderComment(checked, { ...options, maxChars: DEFAULT_COMMENT_CHARS - trendSection.length - 2 })}\n\n${trendSection}`
                  : renderComment(checked, options);
              },
              changed: hasMeasuredChange(checked),
            },
          }),
      ...(context.runUrl ? { runUrl: context.runUrl } : {}),
      failures: {
        error: 'model-budget: some models could not be checked (see the report)',
        fail: 'model-budget: a hard budget is broken (see the annotations and the job summary)',
      },
    },
    ports,
  );

  if (inputs.mode === 'measure') {
    const files = ports.files ?? nodeFiles;
    const dir = resolve(context.workspace, inputs.artifact);
    const commentOptions = {
      marker: commentMarker(commentKey),
      ...(accepted ? { overrideLabel: inputs.overrideLabel } : {}),
      ...(context.runUrl ? { runUrl: context.runUrl } : {}),
    };
    await files.mkdir(dir);
    await files.writeFile(join(dir, 'report.json'), `${JSON.stringify(ports.toReportJson(checked), null, 2)}\n`);
    await files.writeFile(join(dir, 'comment.md'), renderComment(checked, commentOptions));
    await files.writeFile(join(dir, ARTIFACT_REPORT_FILE), serializeArtifact({ report: checked }));
    core.info(`model-budget: wrote ${dir} for upload (mode: measure posts nothing)`);
  } else if (!pullRequest && context.eventName === 'push') {
    await recordOnPush(checked, {
      env: ports.env,
      workspace: repoDir,
      sha: context.sha,
      configPath,
      inputs: trendInputs,
      log,
      ...(ports.now ? { now: ports.now } : {}),
    });
  }
  return outcome;
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
  const message = errorMessage(error);
  const example =
    error instanceof ModelBudgetError && error.example !== undefined ? `\nFor example, in model-budget.yml:\n\n${fencedCode(error.example.trimEnd())}\n` : '';
  const markdown = `## 💥 model-budget: the check could not run\n\n${fencedCode(message)}\n${example}`;
  const report: Report = {
    schemaVersion: 1,
    verdict: 'error',
    config: relative(where.workingDir, where.configPath) || where.inputs.config,
    models: [],
    tool: { name: 'model-budget', version: VERSION },
  };
  const { outcome } = await publish(
    {
      verdict: 'error',
      reportJson: { ...(ports.toReportJson(report) as object), error: message },
      reportFile: { reportJson: where.inputs.reportJson, workingDir: where.workingDir },
      target: () => Promise.resolve(undefined),
      overrideLabel: where.inputs.overrideLabel,
      annotations: () => errorAnnotations(error, where.toRepoPath),
      summary: () => markdown,
      failures: { error: message, fail: message },
    },
    ports,
  );
  return outcome;
}
