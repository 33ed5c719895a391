import type { CatalogEntry } from './entry.js';

export const RUNTIME_ERRORS = {
} as const satisfies Record<`runtime/${string}`, CatalogEntry>;
