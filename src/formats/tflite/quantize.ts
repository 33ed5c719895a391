import { BuiltinOperator, OperatorCodeT, OperatorT, TensorT, TensorType, type SubGraphT } from './generated/schema_generated.js';
import { builtinOf, type TfliteGraph } from './graph.js';
import { floatBytesToHalf, halfBytesToFloat } from './half.js';
import { copyTflite } from './write.js';

/** What a precision rewrite did, for the report. */
export interface TfliteQuantizeResult {
  readonly graph: TfliteGraph;
  /** Constant tensors rewritten. */
  readonly tensors: number;
  /** DEQUANTIZE operators added (float16) or removed (float32). */
  readonly dequantizeOps: number;
}

/**
 * `quantize: float16` as TFLite's converter does it: every float32 constant becomes a FLOAT16 buffer read through a
 * DEQUANTIZE operator placed at the start of the graph. Biases are converted with their filters: XNNPACK packs a
 * convolution's fp16 filter and fp16 bias together on its fast path, and an fp16 filter next to an f32 bias falls
 * off it (the corpus models, written by the converter, store both as fp16). A pure function: `graph` is not touched.
 */
export function quantizeTfliteFloat16(graph: TfliteGraph): TfliteQuantizeResult {
  const { model, buffers: original } = copyTflite(graph, 'float16');
  const buffers = [...original];
  const dequantize = opcodeIndex(model.operatorCodes, BuiltinOperator.DEQUANTIZE);
  let tensors = 0;
  for (const sg of model.subgraphs) {
    const added: OperatorT[] = [];
    const targets = sg.tensors.filter((t) => t.type === TensorType.FLOAT32 && (buffers[t.buffer]?.byteLength ?? 0) > 0 && !t.isVariable);
    for (const tensor of targets) {
      const data = buffers[tensor.buffer] ?? new Uint8Array(0);
      buffers.push(floatBytesToHalf(data));
      const half = new TensorT([...tensor.shape], TensorType.FLOAT16, buffers.length - 1, `${String(tensor.name)}/float16`);
      sg.tensors.push(half);
      // The float32 tensor stays where every consumer reads it, now produced by DEQUANTIZE instead of stored.
      tensor.buffer = 0;
      added.push(new OperatorT(dequantize, [sg.tensors.length - 1], [sg.tensors.indexOf(tensor)]));
      tensors++;
    }
    sg.operators.unshift(...added);
  }
  return { graph: { model, buffers }, tensors, dequantizeOps: tensors };
}

/**
 * `quantize: float32`: expands a float16 model (most published .tflite files are) to a float32 reference. Every
 * DEQUANTIZE whose input is a FLOAT16 constant is folded: its output becomes a float32 constant with the exactly
 * widened values, and the operator and the fp16 tensor are removed. A pure function: `graph` is not touched.
 */
export function quantizeTfliteFloat32(graph: TfliteGraph): TfliteQuantizeResult {
  const { model, buffers: original } = copyTflite(graph, 'float32');
  const buffers = [...original];
  let folded = 0;
  for (const sg of model.subgraphs) {
    const keep: OperatorT[] = [];
    for (const op of sg.operators) {
      const code = model.operatorCodes[op.opcodeIndex];
      const input = sg.tensors[op.inputs[0] ?? -1];
      const output = sg.tensors[op.outputs[0] ?? -1];
      const isDequantize = code !== undefined && builtinOf(code) === BuiltinOperator.DEQUANTIZE;
      const data = input ? buffers[input.buffer] : undefined;
      if (isDequantize && input?.type === TensorType.FLOAT16 && output?.type === TensorType.FLOAT32 && data && data.byteLength > 0) {
        buffers.push(halfBytesToFloat(data));
        output.buffer = buffers.length - 1;
        folded++;
      } else {
        keep.push(op);
      }
    }
    sg.operators = keep;
    removeUnusedTensors(
      sg,
      model.signatureDefs.filter((s) => model.subgraphs[s.subgraphIndex] === sg),
    );
  }
  return { graph: { model, buffers }, tensors: folded, dequantizeOps: folded };
}

/** The index of a builtin operator code, added when the model has none. */
function opcodeIndex(codes: OperatorCodeT[], op: BuiltinOperator): number {
  const found = codes.findIndex((c) => builtinOf(c) === op);
  if (found >= 0) return found;
  // deprecated_builtin_code is a byte: codes above 127 store the placeholder 127 there.
  codes.push(new OperatorCodeT(Math.min(op, 127), null, 3, op)); // version 3: DEQUANTIZE of float16, as the converter writes it
  return codes.length - 1;
}

/**
 * The index of the operator code for `op` at `version`, added when the model has none. Operators of one builtin may
 * need different versions (a float CONV_2D is version 1, an int8 one version 3), so each version gets its own code.
 */
export function opcodeFor(codes: OperatorCodeT[], op: BuiltinOperator, version: number): number {
  const found = codes.findIndex((c) => builtinOf(c) === op && c.version === version && (c.customCode === null || c.customCode.length === 0));
  if (found >= 0) return found;
  codes.push(new OperatorCodeT(Math.min(op, 127), null, version, op));
  return codes.length - 1;
}

/** Drops tensors no operator, subgraph edge or signature uses, renumbering every index into the list. */
export function removeUnusedTensors(sg: SubGraphT, signatures: readonly { inputs: { tensorIndex: number }[]; outputs: { tensorIndex: number }[] }[]): void {
  const used = new Set<number>([...sg.inputs, ...sg.outputs]);
  for (const op of sg.operators) for (const i of [...op.inputs, ...op.outputs, ...op.intermediates]) if (i >= 0) used.add(i);
  for (const s of signatures) for (const e of [...s.inputs, ...s.outputs]) used.add(e.tensorIndex);
  const renumber = new Map<number, number>();
  const tensors: TensorT[] = [];
  for (const [i, t] of sg.tensors.entries()) {
    if (!used.has(i)) continue;
    renumber.set(i, tensors.length);
    tensors.push(t);
  }
  const at = (i: number): number => (i < 0 ? i : (renumber.get(i) ?? -1));
  sg.tensors = tensors;
  sg.inputs = sg.inputs.map(at);
  sg.outputs = sg.outputs.map(at);
  for (const op of sg.operators) {
    op.inputs = op.inputs.map(at);
    op.outputs = op.outputs.map(at);
    op.intermediates = op.intermediates.map(at);
  }
  for (const s of signatures) for (const e of [...s.inputs, ...s.outputs]) e.tensorIndex = at(e.tensorIndex);
}
