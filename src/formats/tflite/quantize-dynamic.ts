import { CompressError, problem } from '../../errors.js';
import { BuiltinOperator, TensorT, TensorType } from './generated/schema_generated.js';
import { builtinOf, type TfliteGraph } from './graph.js';
import { bytesOf, floatValuesOf, quantizationOf, quantizeWeightsInt8 } from './int8.js';
import { opcodeFor, removeUnusedTensors } from './quantize.js';
import { copyTflite } from './write.js';

/** The operators with a hybrid kernel: float32 activations, int8 weights dequantized inside the kernel. */
export type HybridOp = 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED';

/**
 * Where each hybrid operator keeps its output channel (the axis with one scale each) and the operator version the
 * TFLite converter writes for a per-channel hybrid (tensorflow/lite/tools/versioning/op_version.cc).
 */
const HYBRID: Record<HybridOp, { readonly builtin: BuiltinOperator; readonly axis: number; readonly version: number }> = {
  CONV_2D: { builtin: BuiltinOperator.CONV_2D, axis: 0, version: 5 }, // filter [out, h, w, in]
  DEPTHWISE_CONV_2D: { builtin: BuiltinOperator.DEPTHWISE_CONV_2D, axis: 3, version: 6 }, // filter [1, h, w, out]
  FULLY_CONNECTED: { builtin: BuiltinOperator.FULLY_CONNECTED, axis: 0, version: 12 }, // weights [out, in]
};

/**
 * The hybrid operators worth rewriting on LiteRT's wasm XNNPACK CPU path, as measured by bench/tflite (see
 * docs/tflite.md): hybrid CONV_2D and FULLY_CONNECTED run at least as fast as float; hybrid DEPTHWISE_CONV_2D
 * falls off XNNPACK onto TFLite's reference kernel and is several times slower, so it stays float.
 */
export const DYNAMIC_INT8_OPS: readonly HybridOp[] = ['CONV_2D', 'FULLY_CONNECTED'];

/** Operators of one type and how many of them. */
export interface TfliteOpCount {
  readonly op: string;
  readonly count: number;
}

/** Operators of one type a rewrite left as they were, and why (for the report). */
export interface TfliteOpLeft extends TfliteOpCount {
  readonly reason: string;
}

/** What {@link quantizeTfliteDynamicInt8} did. */
export interface TfliteDynamicInt8Result {
  readonly graph: TfliteGraph;
  /** Operators now reading int8 weights, per type. */
  readonly rewritten: readonly TfliteOpCount[];
  /** Operators with float32 constants that kept them, per type and reason. */
  readonly left: readonly TfliteOpLeft[];
  /** Bytes of the weights rewritten: float32 before, int8 after. */
  readonly weightBytes: { readonly before: number; readonly after: number };
}

/** Counts (op, reason) pairs in insertion order. */
export class OpTally {
  private readonly counts = new Map<string, { op: string; reason: string; count: number }>();
  add(op: string, reason = ''): void {
    const key = `${op}\u0000${reason}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { op, reason, count: 1 });
  }
  get rewritten(): TfliteOpCount[] {
    return [...this.counts.values()].map(({ op, count }) => ({ op, count }));
  }
  get left(): TfliteOpLeft[] {
    return [...this.counts.values()];
  }
}

export const opName = (op: BuiltinOperator): string => BuiltinOperator[op] ?? `builtin ${op}`;

/**
 * `quantize: dynamic-int8` as the TFLite converter's dynamic-range mode writes it: the weights of each chosen
 * operator become INT8 with one scale per output channel (symmetric, zero point 0, `quantized_dimension` the output
 * channel), read directly by the operator's hybrid kernel, which quantizes its float input on the fly; biases and
 * activations stay float32, so no DEQUANTIZE is added. Only the operator types in `ops` are rewritten (default
 * {@link DYNAMIC_INT8_OPS}, where the hybrid kernel pays on LiteRT); every other operator with float32 constants
 * is listed in `left` with the reason. Input: a float32 graph (expand a float16 model with
 * `quantizeTfliteFloat32` first). A pure function: `graph` is not touched.
 * @throws CompressError when no operator of `ops` has float32 constant weights.
 */
export function quantizeTfliteDynamicInt8(graph: TfliteGraph, options: { readonly ops?: readonly HybridOp[] } = {}): TfliteDynamicInt8Result {
  const chosen = new Set(options.ops ?? DYNAMIC_INT8_OPS);
  const { model, buffers: original } = copyTflite(graph, 'dynamic-int8');
  const buffers = [...original];
  const rewritten = new OpTally();
  const left = new OpTally();
  const weightBytes = { before: 0, after: 0 };
  const hybridOf = new Map(Object.entries(HYBRID).map(([name, h]) => [h.builtin, { name: name as HybridOp, ...h }]));
  const isFloatConstant = (t: TensorT | undefined): boolean => t?.type === TensorType.FLOAT32 && (buffers[t.buffer]?.byteLength ?? 0) > 0;
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const code = model.operatorCodes[op.opcodeIndex];
      if (!code) continue;
      const builtin = builtinOf(code);
      const name = code.customCode === null ? opName(builtin) : `CUSTOM ${String(code.customCode)}`;
      const hybrid = code.customCode === null ? hybridOf.get(builtin) : undefined;
      const weights = sg.tensors[op.inputs[1] ?? -1];
      if (!hybrid) {
        if (op.inputs.some((i) => isFloatConstant(sg.tensors[i]))) left.add(name, 'no hybrid kernel: its float32 constants stay');
        continue;
      }
      if (!weights || !isFloatConstant(weights)) {
        const why = weights && (buffers[weights.buffer]?.byteLength ?? 0) > 0 ? `weights are ${TensorType[weights.type]}` : 'weights are computed at run time';
        left.add(name, `${why}, not a float32 constant`);
        continue;
      }
      if (!chosen.has(hybrid.name)) {
        left.add(name, 'hybrid kernel measured slower than float on LiteRT (docs/tflite.md); left float');
        continue;
      }
      const data = buffers[weights.buffer] ?? new Uint8Array(0);
      const q = quantizeWeightsInt8(floatValuesOf(data), weights.shape, hybrid.axis);
      buffers.push(bytesOf(q.values));
      sg.tensors.push(
        new TensorT(
          [...weights.shape],
          TensorType.INT8,
          buffers.length - 1,
          `${String(weights.name)}/int8`,
          quantizationOf(
            q.scales,
            q.scales.map(() => 0),
            hybrid.axis,
          ),
        ),
      );
      op.inputs[1] = sg.tensors.length - 1;
      op.opcodeIndex = opcodeFor(model.operatorCodes, builtin, Math.max(code.version, hybrid.version));
      weightBytes.before += data.byteLength;
      weightBytes.after += q.values.byteLength;
      rewritten.add(name);
    }
    removeUnusedTensors(
      sg,
      model.signatureDefs.filter((s) => model.subgraphs[s.subgraphIndex] === sg),
    );
  }
  if (rewritten.rewritten.length === 0) {
    const kept = left.left.map((l) => `${l.count} × ${l.op} (${l.reason})`).join('; ');
    throw new CompressError(
      problem('tflite/no-float-weights', {
        technique: 'dynamic-int8',
        ops: [...chosen].join(', '),
        detail: kept === '' ? 'the graph has no operator with weights' : kept,
      }),
    );
  }
  return { graph: { model, buffers }, rewritten: rewritten.rewritten, left: left.left, weightBytes };
}
