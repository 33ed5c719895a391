import type { CatalogEntry } from './entry.js';

export const TREND_ERRORS = {
} as const satisfies Record<`trend/${string}`, CatalogEntry>;
