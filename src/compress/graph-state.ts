/**
 * The optimizer's working graph: mutable copies of the nodes, the constants' values, what may not change, and the
 * small queries every rewrite pass asks (the one consumer of a node, a constant input, the other input of a pair).
 */
import type { io } from '@tensorflow/tfjs';
import type { NamedTensor } from './weights.js';
import { consumersOf, controlFlowNodes, encodeAttrString, outputNodes, parseInput, type AttrValue, type GraphDef, type GraphNode } from './graph-def.js';

/** A node being rewritten. */
export interface MutableNode {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, AttrValue>;
  readonly rest: Record<string, unknown>;
}

/** The graph while passes run: nodes by name (in order), constants' values, and what may not change. */
export interface GraphState {
  nodes: MutableNode[];
  readonly byName: Map<string, MutableNode>;
  /** Float32 constant values by node name, for the constants the manifest stores unquantized or quantized. */
  readonly weights: Map<string, NamedTensor>;
  /** Weights whose values a pass changed (re-encoded as float32). */
  readonly changed: Set<string>;
  /** Constants a pass created, in creation order (written after the original weights). */
  readonly added: string[];
  readonly outputs: Set<string>;
  readonly frozen: Set<string>;
  consumers: Map<string, string[]>;
}

/** A copy of a GraphDef node that passes may edit; unknown fields ride along in `rest`. */
export function toMutable(n: GraphNode): MutableNode {
  const { name, op, input, attr, ...rest } = n;
  return { name, op, input: [...(input ?? [])], attr: { ...(attr ?? {}) }, rest };
}

/** The single data consumer of `name`'s first output, when it has exactly one consumer and is not returned. */
export function soleConsumer(state: GraphState, name: string): MutableNode | undefined {
  if (state.outputs.has(name) || state.frozen.has(name)) return undefined;
  const list = state.consumers.get(name) ?? [];
  if (list.length !== 1) return undefined;
  const node = state.byName.get(list[0] ?? '');
  if (!node || state.frozen.has(node.name)) return undefined;
  const refs = node.input.map(parseInput).filter((r) => r.node === name);
  return refs.length === 1 && refs[0]?.output === 0 && !refs[0].control ? node : undefined;
}

/** The value of a float32 constant node input, if it is one. */
export function constantOf(state: GraphState, ref: string): NamedTensor | undefined {
  const { node, output, control } = parseInput(ref);
  const n = state.byName.get(node);
  if (control || output !== 0 || n?.op !== 'Const') return undefined;
  const w = state.weights.get(node);
  return w?.dtype === 'float32' ? w : undefined;
}

/** The scalar a constant input holds (shape [] or one element), if it is one. */
export function scalarOf(state: GraphState, ref: string): number | undefined {
  const w = constantOf(state, ref);
  return w && w.data.length === 1 ? (w.data as Float32Array)[0] : undefined;
}

/** The other input of a binary node, given one of them. */
export function otherInput(node: MutableNode, name: string): string | undefined {
  if (node.input.length !== 2) return undefined;
  const [a, b] = node.input;
  if (a !== undefined && parseInput(a).node === name) return b;
  if (b !== undefined && parseInput(b).node === name) return a;
  return undefined;
}

/** Replaces `last` by a node computing the whole chain; the chain's other nodes are dropped. */
export function replaceChain(state: GraphState, chain: readonly MutableNode[], next: Omit<MutableNode, 'name' | 'rest'>): void {
  const last = chain[chain.length - 1];
  if (!last) return;
  const drop = new Set(chain.slice(0, -1).map((n) => n.name));
  Object.assign(last, next);
  state.nodes = state.nodes.filter((n) => !drop.has(n.name));
  for (const name of drop) state.byName.delete(name);
  state.consumers = consumersOf(state.nodes);
}

/**
 * Adds a float32 `Const` node named `base` (or `base_1`, … when taken) holding `data`, placed before the nodes
 * that will read it; returns its name.
 */
export function addConstant(state: GraphState, base: string, shape: readonly number[], data: Float32Array): string {
  let name = base;
  for (let i = 1; state.byName.has(name) || state.weights.has(name); i++) name = `${base}_${i}`;
  const dim = shape.map((d) => ({ size: String(d) }));
  const node: MutableNode = {
    name,
    op: 'Const',
    input: [],
    attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim } } } },
    rest: {},
  };
  state.nodes.unshift(node);
  state.byName.set(name, node);
  state.weights.set(name, { name, shape: [...shape], dtype: 'float32', data });
  state.changed.add(name);
  state.added.push(name);
  return name;
}

export const dataInputs = (n: MutableNode): string[] => n.input.filter((r) => !r.startsWith('^'));
export const hasControlInputs = (n: MutableNode): boolean => n.input.some((r) => r.startsWith('^'));

/** The attributes of `attr` named in `keys` (those present). */
export function pickAttrs(attr: Record<string, AttrValue>, keys: readonly string[]): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const k of keys) {
    const v = attr[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The converter's `fused_ops` list attribute. */
export const fusedOpsAttr = (ops: readonly string[]): AttrValue => ({ list: { s: ops.map(encodeAttrString) } });

/** The mutable state every graph rewrite starts from: the graph's nodes, its decoded weights, what must not change. */
export function graphStateOf(topology: GraphDef, signature: io.ModelArtifacts['signature'], tensors: readonly NamedTensor[]): GraphState {
  const nodes = topology.node.map(toMutable);
  return {
    nodes,
    byName: new Map(nodes.map((n) => [n.name, n])),
    weights: new Map(tensors.map((t) => [t.name, t])),
    changed: new Set(),
    added: [],
    outputs: outputNodes(topology.node, signature),
    frozen: controlFlowNodes(topology.node),
    consumers: consumersOf(nodes),
  };
}
