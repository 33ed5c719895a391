/**
 * Which events each mode runs on. `pull_request_target` runs in the base repository's context with a write token
 * and the secrets: with actions/checkout's default it measures the base branch (and reports that as the PR's
 * result), and with the PR's head checked out the PR's models and `custom-layers` code would run next to the
 * token. `check` and `measure` therefore refuse it and point at the two-workflow setup, which gets the same
 * fork-PR comments safely.
 */
import { problem, UsageError } from '../errors.js';
import type { ActionMode } from './inputs.js';

/** Events on which the PR's content would run with the base repository's write token and secrets. */
const PRIVILEGED_PR_EVENTS: readonly string[] = ['pull_request_target'];

/** Throws a UsageError when `mode` must not run on `eventName`. */
export function refuseUntrustedEvent(mode: ActionMode, eventName: string): void {
  // report and aggregate run no PR code: they only read artifacts, validated, and post.
  if (mode === 'report' || mode === 'aggregate' || !PRIVILEGED_PR_EVENTS.includes(eventName)) return;
  throw new UsageError(problem('github/untrusted-event', { mode, eventName }));
}
