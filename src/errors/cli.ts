import type { CatalogEntry } from './entry.js';

/** Command-line usage: unknown commands, flags and their values. */
export const CLI_ERRORS = {
  'cli/unknown-command': {
    message: 'unknown command "{name}"',
    fix: 'run `model-budget --help` for the commands',
  },
  'cli/bad-arguments': {
    message: '{detail}',
    fix: 'run `model-budget --help`',
  },
  'cli/bad-arguments-usage': {
    message: '{detail}\n{usage}',
  },
  'cli/check-positional': {
    message: 'check takes no positional arguments, got "{args}"',
    fix: 'name the config with --config',
  },
  'cli/bad-leg': {
    message: '--leg: {detail}',
  },
  'cli/bad-leg-usage': {
    message: '--leg: {detail}\n{usage}',
  },
  'cli/bad-number': {
    message: '--{flag} expects {expected}, got "{value}"',
  },
  'cli/bad-flag-value': {
    message: '--{flag} expects {expected}; got "{value}"',
  },
  'cli/bad-percentile': {
    message: '--quantile expects a percentile between 0 and 100, got {value}',
  },
  'cli/bad-last': {
    message: '--last must be a positive whole number, got "{value}"\n{usage}',
  },
  'cli/compare-arguments': {
    message: 'compare takes exactly two model paths, got {count}.\n{usage}',
  },
  'cli/convert-arguments': {
    message: 'convert takes an input model and an output folder.\n{usage}',
  },
  'cli/convert-tflite': {
    message: '{input} is a .tflite model; convert writes TF.js graph models from TF.js, Keras and SavedModel inputs',
    fix: 'check the .tflite file with model-budget check (compress.quantize rewrites it as a .tflite)',
  },
  'cli/signature-not-savedmodel': {
    message: '--signature applies to a SavedModel folder; {input} is not one',
    fix: 'drop --signature, or pass the folder that holds saved_model.pb',
  },
} as const satisfies Record<`cli/${string}`, CatalogEntry>;
