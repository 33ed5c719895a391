import type { CatalogEntry } from './entry.js';

/**
 * Runtimes that run a model (wasm, cpu, tfjs-node, webgpu, LiteRT for .tflite). `{setup}` is the starting runtime's
 * own way to get it (the package to install, or another runtime to use).
 */
export const RUNTIME_ERRORS = {
  'runtime/unknown': {
    message: 'unknown runtime "{name}": use one of auto, {names}',
  },
  'runtime/package-missing': {
    message: 'package "{pkg}" is not installed in {cwd}',
  },
  'runtime/unavailable': {
    message: 'runtime "{name}" is unavailable: {detail}. {setup}',
  },
  'runtime/no-tensorflow-backend': {
    message: 'runtime "{name}": {pkg} loaded but registered no "tensorflow" backend. {setup}',
  },
  'runtime/start-failed': {
    message: 'runtime "{name}" failed to start: {detail}. {setup}',
  },
  'runtime/set-backend-refused': {
    message: 'runtime "{name}" failed to start (tf.setBackend returned false). {setup}',
  },
  'runtime/cannot-compute': {
    message: 'runtime "{name}" started but cannot compute (1 + 2 failed: {detail}). {setup}',
  },
  'runtime/wrong-sum': {
    message: 'runtime "{name}" started but computed 2 + 1 = {sum}. {setup}',
  },
  'runtime/wasm-binary-missing': {
    message: 'runtime "wasm": {file} not found in {dir}',
    fix: 'set MODEL_BUDGET_WASM_DIR to the folder holding the tfjs wasm binaries, or use runtime: cpu',
  },
  'runtime/webgpu-no-create': {
    message: 'runtime "webgpu": package "webgpu" has no create(). {setup}',
  },
  'runtime/webgpu-no-adapter': {
    message: 'runtime "webgpu": no GPU adapter found (navigator.gpu.requestAdapter() returned null). {setup}',
  },
  'runtime/input-count': {
    message: '{where}: the model takes {count} input(s){names}, got {got}',
  },
  'runtime/input-shape': {
    message: '{where}: input "{name}" expects shape [{spec}], got [{shape}]',
    fix: 'fix the configured input shape or the samples',
  },
  'runtime/inputs-not-placed': {
    message: '{where}: the inputs were not placed {by}',
  },
  'runtime/cannot-run-pinned': {
    message: '{where}: runtime "{name}" cannot run this model: {detail}. The runtime is pinned',
    fix: 'use runtime: cpu (or unpin it to fall back automatically)',
  },
  'runtime/output-string': {
    message: 'output "{name}" is a string tensor, which cannot be compared',
  },
  'runtime/graph-load-failed': {
    message: '{path}: the graph model failed to load: {detail}',
  },
  'runtime/layers-load-failed': {
    message: '{path}: the layers model failed to load: {detail}',
  },
  'runtime/unknown-layer-class': {
    message:
      '{path}: unknown layer class "{className}". Set custom-layers under this model to a JS module that registers it (tf.serialization.registerClass({className}))',
  },
  'runtime/inference-failed': {
    message: '{model}: inference failed{at}: {detail}',
  },
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
