/**
 * Decoding of TensorFlow's protocol buffers (SavedModel, TensorBundle entries, TrackableObjectGraph) with protobufjs
 * from the descriptor generated out of TensorFlow's own .proto files (see proto/SOURCES.md).
 */
import protobuf from 'protobufjs/light.js';
import { ModelLoadError, problem } from '../../errors.js';
import { DESCRIPTOR } from './proto/descriptor.generated.js';

const root = protobuf.Root.fromJSON(DESCRIPTOR);

/** int64 fields arrive as decimal strings (exact), bytes as Uint8Array, enums as their names. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, arrays: true, objects: true };

export type Int64 = string;

export interface TensorShapeProto {
  readonly dim: readonly { readonly size?: Int64; readonly name?: string }[];
  readonly unknownRank?: boolean;
}

export interface TensorProto {
  readonly dtype?: string;
  readonly tensorShape?: TensorShapeProto;
  readonly tensorContent?: Uint8Array;
  readonly floatVal: readonly number[];
  readonly doubleVal: readonly number[];
  readonly intVal: readonly number[];
  readonly int64Val: readonly Int64[];
  readonly boolVal: readonly boolean[];
  readonly halfVal: readonly number[];
  readonly stringVal: readonly Uint8Array[];
}

export interface AttrValue {
  readonly s?: Uint8Array;
  readonly i?: Int64;
  readonly f?: number;
  readonly b?: boolean;
  readonly type?: string;
  readonly shape?: TensorShapeProto;
  readonly tensor?: TensorProto;
  readonly list?: Record<string, unknown>;
  readonly func?: { readonly name?: string; readonly attr: Record<string, AttrValue> };
  readonly placeholder?: string;
}

export interface NodeDef {
  readonly name: string;
  readonly op: string;
  readonly input: readonly string[];
  readonly device?: string;
  readonly attr: Record<string, AttrValue>;
}

export interface ArgDef {
  readonly name: string;
  readonly type?: string;
  readonly typeAttr?: string;
  readonly numberAttr?: string;
  readonly typeListAttr?: string;
}

export interface OpDef {
  readonly name: string;
  readonly inputArg: readonly ArgDef[];
  readonly outputArg: readonly ArgDef[];
}

export interface FunctionDef {
  readonly signature?: OpDef;
  readonly nodeDef: readonly NodeDef[];
  readonly ret: Record<string, string>;
}

export interface TensorInfo {
  readonly name?: string;
  readonly dtype?: string;
  readonly tensorShape?: TensorShapeProto;
}

export interface SignatureDef {
  readonly inputs: Record<string, TensorInfo>;
  readonly outputs: Record<string, TensorInfo>;
  readonly methodName?: string;
}

export interface SavedObject {
  readonly children: readonly { readonly nodeId?: number; readonly localName?: string }[];
  readonly variable?: { readonly dtype?: string; readonly shape?: TensorShapeProto; readonly name?: string };
  readonly userObject?: { readonly identifier?: string; readonly metadata?: string };
}

export interface SavedObjectGraph {
  readonly nodes: readonly SavedObject[];
  readonly concreteFunctions: Record<string, { readonly boundInputs: readonly number[] }>;
}

export interface MetaGraphDef {
  readonly metaInfoDef?: { readonly tags: readonly string[]; readonly tensorflowVersion?: string; readonly strippedOpList?: { readonly op: readonly OpDef[] } };
  readonly graphDef?: { readonly node: readonly NodeDef[]; readonly library?: { readonly function: readonly FunctionDef[] } };
  readonly signatureDef: Record<string, SignatureDef>;
  readonly objectGraphDef?: SavedObjectGraph;
}

export interface SavedModelProto {
  readonly savedModelSchemaVersion?: Int64;
  readonly metaGraphs: readonly MetaGraphDef[];
}

export interface BundleEntryProto {
  readonly dtype?: string;
  readonly shape?: TensorShapeProto;
  readonly shardId?: number;
  readonly offset?: Int64;
  readonly size?: Int64;
  readonly crc32c?: number;
  readonly slices: readonly unknown[];
}

export interface BundleHeaderProto {
  readonly numShards?: number;
  readonly endianness?: string;
}

export interface TrackableObjectGraph {
  readonly nodes: readonly {
    readonly attributes: readonly { readonly name?: string; readonly fullName?: string; readonly checkpointKey?: string }[];
  }[];
}

function decode<T>(type: string, bytes: Uint8Array, what: string): T {
  try {
    const message = root.lookupType(`tensorboard.${type}`);
    return message.toObject(message.decode(bytes), TO_OBJECT) as T;
  } catch (error) {
    throw new ModelLoadError(problem('savedmodel/proto-invalid', { what, type, detail: (error as Error).message }), { cause: error });
  }
}

/** Decodes `saved_model.pb`; `what` names the file in errors. */
export const decodeSavedModel = (bytes: Uint8Array, what: string): SavedModelProto => decode('SavedModel', bytes, what);
export const decodeBundleEntry = (bytes: Uint8Array, what: string): BundleEntryProto => decode('BundleEntryProto', bytes, what);
export const decodeBundleHeader = (bytes: Uint8Array, what: string): BundleHeaderProto => decode('BundleHeaderProto', bytes, what);
export const decodeTrackableObjectGraph = (bytes: Uint8Array, what: string): TrackableObjectGraph => decode('TrackableObjectGraph', bytes, what);
