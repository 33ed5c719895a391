/**
 * The PR's labels as they are now. The event payload is frozen when the event fires, and a re-run replays it, so
 * a label added after the push (the usual way to accept a failure) is only seen through the API.
 */
import { errorMessage } from '../errors.js';
import type { GitHubClient } from './client.js';

/**
 * The labels `GET /repos/{owner}/{repo}/pulls/{number}` lists, else (no token, or the call failed) the labels of
 * the event payload, with a warning saying so.
 */
export async function readCurrentLabels(
  client: GitHubClient | undefined,
  pullRequest: { readonly number: number; readonly labels: readonly string[] },
  warn: (message: string) => void,
): Promise<readonly string[]> {
  const fallback = `using the labels of the event, which a re-run replays as they were when it fired`;
  if (!client) {
    warn(`model-budget: no github-token to read the current labels of PR #${pullRequest.number}; ${fallback}`);
    return pullRequest.labels;
  }
  try {
    return (await client.getPullRequest(pullRequest.number)).labels;
  } catch (error) {
    warn(`model-budget: could not read the current labels of PR #${pullRequest.number} (${errorMessage(error)}); ${fallback}`);
    return pullRequest.labels;
  }
}
