/**
 * The optimizer's fusing pass: kernel + bias + activation fused into the op tfjs-converter emits (`_FusedConv2D`,
 * `FusedDepthwiseConv2dNative`, `_FusedMatMul`, with `fused_ops`, `num_args` and `epsilon` attributes as it writes
 * them), and the query the folding passes share (which nodes are linear, their output channels).
 */
import { decodeAttrString, type AttrValue } from './graph-def.js';
import { constantOf, fusedOpsAttr, otherInput, replaceChain, soleConsumer, type GraphState, type MutableNode } from './graph-state.js';

const FUSED_OP: Readonly<Record<string, string>> = {
  Conv2D: '_FusedConv2D',
  DepthwiseConv2dNative: 'FusedDepthwiseConv2dNative',
  MatMul: '_FusedMatMul',
};

/** Activations every tfjs backend fuses (the wasm kernels' `FusableActivation`). */
const ACTIVATIONS = ['Relu', 'Relu6', 'Elu', 'Sigmoid', 'LeakyRelu', 'Prelu'] as const;

const BIAS_OPS = ['BiasAdd', 'Add', 'AddV2'];

/** A linear node's output: channels (last axis) and rank. */
export interface LinearOutput {
  readonly channels: number;
  readonly rank: number;
}

/**
 * Output channels and rank of a linear node whose layout puts the channel last and that can be rewritten (NHWC
 * convolutions, MatMul without a transposed kernel, a constant kernel, no control inputs, outside control flow).
 */
export function linearOutput(state: GraphState, node: MutableNode): LinearOutput | undefined {
  if (!(node.op in FUSED_OP) || state.frozen.has(node.name) || node.input.length !== 2) return undefined;
  if (node.input.some((r) => r.startsWith('^'))) return undefined;
  const format = decodeAttrString(node.attr['data_format']?.s);
  if (format !== '' && format !== 'NHWC') return undefined;
  if (node.op === 'MatMul' && node.attr['transpose_b']?.b === true) return undefined;
  const kernel = constantOf(state, node.input[1] ?? '');
  const shape = kernel?.shape ?? [];
  if (node.op === 'Conv2D' && shape.length === 4) return { channels: shape[3] ?? 0, rank: 4 };
  if (node.op === 'DepthwiseConv2dNative' && shape.length === 4) return { channels: (shape[2] ?? 0) * (shape[3] ?? 0), rank: 4 };
  if (node.op === 'MatMul' && shape.length === 2) return { channels: shape[1] ?? 0, rank: 2 };
  return undefined;
}

/** The converter's attributes for a fused node built from `conv` with `ops` fused and `args` extra inputs. */
function fusedAttrs(conv: MutableNode, ops: readonly string[], args: number, alpha: number | undefined): Record<string, AttrValue> {
  const attr: Record<string, AttrValue> = { ...conv.attr, fused_ops: fusedOpsAttr(ops), num_args: { i: String(args) } };
  // Grappler's _FusedConv2D / _FusedMatMul carry `epsilon`; tfjs-converter's own FusedDepthwiseConv2dNative does not.
  if (conv.op !== 'DepthwiseConv2dNative') attr['epsilon'] = { f: 0 };
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
    const channels = linearOutput(state, conv)?.channels;
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
