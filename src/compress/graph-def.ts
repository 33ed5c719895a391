/**
 * A TF.js graph model's topology (the GraphDef JSON tensorflowjs_converter writes) read as a graph: node inputs
 * ("name", "name:1", "^name" for a control edge), who consumes whom, which nodes the model returns and which sit
 * inside control flow. Attribute values use the converter's JSON encoding (strings base64, ints as strings).
 */

/** One attribute value, as the converter's JSON holds it. */
export interface AttrValue {
  readonly s?: string;
  readonly i?: string | number;
  readonly f?: number;
  readonly b?: boolean;
  readonly type?: string;
  readonly list?: { readonly s?: readonly string[]; readonly i?: readonly (string | number)[]; readonly f?: readonly number[] };
  readonly shape?: unknown;
  readonly tensor?: unknown;
  readonly [key: string]: unknown;
}

/** One node of the GraphDef JSON. */
export interface GraphNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, AttrValue>>;
  readonly device?: string;
  readonly [key: string]: unknown;
}

/** The GraphDef JSON of a graph model (`modelTopology`). */
export interface GraphDef {
  readonly node: readonly GraphNode[];
  readonly [key: string]: unknown;
}

/** Whether a `modelTopology` value is a GraphDef. */
export function isGraphDef(topology: unknown): topology is GraphDef {
  return typeof topology === 'object' && topology !== null && Array.isArray((topology as { node?: unknown }).node);
}

/** A parsed input reference. */
export interface InputRef {
  readonly node: string;
  readonly output: number;
  readonly control: boolean;
}

/** Parses "name", "name:2" and "^name". */
export function parseInput(ref: string): InputRef {
  if (ref.startsWith('^')) return { node: ref.slice(1), output: 0, control: true };
  const m = /^(.*):(\d+)$/.exec(ref);
  return m?.[1] !== undefined && m[2] !== undefined ? { node: m[1], output: Number(m[2]), control: false } : { node: ref, output: 0, control: false };
}

/** The base64 the converter stores strings as. */
export const encodeAttrString = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
export const decodeAttrString = (s: string | undefined): string => (s === undefined ? '' : Buffer.from(s, 'base64').toString('utf8'));

/** Names of the nodes each node's outputs feed (data and control), by producer name. */
export function consumersOf(nodes: readonly Pick<GraphNode, 'name' | 'input'>[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of nodes) {
    for (const ref of n.input ?? []) {
      const { node } = parseInput(ref);
      const list = out.get(node) ?? [];
      list.push(n.name);
      out.set(node, list);
    }
  }
  return out;
}

/**
 * The nodes whose values the model returns: the signature's outputs when it has one, else the nodes nothing
 * consumes (what tfjs's GraphModel returns without a signature).
 */
export function outputNodes(nodes: readonly GraphNode[], signature: unknown): Set<string> {
  const outputs = (signature as { outputs?: Record<string, { name?: string }> } | undefined)?.outputs;
  if (outputs && Object.keys(outputs).length > 0) {
    return new Set(Object.entries(outputs).map(([key, v]) => parseInput(v.name ?? key).node));
  }
  const consumed = consumersOf(nodes);
  return new Set(nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const').map((n) => n.name));
}

/**
 * Nodes inside control flow (TF1 style: everything downstream of an `Enter` up to the `Exit` of its frame — through
 * the loop's `Merge`, its condition, `LoopCond`, `Switch`, body, `NextIteration` and any loop nested in it — and of
 * a `Switch`, `LoopCond` or `NextIteration` up to the next `Merge` or `Exit`, plus those ops themselves). The
 * optimizer leaves them alone: frames and dead branches change what "one consumer" means.
 */
export function controlFlowNodes(nodes: readonly GraphNode[]): Set<string> {
  const consumers = consumersOf(nodes);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const inside = new Set<string>();
  // For every node whose readers were walked, the deepest frame depth it was reached at: a walk that reaches it
  // again at that depth or shallower reaches nothing new. Enter walks go first; a Switch walk (depth 0, stopping at a
  // Merge too) reaches less than any of them, so it skips every node already walked.
  const expanded = new Map<string, number>();
  const walk = (start: string, inFrame: boolean): void => {
    const stack: [string, number][] = [[start, 0]];
    while (stack.length > 0) {
      const [name, depth] = stack.pop() ?? ['', 0];
      const seen = expanded.get(name);
      if (seen !== undefined && seen >= depth) continue;
      inside.add(name);
      const op = byName.get(name)?.op ?? '';
      const next = op === 'Enter' && inFrame ? depth + 1 : op === 'Exit' ? depth - 1 : depth;
      if (op === 'Exit' ? next <= 0 : op === 'Merge' && !inFrame) continue;
      expanded.set(name, depth);
      for (const c of consumers.get(name) ?? []) stack.push([c, next]);
    }
  };
  for (const n of nodes) if (n.op === 'Enter') walk(n.name, true);
  for (const n of nodes) if (['Switch', 'LoopCond', 'NextIteration'].includes(n.op)) walk(n.name, false);
  return inside;
}
