import type { CatalogEntry } from './entry.js';

const SHAPES_EXAMPLE = `version: 1
models:
  - name: net
    path: models/net/model.json
    inputs:
      shapes:
        input_1: [1, 224, 224, 3]
`;

/** Measuring a model: FLOPs and parameters. */
export const MEASURE_ERRORS = {
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
} as const satisfies Record<`measure/${string}`, CatalogEntry>;
