import type { CatalogEntry } from './entry.js';

const SHAPES_EXAMPLE = `version: 1
models:
  - name: net
    path: models/net/model.json
    inputs:
      shapes:
        input_1: [1, 224, 224, 3]
`;

/** Measuring a model: inputs and samples, accuracy drift, FLOPs, benchmark options. */
export const MEASURE_ERRORS = {
  'measure/timeout-at-stage': {
    message: '{model}: the {seconds} s benchmark.timeout ran out at {stage}',
    fix: 'raise benchmark.timeout (it bounds every stage of one model) or use a smaller input shape',
  },
  'measure/timeout': {
    message: '{model}: benchmarking did not finish within the {seconds} s timeout',
    fix: 'raise benchmark.timeout, lower benchmark.runs / max-seconds, or use a smaller input shape',
  },
  'measure/flops-graph-load': {
    message: '{path}: cannot load the graph to count FLOPs: {detail}',
  },
  'measure/flops-graph-run': {
    message: '{path}: counting FLOPs needs one run of the graph on inputs {inputs}, and it failed: {detail}',
    fix: 'set `inputs.shapes` if an input needs another shape',
    example: SHAPES_EXAMPLE,
  },
  'measure/flops-layers-build': {
    message: '{path}: cannot build the layers model to count FLOPs: {detail}',
  },
  'measure/flops-layer-shape': {
    message: '{path}: layer "{layer}" ({className}): cannot infer its output shape from inputs {known}: {detail}',
    fix: 'set `inputs.shapes` for the model inputs',
    example: SHAPES_EXAMPLE,
  },
  'measure/drift-no-samples': {
    message: 'accuracy drift needs at least one input sample',
  },
  'measure/drift-output-count': {
    message: 'the compared models have {first} and {second} outputs: drift needs the same outputs',
  },
  'measure/drift-output-size': {
    message: 'output "{name}" has {original} values in the original and {candidate} in the candidate: drift needs outputs of the same shape',
  },
  'measure/drift-unknown-outputs': {
    message: 'outputs: {unknown} {verb} of the model; its outputs are {outputs}',
  },
  'measure/input-unknown': {
    message: '{what} names input "{key}", but the model\'s inputs are {specs}',
  },
  'measure/input-shape-not-whole': {
    message: 'input "{name}": configured shape [{configured}] must hold whole numbers ≥ 0',
  },
  'measure/input-shape-rank': {
    message: 'input "{name}": configured shape [{configured}] has rank {rank}, the model expects rank {expected} ([{spec}])',
  },
  'measure/input-shape-fixed': {
    message: 'input "{name}": configured shape [{configured}] differs from the model\'s fixed [{spec}] at dimension {dimension}',
  },
  'measure/input-unknown-dimension': {
    message: 'input "{name}" has unknown dimension {dimension} ([{spec}]): set its shape under the model\'s `inputs.shapes`, e.g. {name}: [1, 224, 224, 3]',
    example: SHAPES_EXAMPLE,
  },
  'measure/input-string': {
    message: 'input "{name}" is a string tensor: synthetic inputs cannot be made for it',
    fix: 'give samples instead',
  },
  'measure/input-dtype': {
    message: 'input "{name}" has unsupported dtype {dtype}',
  },
  'measure/drift-sample-count': {
    message: 'drift samples must be a whole number ≥ 1, got {count}',
  },
  'measure/image-undecodable': {
    message: '{file}: the image cannot be decoded: {detail}',
  },
  'measure/image-format': {
    message: '{file}: not a PNG or JPEG image (sample folders hold .png / .jpg files)',
  },
  'measure/image-normalize-channels': {
    message: 'normalize.{what} has {count} values; the input has more channels',
  },
  'measure/image-channels': {
    message: 'an image gives 1, 3 or 4 channels; the input wants {channels}',
  },
  'measure/images-no-rank4-input': {
    message: 'images: the model has no input of rank 4 ([batch, height, width, channels])',
    fix: 'name one with input:',
  },
  'measure/samples-empty': {
    message: 'samples: give npy files or an image folder',
  },
  'measure/samples-count-mismatch': {
    message: 'samples: input "{name}" has {count} sample(s) but "{other}" has {otherCount}',
    fix: 'give each input the same number',
  },
  'measure/samples-input-missing': {
    message: 'samples: no value for input "{name}"',
  },
  'measure/samples-unknown-input': {
    message: 'samples: the model has no input "{name}"; its inputs are {specs}',
  },
  'measure/sample-unreadable': {
    message: 'sample file {path} {reason}{limit}',
  },
  'measure/image-symlink-outside': {
    message: 'image {path} is a symbolic link that leads out of its folder {dir}; refused',
  },
  'measure/npy-shape': {
    message: '{path}: shape ({shape}) does not fit input "{name}" [{spec}]',
  },
  'measure/npy-floats-for-int': {
    message: '{path}: holds floats ({descr}) but input "{name}" is int32',
    fix: 'save integers',
  },
  'measure/image-folder-unreadable': {
    message: 'image sample folder {dir} cannot be read: {detail}',
  },
  'measure/image-folder-empty': {
    message: 'image sample folder {dir} holds no .png or .jpg files',
  },
  'measure/images-dtype': {
    message: 'images cannot feed input "{name}" of dtype {dtype}',
  },
  'measure/images-resize': {
    message: 'images: resize [{h}, {w}] differs from input "{name}"\'s fixed size [{height}, {width}]',
  },
  'measure/npy-unreadable': {
    message: '{file}: not a readable .npy file: {why}',
  },
  'measure/benchmark-option': {
    message: '{model}: benchmark option {key} is {value}; it must be {rule}',
  },
} as const satisfies Record<`measure/${string}`, CatalogEntry>;
