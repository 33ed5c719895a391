/** Small pure steps the Action applies to a report before it renders or publishes it. */
import { codeSpan } from '../report/escape.js';
import type { Report } from '../report/types.js';

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
