/**
 * FLOPs, MACs and parameters of a model, per layer (layers models) or per op (graph models), from the topology.
 *
 * Definitions (the same for both formats):
 * - MACs: multiply-accumulates of convolutions, depthwise/separable/transposed convolutions, Dense / MatMul.
 * - FLOPs = 2 × MACs + one per output element of every elementwise op (bias add, activation, Add, Mul, …; two for
 *   batch normalization), `k·k` per output element of a k×k pooling, one per input element of a reduction (Mean,
 *   global pooling). Data movement (reshape, pad, concat, nearest upsampling, transpose, slicing) counts 0.
 * - params: elements of the float weight tensors.
 * Counts are for one inference at the given input shapes (batch 1, unknown dims 64 unless configured).
 */
import type * as tf from '@tensorflow/tfjs';

/** Cost of one layer or op. */
export interface OpCost {
  /** Layer name (layers) or node name (graph). */
  readonly name: string;
  /** Layer class (`Conv2D`) or op (`_FusedConv2D`). */
  readonly op: string;
  /** Output shape at the measured input shapes. */
  readonly outputShape: readonly number[];
  readonly macs: number;
  readonly flops: number;
  /** Elements of the weights this layer/op owns (graph: its float Const inputs). */
  readonly params: number;
  /** False when the op kind is unknown to the counter and was counted as 0 (see `uncounted`). */
  readonly counted: boolean;
}

/** Result of a format's `cost` (`countFlops` in src/formats/index.ts). */
export interface FlopsReport {
  readonly flops: number;
  readonly macs: number;
  /** Elements of all float weights in the model (shared weights once). */
  readonly params: number;
  /** Every layer/op that costs something or owns weights, in execution order. */
  readonly ops: readonly OpCost[];
  /** Op kinds that were not counted (their cost is missing from the total), with how many of each. */
  readonly uncounted: Readonly<Record<string, number>>;
  /** The concrete input shapes the counts are for, by input name. */
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
}

/** Options of a format's `cost`. */
export interface FlopsOptions {
  /** Full input shapes by input name (config `inputs.shapes`); win over the model's own. */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Size of an unknown batch (first) dimension. Default 1. */
  readonly batch?: number;
  /** Seed of the synthetic inputs a graph model is run on once to learn its shapes. Default 1. */
  readonly seed?: number;
}

/** Number of elements of a shape. */
export function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Sums per-op costs into a report. */
export function totalCosts(ops: readonly OpCost[], params: number, inputShapes: Readonly<Record<string, readonly number[]>>): FlopsReport {
  const uncounted: Record<string, number> = {};
  let flops = 0;
  let macs = 0;
  for (const op of ops) {
    flops += op.flops;
    macs += op.macs;
    if (!op.counted) uncounted[op.op] = (uncounted[op.op] ?? 0) + 1;
  }
  return { flops, macs, params, ops: ops.filter((o) => o.flops > 0 || o.params > 0 || !o.counted), uncounted, inputShapes };
}

/** Elements of the float weights of the artifacts' manifest. */
export function floatParams(specs: readonly tf.io.WeightsManifestEntry[] | undefined): number {
  let params = 0;
  for (const spec of specs ?? []) {
    // A quantized weight keeps dtype float32 (its storage dtype lives in `quantization`).
    if (spec.dtype === 'float32') params += elements(spec.shape);
  }
  return params;
}
