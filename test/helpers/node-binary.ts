/**
 * The Node binaries the shipped bundles are tested under. The Action declares `runs.using: node24`, so the runner
 * starts dist/index.js with Node 24; the CLI's `engines` allow Node 20 too. Node 24 comes from
 * `scripts/fetch-node.mjs` (run by `npm test`'s pretest) into `.cache/node24/`, never from PATH, so npm scripts keep
 * the system node.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Node 24: env MODEL_BUDGET_NODE24, else `.cache/node24/bin/node`. Throws with the fix when neither exists. */
export function node24(): string {
  const fromEnv = process.env['MODEL_BUDGET_NODE24'];
  const binary = fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(ROOT, '.cache', 'node24', 'bin', 'node');
  if (!existsSync(binary)) {
    throw new Error(`no Node 24 binary at ${binary}: run \`node scripts/fetch-node.mjs\` (npm test does), or set MODEL_BUDGET_NODE24`);
  }
  return binary;
}

/** The Node binaries a bundle's tests run under, by name: the Action's Node 24, and the Node running the tests. */
export function bundleNodes(): readonly { readonly name: string; readonly binary: string }[] {
  return [
    { name: 'node 24', binary: node24() },
    { name: `node ${process.versions.node} (this one)`, binary: process.execPath },
  ];
}

/** How the runner launches an Action bundle: Node 24 and the file, nothing else on the command line. */
export function actionCommand(entry: string): { readonly file: string; readonly args: readonly string[] } {
  return { file: node24(), args: [entry] };
}

/**
 * Runs an Action bundle as the runner starts it on a `push` to a feature branch (no token, so no API call): Node 24,
 * INPUT_* and GITHUB_* variables, a webhook payload and the output and summary files in `dir`. Returns the log, the
 * job summary and the GITHUB_OUTPUT file's text.
 */
export async function runActionOnPush(entry: string, workspace: string, dir: string): Promise<{ stdout: string; summary: string; output: string }> {
  const event = join(dir, 'event.json');
  const summary = join(dir, 'summary.md');
  const output = join(dir, 'output.txt');
  await writeFile(event, JSON.stringify({ ref: 'refs/heads/feature', repository: { default_branch: 'main' } }));
  await writeFile(summary, '');
  await writeFile(output, '');
  const { file, args } = actionCommand(entry);
  const { stdout } = await promisify(execFile)(file, [...args], {
    cwd: workspace,
    env: {
      PATH: process.env['PATH'] ?? '',
      'INPUT_GITHUB-TOKEN': '',
      INPUT_CONFIG: 'model-budget.yml',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: event,
      GITHUB_REF: 'refs/heads/feature',
      GITHUB_REPOSITORY: 'octo/models',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: dir,
    },
  });
  return { stdout, summary: await readFile(summary, 'utf8'), output: await readFile(output, 'utf8') };
}
