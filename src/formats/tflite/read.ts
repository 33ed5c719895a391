import { ByteBuffer } from 'flatbuffers';
import { ModelLoadError, problem } from '../../errors.js';
import { BufferT, Model, ModelT } from './generated/schema_generated.js';
import type { TfliteGraph } from './graph.js';
import { TFLITE_IDENTIFIER } from './identifier.js';
import { validateGraph } from './validate.js';

export type { TfliteGraph } from './graph.js';

export { TFLITE_IDENTIFIER } from './identifier.js';

/**
 * A ByteBuffer whose every read is bounds-checked. The generated accessors trust the offsets they find; on a damaged
 * file they would read `undefined` as 0 or build a list as long as a garbage length says. Reading the whole tree
 * through this class is the verifier: any offset, table or vector outside the file throws before anything is built
 * from it.
 */
class CheckedByteBuffer extends ByteBuffer {
  private check(offset: number, bytes: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + bytes > this.capacity()) {
      throw new RangeError(`offset ${offset} (+${bytes} bytes) is outside the ${this.capacity()}-byte file`);
    }
  }
  override readInt8(o: number): number {
    this.check(o, 1);
    return super.readInt8(o);
  }
  override readUint8(o: number): number {
    this.check(o, 1);
    return super.readUint8(o);
  }
  override readInt16(o: number): number {
    this.check(o, 2);
    return super.readInt16(o);
  }
  override readUint16(o: number): number {
    this.check(o, 2);
    return super.readUint16(o);
  }
  override readInt32(o: number): number {
    this.check(o, 4);
    return super.readInt32(o);
  }
  override readUint32(o: number): number {
    this.check(o, 4);
    return super.readUint32(o);
  }
  override readInt64(o: number): bigint {
    this.check(o, 8);
    return super.readInt64(o);
  }
  override readUint64(o: number): bigint {
    this.check(o, 8);
    return super.readUint64(o);
  }
  override readFloat32(o: number): number {
    this.check(o, 4);
    return super.readFloat32(o);
  }
  override readFloat64(o: number): number {
    this.check(o, 8);
    return super.readFloat64(o);
  }
  /** A vector's elements are at least one byte each: a length that would run past the file is a damaged file. */
  override __vector_len(o: number): number {
    const length = super.__vector_len(o);
    const start = this.__vector(o);
    if (length < 0 || start + length > this.capacity()) {
      throw new RangeError(`a vector of ${length} elements at offset ${start} runs past the ${this.capacity()}-byte file`);
    }
    return length;
  }
}

/**
 * Parses and validates a .tflite file. Nothing is allocated from the file's numbers before they are checked: the
 * identifier, every flatbuffer offset (through a bounds-checked reader), buffer ranges, then the graph
 * ({@link validateGraph}: indices, shapes × dtype = buffer bytes, absurd shapes). `file` names the model in errors.
 * @throws ModelLoadError naming `file` and what is wrong.
 */
export function readTflite(bytes: Uint8Array, file: string): TfliteGraph {
  const fail = (message: string, cause?: unknown): never => {
    throw new ModelLoadError(problem('tflite/invalid', { file, detail: message }), { file, ...(cause === undefined ? {} : { cause }) });
  };
  if (bytes.byteLength < 8) fail(`${bytes.byteLength} bytes is too short for a .tflite file (a flatbuffer needs at least 8)`);
  const bb = new CheckedByteBuffer(bytes);
  const identifier = String.fromCharCode(...bytes.subarray(4, 8));
  if (identifier !== TFLITE_IDENTIFIER) {
    fail(`not a .tflite model: bytes 4-8 are ${JSON.stringify(identifier)}, a TFLite flatbuffer has "${TFLITE_IDENTIFIER}"`);
  }

  let model: ModelT;
  let buffers: Uint8Array[];
  try {
    const root = Model.getRootAsModel(bb);
    const count = root.buffersLength();
    buffers = [];
    const bufferTs: BufferT[] = [];
    for (let i = 0; i < count; i++) {
      const buffer = root.buffers(i);
      if (!buffer) return fail(`buffer ${i} is missing`);
      const offset = buffer.offset();
      const size = buffer.size();
      let data = buffer.dataArray() ?? new Uint8Array(0);
      if (data.byteLength > 0 && data.byteOffset - bytes.byteOffset + data.byteLength > bytes.byteLength) {
        return fail(`buffer ${i} (${data.byteLength} bytes) runs past the end of the file`);
      }
      // Models over 2 GB keep their buffers after the flatbuffer: offset/size from the start of the file.
      if (offset > 1n) {
        if (offset + size > BigInt(bytes.byteLength)) {
          return fail(`buffer ${i} is at bytes ${offset}..${offset + size}, outside the ${bytes.byteLength}-byte file`);
        }
        data = bytes.subarray(Number(offset), Number(offset + size));
      }
      buffers.push(data);
      bufferTs.push(new BufferT([], 0n, 0n));
    }
    model = new ModelT(
      root.version(),
      bb.createObjList(root.operatorCodes.bind(root), root.operatorCodesLength()),
      bb.createObjList(root.subgraphs.bind(root), root.subgraphsLength()),
      root.description(),
      bufferTs,
      bb.createScalarList<number>(root.metadataBuffer.bind(root), root.metadataBufferLength()),
      bb.createObjList(root.metadata.bind(root), root.metadataLength()),
      bb.createObjList(root.signatureDefs.bind(root), root.signatureDefsLength()),
      bb.createObjList(root.externalBufferGroups.bind(root), root.externalBufferGroupsLength()),
      bb.createObjList(root.externalBuffers.bind(root), root.externalBuffersLength()),
    );
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    return fail(`not a valid TFLite flatbuffer: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const graph = { model, buffers };
  const invalid = validateGraph(graph);
  if (invalid) fail(invalid);
  return graph;
}
