import { OUTPUT_EXAMPLE, type CatalogEntry } from './entry.js';

/** model-budget.yml: the file itself, and the checks beyond the schema (paths, names, `output:`, benchmark). */
export const CONFIG_ERRORS = {
  'config/invalid': {
    message: 'the config does not match the schema (each problem is on its own line, at its file:line:column)',
    fix: 'correct each key named; the README\'s "Configuration" lists every key',
  },
  'config/expected': {
    message: 'expected {expected}, got {got}{didYouMean}',
  },
  'config/compress-dtype': {
    message: 'expected {expected}, got {got}{didYouMean}',
    fix: 'to quantize, write `compress: { quantize: {dtype} }`',
    example: `version: 1
models:
  - name: net
    path: models/net/model.json
    compress: { quantize: uint8 }
`,
  },
  'config/required': {
    message: 'is required (expected {expected})',
  },
  'config/out-of-range': {
    message: '{bound}, got {got}',
  },
  'config/unknown-key-hint': {
    message: 'unknown key; did you mean "{hint}"?',
  },
  'config/unknown-key': {
    message: 'unknown key{allowed}',
  },
  'config/too-large': {
    message: 'is {bytes} bytes; a config over 1 MiB is refused',
  },
  'config/not-found': {
    message: 'not found. Create it (see the README\'s "Configuration") or pass --config / the `config` input',
    example: `version: 1
models:
  - name: net
    path: models/net/model.json
    budget:
      size: { max: 5 MB }
`,
  },
  'config/unreadable': {
    message: 'cannot be read: {detail}',
  },
  'config/yaml-syntax': {
    message: 'YAML syntax error: {detail}',
  },
  'config/alias-bomb': {
    message: 'refused: {detail} (more than {limit} alias expansions)',
  },
  'config/empty': {
    message: 'is empty; it needs at least `version: 1` and `models:`',
    example: `version: 1
models:
  - name: net
    path: models/net/model.json
`,
  },
  'config/runtime-not-for-format': {
    message: 'runtime "{name}" runs {runs}; {path} is {kind}',
    fix: 'use runtime: {use} for this model, or leave runtime out',
    example: `version: 1
models:
  - name: detector
    path: models/detector.tflite
    benchmark:
      runtime: litert
`,
  },
  'config/quantize-not-for-format': {
    message: 'quantize {value} does not apply to {kind}: it takes {values}',
    fix: 'set quantize to one of them',
    example: `version: 1
models:
  - name: detector
    path: models/detector.tflite
    compress:
      quantize: float16
`,
  },
  'config/duplicate-name': {
    message: 'duplicate model name "{name}" (also models[{first}])',
    fix: 'names must be unique',
  },
  'config/benchmark-over-hour': {
    message: 'expected at most 1 h, got {value}',
  },
  'config/benchmark-not-positive': {
    message: 'expected a duration above 0, got {value}',
  },
  'config/max-below-min': {
    message: 'is {max}, below min-seconds ({min})',
    fix: 'raise max-seconds or lower min-seconds',
    example: `version: 1
benchmark:
  min-seconds: 2 s
  max-seconds: 10 s
models:
  - name: net
    path: models/net/model.json
`,
  },
  'config/timeout-below-min': {
    message: 'is {timeout}, not above min-seconds ({min}): every model would time out',
    fix: 'raise timeout',
    example: `version: 1
benchmark:
  min-seconds: 2 s
  timeout: 60 s
models:
  - name: net
    path: models/net/model.json
`,
  },
  'config/warn-beyond-limit': {
    message: 'warn {warn} is beyond {hard} {limit}, so it could never show before the failure',
    fix: 'the warning level comes first: did you mean {suggestion}?',
  },
  'config/path-nul': {
    message: '{path} contains a NUL byte',
  },
  'config/path-outside': {
    message: '{path} {how} outside the repository ({root})',
    fix: "give a path inside it, relative to the config's folder",
  },
  'config/path-symlink-outside': {
    message: '{path} is a symbolic link (or lies under one) that leads outside the repository; refused',
  },
  'config/path-not-folder': {
    message: '{path} must be a folder, but it {kind}',
  },
  'config/path-not-file': {
    message: '{path} {kind}, not a regular file; refused',
  },
  'config/output-absolute': {
    message: "must be a folder relative to the config's folder, not an absolute path ({suggestion})",
    example: OUTPUT_EXAMPLE,
  },
  'config/output-outside': {
    message: 'resolves outside the repository ({folder})',
    fix: 'write the compressed model inside it ({suggestion})',
    example: OUTPUT_EXAMPLE,
  },
  'config/output-root': {
    message: "is the repository's root folder",
    fix: 'give the compressed model a folder of its own ({suggestion})',
    example: OUTPUT_EXAMPLE,
  },
  'config/output-overwrites-model': {
    message: '{clash}: the compressed model would overwrite a source model',
    fix: 'give it a folder of its own ({suggestion})',
    example: OUTPUT_EXAMPLE,
  },
  'config/output-shared': {
    message: 'is also models[{first}].output',
    fix: 'each compressed model needs a folder of its own ({suggestion})',
    example: OUTPUT_EXAMPLE,
  },
} as const satisfies Record<`config/${string}`, CatalogEntry>;
