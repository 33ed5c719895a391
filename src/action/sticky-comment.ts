/**
 * One sticky PR comment per config: found by a hidden marker among the comments the token's own identity wrote
 * (all pages), updated in place, created when absent. A comment that cannot be written never fails the check:
 * every API problem comes back as `{ action: 'failed' }` plus a warning, and the caller carries on.
 */
import { GitHubApiError } from '../github/client.js';
import type { GitHubClient, IssueComment } from '../github/client.js';

/** When to write the comment. See `docs/github-action.md`. */
export type CommentMode = 'always' | 'on-change' | 'on-failure' | 'never';
export const COMMENT_MODES: readonly CommentMode[] = ['always', 'on-change', 'on-failure', 'never'];

/** The login comments made with the workflow's `GITHUB_TOKEN` carry. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** The hidden marker that identifies our comment for one config, e.g. `<!-- model-budget:model-budget.yml -->`. */
export function commentMarker(key: string): string {
  // Inside an HTML comment "--" and ">" would end it early; keep the key readable otherwise.
  const safe = key
    .replace(/-{2,}/g, '-')
    .replace(/[<>\p{Cc}\u2028\u2029]/gu, '_')
    .trim();
  return `<!-- model-budget:${safe} -->`;
}

export interface StickyCommentRequest {
  readonly client: GitHubClient;
  readonly issueNumber: number;
  /** The full body; its first line must be `marker`. */
  readonly body: string;
  readonly marker: string;
  readonly mode: CommentMode;
  /** The check failed (a hard budget broke, or it could not run). */
  readonly failing: boolean;
  /** The PR changes something measured: a metric differs from base, a model is new, or a budget was edited. */
  readonly changed: boolean;
  /** Login our comments are written by; `resolveCommentAuthor` finds it. */
  readonly author: string;
  readonly warn: (message: string) => void;
}

export type StickyCommentResult =
  | { readonly action: 'created' | 'updated' | 'unchanged'; readonly commentId: number; readonly url?: string }
  | { readonly action: 'skipped'; readonly reason: string; readonly commentId?: number }
  | { readonly action: 'failed'; readonly reason: string };

/**
 * Finds our comment and creates or updates it as `mode` says.
 * - `always`: create or update.
 * - `on-change`: create only when the PR changes something measured or the check does not pass; update an existing one.
 * - `on-failure`: create only when the check fails; update an existing one (so it never shows a stale failure).
 * - `never`: touch nothing.
 * An existing comment whose body is already identical is left as it is (`unchanged`).
 */
export async function publishStickyComment(request: StickyCommentRequest): Promise<StickyCommentResult> {
  const { client, issueNumber, body, marker, mode } = request;
  if (mode === 'never') return { action: 'skipped', reason: 'comment: never' };
  if (!carriesMarker(body, marker)) throw new Error('comment body does not start with its marker line');
  try {
    const existing = findOwnComment(await client.listComments(issueNumber), marker, request.author);
    if (existing) {
      if (existing.body === body) return { action: 'unchanged', commentId: existing.id, ...urlOf(existing) };
      const updated = await client.updateComment(existing.id, body);
      return { action: 'updated', commentId: updated.id, ...urlOf(updated) };
    }
    const reason = whyNotCreate(mode, request.failing, request.changed);
    if (reason) return { action: 'skipped', reason };
    const created = await createWithoutDuplicates(request);
    return { action: 'created', commentId: created.id, ...urlOf(created) };
  } catch (error) {
    const reason = describeFailure(error);
    request.warn(reason);
    return { action: 'failed', reason };
  }
}

/**
 * The oldest comment by `author` whose first line is `marker`; others' comments with the marker are left alone.
 * Only the first line counts: a marker quoted further down (in another config's model name, say) is not ours.
 */
export function findOwnComment(comments: readonly IssueComment[], marker: string, author: string): IssueComment | undefined {
  const own = comments.filter((c) => c.author.toLowerCase() === author.toLowerCase() && carriesMarker(c.body, marker));
  return own.sort((a, b) => a.id - b.id)[0];
}

/** The body's first line is exactly `marker` (GitHub may hand the body back with CRLF line ends). */
export function carriesMarker(body: string, marker: string): boolean {
  const end = body.search(/\r?\n/);
  return (end === -1 ? body : body.slice(0, end)) === marker;
}

/**
 * The login our comments appear under: the `comment-author` input when set (GitHub App tokens: `<app-slug>[bot]`),
 * else `GET /user` (personal tokens), else `github-actions[bot]` (the workflow token, for which `/user` is 403).
 */
export async function resolveCommentAuthor(client: GitHubClient, override: string | undefined, warn: (m: string) => void): Promise<string> {
  if (override) return override;
  try {
    return (await client.getAuthenticatedLogin()) ?? ACTIONS_BOT_LOGIN;
  } catch (error) {
    warn(`could not tell which account the token belongs to (${describeFailure(error)}); assuming ${ACTIONS_BOT_LOGIN}`);
    return ACTIONS_BOT_LOGIN;
  }
}

/** How many times a comment create is tried (the client itself never retries a create). */
const CREATE_ATTEMPTS = 3;

/**
 * Creates the comment. A 5xx or no answer may hide a POST that went through, so before trying again the comments
 * are listed once more and a comment of ours with the marker that has arrived meanwhile is taken (and updated if
 * needed) instead of posting a second one.
 */
async function createWithoutDuplicates(request: StickyCommentRequest): Promise<IssueComment> {
  const { client, issueNumber, body, marker, author } = request;
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.createComment(issueNumber, body);
    } catch (error) {
      const mayHaveLanded = error instanceof GitHubApiError && (error.status === 0 || error.status >= 500);
      if (!mayHaveLanded || attempt >= CREATE_ATTEMPTS) throw error;
      const landed = findOwnComment(await client.listComments(issueNumber), marker, author);
      if (landed) return landed.body === body ? landed : await client.updateComment(landed.id, body);
    }
  }
}

function whyNotCreate(mode: CommentMode, failing: boolean, changed: boolean): string | undefined {
  if (mode === 'on-failure' && !failing) return 'comment: on-failure and the check passes';
  if (mode === 'on-change' && !changed && !failing) return 'comment: on-change and nothing measured changed';
  return undefined;
}

function urlOf(comment: IssueComment): { url?: string } {
  return comment.url ? { url: comment.url } : {};
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof GitHubApiError && error.status === 403) {
    return (
      `could not write the PR comment (${message}). Pull requests from forks get a read-only token: ` +
      'give the job `permissions: pull-requests: write`, or use the two-workflow setup (mode: measure + mode: report). ' +
      'The report is still in the job summary and the outputs.'
    );
  }
  return `could not write the PR comment (${message}). The report is still in the job summary and the outputs.`;
}
