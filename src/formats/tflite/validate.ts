import { BuiltinOperator, TensorType, type SubGraphT, type TensorT } from './generated/schema_generated.js';
import { bytesPerElement, type TfliteGraph } from './graph.js';

/** More subgraphs than any converter writes (control flow models have a handful); beyond it the file is damaged. */
export const MAX_SUBGRAPHS = 1024;
/** 2^31 elements (8 GiB of float32) per tensor: LiteRT's own limit on tensor bytes is 2^31 - 1. */
export const MAX_TENSOR_ELEMENTS = 2 ** 31;

/**
 * Checks the graph a .tflite file describes, before anything is allocated from it: subgraph count, every tensor,
 * buffer, operator code, signature and metadata index in range, shapes sane, and each constant tensor's
 * shape × dtype equal to its buffer's length. Returns the first problem as a sentence, or undefined.
 */
export function validateGraph(graph: TfliteGraph): string | undefined {
  const { model, buffers } = graph;
  if (model.subgraphs.length === 0) return 'the model has no subgraph';
  if (model.subgraphs.length > MAX_SUBGRAPHS) {
    return `the model has ${model.subgraphs.length} subgraphs, more than the ${MAX_SUBGRAPHS} a real model has`;
  }
  for (const [s, subgraph] of model.subgraphs.entries()) {
    const problem = validateSubgraph(subgraph, `subgraph ${s}`, graph);
    if (problem) return problem;
  }
  for (const [i, code] of model.operatorCodes.entries()) {
    const op = Math.max(code.deprecatedBuiltinCode, code.builtinCode);
    if (BuiltinOperator[op] === undefined) return `operator code ${i} is builtin operator ${op}, which this schema does not know`;
  }
  for (const [i, signature] of model.signatureDefs.entries()) {
    const subgraph = model.subgraphs[signature.subgraphIndex];
    if (!subgraph) return `signature ${i} names subgraph ${signature.subgraphIndex}; the model has ${model.subgraphs.length}`;
    for (const entry of [...signature.inputs, ...signature.outputs]) {
      if (entry.tensorIndex >= subgraph.tensors.length) {
        return `signature ${i} maps "${String(entry.name)}" to tensor ${entry.tensorIndex}; subgraph ${signature.subgraphIndex} has ${subgraph.tensors.length}`;
      }
    }
  }
  for (const [i, metadata] of model.metadata.entries()) {
    if (metadata.buffer >= buffers.length) return `metadata ${i} ("${String(metadata.name)}") names buffer ${metadata.buffer}; the model has ${buffers.length}`;
  }
  const badMetadataBuffer = model.metadataBuffer.find((index) => index < 0 || index >= buffers.length);
  if (badMetadataBuffer !== undefined) return `metadata_buffer names buffer ${badMetadataBuffer}; the model has ${buffers.length}`;
  return undefined;
}

function validateSubgraph(subgraph: SubGraphT, where: string, graph: TfliteGraph): string | undefined {
  const tensorCount = subgraph.tensors.length;
  const inRange = (index: number): boolean => index === -1 || (index >= 0 && index < tensorCount);
  for (const [t, tensor] of subgraph.tensors.entries()) {
    const problem = validateTensor(tensor, `${where} tensor ${t} ("${String(tensor.name)}")`, graph);
    if (problem) return problem;
  }
  for (const [list, indices] of [
    ['input', subgraph.inputs],
    ['output', subgraph.outputs],
  ] as const) {
    const bad = indices.find((i) => !inRange(i) || i === -1);
    if (bad !== undefined) return `${where} ${list} is tensor ${bad}; the subgraph has ${tensorCount} tensors`;
  }
  for (const [o, op] of subgraph.operators.entries()) {
    if (op.opcodeIndex >= graph.model.operatorCodes.length) {
      return `${where} operator ${o} uses operator code ${op.opcodeIndex}; the model has ${graph.model.operatorCodes.length}`;
    }
    const bad = [...op.inputs, ...op.outputs, ...op.intermediates].find((i) => !inRange(i));
    if (bad !== undefined) return `${where} operator ${o} refers to tensor ${bad}; the subgraph has ${tensorCount} tensors`;
  }
  return undefined;
}

function validateTensor(tensor: TensorT, where: string, graph: TfliteGraph): string | undefined {
  if (tensor.buffer >= graph.buffers.length) return `${where} uses buffer ${tensor.buffer}; the model has ${graph.buffers.length}`;
  let elements = 1;
  for (const dim of tensor.shape) {
    if (dim < 0) return `${where} has shape [${tensor.shape.join(', ')}]: a stored dimension cannot be negative`;
    elements *= dim;
  }
  if (elements > MAX_TENSOR_ELEMENTS) {
    return `${where} has shape [${tensor.shape.join(', ')}], ${elements.toExponential(2)} elements, more than the ${MAX_TENSOR_ELEMENTS} LiteRT can hold`;
  }
  const data = graph.buffers[tensor.buffer];
  if (!data || data.byteLength === 0 || tensor.sparsity !== null) return undefined;
  const size = bytesPerElement(tensor.type);
  if (size === undefined) return undefined; // strings and resources carry their own layout
  const expected = Math.ceil(elements * size);
  if (data.byteLength !== expected) {
    return `${where} is ${TensorType[tensor.type]} [${tensor.shape.join(', ')}], which needs ${expected} bytes, but buffer ${tensor.buffer} holds ${data.byteLength}`;
  }
  return undefined;
}
