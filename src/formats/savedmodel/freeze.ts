/**
 * Freezes one signature of a SavedModel into a TF.js graph model: starting from the signature's outputs, every
 * (Stateful)PartitionedCall is inlined (node names prefixed with the call path, arguments and returns mapped),
 * variable reads become constants from the TensorBundle, control edges and NoOps are dropped, and every constant
 * moves into the weights manifest. Only nodes the outputs depend on are kept. Functional control flow (If / While)
 * stays as it is, and the functions it calls are converted the same way into the graph's function library.
 */
import type { io } from '@tensorflow/tfjs';
import { ModelLoadError, problem } from '../../errors.js';
import type { Bundle } from './bundle.js';
import { controlFlowConverter } from './control-flow.js';
import { withDefaults } from './op-defaults.js';
import { flatOutputIndex } from './op-outputs.js';
import type { FunctionDef, MetaGraphDef, NodeDef, OpDef, TensorShapeProto } from './proto.js';
import { constValue, GRAPH_DTYPE, variableValue, type ConstValue } from './tensor.js';
import { isSupportedOp, throwUnsupported, type OpIssue } from './unsupported.js';
import { attrJson, attrsJson, dataInputs, MAX_CALL_DEPTH, shapeJson, tensorRef, type GraphNodeJson, type Scope, type Sink, type Value } from './scope.js';

export interface FrozenGraph {
  readonly artifacts: io.ModelArtifacts;
  /** Number of function calls inlined, of variables frozen and of functions in the library, for notes. */
  readonly inlinedCalls: number;
  readonly frozenVariables: number;
  readonly libraryFunctions: number;
}

const CALL_OPS = new Set(['StatefulPartitionedCall', 'PartitionedCall']);

/** Options for {@link freezeSignature}. */
export interface FreezeOptions {
  /** Signature to convert; default `serving_default`. */
  readonly signature?: string;
}

/**
 * Freezes `options.signature` of `metaGraph` with the variables in `bundle` (`checkpointKeys`: object-graph node id →
 * checkpoint key). Throws ModelLoadError for an unknown signature, unsupported ops or inconsistent variables.
 */
export function freezeSignature(
  metaGraph: MetaGraphDef,
  bundle: Bundle | undefined,
  checkpointKeys: ReadonlyMap<number, string>,
  options: FreezeOptions = {},
): FrozenGraph {
  const signatureName = options.signature ?? 'serving_default';
  const signature = metaGraph.signatureDef[signatureName];
  const usable = Object.keys(metaGraph.signatureDef).filter((k) => !k.startsWith('__'));
  if (signature === undefined) {
    throw new ModelLoadError(
      problem('savedmodel/signature-missing', {
        signatureName,
        usable: usable.length === 0 ? 'none' : usable.map((s) => `"${s}"`).join(', '),
        more: usable.length > 0 ? ` (choose one with --signature ${usable[0]})` : ' (export with tf.saved_model.save(..., signatures=...))',
      }),
    );
  }
  const graph = metaGraph.graphDef;
  const functions = new Map<string, FunctionDef>();
  for (const fn of graph?.library?.function ?? []) if (fn.signature?.name) functions.set(fn.signature.name, fn);
  const opDefs = new Map<string, OpDef>();
  for (const def of metaGraph.metaInfoDef?.strippedOpList?.op ?? []) opDefs.set(def.name, def);
  const objectGraph = metaGraph.objectGraphDef;

  const mainSink: Sink = { id: '', nodes: new Map() };
  const out = mainSink.nodes;
  const weights: { name: string; value: ConstValue }[] = [];
  /** Per sink and checkpoint key: the Const holding the variable, and its graph dtype. */
  const variableConsts = new Map<string, { readonly name: string; readonly dtype: string }>();

  const issues: OpIssue[] = [];
  let inlinedCalls = 0;

  const variableFor = (id: number, where: string): Value => {
    const key = checkpointKeys.get(id);
    const object = objectGraph?.nodes[id];
    if (bundle === undefined) throw new ModelLoadError(problem('savedmodel/variables-folder-missing', { where }));
    if (key === undefined || object?.variable === undefined) throw new ModelLoadError(problem('savedmodel/capture-not-variable', { where, id }));
    const shape = object.variable.shape?.unknownRank === true ? undefined : (object.variable.shape?.dim ?? []).map((d) => Number(d.size ?? '-1'));
    return { kind: 'variable', key, shape };
  };

  // Main-graph VarHandleOps are bound to variables through the captures of the functions that receive them.
  const handles = new Map<string, number>();
  for (const node of graph?.node ?? []) {
    if (!CALL_OPS.has(node.op)) continue;
    const fname = node.attr['f']?.func?.name ?? '';
    const bound = objectGraph?.concreteFunctions[fname]?.boundInputs ?? [];
    const data = node.input.filter((i) => !i.startsWith('^'));
    bound.forEach((id, j) => {
      const input = data[data.length - bound.length + j];
      if (input !== undefined) handles.set(input.split(':')[0] ?? input, id);
    });
  }
  const variablesByName = new Map<string, number>();
  objectGraph?.nodes.forEach((n, id) => {
    if (n.variable?.name !== undefined) variablesByName.set(n.variable.name, id);
  });

  // Weights are looked up by node name from every function of the library too, so names are unique across sinks.
  const weightNames = new Set<string>();
  const emit = (sink: Sink, node: GraphNodeJson): void => {
    if (sink.nodes.has(node.name)) throw new ModelLoadError(problem('savedmodel/node-name-clash', { name: node.name }));
    sink.nodes.set(node.name, node);
  };

  const emitConst = (sink: Sink, name: string, value: ConstValue): Value => {
    const dtype = GRAPH_DTYPE[value.dtype];
    if (weightNames.has(name)) throw new ModelLoadError(problem('savedmodel/node-name-clash', { name }));
    emit(sink, { name, op: 'Const', input: [], attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensorShape: shapeJson(value.shape) } } } });
    weightNames.add(name);
    weights.push({ name, value });
    return { kind: 'tensor', ref: name };
  };

  /** The Const holding `variable` in `sink` (one per variable and sink however often it is read), with its dtype. */
  const readVariable = (sink: Sink, variable: Extract<Value, { kind: 'variable' }>, name: string): { readonly ref: string; readonly dtype: string } => {
    const key = `${sink.id}\u0000${variable.key}`;
    const existing = variableConsts.get(key);
    if (existing !== undefined) return { ref: existing.name, dtype: existing.dtype };
    if (bundle === undefined) throw new ModelLoadError(problem('savedmodel/variable-without-folder', { key: variable.key }));
    const value = variableValue(bundle.tensor(variable.key), variable.shape);
    emitConst(sink, name, value);
    const dtype = GRAPH_DTYPE[value.dtype];
    variableConsts.set(key, { name, dtype });
    return { ref: name, dtype };
  };

  const asTensor = (value: Value, where: string): string => {
    if (value.kind === 'tensor') return value.ref;
    throw new ModelLoadError(problem('savedmodel/variable-taken-as-handle', { where, key: value.key }));
  };

  /** Resolves an input string of `scope` (`x`, `x:1` in the main graph; `arg`, `node:out:i` in a function). */
  const resolve = (scope: Scope, input: string): Value => {
    const parts = input.split(':');
    const head = parts[0] ?? input;
    if (scope.isFunction && parts.length === 1) {
      const arg = scope.args.get(head);
      if (arg !== undefined) return arg();
    }
    const node = scope.nodes.get(head);
    if (node === undefined) throw new ModelLoadError(problem('savedmodel/input-no-node', { where: scope.where, input }));
    let index = 0;
    if (parts.length === 2) index = Number(parts[1]);
    else if (parts.length === 3) index = flatOutputIndex(node.op, node.attr, parts[1] ?? '', Number(parts[2]), opDefs, `${scope.where}: node "${head}"`);
    if (!Number.isInteger(index) || index < 0) throw new ModelLoadError(problem('savedmodel/input-bad-index', { where: scope.where, input }));
    return output(scope, node, index);
  };

  const output = (scope: Scope, node: NodeDef, index: number): Value => {
    const memoKey = `${node.name}:${index}`;
    const cached = scope.memo.get(memoKey);
    if (cached !== undefined) return cached;
    const value = evaluate(scope, node, index);
    scope.memo.set(memoKey, value);
    return value;
  };

  const evaluate = (scope: Scope, node: NodeDef, index: number): Value => {
    const name = `${scope.prefix}${node.name}`;
    const where = `${scope.where}: node "${node.name}" (${node.op})`;
    switch (node.op) {
      case 'VarHandleOp': {
        const id = handles.get(node.name) ?? variablesByName.get(String(Buffer.from(node.attr['shared_name']?.s ?? new Uint8Array())));
        if (id === undefined) throw new ModelLoadError(problem('savedmodel/handle-no-variable', { where }));
        return variableFor(id, where);
      }
      case 'ReadVariableOp': {
        const input = resolve(scope, dataInputs(node)[0] ?? '');
        if (input.kind === 'tensor' && input.frozen !== undefined) return { kind: 'tensor', ref: input.ref };
        if (input.kind !== 'variable') throw new ModelLoadError(problem('savedmodel/read-not-variable', { where }));
        return { kind: 'tensor', ref: readVariable(scope.sink, input, name).ref };
      }
      case 'Identity': {
        const input = resolve(scope, dataInputs(node)[0] ?? '');
        // Inside a library function an Identity is its input: tfjs disposes a function's intermediate tensors when it
        // returns, so a result that is an Identity's copy would leave the tensor a TensorList holds disposed.
        if (input.kind === 'variable' || input.frozen !== undefined || scope.sink.id !== '') return input;
        break;
      }
      case 'Const': {
        const tensor = node.attr['value']?.tensor;
        if (tensor === undefined) throw new ModelLoadError(problem('savedmodel/no-value', { where }));
        if (tensor.dtype === 'DT_STRING') {
          issues.push({ op: 'Const (string)', node: name, where: scope.where });
          return { kind: 'tensor', ref: name };
        }
        return emitConst(scope.sink, name, constValue(tensor, where));
      }
      case 'StatefulPartitionedCall':
      case 'PartitionedCall':
        return inlineCall(scope, node, index, name, where);
      case 'If':
      case 'StatelessIf':
      case 'While':
      case 'StatelessWhile':
        return controlFlow(scope, node, index, name, where);
      case 'ResourceGather':
        return gather(scope, node, name, where);
      default:
        break;
    }
    return emitOp(scope, node, name, index);
  };

  const emitOp = (scope: Scope, node: NodeDef, name: string, index: number): Value => {
    const sink = scope.sink;
    if (!sink.nodes.has(name)) {
      const supported = isSupportedOp(node.op);
      if (!supported) issues.push({ op: node.op, node: name, where: scope.where });
      // An unsupported node is reported with the others; its variable inputs are not an error of their own.
      const inputs = dataInputs(node).map((i) => {
        const value = resolve(scope, i);
        return supported || value.kind === 'tensor' ? asTensor(value, `${scope.where}: node "${node.name}" (${node.op})`) : value.key;
      });
      const attr = attrsJson(node);
      if (!sink.nodes.has(name))
        emit(sink, { name, op: node.op, input: inputs, attr: withDefaults(node.op, attr), ...(node.device ? { device: node.device } : {}) });
    }
    return { kind: 'tensor', ref: tensorRef(name, index) };
  };

  /** ResourceGather(variable, indices) → GatherV2(Const, indices, axis), what tf.gather on a frozen variable is. */
  const gather = (scope: Scope, node: NodeDef, name: string, where: string): Value => {
    if (scope.sink.nodes.has(name)) return { kind: 'tensor', ref: name };
    const [resource = '', indices = ''] = dataInputs(node);
    const variable = resolve(scope, resource);
    let params: string;
    if (variable.kind === 'tensor' && variable.frozen !== undefined) params = variable.ref;
    else if (variable.kind === 'variable') params = readVariable(scope.sink, variable, `${name}/params`).ref;
    else throw new ModelLoadError(problem('savedmodel/gather-not-variable', { where }));
    const batchDims = Number(node.attr['batch_dims']?.i ?? '0');
    const axis = emitConst(scope.sink, `${name}/axis`, { dtype: 'int32', shape: [], bytes: new Uint8Array(new Int32Array([batchDims]).buffer) });
    emit(scope.sink, {
      name,
      op: 'GatherV2',
      input: [params, asTensor(resolve(scope, indices), where), asTensor(axis, where)],
      attr: { batch_dims: { i: String(batchDims) } },
    });
    return { kind: 'tensor', ref: name };
  };

  const inlineCall = (scope: Scope, node: NodeDef, index: number, name: string, where: string): Value => {
    const fname = node.attr['f']?.func?.name ?? '';
    const fn = functions.get(fname);
    if (fn?.signature === undefined) throw new ModelLoadError(problem('savedmodel/function-missing', { where, fname }));
    if (scope.callers.includes(fname))
      throw new ModelLoadError(problem('savedmodel/function-recursive', { where, fname, chain: [...scope.callers, fname].join(' → ') }));
    if (scope.callers.length >= MAX_CALL_DEPTH) throw new ModelLoadError(problem('savedmodel/function-too-deep', { where, limit: MAX_CALL_DEPTH }));
    const memoKey = `${node.name}:#scope`;
    let inner = innerScopes.get(`${scope.prefix}${memoKey}`);
    if (inner === undefined) {
      inlinedCalls++;
      const inputs = dataInputs(node);
      const inputArgs = fn.signature.inputArg;
      if (inputs.length !== inputArgs.length)
        throw new ModelLoadError(problem('savedmodel/function-arity', { where, passed: inputs.length, fname, takes: inputArgs.length }));
      const args = new Map<string, () => Value>();
      inputArgs.forEach((arg, i) => {
        let cached: Value | undefined;
        args.set(arg.name, () => (cached ??= resolve(scope, inputs[i] ?? '')));
      });
      inner = {
        prefix: `${name}/`,
        where: `function ${fname}`,
        nodes: new Map(fn.nodeDef.map((n) => [n.name, n])),
        args,
        isFunction: true,
        memo: new Map(),
        callers: [...scope.callers, fname],
        sink: scope.sink,
      };
      innerScopes.set(`${scope.prefix}${memoKey}`, inner);
    }
    const outArg = fn.signature.outputArg[index];
    if (outArg === undefined) throw new ModelLoadError(problem('savedmodel/function-output-missing', { where, index, fname }));
    const ret = fn.ret[outArg.name];
    if (ret === undefined) throw new ModelLoadError(problem('savedmodel/function-return-unknown', { fname, name: outArg.name }));
    return resolve(inner, ret);
  };
  const innerScopes = new Map<string, Scope>();
  const { controlFlow, library } = controlFlowConverter({ functions, resolve, readVariable, emit, asTensor });

  const main: Scope = {
    prefix: '',
    where: 'the main graph',
    nodes: new Map((graph?.node ?? []).map((n) => [n.name, n])),
    args: new Map(),
    isFunction: false,
    memo: new Map(),
    callers: [],
    sink: mainSink,
  };

  const signatureJson: { inputs: Record<string, unknown>; outputs: Record<string, unknown> } = { inputs: {}, outputs: {} };
  for (const [key, info] of Object.entries(signature.inputs)) {
    const nodeName = (info.name ?? '').split(':')[0] ?? '';
    const node = main.nodes.get(nodeName);
    if (node?.op !== 'Placeholder')
      throw new ModelLoadError(problem('savedmodel/signature-input-not-placeholder', { signatureName, key, name: String(info.name) }));
    signatureJson.inputs[key] = { name: `${nodeName}:0`, dtype: info.dtype, tensorShape: attrJson(info.tensorShape ?? {}) };
  }
  const outputNames = new Set<string>();
  const outputs: { key: string; name: string; ref: string; dtype: string | undefined; shape: TensorShapeProto | undefined }[] = [];
  for (const [key, info] of Object.entries(signature.outputs)) {
    const [nodeName = '', indexText = '0'] = (info.name ?? '').split(':');
    const node = main.nodes.get(nodeName);
    if (node === undefined) throw new ModelLoadError(problem('savedmodel/signature-output-missing', { signatureName, key, name: String(info.name) }));
    const ref = asTensor(output(main, node, Number(indexText)), `signature output "${key}"`);
    let name = Number(indexText) === 0 ? nodeName : `${nodeName}_${indexText}`;
    while (outputNames.has(name) || out.has(name)) name = `${name}_`;
    outputNames.add(name);
    outputs.push({ key, name, ref, dtype: info.dtype, shape: info.tensorShape });
  }
  throwUnsupported(issues, signatureName);
  for (const o of outputs) {
    emit(mainSink, { name: o.name, op: 'Identity', input: [o.ref], attr: { T: { type: o.dtype ?? 'DT_FLOAT' } } });
    signatureJson.outputs[o.key] = { name: `${o.name}:0`, dtype: o.dtype, tensorShape: attrJson(o.shape ?? {}) };
  }
  // Input placeholders keep their names; drop attributes tfjs does not read.
  for (const input of Object.values(signatureJson.inputs) as { name: string }[]) {
    const nodeName = input.name.split(':')[0] ?? '';
    if (!out.has(nodeName)) {
      const node = main.nodes.get(nodeName);
      if (node !== undefined) emitOp(main, node, nodeName, 0);
    }
  }

  const total = weights.reduce((sum, w) => sum + w.value.bytes.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const w of weights) {
    data.set(w.value.bytes, offset);
    offset += w.value.bytes.byteLength;
  }
  // Placeholder shapes must be known ranks for tfjs; unknown ones are left out (tfjs then accepts any shape).
  for (const node of out.values()) if (node.op === 'Placeholder') shapeOrDrop(node);
  const producer = Number((graph as { versions?: { producer?: number } } | undefined)?.versions?.producer ?? 0);
  const artifacts: io.ModelArtifacts = {
    modelTopology: { node: [...out.values()], library: library.size === 0 ? {} : { function: [...library.values()] }, versions: { producer } },
    format: 'graph-model',
    generatedBy: `TensorFlow ${metaGraph.metaInfoDef?.tensorflowVersion ?? '(unknown version)'}`,
    convertedBy: 'model-budget (SavedModel)',
    weightSpecs: weights.map((w) => ({ name: w.name, shape: [...w.value.shape], dtype: w.value.dtype })),
    weightData: data.buffer,
    signature: signatureJson,
  };
  return {
    artifacts,
    inlinedCalls,
    frozenVariables: new Set([...variableConsts.keys()].map((k) => k.split('\u0000')[1])).size,
    libraryFunctions: library.size,
  };
}

function shapeOrDrop(node: GraphNodeJson): void {
  const shape = node.attr['shape'] as { unknownRank?: boolean } | undefined;
  if (shape?.unknownRank === true) delete node.attr['shape'];
}

/** Maps object-graph node ids to the checkpoint keys of their values (from the bundle's TrackableObjectGraph). */
export function checkpointKeysOf(
  nodes: readonly { readonly attributes: readonly { readonly name?: string; readonly checkpointKey?: string }[] }[],
): Map<number, string> {
  const keys = new Map<number, string>();
  nodes.forEach((node, id) => {
    const value = node.attributes.find((a) => a.name === 'VARIABLE_VALUE');
    if (value?.checkpointKey !== undefined) keys.set(id, value.checkpointKey);
  });
  return keys;
}
