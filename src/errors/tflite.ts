import type { CatalogEntry } from './entry.js';

export const TFLITE_ERRORS = {
} as const satisfies Record<`tflite/${string}`, CatalogEntry>;
