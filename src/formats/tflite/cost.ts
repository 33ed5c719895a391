import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { BuiltinOperator, type OperatorT, type SubGraphT } from './generated/schema_generated.js';
import { builtinOf, type TfliteGraph } from './graph.js';

/** Cost of one operator from the static shapes in the graph. */
export interface OperatorCost {
  readonly index: number;
  /** Builtin name (`CONV_2D`) or the custom code (`Convolution2DTransposeBias`). */
  readonly op: string;
  /** Multiply-accumulates; 0 for ops that do none. */
  readonly macs: number;
  /** Floating-point operations: 2 per MAC for convolutions and matmuls, one per output element for element-wise ops. */
  readonly flops: number;
}

/** Totals of a graph's main subgraph (subgraph 0 unless `subgraph` says otherwise). */
export interface TfliteCost {
  /** Elements of constant tensors with data, each buffer counted once. */
  readonly parameters: number;
  readonly macs: number;
  readonly flops: number;
  readonly operators: readonly OperatorCost[];
}

/** One output element costs about one FLOP in these. */
const ELEMENTWISE = new Set<number>([
  BuiltinOperator.ADD,
  BuiltinOperator.SUB,
  BuiltinOperator.MUL,
  BuiltinOperator.DIV,
  BuiltinOperator.RELU,
  BuiltinOperator.RELU6,
  BuiltinOperator.RELU_N1_TO_1,
  BuiltinOperator.LEAKY_RELU,
  BuiltinOperator.PRELU,
  BuiltinOperator.LOGISTIC,
  BuiltinOperator.TANH,
  BuiltinOperator.HARD_SWISH,
  BuiltinOperator.ELU,
  BuiltinOperator.MAXIMUM,
  BuiltinOperator.MINIMUM,
  BuiltinOperator.EXP,
  BuiltinOperator.SQRT,
  BuiltinOperator.RSQRT,
  BuiltinOperator.SQUARE,
  BuiltinOperator.ABS,
  BuiltinOperator.NEG,
  BuiltinOperator.POW,
  BuiltinOperator.GELU,
  BuiltinOperator.SOFTMAX,
  BuiltinOperator.MAX_POOL_2D,
  BuiltinOperator.AVERAGE_POOL_2D,
  BuiltinOperator.MEAN,
  BuiltinOperator.SUM,
  BuiltinOperator.DEQUANTIZE,
  BuiltinOperator.QUANTIZE,
  BuiltinOperator.RESIZE_BILINEAR,
]);

const product = (shape: readonly number[]): number => shape.reduce((n, d) => n * Math.max(d, 1), 1);

/** Parameters, MACs and FLOPs per operator, from tensor shapes alone (no run needed). */
export function costTflite(graph: TfliteGraph, subgraph = 0): TfliteCost {
  const { model, buffers } = graph;
  const sg = model.subgraphs[subgraph];
  if (!sg) throw new RangeError(`subgraph ${subgraph} does not exist; the model has ${model.subgraphs.length}`);
  const counted = new Set<number>();
  let parameters = 0;
  for (const s of model.subgraphs) {
    for (const t of s.tensors) {
      if ((buffers[t.buffer]?.byteLength ?? 0) === 0 || counted.has(t.buffer)) continue;
      counted.add(t.buffer);
      parameters += product(t.shape);
    }
  }
  const operators = sg.operators.map((op, index) => costOperator(graph, sg, op, index));
  return {
    parameters,
    macs: operators.reduce((n, o) => n + o.macs, 0),
    flops: operators.reduce((n, o) => n + o.flops, 0),
    operators,
  };
}

/** The builtin name of an operator, or its custom code. */
export function operatorName(graph: TfliteGraph, op: OperatorT): string {
  const code = graph.model.operatorCodes[op.opcodeIndex];
  if (!code) return 'unknown';
  const builtin = builtinOf(code);
  if (builtin === BuiltinOperator.CUSTOM) return String(code.customCode ?? 'CUSTOM');
  return BuiltinOperator[builtin] ?? `builtin ${builtin}`;
}

function costOperator(graph: TfliteGraph, sg: SubGraphT, op: OperatorT, index: number): OperatorCost {
  const name = operatorName(graph, op);
  const shape = (i: number | undefined): readonly number[] => (i === undefined || i < 0 ? [] : (sg.tensors[i]?.shape ?? []));
  const input = shape(op.inputs[0]);
  const weights = shape(op.inputs[1]);
  const output = shape(op.outputs[0]);
  const outElements = product(output);
  let macs = 0;
  switch (name) {
    case 'CONV_2D': // filter [O, KH, KW, I]
      macs = outElements * product(weights.slice(1));
      break;
    case 'DEPTHWISE_CONV_2D': // filter [1, KH, KW, C·M]: one KH×KW window per output element
      macs = outElements * product(weights.slice(1, 3));
      break;
    case 'FULLY_CONNECTED': // weights [O, I]
      macs = outElements * (weights[1] ?? 0);
      break;
    case 'TRANSPOSE_CONV': // inputs: output shape, filter [O, KH, KW, I], input [N, H, W, I]
      macs = product(shape(op.inputs[2]).slice(0, 3)) * product(weights);
      break;
    case 'Convolution2DTransposeBias': // MediaPipe: input [N, H, W, I], filter [O, KH, KW, I]
      macs = product(input.slice(0, 3)) * product(weights);
      break;
    case 'BATCH_MATMUL': // [..., M, K] × [..., K, N]
      macs = outElements * (input[input.length - 1] ?? 0);
      break;
    default:
      break;
  }
  const code = graph.model.operatorCodes[op.opcodeIndex];
  const builtin: number = code ? builtinOf(code) : -1;
  const flops = macs > 0 ? 2 * macs : ELEMENTWISE.has(builtin) ? outElements : 0;
  return { index, op: name, macs, flops };
}

/** The file is one download: its size raw, gzip -9 and brotli (quality 11). */
export function sizeTflite(bytes: Uint8Array): { readonly rawBytes: number; readonly gzipBytes: number; readonly brotliBytes: number } {
  return {
    rawBytes: bytes.byteLength,
    gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
    brotliBytes: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
    }).byteLength,
  };
}
