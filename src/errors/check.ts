import type { CatalogEntry } from './entry.js';

/** Failures while a model is checked that no stage named: a library's exception. */
export const CHECK_ERRORS = {
  'check/failed': {
    message: '{path}: checking "{name}" failed: {detail}',
    fix: 'if the model loads in TensorFlow.js (or Keras), run again with --verbose (CLI) or `verbose: true` (Action) and report the stack trace',
  },
} as const satisfies Record<`check/${string}`, CatalogEntry>;
