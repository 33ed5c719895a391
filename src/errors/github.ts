import type { CatalogEntry } from './entry.js';

const SHALLOW_FIX =
  'check out the full history (`actions/checkout` with `fetch-depth: 0`), or run ' +
  '`git fetch --no-tags --deepen=200 origin "$GITHUB_BASE_REF"` in the checkout before this step';

/** The Action's inputs and modes, the fork-safe artifact, and the base branch read from git. */
export const GITHUB_ERRORS = {
  'github/input-comment': {
    message: 'input "comment" is "{comment}"; expected one of {modes}',
  },
  'github/input-mode': {
    message: 'input "mode" is "{mode}"; expected one of {modes}',
  },
  'github/input-verbose': {
    message: 'input "verbose" is "{verbose}"; expected true or false',
  },
  'github/input-invalid': {
    message: 'input "{name}": {detail}',
  },
  'github/input-record': {
    message: 'input "record" is "{record}"; expected one of {modes}',
  },
  'github/input-history-max-entries': {
    message: 'input "history-max-entries" is "{maxText}"; expected a whole number of at least 2',
  },
  'github/aggregate-no-token': {
    message: 'mode: aggregate needs the github-token input (with actions: read, and pull-requests: write for the comment)',
  },
  'github/aggregate-no-run': {
    message: 'mode: aggregate reads the artifacts of this run (GITHUB_RUN_ID) or of the workflow_run event; neither is set',
  },
  'github/report-wrong-event': {
    message: 'mode: report runs on the workflow_run event, not on {eventName}',
  },
  'github/report-no-token': {
    message: 'mode: report needs the github-token input (with pull-requests: write and actions: read)',
  },
  'github/untrusted-event': {
    message:
      'mode: {mode} does not run on {eventName}: that event holds a write token and the repository\'s secrets, and the step would either measure the base branch (actions/checkout checks it out by default) and report it as the PR\'s result, or, with the PR\'s head checked out, load the PR\'s models and run its custom-layers code next to that token. Use the fork-safe two-workflow setup instead: a workflow "on: pull_request" with "mode: measure" and actions/upload-artifact, and a workflow "on: workflow_run" with "mode: report" (docs/github-action.md, "Fork-safe workflow").',
  },
  'github/no-checkout': {
    message:
      '{repoDir} is not a git checkout with a commit, so the base branch cannot be compared: run actions/checkout before this step (with its `path:`, set `working-directory` to that folder)',
  },
  'github/no-merge-base-deepen-failed': {
    message: 'no merge base between {first} and {second} in the shallow clone, and deepening it from origin failed: {detail}',
    fix: SHALLOW_FIX,
  },
  'github/no-merge-base': {
    message: 'no merge base between {first} and {second}: {why}',
    fix: SHALLOW_FIX,
  },
  'github/base-commit-missing': {
    message:
      "commit {sha} is not in the checkout and fetching it from origin failed ({why}), so the base branch cannot be compared. Keep actions/checkout's `persist-credentials` on",
    fix: `or ${SHALLOW_FIX}`,
  },
  'github/base-unreadable': {
    message: 'could not read the base commit {ref}: {detail}',
  },
  'github/base-needs-git': {
    message: '--base needs a git checkout, and {workingDir} is not in one',
  },
  'github/base-not-commit': {
    message: '--base "{rev}" is not a commit in {repoDir}',
    fix: 'name a branch, tag or commit (e.g. --base origin/main)',
  },
  'github/working-directory-outside': {
    message: 'the working directory {workingDir} is neither inside nor above the repository {repoDir} that holds the config',
  },
  'github/outside-repository': {
    message: '{file} is outside the repository {repoDir}',
  },
  'github/artifact-report-too-large': {
    message: '{file} is more than {maxBytes} bytes',
  },
  'github/artifact-compression': {
    message: '{file} uses zip compression method {method}; expected deflate (8) or none (0)',
  },
  'github/artifact-deflate': {
    message: '{file} in the artifact is not valid deflate data: {detail}',
  },
  'github/artifact-inflates-too-large': {
    message: '{file} inflates to more than {maxBytes} bytes (inflating stopped there)',
  },
  'github/artifact-not-zip': {
    message: 'the artifact is not a readable zip archive: {why}',
  },
  'github/artifact-duplicate-entry': {
    message: 'the artifact holds {name} more than once',
  },
  'github/artifact-entry-missing': {
    message: 'the artifact holds no {name}',
  },
  'github/artifact-not-json': {
    message: '{file} is not JSON',
  },
  'github/artifact-schema': {
    message: '{file} does not match the report schema: {problems}',
  },
} as const satisfies Record<`github/${string}`, CatalogEntry>;
