/**
 * TensorFlow 2 functional control flow (`If`, `While` and their stateless forms) as tfjs-converter runs it: the node
 * stays in the graph, its branch / cond / body functions go into `modelTopology.library.function`, and tfjs calls
 * them by name from `executeAsync`. Which attributes name functions and which inputs are the arguments is a table
 * here; the freezer hands {@link controlFlowConverter} its own resolving and emitting, so a function body is read
 * exactly as the main graph is.
 */
import { ModelLoadError, problem } from '../../errors.js';
import type { ArgDef, FunctionDef, NodeDef } from './proto.js';
import { attrsJson, dataInputs, MAX_CALL_DEPTH, tensorRef, type GraphNodeJson, type Scope, type Sink, type Value } from './scope.js';

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

/** What the converter needs of the freezer walking the graph. */
export interface FreezerPorts {
  readonly functions: ReadonlyMap<string, FunctionDef>;
  /** The value an input string of `scope` names. */
  readonly resolve: (scope: Scope, input: string) => Value;
  /** The Const holding a variable in `sink` (one per variable and sink), with its graph dtype. */
  readonly readVariable: (sink: Sink, variable: Extract<Value, { kind: 'variable' }>, name: string) => { readonly ref: string; readonly dtype: string };
  readonly emit: (sink: Sink, node: GraphNodeJson) => void;
  /** The tensor reference of `value`; throws when it is a variable handle (`where` names the use). */
  readonly asTensor: (value: Value, where: string) => string;
}

/**
 * The freezer's handling of If / While nodes (`controlFlow`, called for such a node of `scope`) and the library it
 * fills (converted functions by name, in the order they were finished).
 */
export function controlFlowConverter(ctx: FreezerPorts): {
  readonly controlFlow: (scope: Scope, node: NodeDef, index: number, name: string, where: string) => Value;
  readonly library: ReadonlyMap<string, FunctionJson>;
} {
  const library = new Map<string, FunctionJson>();
  /** Library name by function name + frozen arguments. */
  const converted = new Map<string, string>();
  /**
   * If / While: the node stays, with its functions converted into the library. A variable passed as an argument
   * becomes its Const here and the argument's dtype becomes the variable's, so the function reads the value.
   */
  const controlFlow = (scope: Scope, node: NodeDef, index: number, name: string, where: string): Value => {
    if (!isControlFlowOp(node.op)) throw new Error(`not control flow: ${node.op}`);
    const shape = CONTROL_FLOW[node.op];
    if (!scope.sink.nodes.has(name)) {
      const frozen = new Map<number, string>();
      const inputs = dataInputs(node).map((input, i) => {
        const value = ctx.resolve(scope, input);
        const arg = i - shape.firstArg;
        if (value.kind === 'tensor') {
          if (value.frozen !== undefined && arg >= 0) frozen.set(arg, value.frozen);
          return value.ref;
        }
        if (arg < 0) throw new ModelLoadError(problem('savedmodel/variable-taken-as-handle', { where, key: value.key }));
        const read = ctx.readVariable(scope.sink, value, `${name}/captured_${arg}`);
        frozen.set(arg, read.dtype);
        return read.ref;
      });
      const attr = attrsJson(node);
      attr[shape.argTypes] = retypeList(attr[shape.argTypes], frozen);
      for (const key of shape.functions) {
        const fname = node.attr[key]?.func?.name ?? '';
        attr[key] = { func: { name: convertFunction(scope, fname, frozen, where) } };
      }
      ctx.emit(scope.sink, { name, op: node.op, input: inputs, attr, ...(node.device ? { device: node.device } : {}) });
    }
    return { kind: 'tensor', ref: tensorRef(name, index) };
  };

  /**
   * Converts function `fname` into the library (once per set of frozen arguments, position → dtype) and returns the
   * name it has there. Its arguments become the function's placeholders; `ret` names the nodes of its results.
   */
  const convertFunction = (scope: Scope, fname: string, frozen: ReadonlyMap<number, string>, where: string): string => {
    const fn = ctx.functions.get(fname);
    if (fn?.signature === undefined) throw new ModelLoadError(problem('savedmodel/function-missing', { where, fname }));
    const cacheKey = `${fname}\u0000${[...frozen].map(([i, t]) => `${i}=${t}`).join(',')}`;
    const done = converted.get(cacheKey);
    if (done !== undefined) return done;
    if (scope.callers.includes(fname))
      throw new ModelLoadError(problem('savedmodel/function-recursive', { where, fname, chain: [...scope.callers, fname].join(' → ') }));
    if (scope.callers.length >= MAX_CALL_DEPTH) throw new ModelLoadError(problem('savedmodel/function-too-deep', { where, limit: MAX_CALL_DEPTH }));
    let libName = fname;
    for (let n = 1; reserved.has(libName); n++) libName = `${fname}_${n}`;
    reserved.add(libName);
    const sink: Sink = { id: libName, nodes: new Map() };
    const prefix = `${libName}/`;
    const args = new Map<string, () => Value>();
    const inputArg = fn.signature.inputArg.map((arg, i) => {
      const ref = `${prefix}${arg.name}`;
      const dtype = frozen.get(i);
      const value: Value = dtype === undefined ? { kind: 'tensor', ref } : { kind: 'tensor', ref, frozen: dtype };
      args.set(arg.name, () => value);
      return { name: ref, type: argType(arg, dtype) };
    });
    const body: Scope = {
      prefix,
      where: `function ${fname}`,
      nodes: new Map(fn.nodeDef.map((n) => [n.name, n])),
      args,
      isFunction: true,
      memo: new Map(),
      callers: [...scope.callers, fname],
      sink,
    };
    const ret: Record<string, string> = {};
    const returned = new Set<string>();
    const outputArg = fn.signature.outputArg.map((arg) => {
      const source = fn.ret[arg.name];
      if (source === undefined) throw new ModelLoadError(problem('savedmodel/function-return-unknown', { fname, name: arg.name }));
      const value = ctx.resolve(body, source);
      const input = ctx.asTensor(value, `function ${fname}: result "${arg.name}"`);
      const type = value.kind === 'tensor' && value.frozen !== undefined ? value.frozen : argType(arg, undefined);
      // tfjs takes a function's results as nodes, one output each: a node that gives two results gets an Identity.
      const producer = input.split(':')[0] ?? input;
      if (!returned.has(producer)) {
        returned.add(producer);
        ret[arg.name] = input;
      } else {
        let node = `${prefix}return/${arg.name}`;
        while (sink.nodes.has(node)) node = `${node}_`;
        ctx.emit(sink, { name: node, op: 'Identity', input: [input], attr: { T: { type } } });
        returned.add(node);
        ret[arg.name] = node;
      }
      return { name: arg.name, type };
    });
    library.set(libName, { signature: { name: libName, inputArg, outputArg }, nodeDef: [...sink.nodes.values()], ret });
    converted.set(cacheKey, libName);
    return libName;
  };
  const reserved = new Set<string>();

  return { controlFlow, library };
}
