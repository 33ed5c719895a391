import type { CatalogEntry } from './entry.js';

/** Trend history: the data branch and history files. */
export const TREND_ERRORS = {
  'trend/history-missing': {
    message: 'trend history "{path}" does not exist',
    fix: 'pass a .jsonl file or a checkout of the history branch (git worktree add ../history model-budget-data)',
  },
} as const satisfies Record<`trend/${string}`, CatalogEntry>;
