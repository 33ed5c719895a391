/**
 * `compress:` for a `.tflite` model: TFLite's own post-training precisions, rewritten from the flatbuffer itself
 * (no converter, no Python). Each technique is a pure function over the graph (quantize*.ts); this file maps the
 * config's words onto them and says what each did, for the report. Full int8 and `auto` also need calibration
 * samples and an accuracy check on LiteRT: src/measure/compress-tflite.ts drives them.
 */
import { TFLITE_QUANTIZE, type TfliteQuantize } from '../../dtypes.js';
import { CompressError, problem } from '../../errors.js';
import { note } from '../../note.js';
import type { TfliteLoadedModel } from '../../model/types.js';
import type { TfliteCalibration } from './calibrate.js';
import { graphOf } from './format.js';
import type { TfliteGraph } from './graph.js';
import { quantizeTfliteDynamicInt8, type TfliteOpCount, type TfliteOpLeft } from './quantize-dynamic.js';
import { quantizeTfliteInt8 } from './quantize-int8.js';
import { quantizeTfliteFloat16, quantizeTfliteFloat32 } from './quantize.js';
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

/** The precision a `compress.quantize` setting names for a `.tflite` model, refused with the fix when it is none of them. */
export function tfliteQuantizeOf(model: Pick<TfliteLoadedModel, 'path'>, quantize: unknown): TfliteQuantize {
  if (!isTfliteQuantize(quantize)) {
    throw new CompressError(problem('tflite/quantize-unsupported', { file: model.path, value: JSON.stringify(quantize), values: TFLITE_QUANTIZE.join(', ') }), {
      file: model.path,
    });
  }
  return quantize;
}

/** The float32 reference of a model: its float16 constants widened exactly (a float32 model as it is). */
export function float32Of(model: Pick<TfliteLoadedModel, 'bytes' | 'path'>): TfliteGraph {
  return quantizeTfliteFloat32(graphOf(model)).graph;
}

const counts = (ops: readonly TfliteOpCount[]): string => ops.map((o) => `${o.op} ×${o.count}`).join(', ');
const reasons = (ops: readonly TfliteOpLeft[]): string => ops.map((o) => `${o.op} ×${o.count} (${o.reason})`).join(', ');

/** The model with a rewritten graph: new bytes, the rest (path, files on disk, signature) as loaded. */
export function withGraph(model: TfliteLoadedModel, graph: TfliteGraph): TfliteLoadedModel {
  return { ...model, bytes: writeTflite(graph) };
}

/**
 * Rewrites `model` to a precision that needs no samples: `float16` stores every float32 constant as FLOAT16 behind a
 * DEQUANTIZE (the converter's float16 mode); `float32` widens a float16 model's constants back (a float reference);
 * `dynamic-int8` stores the weights of the operators whose hybrid kernels pay as per-channel int8 (the converter's
 * dynamic-range mode), from the float32 reference. The result is a new flatbuffer.
 * @throws CompressError naming the model for `int8` (it needs calibration: {@link quantizeCalibrated}) or a precision a `.tflite` model does not take.
 */
export function compressTflite(model: TfliteLoadedModel, quantize: unknown): TfliteCompressed {
  const precision = tfliteQuantizeOf(model, quantize);
  if (precision === 'int8') throw new Error('quantize: int8 is calibrated: use quantizeCalibrated');
  if (precision === 'dynamic-int8') {
    const result = quantizeTfliteDynamicInt8(float32Of(model));
    const left = result.left.length > 0 ? `; left float: ${reasons(result.left)}` : '';
    const summary = `quantize: dynamic-int8 weights (per channel) for ${counts(result.rewritten)}: ${result.weightBytes.before.toLocaleString('en-US')} → ${result.weightBytes.after.toLocaleString('en-US')} weight bytes${left}`;
    return { model: withGraph(model, result.graph), notes: [summary] };
  }
  const result = precision === 'float16' ? quantizeTfliteFloat16(graphOf(model)) : quantizeTfliteFloat32(graphOf(model));
  const summary =
    result.tensors === 0
      ? `quantize: nothing to rewrite (no ${precision === 'float16' ? 'float32' : 'float16'} constants)`
      : precision === 'float16'
        ? note`quantize: ${result.tensors} float32 constant(s) stored as float16 behind ${result.dequantizeOps} DEQUANTIZE op(s)`
        : note`quantize: ${result.tensors} float16 constant(s) widened to float32 (${result.dequantizeOps} DEQUANTIZE op(s) folded)`;
  return { model: withGraph(model, result.graph), notes: [summary] };
}

/** `quantize: int8`: full-integer quantization of the float32 reference with the activation ranges `calibration` recorded. */
export function quantizeCalibrated(model: TfliteLoadedModel, float32: TfliteGraph, calibration: TfliteCalibration): TfliteCompressed {
  const result = quantizeTfliteInt8(float32, calibration);
  const left = result.left.length > 0 ? `; left float: ${reasons(result.left)}` : '';
  const summary =
    `quantize: int8 activations and weights for ${counts(result.rewritten)}, calibrated on ${calibration.samples} sample(s); ` +
    `${result.quantizeOps} QUANTIZE / ${result.dequantizeOps} DEQUANTIZE at the edges${left}`;
  return { model: withGraph(model, result.graph), notes: [summary] };
}
