/**
 * The optimizer's simplifying passes, all exact:
 * - `identity`: `Identity`, `StopGradient`, `Snapshot`, `PreventGradient` and arithmetic no-ops (`x · 1`, `x + 0`,
 *   `x − 0`, `x / 1` with a scalar constant, which cannot broadcast) removed: their readers read the input.
 * - `pad`: a zero `Pad` on the spatial axes only, read by nothing but a VALID (or explicitly padded) NHWC
 *   convolution, becomes the convolution's explicit padding (tfjs-converter reads `padding: EXPLICIT` and
 *   `explicit_paddings` on every convolution op), so no padded copy of the input is made.
 */
import { consumersOf, decodeAttrString, encodeAttrString, parseInput } from './graph-def.js';
import { dataInputs, hasControlInputs, scalarOf, soleConsumer, type GraphState, type MutableNode } from './graph-state.js';

const IDENTITIES = ['Identity', 'StopGradient', 'Snapshot', 'PreventGradient'];

/** The input a no-op node passes through unchanged, if it is one. */
function passThrough(state: GraphState, node: MutableNode): string | undefined {
  const inputs = dataInputs(node);
  if (IDENTITIES.includes(node.op)) return inputs.length === 1 ? inputs[0] : undefined;
  if (inputs.length !== 2) return undefined;
  const [a, b] = inputs;
  // Only a rank-0 constant: [1] or [1, 1] would broadcast a lower-rank input to a new shape.
  const neutral = (ref: string | undefined, value: number): boolean =>
    ref !== undefined && scalarOf(state, ref) === value && state.weights.get(parseInput(ref).node)?.shape.length === 0;
  if (node.op === 'Mul') return neutral(b, 1) ? a : neutral(a, 1) ? b : undefined;
  if (node.op === 'Add' || node.op === 'AddV2') return neutral(b, 0) ? a : neutral(a, 0) ? b : undefined;
  if (node.op === 'Sub' || node.op === 'RealDiv') return neutral(b, node.op === 'Sub' ? 0 : 1) ? a : undefined;
  return undefined;
}

/** Removes pass-through nodes; returns how many. */
export function removeNoOps(state: GraphState): number {
  let count = 0;
  for (const node of [...state.nodes]) {
    if (state.outputs.has(node.name) || state.frozen.has(node.name) || hasControlInputs(node)) continue;
    const source = passThrough(state, node);
    const readers = (state.consumers.get(node.name) ?? []).map((c) => state.byName.get(c));
    if (source === undefined || readers.some((r) => !r || r.input.includes(`^${node.name}`))) continue;
    for (const r of readers) if (r) r.input = r.input.map((ref) => (parseInput(ref).node === node.name && !ref.startsWith('^') ? source : ref));
    state.nodes = state.nodes.filter((n) => n !== node);
    state.byName.delete(node.name);
    state.consumers = consumersOf(state.nodes);
    count++;
  }
  return count;
}

const CONVOLUTIONS = ['Conv2D', 'DepthwiseConv2dNative', '_FusedConv2D', 'FusedDepthwiseConv2dNative'];

/** The [4, 2] int32 paddings of a Pad node, when they pad H and W only, with zeros. */
function spatialPaddings(state: GraphState, pad: MutableNode): number[] | undefined {
  const inputs = dataInputs(pad);
  const ref = inputs[1];
  if (inputs.length !== (pad.op === 'PadV2' ? 3 : 2) || ref === undefined) return undefined;
  // PadV2's constant_values must be a zero (float32) for the convolution's implicit zeros to equal it.
  if (pad.op === 'PadV2' && scalarOf(state, inputs[2] ?? '') !== 0) return undefined;
  const w = state.byName.get(parseInput(ref).node)?.op === 'Const' ? state.weights.get(parseInput(ref).node) : undefined;
  if (w?.dtype !== 'int32' || w.shape.join() !== '4,2' || w.quantization) return undefined;
  const p = Array.from(w.data as Int32Array);
  if (p.some((v) => v < 0) || p[0] !== 0 || p[1] !== 0 || p[6] !== 0 || p[7] !== 0) return undefined;
  return p;
}

/** The explicit paddings a convolution already has (VALID: none), when it can take more. */
function existingPaddings(conv: MutableNode): number[] | undefined {
  if (!['', 'NHWC'].includes(decodeAttrString(conv.attr['data_format']?.s))) return undefined;
  const padding = decodeAttrString(conv.attr['padding']?.s);
  if (padding === 'VALID') return [0, 0, 0, 0, 0, 0, 0, 0];
  if (padding !== 'EXPLICIT') return undefined;
  const list = (conv.attr['explicit_paddings']?.list?.i ?? []).map(Number);
  return list.length === 8 ? list : undefined;
}

/** Merges zero spatial `Pad`s into the convolution that reads them; returns how many. */
export function mergePads(state: GraphState): number {
  let count = 0;
  for (const pad of [...state.nodes]) {
    if ((pad.op !== 'Pad' && pad.op !== 'PadV2') || !state.byName.has(pad.name) || hasControlInputs(pad) || state.frozen.has(pad.name)) continue;
    const conv = soleConsumer(state, pad.name);
    const paddings = spatialPaddings(state, pad);
    const existing = conv && CONVOLUTIONS.includes(conv.op) && parseInput(conv.input[0] ?? '').node === pad.name ? existingPaddings(conv) : undefined;
    const source = dataInputs(pad)[0];
    if (!conv || !paddings || !existing || source === undefined) continue;
    const merged = existing.map((v, i) => v + (paddings[i] ?? 0));
    conv.input = [source, ...conv.input.slice(1)];
    conv.attr = { ...conv.attr, padding: { s: encodeAttrString('EXPLICIT') }, explicit_paddings: { list: { i: merged.map(String) } } };
    state.nodes = state.nodes.filter((n) => n !== pad);
    state.byName.delete(pad.name);
    state.consumers = consumersOf(state.nodes);
    count++;
  }
  return count;
}
