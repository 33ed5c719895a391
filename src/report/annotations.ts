/**
 * Check-run annotations: one on the exact line of each broken budget in `model-budget.yml` (error for a hard
 * budget, warning for a soft one or when the override label accepted the failure), a notice where the base could
 * not be compared, and one per problem when the check could not run. Pure: the Action hands them to
 * `@actions/core`.
 */
import { ConfigError, ModelBudgetError, errorMessage } from '../errors.js';
import type { Report } from './types.js';

export interface Annotation {
  readonly level: 'error' | 'warning' | 'notice';
  readonly title: string;
  readonly message: string;
  /** File relative to the repository root (GitHub attaches annotations to repository paths). */
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
}

export interface AnnotationOptions {
  /** The override label is set: failures become warnings. */
  readonly accepted?: boolean;
  /** Maps a path as the report shows it (relative to the working directory) to a repository path. */
  readonly toRepoPath?: (file: string) => string;
}

/** Annotations for a finished check. */
export function reportAnnotations(report: Report, options: AnnotationOptions = {}): Annotation[] {
  const toRepo = options.toRepoPath ?? ((f: string) => f);
  const out: Annotation[] = [];
  for (const model of report.models) {
    if (model.error) {
      out.push({ level: 'error', title: `model-budget: ${model.name}`, message: model.error, file: toRepo(report.config) });
    }
    for (const metric of model.metrics) {
      if (metric.status !== 'fail' && metric.status !== 'warn') continue;
      const hard = metric.status === 'fail';
      const level = hard && !options.accepted ? 'error' : 'warning';
      const title = `${model.name}: ${metric.key} ${hard ? 'over budget' : 'near its budget'}${hard && options.accepted ? ' (accepted by label)' : ''}`;
      const where = metric.source
        ? { file: toRepo(metric.source.file), line: metric.source.line, column: metric.source.column }
        : { file: toRepo(report.config) };
      out.push({ level, title, message: metric.message, ...where });
    }
    if (model.base?.status === 'unavailable') {
      out.push({ level: 'notice', title: `${model.name}: not compared with the base branch`, message: model.base.reason });
    }
  }
  return out;
}

/** Annotations for an error that stopped the check: every config problem on its own line. */
export function errorAnnotations(error: unknown, toRepoPath: (file: string) => string = (f) => f): Annotation[] {
  if (error instanceof ConfigError && error.issues.length > 0) {
    return error.issues.map((issue) => ({
      level: 'error',
      title: 'model-budget: config error',
      message: issue.path ? `${issue.path}: ${issue.message}` : issue.message,
      file: toRepoPath(issue.file),
      line: issue.line,
      column: issue.column,
    }));
  }
  if (error instanceof ModelBudgetError) {
    return [
      {
        level: 'error',
        title: `model-budget: ${error.name}`,
        message: error.message,
        ...(error.file === undefined ? {} : { file: toRepoPath(error.file) }),
        ...(error.line === undefined ? {} : { line: error.line }),
        ...(error.column === undefined ? {} : { column: error.column }),
      },
    ];
  }
  return [{ level: 'error', title: 'model-budget: unexpected error', message: errorMessage(error) }];
}
