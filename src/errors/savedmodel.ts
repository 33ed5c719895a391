import type { CatalogEntry } from './entry.js';

export const SAVEDMODEL_ERRORS = {
} as const satisfies Record<`savedmodel/${string}`, CatalogEntry>;
