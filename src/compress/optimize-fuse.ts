/**
 * The optimizer's linear-op passes: a per-channel `Mul` folded into the kernel before it, and kernel + bias +
 * activation fused into the op tfjs-converter emits (`_FusedConv2D`, `FusedDepthwiseConv2dNative`,
 * `_FusedMatMul`, with `fused_ops`, `num_args` and `epsilon` attributes as it writes them).
 */
import { decodeAttrString, parseInput, type AttrValue } from './graph-def.js';
import { constantOf, fusedOpsAttr, otherInput, replaceChain, soleConsumer, type GraphState, type MutableNode } from './graph-state.js';

const FUSED_OP: Readonly<Record<string, string>> = {
  Conv2D: '_FusedConv2D',
  DepthwiseConv2dNative: 'FusedDepthwiseConv2dNative',
  MatMul: '_FusedMatMul',
};

/** Activations every tfjs backend fuses (the wasm kernels' `FusableActivation`). */
const ACTIVATIONS = ['Relu', 'Relu6', 'Elu', 'Sigmoid', 'LeakyRelu', 'Prelu'] as const;

const BIAS_OPS = ['BiasAdd', 'Add', 'AddV2'];

/**
 * Output channels of a linear node's kernel, when its layout puts the channel last and the node can be
 * rewritten (NHWC convolutions, MatMul without a transposed kernel).
 */
function outputChannels(state: GraphState, node: MutableNode): number | undefined {
  if (!(node.op in FUSED_OP) || state.frozen.has(node.name) || node.input.length !== 2) return undefined;
  if (node.input.some((r) => r.startsWith('^'))) return undefined;
  const format = decodeAttrString(node.attr['data_format']?.s);
  if (format !== '' && format !== 'NHWC') return undefined;
  if (node.op === 'MatMul' && node.attr['transpose_b']?.b === true) return undefined;
  const kernel = constantOf(state, node.input[1] ?? '');
  const shape = kernel?.shape ?? [];
  if (node.op === 'Conv2D' && shape.length === 4) return shape[3];
  if (node.op === 'DepthwiseConv2dNative' && shape.length === 4) return (shape[2] ?? 0) * (shape[3] ?? 0);
  if (node.op === 'MatMul' && shape.length === 2) return shape[1];
  return undefined;
}

/** A constant input broadcast along the last axis only: shape [], [C] or [1, …, 1, C]. */
function channelVector(state: GraphState, ref: string | undefined, channels: number): Float32Array | undefined {
  const w = ref === undefined ? undefined : constantOf(state, ref);
  if (!w) return undefined;
  const shape = w.shape;
  if (!shape.slice(0, -1).every((d) => d === 1)) return undefined;
  const data = w.data as Float32Array;
  if (data.length === channels) return data;
  if (data.length === 1) return new Float32Array(channels).fill(data[0] ?? 0);
  return undefined;
}

/**
 * `Mul(conv(x, W), s)` with s a constant per output channel → `conv(x, W · s)`. The kernel must be an
 * unquantized constant only this node reads (folding a quantized kernel would store it as float32).
 */
export function foldScale(state: GraphState): number {
  let count = 0;
  for (const conv of [...state.nodes]) {
    if (!state.byName.has(conv.name)) continue;
    const channels = outputChannels(state, conv);
    const kernelRef = conv.input[1] ?? '';
    const kernel = constantOf(state, kernelRef);
    const mul = soleConsumer(state, conv.name);
    if (channels === undefined || !kernel || kernel.quantization || mul?.op !== 'Mul' || mul.input.length !== 2) continue;
    if ((state.consumers.get(parseInput(kernelRef).node) ?? []).length !== 1) continue;
    const scale = channelVector(state, otherInput(mul, conv.name), channels);
    if (!scale) continue;
    const values = kernel.data as Float32Array;
    const folded = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) folded[i] = (values[i] ?? 0) * (scale[i % channels] ?? 1);
    state.weights.set(kernel.name, { ...kernel, data: folded });
    state.changed.add(kernel.name);
    replaceChain(state, [conv, mul], { op: conv.op, input: conv.input, attr: conv.attr });
    count++;
  }
  return count;
}

/** The converter's attributes for a fused node built from `conv` with `ops` fused and `args` extra inputs. */
function fusedAttrs(conv: MutableNode, ops: readonly string[], args: number, alpha: number | undefined): Record<string, AttrValue> {
  const attr: Record<string, AttrValue> = { ...conv.attr, fused_ops: fusedOpsAttr(ops), num_args: { i: String(args) }, epsilon: { f: 0 } };
  if (alpha !== undefined) attr['leakyrelu_alpha'] = { f: alpha };
  return attr;
}

/**
 * `conv → bias add of a constant [C] vector → optional activation` → the fused op. A bias stored as
 * [1, …, 1, C] is fused only when it already is rank 1 (the fused kernels need a rank-1 bias).
 */
export function fuseBias(state: GraphState): number {
  let count = 0;
  for (const conv of [...state.nodes]) {
    if (!state.byName.has(conv.name)) continue;
    const channels = outputChannels(state, conv);
    const add = soleConsumer(state, conv.name);
    if (channels === undefined || !add || !BIAS_OPS.includes(add.op) || add.input.length !== 2) continue;
    if (add.op === 'BiasAdd' && !['', 'NHWC'].includes(decodeAttrString(add.attr['data_format']?.s))) continue;
    const biasRef = otherInput(add, conv.name);
    const bias = biasRef === undefined ? undefined : constantOf(state, biasRef);
    if (biasRef === undefined || bias?.shape.length !== 1 || bias.shape[0] !== channels) continue;
    const chain = [conv, add];
    const ops = ['BiasAdd'];
    const args = [biasRef];
    let alpha: number | undefined;
    const act = soleConsumer(state, add.name);
    if (act && (ACTIVATIONS as readonly string[]).includes(act.op) && !act.input.some((r) => r.startsWith('^'))) {
      const preluAlpha = act.op === 'Prelu' ? otherInput(act, add.name) : undefined;
      if (act.op !== 'Prelu' || preluAlpha !== undefined) {
        chain.push(act);
        ops.push(act.op);
        if (preluAlpha !== undefined) args.push(preluAlpha);
        if (act.op === 'LeakyRelu') alpha = act.attr['alpha']?.f ?? 0.2;
      }
    }
    const op = FUSED_OP[conv.op] ?? conv.op;
    replaceChain(state, chain, { op, input: [conv.input[0] ?? '', conv.input[1] ?? '', ...args], attr: fusedAttrs(conv, ops, args.length, alpha) });
    count++;
  }
  return count;
}
