import { Builder } from 'flatbuffers';
import { Buffer as TflBuffer, Model } from './generated/schema_generated.js';
import { TFLITE_IDENTIFIER, readTflite } from './read.js';
import type { TfliteGraph } from './graph.js';

/** TFLite maps constant buffers straight into kernels; XNNPACK and the converter align `Buffer.data` to 16 bytes. */
export const BUFFER_ALIGNMENT_BYTES = 16;

/**
 * Serializes a graph to .tflite bytes that stock LiteRT loads: `Buffer.data` 16-byte aligned, empty vectors omitted
 * (the generated code is patched for that), tensors whose buffer is empty pointed at buffer 0, and buffers no tensor
 * or metadata uses dropped (indices renumbered). Does not modify `graph`.
 */
export function writeTflite(graph: TfliteGraph): Uint8Array {
  const { model, buffers } = graph;
  // Which buffers survive: 0 (the empty sentinel), metadata buffers, and buffers with bytes that a tensor uses.
  const keep = new Set<number>([0]);
  for (const metadata of model.metadata) keep.add(metadata.buffer);
  // The older `metadata_buffer` list holds buffer indices too.
  for (const index of model.metadataBuffer) keep.add(index);
  for (const subgraph of model.subgraphs) {
    for (const tensor of subgraph.tensors) if ((buffers[tensor.buffer]?.byteLength ?? 0) > 0) keep.add(tensor.buffer);
  }
  const order = [...keep].sort((a, b) => a - b);
  const renumber = new Map(order.map((old, index) => [old, index]));
  const at = (old: number): number => renumber.get(old) ?? 0;

  const builder = new Builder(1024 + buffers.reduce((n, b) => n + b.byteLength + BUFFER_ALIGNMENT_BYTES, 0));
  // Tensor and metadata indices are rewritten on the way out and put back, so `graph` is unchanged afterwards.
  const restore: (() => void)[] = [];
  try {
    for (const subgraph of model.subgraphs) {
      for (const tensor of subgraph.tensors) {
        const old = tensor.buffer;
        tensor.buffer = at(old);
        restore.push(() => (tensor.buffer = old));
      }
    }
    for (const metadata of model.metadata) {
      const old = metadata.buffer;
      metadata.buffer = at(old);
      restore.push(() => (metadata.buffer = old));
    }
    const operatorCodes = tableVector(builder, model.operatorCodes, (b, o) => Model.createOperatorCodesVector(b, o));
    const subgraphs = tableVector(builder, model.subgraphs, (b, o) => Model.createSubgraphsVector(b, o));
    const description = model.description === null ? 0 : builder.createString(model.description);
    const bufferOffsets = order.map((old) => packBuffer(builder, buffers[old] ?? new Uint8Array(0)));
    const bufferVector = Model.createBuffersVector(builder, bufferOffsets);
    const metadataBuffer = model.metadataBuffer.length === 0 ? 0 : Model.createMetadataBufferVector(builder, model.metadataBuffer.map(at));
    const metadata = tableVector(builder, model.metadata, (b, o) => Model.createMetadataVector(b, o));
    const signatureDefs = tableVector(builder, model.signatureDefs, (b, o) => Model.createSignatureDefsVector(b, o));
    const externalBufferGroups = tableVector(builder, model.externalBufferGroups, (b, o) => Model.createExternalBufferGroupsVector(b, o));
    const externalBuffers = tableVector(builder, model.externalBuffers, (b, o) => Model.createExternalBuffersVector(b, o));
    const root = Model.createModel(
      builder,
      model.version,
      operatorCodes,
      subgraphs,
      description,
      bufferVector,
      metadataBuffer,
      metadata,
      signatureDefs,
      externalBufferGroups,
      externalBuffers,
    );
    builder.finish(root, TFLITE_IDENTIFIER);
    return builder.asUint8Array();
  } finally {
    for (const undo of restore) undo();
  }
}

interface Packable {
  pack(builder: Builder): number;
}

function tableVector(builder: Builder, items: readonly Packable[], create: (b: Builder, offsets: number[]) => number): number {
  if (items.length === 0) return 0;
  return create(
    builder,
    items.map((item) => item.pack(builder)),
  );
}

function packBuffer(builder: Builder, data: Uint8Array): number {
  let dataOffset = 0;
  if (data.byteLength > 0) {
    // Pad so that the bytes (written back to front, just before their 4-byte length) start on a 16-byte boundary.
    builder.prep(BUFFER_ALIGNMENT_BYTES, data.byteLength);
    dataOffset = builder.createByteVector(data);
  }
  TflBuffer.startBuffer(builder);
  if (dataOffset !== 0) TflBuffer.addData(builder, dataOffset);
  return TflBuffer.endBuffer(builder);
}

/** A deep, independent copy of a graph (written and read back), for transforms that must not touch their input. */
export function copyTflite(graph: TfliteGraph, file: string): TfliteGraph {
  return readTflite(writeTflite(graph), file);
}
