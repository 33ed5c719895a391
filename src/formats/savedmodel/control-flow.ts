/**
 * TensorFlow 2 functional control flow (`If`, `While` and their stateless forms) as tfjs-converter runs it: the node
 * stays in the graph, its branch / cond / body functions go into `modelTopology.library.function`, and tfjs calls
 * them by name from `executeAsync`. This module holds what does not depend on the freezer's state: which attributes
 * name functions, which inputs are the arguments, and the FunctionDef JSON a converted function is written as.
 */
import type { ArgDef } from './proto.js';

/** The functional control-flow ops tfjs has kernels for. */
export type ControlFlowOp = 'If' | 'StatelessIf' | 'While' | 'StatelessWhile';

interface ControlFlowShape {
  /** Attributes naming the functions the op calls. */
  readonly functions: readonly string[];
  /** Index of the first input passed to those functions (If's input 0 is the condition). */
  readonly firstArg: number;
  /** Attribute listing the argument dtypes (`Tin` for If, `T` for While, whose outputs share it). */
  readonly argTypes: string;
}

const IF: ControlFlowShape = { functions: ['then_branch', 'else_branch'], firstArg: 1, argTypes: 'Tin' };
const WHILE: ControlFlowShape = { functions: ['cond', 'body'], firstArg: 0, argTypes: 'T' };

export const CONTROL_FLOW: Readonly<Record<ControlFlowOp, ControlFlowShape>> = { If: IF, StatelessIf: IF, While: WHILE, StatelessWhile: WHILE };

/** Whether `op` is functional control flow the freezer writes with a function library. */
export function isControlFlowOp(op: string): op is ControlFlowOp {
  return Object.hasOwn(CONTROL_FLOW, op);
}

/** One argument or result of a converted function, as model.json's FunctionDef signature carries it. */
export interface FunctionArgJson {
  readonly name: string;
  readonly type: string;
}

/** A converted function: what tfjs-converter's `mapFunction` reads from `library.function[]`. */
export interface FunctionJson {
  readonly signature: { readonly name: string; readonly inputArg: readonly FunctionArgJson[]; readonly outputArg: readonly FunctionArgJson[] };
  readonly nodeDef: readonly unknown[];
  readonly ret: Readonly<Record<string, string>>;
}

/**
 * The dtype an argument is declared with: its own `type`, else the one a frozen variable gave it. An argument typed
 * by an attribute (`typeAttr`) is left without a dtype, which tfjs accepts for a function's placeholders.
 */
export function argType(arg: ArgDef, frozenDtype: string | undefined): string {
  return frozenDtype ?? arg.type ?? 'DT_INVALID';
}

/**
 * `list.type` of an AttrValue JSON with the dtypes in `replace` (position → dtype) put in: a resource argument that
 * was frozen into a constant becomes the constant's dtype, as `convert_variables_to_constants_v2` retypes it.
 */
export function retypeList(attr: unknown, replace: ReadonlyMap<number, string>): unknown {
  if (replace.size === 0 || typeof attr !== 'object' || attr === null) return attr;
  const list = (attr as { list?: { type?: unknown } }).list;
  if (!Array.isArray(list?.type)) return attr;
  const types = (list.type as unknown[]).map((t, i) => replace.get(i) ?? t);
  return { ...attr, list: { ...list, type: types } };
}
