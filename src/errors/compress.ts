import type { CatalogEntry } from './entry.js';

/** Compression techniques: their options, and the weights and topologies they can work on. */
export const COMPRESS_ERRORS = {
  'compress/not-applicable': {
    message: '{path}: compress.{techniques} does not apply to {format} models',
    fix: "remove it from the model's compress block",
  },
  'compress/auto-no-accuracy-budget': {
    message: 'model "{name}": compress: auto needs an accuracy budget to stay inside, e.g. budget: { accuracy: { max-abs-error: 0.01 } }',
  },
  'compress/failed': {
    message: '{path}: {detail}',
  },
  'compress/prune-channels-goal': {
    message: 'prune-channels: {metric} must be a fraction in (0, 1), e.g. 0.2; got {goal}',
  },
  'compress/prune-channels-nothing': {
    message: 'prune-channels: no layer can be pruned safely — {skipped}',
  },
  'compress/prune-channels-short': {
    message:
      "prune-channels: removing 95 % of every prunable layer's filters cuts {metric} by only {reached} %, short of {goal} %; the rest is held by layers it cannot follow: {skipped}",
  },
  'compress/prune-sparsity': {
    message: 'prune: sparsity must be in [0, 1) (e.g. 0.5 for 50 %), got {sparsity}',
  },
  'compress/weight-not-finite': {
    message: 'weight "{name}" holds {value} at index {index}: non-finite weights cannot be quantized (the converter would write invalid JSON)',
    fix: 'fix the model or leave this weight out of `quantize`',
  },
  'compress/weight-no-bytes': {
    message: 'weight "{name}" has no bytes',
  },
  'compress/quantize-min-elements': {
    message: 'quantize: min-elements must be a whole number ≥ 0, got {floor}',
  },
  'compress/quantize-levels': {
    message: 'quantize: levels must be a whole number from 2 to 256 (e.g. 64), got {levels}',
  },
  'compress/quantize-levels-uint16': {
    message: 'quantize: uint16 weight "{name}" can take 2 to 65536 levels, got {levels}',
  },
  'compress/levels-auto-no-evaluator': {
    message: 'quantize: `levels: auto` runs the model to measure drift, and nothing here can run it',
    fix: 'give the levels a number (e.g. `levels: 64`), or let the check run the model (it measures drift for `levels: auto`)',
  },
  'compress/quantize-no-dtype': {
    message: 'quantize: a block needs a dtype, e.g. `quantize: { dtype: uint8, rounding: nearest }`',
    example: `version: 1
models:
  - name: net
    path: models/net/model.json
    compress:
      quantize: { dtype: uint8, rounding: nearest }
`,
  },
  'compress/auto-no-accuracy': {
    message: 'compress.auto needs an accuracy budget (e.g. `accuracy: { max-abs-error: 0.01 }`) to search within',
    example: `version: 1
models:
  - name: net
    path: models/net/model.json
    compress: auto
    budget:
      accuracy: { max-abs-error: 0.01 }
`,
  },
  'compress/quantize-and-auto': {
    message: '{model}: compress sets both quantize and auto; auto chooses the quantization itself',
    fix: 'keep one',
  },
  'compress/quantize-two-fallthroughs': {
    message: 'quantize: both {fallthrough} and {dtype} are "*"; only one dtype may take every remaining weight',
    fix: 'give the other a list of patterns',
  },
  'compress/quantize-patterns-overlap': {
    message: 'quantize: weight "{name}" matches {earlier} pattern "{earlierPattern}" and {dtype} pattern "{pattern}"',
    fix: 'make the patterns disjoint',
  },
  'compress/layers-only': {
    message: '{technique} works on TF.js layers models only; this is a graph model',
  },
  'compress/topology-class': {
    message: '{technique}: cannot follow a "{className}" model; only Sequential and functional models',
  },
  'compress/topology-no-layers': {
    message: '{technique}: the model topology has no layer list',
  },
  'compress/topology-inbound-unreadable': {
    message: '{technique}: layer "{layer}" has unreadable inbound_nodes',
  },
  'compress/topology-shared-layer': {
    message: '{technique}: layer "{layer}" is shared (called {calls} times); not supported',
  },
  'compress/topology-inbound-format': {
    message: '{technique}: layer "{layer}" uses an unsupported inbound_nodes format',
  },
  'compress/weight-out-of-bounds': {
    message: 'weight "{name}" needs bytes {offset}–{end} but the weights hold {byteLength}: the shards do not match the manifest',
    fix: 're-export the model',
  },
  'compress/weight-quantization': {
    message: 'weight "{name}" has quantization {quantization}: expected uint8/uint16 with min and scale, or float16',
  },
  'compress/weight-unknown-dtype': {
    message: 'weight "{name}" has unknown dtype "{dtype}"',
  },
  'compress/weight-float16-dtype': {
    message: 'weight "{name}" is float16 but its dtype is {dtype}',
  },
  'compress/weight-quantized-dtype': {
    message: 'weight "{name}" is {quantized} but its dtype is {dtype}',
  },
} as const satisfies Record<`compress/${string}`, CatalogEntry>;
