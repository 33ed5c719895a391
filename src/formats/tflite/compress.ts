/**
 * `compress:` for a `.tflite` model: TFLite's own post-training precisions, rewritten from the flatbuffer itself
 * (no converter, no Python). Each technique is a pure function over the graph (quantize.ts); this file maps the
 * config's words onto them and says what each did, for the report.
 */
import { TFLITE_QUANTIZE, type TfliteQuantize } from '../../dtypes.js';
import { CompressError, problem } from '../../errors.js';
import { note } from '../../note.js';
import type { TfliteLoadedModel } from '../../model/types.js';
import { graphOf } from './format.js';
import { quantizeTfliteFloat16, quantizeTfliteFloat32, type TfliteQuantizeResult } from './quantize.js';
import { writeTflite } from './write.js';

/** Whether `value` is a precision a `.tflite` model can be quantized to. */
export function isTfliteQuantize(value: unknown): value is TfliteQuantize {
  return typeof value === 'string' && (TFLITE_QUANTIZE as readonly string[]).includes(value);
}

/** A `.tflite` model rewritten as configured, with one report note per technique. */
export interface TfliteCompressed {
  readonly model: TfliteLoadedModel;
  readonly notes: readonly string[];
}

/**
 * Rewrites `model` to the configured precision: `float16` stores every float32 constant as FLOAT16 behind a
 * DEQUANTIZE (what the converter's float16 mode writes); `float32` widens a float16 model's constants back (a float
 * reference for the others). The result is a new flatbuffer, validated by reading it back.
 * @throws CompressError naming the model for a precision a `.tflite` model does not take.
 */
export function compressTflite(model: TfliteLoadedModel, quantize: unknown): TfliteCompressed {
  if (!isTfliteQuantize(quantize)) {
    throw new CompressError(problem('tflite/quantize-unsupported', { file: model.path, value: JSON.stringify(quantize), values: TFLITE_QUANTIZE.join(', ') }), {
      file: model.path,
    });
  }
  const graph = graphOf(model);
  const result: TfliteQuantizeResult = quantize === 'float16' ? quantizeTfliteFloat16(graph) : quantizeTfliteFloat32(graph);
  const bytes = writeTflite(result.graph);
  const summary =
    quantize === 'float16'
      ? note`quantize: ${result.tensors} float32 constant(s) stored as float16 behind ${result.dequantizeOps} DEQUANTIZE op(s)`
      : note`quantize: ${result.tensors} float16 constant(s) widened to float32 (${result.dequantizeOps} DEQUANTIZE op(s) folded)`;
  const changed: TfliteLoadedModel = { ...model, bytes };
  return {
    model: changed,
    notes: [result.tensors === 0 ? `quantize: nothing to rewrite (no ${quantize === 'float16' ? 'float32' : 'float16'} constants)` : summary],
  };
}
