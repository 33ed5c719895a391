/**
 * The Action's inputs (see action.yml), read through a `getInput` port and validated in one place. Every problem
 * names the input and the accepted values.
 */
import { ACTION_INPUT_DEFAULTS, type ActionInputName } from '../config/defaults.js';
import { errorMessage, problem, UsageError } from '../errors.js';
import { normalizeLegId } from '../leg.js';
import { COMMENT_MODES, type CommentMode } from './sticky-comment.js';

export type ActionMode = 'check' | 'measure' | 'report' | 'aggregate';
const MODES: readonly ActionMode[] = ['check', 'measure', 'report', 'aggregate'];

export interface ActionInputs {
  /** Path of model-budget.yml, relative to `workingDirectory`. Default `model-budget.yml`. */
  readonly config: string;
  /** Token for the comment; empty when none was given. Never logged. */
  readonly token: string;
  /** Folder the config path is relative to, relative to the workspace. Default `.`. */
  readonly workingDirectory: string;
  /** Where to write report.json (relative to the working directory); empty: not written. */
  readonly reportJson: string;
  readonly comment: CommentMode;
  /** Marker key; default: the config path relative to the workspace. */
  readonly commentKey: string;
  /** Login our comments carry, for GitHub App tokens (`my-app[bot]`); empty: found from the token. */
  readonly commentAuthor: string;
  /** PR label that turns budget failures into warnings. Default `model-budget:accept`. */
  readonly overrideLabel: string;
  readonly mode: ActionMode;
  /** Measure mode: folder the artifact files are written to; report mode: name of the artifact to fetch. */
  readonly artifact: string;
  /** Leg id of this job in a matrix (normalized); empty: the default from the runner (src/leg.ts). */
  readonly leg: string;
  /** Aggregate mode: the leg ids expected to report; a listed leg without an artifact is reported as missing. */
  readonly legs: readonly string[];
  /** Print stack traces of unexpected failures (`verbose: true`). Default false. */
  readonly verbose: boolean;
}

/** Reads and validates the inputs. `getInput` returns '' for an unset input (as `@actions/core` does). */
export function readInputs(getInput: (name: string) => string): ActionInputs {
  const get = (name: ActionInputName): string => getInput(name).trim() || ACTION_INPUT_DEFAULTS[name];
  const comment = get('comment');
  if (!isOneOf(comment, COMMENT_MODES)) {
    throw new UsageError(problem('github/input-comment', { comment, modes: COMMENT_MODES.join(', ') }));
  }
  const mode = get('mode');
  if (!isOneOf(mode, MODES)) throw new UsageError(problem('github/input-mode', { mode, modes: MODES.join(', ') }));
  const verbose = get('verbose').toLowerCase();
  if (verbose !== 'true' && verbose !== 'false') throw new UsageError(problem('github/input-verbose', { verbose }));
  return {
    config: get('config'),
    token: getInput('github-token').trim(),
    workingDirectory: get('working-directory'),
    reportJson: get('report-json'),
    comment,
    commentKey: get('comment-key'),
    commentAuthor: get('comment-author'),
    overrideLabel: get('override-label'),
    mode,
    artifact: get('artifact'),
    verbose: verbose === 'true',
    leg: legInput('leg', getInput('leg').trim()),
    legs: getInput('legs')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((leg) => legInput('legs', leg)),
  };
}

function legInput(name: string, written: string): string {
  if (!written) return '';
  try {
    return normalizeLegId(written);
  } catch (error) {
    throw new UsageError(problem('github/input-invalid', { name, detail: errorMessage(error) }), { cause: error });
  }
}

function isOneOf<T extends string>(value: string, options: readonly T[]): value is T {
  return (options as readonly string[]).includes(value);
}
