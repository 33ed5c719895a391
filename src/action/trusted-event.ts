/**
 * Which events each mode runs on. `pull_request_target` runs in the base repository's context with a write token
 * and the secrets: with actions/checkout's default it measures the base branch (and reports that as the PR's
 * result), and with the PR's head checked out the PR's models and `custom-layers` code would run next to the
 * token. `check` and `measure` therefore refuse it and point at the two-workflow setup, which gets the same
 * fork-PR comments safely.
 */
import { UsageError } from '../errors.js';
import type { ActionMode } from './inputs.js';

/** Events on which the PR's content would run with the base repository's write token and secrets. */
const PRIVILEGED_PR_EVENTS: readonly string[] = ['pull_request_target'];

/** Throws a UsageError when `mode` must not run on `eventName`. */
export function refuseUntrustedEvent(mode: ActionMode, eventName: string): void {
  // report and aggregate run no PR code: they only read artifacts, validated, and post.
  if (mode === 'report' || mode === 'aggregate' || !PRIVILEGED_PR_EVENTS.includes(eventName)) return;
  throw new UsageError(
    `mode: ${mode} does not run on ${eventName}: that event holds a write token and the repository's secrets, and ` +
      'the step would either measure the base branch (actions/checkout checks it out by default) and report it as ' +
      "the PR's result, or, with the PR's head checked out, load the PR's models and run its custom-layers code next " +
      'to that token. Use the fork-safe two-workflow setup instead: a workflow "on: pull_request" with ' +
      '"mode: measure" and actions/upload-artifact, and a workflow "on: workflow_run" with "mode: report" ' +
      '(docs/github-action.md, "Fork-safe workflow").',
  );
}
