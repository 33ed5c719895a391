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
  'tflite/no-float-weights': {
    message: 'quantize: {technique} found no float32 weights to quantize in the operators it rewrites ({ops}): {detail}',
    fix: 'a float16 model (most published .tflite files) keeps its weights as FLOAT16 behind DEQUANTIZE: expand it with quantize: float32 first; an already quantized model has nothing left to quantize',
  },
  'tflite/calibrate-no-samples': {
    message: 'quantize: int8 needs calibration samples to record activation ranges; none were given',
    fix: 'point inputs.images (or inputs.npy) at a few inputs of the kind the model sees',
  },
  'tflite/calibrate-not-finite': {
    message: 'quantize: int8 calibration: sample {sample} makes tensor {tensor} hold {value}; an int8 range cannot cover it',
    fix: 'check the samples (their normalisation) and the float model',
  },
  'tflite/auto-nothing-within': {
    message: '{name}: compress: auto found no precision of the .tflite model within its accuracy budget, not even float32',
    fix: 'loosen the accuracy budget, or check the samples and the outputs: setting',
  },
  'tflite/int8-nothing': {
    message: 'quantize: int8 left every operator float: {detail}',
  },
} as const satisfies Record<`tflite/${string}`, CatalogEntry>;
