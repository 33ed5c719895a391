import { CompressError, problem } from '../../errors.js';
import {
  BuiltinOperator,
  FullyConnectedOptionsT,
  OperatorT,
  ResizeBilinearOptionsT,
  ResizeNearestNeighborOptionsT,
  TensorT,
  TensorType,
  type QuantizationParametersT,
  type SubGraphT,
} from './generated/schema_generated.js';
import type { TfliteCalibration } from './calibrate.js';
import { builtinOf, type TfliteGraph } from './graph.js';
import {
  activationParams,
  bytesOf,
  floatValuesOf,
  quantizationOf,
  quantizeAsymmetricInt8,
  quantizeBiasInt32,
  quantizeWeightsInt8,
  type ActivationParams,
} from './int8.js';
import { OpTally, opName, type TfliteOpCount, type TfliteOpLeft } from './quantize-dynamic.js';
import { opcodeFor, removeUnusedTensors } from './quantize.js';
import { copyTflite } from './write.js';

/** What {@link quantizeTfliteInt8} did. */
export interface TfliteInt8Result {
  readonly graph: TfliteGraph;
  /** Operators now running on int8 kernels, per type. */
  readonly rewritten: readonly TfliteOpCount[];
  /** Operators left float (behind DEQUANTIZE / QUANTIZE), per type and reason. */
  readonly left: readonly TfliteOpLeft[];
  /** QUANTIZE (float → int8) and DEQUANTIZE (int8 → float) operators added at the edges of the int8 regions. */
  readonly quantizeOps: number;
  readonly dequantizeOps: number;
}

/** How an int8 operator relates its output's parameters to its inputs' (TFLite's 8-bit quantization spec). */
type OutputRule = 'own' | 'same' | { readonly scale: number; readonly zeroPoint: number };

/** One operator with an int8 kernel: how its output is parameterised, and its int8 version (op_version.cc). */
interface Int8Kernel {
  readonly output: OutputRule;
  readonly version: (op: OperatorT, sg: SubGraphT, params: (tensor: number) => ActivationParams | undefined) => number;
  /** Input 1 is a weight quantized per channel along this axis (undefined: per tensor); input 2 the int32 bias. */
  readonly weights?: { readonly axis: number | undefined };
}

const v =
  (n: number): Int8Kernel['version'] =>
  () =>
    n;
const own = (version: number): Int8Kernel => ({ output: 'own', version: v(version) });
const same = (version: number): Int8Kernel => ({ output: 'same', version: v(version) });
const SIGMOID = { scale: 1 / 256, zeroPoint: -128 };

/**
 * The operators written as int8, with their output rule and version. Ops that only move or pick values (reshape,
 * pooling, padding, concatenation, resizing) keep one scale and zero point on all their int8 tensors; LOGISTIC and
 * SOFTMAX write [0, 1) at the fixed scale 1/256; the others get their output's own calibrated range.
 */
const INT8_KERNELS = new Map<BuiltinOperator, Int8Kernel>([
  [BuiltinOperator.CONV_2D, { output: 'own', version: v(3), weights: { axis: 0 } }],
  [BuiltinOperator.DEPTHWISE_CONV_2D, { output: 'own', version: v(3), weights: { axis: 3 } }],
  [
    BuiltinOperator.FULLY_CONNECTED,
    {
      output: 'own',
      // Per tensor: the spec's FULLY_CONNECTED weights have one scale.
      weights: { axis: undefined },
      version: (op) =>
        (op.inputs[2] ?? -1) < 0 || op.inputs.length < 3 ? 6 : op.builtinOptions instanceof FullyConnectedOptionsT && op.builtinOptions.keepNumDims ? 5 : 4,
    },
  ],
  [BuiltinOperator.ADD, own(2)],
  [BuiltinOperator.SUB, own(2)],
  [
    BuiltinOperator.MUL,
    {
      output: 'own',
      version: (op, _sg, params) => {
        const [a, b, o] = [params(op.inputs[0] ?? -1), params(op.inputs[1] ?? -1), params(op.outputs[0] ?? -1)];
        return a && b && o && (a.scale * b.scale) / o.scale >= 1 ? 3 : 2;
      },
    },
  ],
  [BuiltinOperator.RELU, own(2)],
  [BuiltinOperator.RELU6, own(2)],
  [BuiltinOperator.HARD_SWISH, own(1)],
  [BuiltinOperator.MEAN, own(2)],
  [BuiltinOperator.LOGISTIC, { output: SIGMOID, version: v(2) }],
  [BuiltinOperator.SOFTMAX, { output: SIGMOID, version: v(2) }],
  [BuiltinOperator.TANH, { output: { scale: 1 / 128, zeroPoint: 0 }, version: v(2) }],
  [BuiltinOperator.MAX_POOL_2D, same(2)],
  [BuiltinOperator.AVERAGE_POOL_2D, same(2)],
  [BuiltinOperator.RESHAPE, same(1)],
  [BuiltinOperator.SQUEEZE, same(1)],
  [BuiltinOperator.CONCATENATION, same(2)],
  [BuiltinOperator.PAD, { output: 'same', version: (op, sg) => ((sg.tensors[op.inputs[0] ?? -1]?.shape.length ?? 0) > 4 ? 4 : 2) }],
  [BuiltinOperator.DEPTH_TO_SPACE, same(2)],
  [BuiltinOperator.SPACE_TO_DEPTH, same(2)],
  [BuiltinOperator.TRANSPOSE, same(2)],
  [
    BuiltinOperator.RESIZE_BILINEAR,
    { output: 'same', version: (op) => (op.builtinOptions instanceof ResizeBilinearOptionsT && op.builtinOptions.halfPixelCenters ? 3 : 2) },
  ],
  [
    BuiltinOperator.RESIZE_NEAREST_NEIGHBOR,
    {
      output: 'same',
      version: (op) =>
        op.builtinOptions instanceof ResizeNearestNeighborOptionsT && (op.builtinOptions.halfPixelCenters || op.builtinOptions.alignCorners) ? 3 : 2,
    },
  ],
]);

/** The versions the converter writes for the edges of an int8 region. */
const QUANTIZE_VERSION = 1;
const DEQUANTIZE_VERSION = 2;

/** Union-find over tensor indices: tensors that must share one scale and zero point. */
class Groups {
  private readonly parent = new Map<number, number>();
  find(i: number): number {
    let root = i;
    while ((this.parent.get(root) ?? root) !== root) root = this.parent.get(root) ?? root;
    this.parent.set(i, root);
    return root;
  }
  union(a: number, b: number): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

/**
 * `quantize: int8`, full-integer post-training quantization as the TFLite converter does it with a
 * `representative_dataset`: every operator with an int8 kernel ({@link INT8_KERNELS}) runs on int8 activations
 * (asymmetric, per tensor, from the calibrated ranges of `calibration`) with int8 weights (symmetric, per output
 * channel for convolutions, per tensor for FULLY_CONNECTED) and int32 biases (scale = input scale × weight scale).
 * QUANTIZE operators turn the float inputs into int8 and DEQUANTIZE operators turn int8 results back into float
 * where a float operator or a model output reads them, so the model's interface stays float32. Operators without an
 * int8 kernel, or whose activations were not calibrated, stay float and are listed in `left` with the reason.
 * Input: a float32 graph (expand a float16 model with `quantizeTfliteFloat32` first) and the ranges
 * `calibrateTflite` recorded on it. `options.keepFloat`: operator indices (of the calibrated subgraph) to leave
 * float whatever their kernel, for a mixed-precision model. A pure function: `graph` is not touched.
 * @throws CompressError for a float16 graph, or when no operator could be made int8.
 */
export function quantizeTfliteInt8(
  graph: TfliteGraph,
  calibration: TfliteCalibration,
  options: { readonly keepFloat?: ReadonlySet<number> } = {},
): TfliteInt8Result {
  const { model, buffers: original } = copyTflite(graph, 'int8');
  const buffers = [...original];
  const sg = model.subgraphs[calibration.subgraph];
  if (!sg) throw new CompressError(problem('tflite/int8-nothing', { detail: `the model has no subgraph ${calibration.subgraph}` }));
  const isConstant = (i: number): boolean => (buffers[sg.tensors[i]?.buffer ?? 0]?.byteLength ?? 0) > 0;
  const isFloat = (i: number): boolean => sg.tensors[i]?.type === TensorType.FLOAT32;
  // Taken before any tensor is rewritten: int8 outputs change their type in place below.
  const activations = new Set(sg.tensors.flatMap((_, i) => (isFloat(i) && !isConstant(i) ? [i] : [])));
  const isActivation = (i: number): boolean => activations.has(i);

  const halfConstants = sg.tensors.filter((t) => t.type === TensorType.FLOAT16 && (buffers[t.buffer]?.byteLength ?? 0) > 0).length;
  if (halfConstants > 0) {
    throw new CompressError(
      problem('tflite/no-float-weights', { technique: 'int8', ops: 'all', detail: `${halfConstants} FLOAT16 constants are read through DEQUANTIZE` }),
    );
  }

  // 1. Which operators become int8.
  const rewritten = new OpTally();
  const left = new OpTally();
  const int8 = new Set<OperatorT>();
  for (const [index, op] of sg.operators.entries()) {
    const code = model.operatorCodes[op.opcodeIndex];
    if (!code) continue;
    const name = code.customCode === null ? opName(builtinOf(code)) : `CUSTOM ${String(code.customCode)}`;
    const kernel = code.customCode === null ? INT8_KERNELS.get(builtinOf(code)) : undefined;
    const reason = options.keepFloat?.has(index) ? 'kept float as asked' : whyFloat(op, kernel, sg, calibration, isActivation, isConstant, isFloat);
    if (reason === undefined) {
      int8.add(op);
      rewritten.add(name);
    } else {
      left.add(name, reason);
    }
  }
  if (int8.size === 0) {
    throw new CompressError(problem('tflite/int8-nothing', { detail: left.left.map((l) => `${l.count} × ${l.op} (${l.reason})`).join('; ') }));
  }

  // 2. Who reads each activation as int8 and who as float.
  const producer = new Map<number, OperatorT>();
  for (const op of sg.operators) for (const o of op.outputs) producer.set(o, op);
  const int8Readers = new Set<number>();
  const floatReaders = new Set<number>(sg.outputs);
  for (const op of sg.operators) for (const i of op.inputs) if (isActivation(i)) (int8.has(op) ? int8Readers : floatReaders).add(i);
  const producedInt8 = (i: number): boolean => {
    const p = producer.get(i);
    return p !== undefined && int8.has(p);
  };

  // 3. One scale and zero point per group of tensors that must share them.
  const groups = new Groups();
  const fixed = new Map<number, ActivationParams>();
  for (const op of int8) {
    const code = model.operatorCodes[op.opcodeIndex];
    const kernel = code ? INT8_KERNELS.get(builtinOf(code)) : undefined;
    const out = op.outputs[0] ?? -1;
    if (kernel?.output === 'same') for (const i of op.inputs) if (isActivation(i)) groups.union(i, out);
    if (typeof kernel?.output === 'object') fixed.set(out, kernel.output);
  }
  const groupRange = new Map<number, { min: number; max: number }>();
  const groupFixed = new Map<number, ActivationParams>();
  for (const [i, range] of calibration.ranges) {
    const root = groups.find(i);
    const r = groupRange.get(root);
    groupRange.set(root, r ? { min: Math.min(r.min, range.min), max: Math.max(r.max, range.max) } : { ...range });
    const f = fixed.get(i);
    if (f) groupFixed.set(root, f);
  }
  const paramsCache = new Map<number, ActivationParams>();
  const params = (i: number): ActivationParams | undefined => {
    const root = groups.find(i);
    const cached = paramsCache.get(root);
    if (cached) return cached;
    const range = groupRange.get(root);
    const p = groupFixed.get(root) ?? (range ? activationParams(range.min, range.max) : undefined);
    if (p) paramsCache.set(root, p);
    return p;
  };
  const quantization = (p: ActivationParams): QuantizationParametersT => quantizationOf([p.scale], [p.zeroPoint]);

  // 4. The int8 and float versions of each activation, and the operators converting between them.
  const int8Of = new Map<number, number>();
  const floatOf = new Map<number, number>();
  const addTensor = (t: TensorT): number => sg.tensors.push(t) - 1;
  const emitted: OperatorT[] = [];
  let quantizeOps = 0;
  let dequantizeOps = 0;
  const quantizeCode = opcodeFor(model.operatorCodes, BuiltinOperator.QUANTIZE, QUANTIZE_VERSION);
  const dequantizeCode = opcodeFor(model.operatorCodes, BuiltinOperator.DEQUANTIZE, DEQUANTIZE_VERSION);
  const afterProduced = (i: number): void => {
    const t = sg.tensors[i];
    const p = params(i);
    if (!t) return;
    if (producedInt8(i) && p) {
      // The tensor itself becomes int8; float readers get a twin with its name (model outputs keep theirs).
      const name = t.name;
      t.type = TensorType.INT8;
      t.quantization = quantization(p);
      t.name = `${String(name)}/int8`;
      int8Of.set(i, i);
      if (floatReaders.has(i)) {
        const twin = addTensor(new TensorT([...t.shape], TensorType.FLOAT32, 0, name, null, false, null, [...t.shapeSignature]));
        floatOf.set(i, twin);
        emitted.push(new OperatorT(dequantizeCode, [i], [twin]));
        dequantizeOps++;
      }
    } else {
      floatOf.set(i, i);
      if (int8Readers.has(i) && p) {
        const twin = addTensor(new TensorT([...t.shape], TensorType.INT8, 0, `${String(t.name)}/int8`, quantization(p), false, null, [...t.shapeSignature]));
        int8Of.set(i, twin);
        emitted.push(new OperatorT(quantizeCode, [i], [twin]));
        quantizeOps++;
      }
    }
  };
  for (const i of sg.inputs) if (isActivation(i)) afterProduced(i);

  for (const op of sg.operators) {
    const code = model.operatorCodes[op.opcodeIndex];
    if (int8.has(op) && code) {
      const builtin = builtinOf(code);
      const kernel = INT8_KERNELS.get(builtin);
      const inputParams = params(op.inputs[0] ?? -1);
      const weightScales: number[] = [];
      op.inputs = op.inputs.map((i, k) => {
        if (isActivation(i)) return int8Of.get(i) ?? i;
        if (i < 0 || !isFloat(i)) return i;
        const t = sg.tensors[i];
        const data = floatValuesOf(buffers[t?.buffer ?? 0] ?? new Uint8Array(0));
        if (!t) return i;
        if (kernel?.weights && k === 1) {
          const q = quantizeWeightsInt8(data, t.shape, kernel.weights.axis);
          weightScales.push(...q.scales);
          buffers.push(bytesOf(q.values));
          return addTensor(
            new TensorT(
              [...t.shape],
              TensorType.INT8,
              buffers.length - 1,
              `${String(t.name)}/int8`,
              quantizationOf(
                q.scales,
                q.scales.map(() => 0),
                kernel.weights.axis ?? 0,
              ),
            ),
          );
        }
        if (kernel?.weights && k === 2) {
          const q = quantizeBiasInt32(data, inputParams?.scale ?? 1, weightScales);
          buffers.push(bytesOf(q.values));
          return addTensor(
            new TensorT(
              [...t.shape],
              TensorType.INT32,
              buffers.length - 1,
              `${String(t.name)}/int32`,
              quantizationOf(
                q.scales,
                q.scales.map(() => 0),
                0,
              ),
            ),
          );
        }
        // A constant operand of an element-wise op: its own range, or the group's where the op keeps one scale.
        let lo = 0;
        let hi = 0;
        for (const x of data) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
        const p = kernel?.output === 'same' ? (params(op.outputs[0] ?? -1) ?? activationParams(lo, hi)) : activationParams(lo, hi);
        buffers.push(bytesOf(quantizeAsymmetricInt8(data, p)));
        return addTensor(new TensorT([...t.shape], TensorType.INT8, buffers.length - 1, `${String(t.name)}/int8`, quantization(p)));
      });
      const version = kernel?.version(op, sg, (i) => {
        const q = sg.tensors[i]?.quantization;
        return q && q.scale.length === 1 ? { scale: q.scale[0] ?? 1, zeroPoint: Number(q.zeroPoint[0] ?? 0n) } : params(i);
      });
      op.opcodeIndex = opcodeFor(model.operatorCodes, builtin, Math.max(code.version, version ?? 1));
    } else {
      op.inputs = op.inputs.map((i) => (isActivation(i) ? (floatOf.get(i) ?? i) : i));
    }
    emitted.push(op);
    for (const o of op.outputs) if (isActivation(o)) afterProduced(o);
  }
  sg.operators = emitted;
  sg.outputs = sg.outputs.map((o) => floatOf.get(o) ?? o);
  const signatures = model.signatureDefs.filter((s) => model.subgraphs[s.subgraphIndex] === sg);
  for (const s of signatures) for (const e of s.outputs) e.tensorIndex = floatOf.get(e.tensorIndex) ?? e.tensorIndex;
  removeUnusedTensors(sg, signatures);
  return { graph: { model, buffers }, rewritten: rewritten.rewritten, left: left.left, quantizeOps, dequantizeOps };
}

/** Why `op` stays float, or undefined when it can run on its int8 kernel. */
function whyFloat(
  op: OperatorT,
  kernel: Int8Kernel | undefined,
  sg: SubGraphT,
  calibration: TfliteCalibration,
  isActivation: (i: number) => boolean,
  isConstant: (i: number) => boolean,
  isFloat: (i: number) => boolean,
): string | undefined {
  if (!kernel) return 'no int8 kernel in TFLite: stays float between DEQUANTIZE and QUANTIZE';
  const outputs = op.outputs.filter((o) => o >= 0);
  if (outputs.length !== 1 || !outputs.every(isActivation)) return 'output is not one float32 activation';
  if (!op.inputs.some(isActivation)) return 'computes on constants only';
  const uncalibrated = [...op.inputs, ...outputs].find((i) => isActivation(i) && !calibration.ranges.has(i));
  if (uncalibrated !== undefined) return `tensor "${String(sg.tensors[uncalibrated]?.name)}" has no calibrated range`;
  if (kernel.weights) {
    const [, w, b] = op.inputs;
    if (w === undefined || !isFloat(w) || !isConstant(w)) return 'weights are not a float32 constant';
    if (b !== undefined && b >= 0 && (!isFloat(b) || !isConstant(b))) return 'bias is not a float32 constant';
    if (!isActivation(op.inputs[0] ?? -1)) return 'input is not a float32 activation';
  }
  return undefined;
}
