import type { CatalogEntry } from './entry.js';

export const GITHUB_ERRORS = {
} as const satisfies Record<`github/${string}`, CatalogEntry>;
