/** The GitHub Action entry (action.yml → dist/index.js): the real ports → runAction(); the only place that calls `setFailed`. */
import * as core from '@actions/core';
import { runAction } from './action/action-run.js';
import { actionsCore } from './action/actions-core.js';
import { nodeFiles } from './action/ports.js';
import { guardConsole } from './console-guard.js';
import { ModelBudgetError, errorMessage } from './errors.js';
import { createOctokitClient } from './github/octokit.js';
import { toReportJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { runCheck } from './run.js';

// Library output must not become workflow commands either; @actions/core writes ours without the console.
guardConsole(console, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
try {
  const createClient = (token: string, repo: { owner: string; repo: string }) => createOctokitClient({ token, repo, warn: (message) => core.warning(message) });
  const ports = {
    env: process.env,
    getInput: (name: string) => core.getInput(name),
    core: actionsCore(process.env),
    runCheck,
    renderMarkdown,
    toReportJson,
    createClient,
  };
  const outcome = await runAction({ ...ports, files: nodeFiles, now: () => new Date() });
  if (outcome.exitCode !== 0) core.setFailed(outcome.failure ?? 'model-budget failed');
} catch (error) {
  // Setup problems (bad inputs, missing environment): one clear line, the stack only for our own bugs.
  core.setOutput('verdict', 'error');
  core.setFailed(error instanceof ModelBudgetError ? error.message : `model-budget: ${errorMessage(error)}`);
  if (!(error instanceof ModelBudgetError) && error instanceof Error && error.stack) core.debug(error.stack);
}
