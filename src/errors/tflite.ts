import type { CatalogEntry } from './entry.js';

/** .tflite files: the flatbuffer, its graph and signatures. */
export const TFLITE_ERRORS = {
  'tflite/unreadable': {
    message: '{file}: the .tflite file {reason}',
    fix: 'check path: in model-budget.yml, and limits.model-size for a larger model',
  },
  'tflite/quantize-unsupported': {
    message: '{file}: a .tflite model cannot be quantized to {value}; it takes {values}',
    fix: 'set compress.quantize to one of them',
    example: 'version: 1\nmodels:\n  - name: detector\n    path: models/detector.tflite\n    compress:\n      quantize: float16',
  },
  'tflite/invalid': {
    message: '{file}: {detail}',
  },
  'tflite/no-signatures': {
    message: '{file}: signature "{signature}" was asked for, but the model has no signatures (subgraph 0 is its entry)',
    fix: 'ask for no signature to run subgraph 0',
  },
  'tflite/signature-missing': {
    message: '{file}: no signature "{signature}"; the model has {keys}',
  },
} as const satisfies Record<`tflite/${string}`, CatalogEntry>;
