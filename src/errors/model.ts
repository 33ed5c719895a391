import type { CatalogEntry } from './entry.js';

export const MODEL_ERRORS = {
} as const satisfies Record<`model/${string}`, CatalogEntry>;
