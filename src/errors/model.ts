import type { CatalogEntry } from './entry.js';

const RAISE_LIMIT = `version: 1
limits:
  model-size: 2 GB
models:
  - name: net
    path: models/net/model.json
`;

/** TF.js models: model.json, its weight manifest and shards, Git LFS pointers, custom layers. */
export const MODEL_ERRORS = {
  'model/tflite-not-tfjs': {
    message: '{path} is a .tflite model, which TF.js cannot load',
    fix: 'run it on LiteRT (benchmark.runtime: litert), or load a TF.js model.json here',
  },
  'model/not-found': {
    message: "{path} not found. Check `path` in model-budget.yml (relative paths resolve against the config's folder)",
  },
  'model/file-unreadable': {
    message: '{path} cannot be read: {detail}',
  },
  'model/is-folder': {
    message: '{path} is a folder',
    fix: 'point `path` at the model.json inside it (or a .h5 / .keras file, or a SavedModel folder holding saved_model.pb)',
  },
  'model/unknown-format': {
    message: '{path} is not a model file model-budget knows',
  },
  'model/signature-not-applicable': {
    message: '{path} is a {format} model, which has no signatures: `signature` applies to a SavedModel folder',
    fix: 'remove it',
  },
  'model/not-regular-file': {
    message: '{path} is {kind}, not a regular file; refused',
  },
  'model/unreadable': {
    message: '{path} {reason}',
  },
  'model/not-json': {
    message: '{path} is not valid JSON{at}; is it really a TF.js model.json?',
  },
  'model/params-disagree': {
    message:
      '{path}: its layer configs declare at least {declared} parameters but the manifest holds {held}; the config and the weights disagree (or the file is hostile)',
    fix: 're-export the model',
  },
  'model/params-over-limit': {
    message: '{path}: its layer configs declare at least {declared} parameters ({bytes} bytes as float32), over limits.model-size ({limit} bytes)',
    fix: 'raise the limit if the model is really that large',
    example: RAISE_LIMIT,
  },
  'model/heap-over-limit': {
    message: '{path}: loading the model took more than the {heapMb} MB of JavaScript heap that limits.model-size allows',
    fix: 'raise limits.model-size if the model is that large',
    example: RAISE_LIMIT,
  },
  'model/over-size-limit': {
    message: '{path}: model.json and its shards come to {bytes} bytes or more, over limits.model-size ({limit} bytes); refused before reading the shards',
    fix: 'raise the limit if the model is really that large',
    example: RAISE_LIMIT,
  },
  'model/shard-unreadable': {
    message: 'shard "{name}" in {path} {reason}',
  },
  'model/shard-listed-missing': {
    message: 'shard "{name}" listed in {modelPath} is missing ({file})',
    fix: 'commit it next to model.json',
  },
  'model/shard-resolves-outside': {
    message: 'shard "{name}" in {modelPath} resolves outside the model\'s folder (to {real}); refused',
  },
  'model/shard-not-file': {
    message: 'shard "{name}" in {modelPath} is not a regular file',
  },
  'model/weight-group-size': {
    message:
      '{path}: weight group {group} has {bytes} bytes in {names}, {detail}. A shard is truncated, extra, or from another model version: re-export the model',
  },
  'model/lfs-pointer': {
    message:
      '{what} is a Git LFS pointer to a {bytes}-byte file, not the file itself: the repository was checked out without LFS: add `lfs: true` to actions/checkout (locally: `git lfs pull`)',
  },
  'model/lfs-pointer-unreadable': {
    message: '{file} {reason}',
  },
  'model/custom-layers-missing': {
    message: 'custom-layers module {path} does not exist: give the path of a JS module that calls tf.serialization.registerClass for each custom layer',
  },
  'model/custom-layers-failed': {
    message: 'custom-layers module {path} failed to load: {detail}',
    fix: 'export a function (`export default function register(tf) { … }`) that registers the classes with the tf it is given',
  },
  'model/manifest-invalid': {
    message: '{file}: {message}',
  },
} as const satisfies Record<`model/${string}`, CatalogEntry>;
