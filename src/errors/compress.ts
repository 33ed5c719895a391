import type { CatalogEntry } from './entry.js';

export const COMPRESS_ERRORS = {
} as const satisfies Record<`compress/${string}`, CatalogEntry>;
