/** Small pure steps the Action applies to a report before it renders or publishes it. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { codeSpan } from '../report/escape.js';
import type { Report } from '../report/types.js';
import type { ActionInputs } from './inputs.js';

/**
 * True when the PR changes something measured: a metric whose value differs from the base, a model new in the PR,
 * or a budget edited in the PR. Decides whether `comment: on-change` creates a comment.
 */
export function hasMeasuredChange(report: Report): boolean {
  return report.models.some(
    (m) =>
      m.base?.status === 'new' ||
      (m.base?.status === 'compared' && m.base.compressChange !== undefined) ||
      (m.budgetChanges?.length ?? 0) > 0 ||
      m.metrics.some((metric) => metric.base !== undefined && metric.base !== metric.value),
  );
}

/** Every model marked "could not compare" with `reason` (the base snapshot could not be read at all). */
export function markBaseUnavailable(report: Report, reason: string): Report {
  return { ...report, models: report.models.map((m) => ({ ...m, base: { status: 'unavailable' as const, reason } })) };
}

/** The line the job summary gets when the override label accepted a failure. */
export function overrideNote(label: string): string {
  return `> [!WARNING]\n> The label ${codeSpan(label)} is set on this pull request: broken budgets are reported as warnings and do not fail the check.`;
}

/**
 * The key of the comment's marker: the `comment-key` input, else the config path relative to the repository root.
 * Always from the workflow's own inputs: in `mode: report` the artifact never chooses which comment is written.
 */
export function commentKeyFor(inputs: Pick<ActionInputs, 'commentKey' | 'config' | 'workingDirectory'>, workspace: string): string {
  return inputs.commentKey || repoPath(workspace, resolve(workspace, inputs.workingDirectory, inputs.config));
}

/**
 * The key of one leg's own comment (`mode: check` in a job matrix): the config's key and the leg, so that the legs
 * of a matrix never write over each other's comment. A `comment-key` input is taken as it is.
 */
export function legCommentKeyFor(inputs: Pick<ActionInputs, 'commentKey' | 'config' | 'workingDirectory'>, workspace: string, leg: string | undefined): string {
  if (inputs.commentKey || !leg) return commentKeyFor(inputs, workspace);
  return `${commentKeyFor(inputs, workspace)}@${leg}`;
}

/** Name of the artifact one leg uploads: the `artifact` input's last folder name and the leg id. */
export function legArtifactName(artifact: string, leg: string | undefined): string {
  const base = artifact.split(/[\\/]/).filter(Boolean).at(-1) ?? 'model-budget-report';
  return leg ? `${base}-${leg}` : base;
}

/** `file` relative to the repository root, with forward slashes (what annotations and markers use). */
export function repoPath(workspace: string, file: string): string {
  const rel = relative(workspace, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}
