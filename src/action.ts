/**
 * The GitHub Action entry (action.yml → dist/index.js). Builds the ports from `@actions/core` and Octokit, runs
 * the Action once, and is the only place that calls `setFailed`.
 */
import * as core from '@actions/core';
import { guardConsole } from './console-guard.js';
import { ModelBudgetError, errorMessage } from './errors.js';
import { runAction } from './action/action-run.js';
import { createOctokitClient } from './github/octokit.js';
import type { Annotation } from './report/annotations.js';
import { toReportJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { runCheck } from './run.js';

function annotate(annotation: Annotation): void {
  const properties: core.AnnotationProperties = {
    title: annotation.title,
    ...(annotation.file === undefined ? {} : { file: annotation.file }),
    ...(annotation.line === undefined ? {} : { startLine: annotation.line }),
    ...(annotation.column === undefined ? {} : { startColumn: annotation.column }),
  };
  if (annotation.level === 'error') core.error(annotation.message, properties);
  else if (annotation.level === 'warning') core.warning(annotation.message, properties);
  else core.notice(annotation.message, properties);
}

async function main(): Promise<void> {
  // Library output must not become workflow commands either; @actions/core writes ours without the console.
  guardConsole(console, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
  try {
    const outcome = await runAction({
      env: process.env,
      getInput: (name) => core.getInput(name),
      core: {
        info: (message) => core.info(message),
        warning: (message) => core.warning(message),
        annotate,
        setOutput: (name, value) => core.setOutput(name, value),
        setSecret: (value) => core.setSecret(value),
        appendSummary: async (markdown) => {
          if (!process.env['GITHUB_STEP_SUMMARY']) return;
          await core.summary.addRaw(markdown).write();
        },
      },
      runCheck,
      renderMarkdown,
      toReportJson,
      createClient: (token, repo) => createOctokitClient({ token, repo, warn: (message) => core.warning(message) }),
    });
    if (outcome.exitCode !== 0) core.setFailed(outcome.failure ?? 'model-budget failed');
  } catch (error) {
    // Setup problems (bad inputs, missing environment): one clear line, the stack only for our own bugs.
    core.setOutput('verdict', 'error');
    core.setFailed(error instanceof ModelBudgetError ? error.message : `model-budget: ${errorMessage(error)}`);
    if (!(error instanceof ModelBudgetError) && error instanceof Error && error.stack) core.debug(error.stack);
  }
}

await main();
