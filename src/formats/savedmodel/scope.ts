/**
 * What the freezer passes around while it walks a graph: the values on edges, the scopes a node is read in (the
 * main graph, an inlined call, a library function) and the JSON form of the nodes it writes.
 */
import type { NodeDef } from './proto.js';

/**
 * A value flowing along an edge: a tensor of the output graph, or a variable handle (checkpoint key). A tensor with
 * `frozen` is a variable's value passed into a control-flow function where TensorFlow passed the handle: reading it
 * is the value itself, and `frozen` is its dtype.
 */
export type Value =
  | { readonly kind: 'tensor'; readonly ref: string; readonly frozen?: string }
  | { readonly kind: 'variable'; readonly key: string; readonly shape: readonly number[] | undefined };

/** A node of the converted graph as model.json holds it. */
export interface GraphNodeJson {
  readonly name: string;
  readonly op: string;
  readonly input: string[];
  readonly attr: Record<string, unknown>;
  readonly device?: string;
}

/** Where emitted nodes go: the main graph, or the body of one function of the library. */
export interface Sink {
  /** '' for the main graph, else the library function's name. */
  readonly id: string;
  readonly nodes: Map<string, GraphNodeJson>;
}

export interface Scope {
  /** Prefix of emitted node names ('' in the main graph). */
  readonly prefix: string;
  /** "the main graph" or the function name, for messages. */
  readonly where: string;
  readonly nodes: ReadonlyMap<string, NodeDef>;
  /** Function arguments by name (lazy: only what is used is resolved). */
  readonly args: ReadonlyMap<string, () => Value>;
  readonly isFunction: boolean;
  readonly memo: Map<string, Value>;
  /** Functions being inlined or converted around this scope, outermost first (to refuse recursion). */
  readonly callers: readonly string[];
  readonly sink: Sink;
}

/** Deepest nesting of function calls inlined or converted (Keras models nest 3–4). */
export const MAX_CALL_DEPTH = 64;

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** AttrValue → the proto3 JSON form model.json carries (bytes as base64; int64 already decimal strings). */
export function attrJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return toBase64(value);
  if (Array.isArray(value)) return value.map(attrJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!(Array.isArray(v) && v.length === 0 && k !== 'dim')) out[k] = attrJson(v);
    return out;
  }
  return value;
}

/** A node's attributes as model.json carries them, without the `_`-prefixed ones (TensorFlow's own bookkeeping). */
export function attrsJson(node: NodeDef): Record<string, unknown> {
  const attr: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.attr)) if (!k.startsWith('_')) attr[k] = attrJson(v);
  return attr;
}

export function shapeJson(shape: readonly number[]): { dim?: { size: string }[] } {
  return shape.length === 0 ? {} : { dim: shape.map((d) => ({ size: String(d) })) };
}

export const tensorRef = (name: string, index: number): string => (index === 0 ? name : `${name}:${index}`);

/** The data inputs of a node (control inputs `^name` dropped). */
export const dataInputs = (node: NodeDef): string[] => node.input.filter((i) => !i.startsWith('^'));
