import type { CatalogEntry } from './entry.js';

/** Runtimes that run a model (LiteRT for .tflite). */
export const RUNTIME_ERRORS = {
  'runtime/litert-cannot-compile': {
    message: '{file}: LiteRT cannot compile the model: {reason}',
  },
  'runtime/litert-cannot-prepare': {
    message: '{file}: LiteRT cannot prepare the model: {logged}',
  },
  'runtime/litert-input-count': {
    message: '{file}: the model takes {expected} inputs, got {got}',
  },
  'runtime/litert-cannot-run': {
    message: '{file}: LiteRT cannot run the model: {logged}',
  },
  'runtime/litert-other-build': {
    message: 'LiteRT is already running the {build} build in this process; one build per process',
  },
  'runtime/litert-start-failed': {
    message: 'LiteRT ({build} build, {glue}) failed to start: {detail}',
  },
} as const satisfies Record<`runtime/${string}`, CatalogEntry>;
