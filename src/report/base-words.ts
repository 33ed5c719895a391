import { codeSpan } from './escape.js';
import type { BaseComparison } from './types.js';

/** "the base branch tip `abc…`" / "the merge base `abc…`": which commit the numbers are compared with, for the renderers. */
export function baseCommitWords(base: Extract<BaseComparison, { status: 'compared' }>): string {
  const sha = codeSpan(base.ref.slice(0, 12));
  if (base.kind === 'merge-parent') return `the base branch tip ${sha} (what the PR is merged onto)`;
  if (base.kind === 'merge-base') return `the merge base ${sha}`;
  return `the base commit ${sha}`;
}
