/**
 * TFLite (LiteRT) models: one `.tflite` flatbuffer, which is at once what is committed, what is downloaded and what
 * LiteRT runs. Loading validates the whole file before anything is built from it (src/formats/tflite/read.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ModelLoadError, problem } from '../../errors.js';
import { DEFAULT_MAX_MODEL_BYTES } from '../../limits.js';
import { parseLfsPointer } from '../../model/lfs.js';
import { lfsPointerError } from '../../model/lfs-pointer.js';
import { readRegularFile } from '../../model/read-file.js';
import type { TfliteLoadedModel } from '../../model/types.js';
import type { FlopsReport } from '../cost.js';
import { saveServedFiles } from '../save-folder.js';
import { defineFormat, isTfliteModel, type ModelFormat, type StoredWeight } from '../types.js';
import { costTflite } from './cost.js';
import { BuiltinOperator, TensorType } from './generated/schema_generated.js';
import { builtinOf } from './graph.js';
import { hasTfliteIdentifier } from './identifier.js';
import { readTflite, type TfliteGraph } from './read.js';
import { selectTfliteEntry } from './select.js';

/** Parsed graphs by the bytes they were read from: a model's weights, inputs and cost read one parse. */
const graphs = new WeakMap<Uint8Array, TfliteGraph>();

/** Git LFS pointer files are under 1 KiB. */
const MAX_POINTER_BYTES = 1024;

/**
 * Loads and validates a `.tflite` file: regular file within `limits.model-size`, not a Git LFS pointer, a valid
 * flatbuffer (see `readTflite`), and the signature asked for present. The entry point is said in a note when the
 * model had several to choose from.
 */
export async function loadTfliteModel(path: string, options: { readonly maxBytes?: number; readonly signature?: string } = {}): Promise<TfliteLoadedModel> {
  const bytes = await readRegularFile(
    path,
    options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES,
    (reason, cause) => new ModelLoadError(problem('tflite/unreadable', { file: path, reason }), { file: path, ...(cause === undefined ? {} : { cause }) }),
  );
  const pointer = lfsPointerError(bytes, path);
  if (pointer) throw pointer;
  const graph = readTflite(bytes, path);
  graphs.set(bytes, graph);
  const entry = selectTfliteEntry(graph, path, options.signature);
  const choices = graph.model.signatureDefs.length > 1 || graph.model.subgraphs.length > 1 || options.signature !== undefined;
  return {
    format: 'tflite',
    sourceKind: 'tflite',
    bytes,
    path,
    files: [{ path, bytes: bytes.byteLength, role: 'archive' }],
    ...(entry.signature === undefined ? {} : { signature: entry.signature }),
    ...(choices ? { notes: [`TFLite entry point: ${entry.note}`] } : {}),
  };
}

/**
 * The graph of a loaded model, parsed once per bytes object (the bytes were validated on load; the graph's buffers
 * are views into them). Callers must not mutate the graph: compressors copy what they change.
 */
export function graphOf(model: Pick<TfliteLoadedModel, 'bytes' | 'path'>): TfliteGraph {
  const known = graphs.get(model.bytes);
  if (known) return known;
  const graph = readTflite(model.bytes, model.path);
  graphs.set(model.bytes, graph);
  return graph;
}

/** Lower-case name of a tensor type (`float32`, `int8`, …), as weight tables show dtypes. */
export function tensorTypeName(type: TensorType): string {
  return (TensorType[type] ?? `type ${type}`).toLowerCase();
}

/**
 * The constant tensors of every subgraph, each buffer once: name, shape, storage type and bytes. A constant read
 * through a DEQUANTIZE goes by the name of the float tensor it becomes, the weight's name in the graph: so a weight
 * stored as float16 in one file and as float32 in the other is one weight whose dtype changed, not two.
 */
export function tfliteWeights(graph: TfliteGraph): StoredWeight[] {
  const seen = new Set<number>();
  const weights: StoredWeight[] = [];
  for (const sg of graph.model.subgraphs) {
    const dequantized = new Map<number, string>();
    for (const op of sg.operators) {
      const code = graph.model.operatorCodes[op.opcodeIndex];
      const [input] = op.inputs;
      const output = sg.tensors[op.outputs[0] ?? -1];
      if (code && builtinOf(code) === BuiltinOperator.DEQUANTIZE && input !== undefined && output?.name) dequantized.set(input, String(output.name));
    }
    for (const [index, t] of sg.tensors.entries()) {
      const bytes = graph.buffers[t.buffer]?.byteLength ?? 0;
      if (bytes === 0 || seen.has(t.buffer)) continue;
      seen.add(t.buffer);
      const name = dequantized.get(index) ?? String(t.name ?? `buffer ${t.buffer}`);
      weights.push({ name, shape: [...t.shape], dtype: tensorTypeName(t.type), bytes });
    }
  }
  return weights;
}

/** Input names of the entry subgraph's tensors and of every signature's inputs. */
export function tfliteInputNames(graph: TfliteGraph): string[] {
  const names = new Set<string>();
  for (const sig of graph.model.signatureDefs) for (const input of sig.inputs) if (input.name) names.add(String(input.name));
  const sg = graph.model.subgraphs[graph.model.signatureDefs[0]?.subgraphIndex ?? 0];
  for (const i of sg?.inputs ?? []) {
    const name = sg?.tensors[i]?.name;
    if (name) names.add(String(name));
  }
  return [...names];
}

/** FLOPs, MACs and parameters from the graph's static shapes (no run needed). */
export function tfliteFlops(graph: TfliteGraph, subgraph: number): FlopsReport {
  const cost = costTflite(graph, subgraph);
  const sg = graph.model.subgraphs[subgraph];
  const inputShapes = Object.fromEntries((sg?.inputs ?? []).map((i) => [String(sg?.tensors[i]?.name ?? `input ${i}`), [...(sg?.tensors[i]?.shape ?? [])]]));
  return {
    flops: cost.flops,
    macs: cost.macs,
    params: cost.parameters,
    ops: cost.operators.map((o) => {
      const op = sg?.operators[o.index];
      const out = op?.outputs[0];
      return {
        name: `${o.op} #${o.index}`,
        op: o.op,
        outputShape: [...(out === undefined || out < 0 ? [] : (sg?.tensors[out]?.shape ?? []))],
        macs: o.macs,
        flops: o.flops,
        params: 0,
        counted: true,
      };
    }),
    uncounted: {},
    inputShapes,
  };
}

export const tfliteFormat: ModelFormat = defineFormat<TfliteLoadedModel>(isTfliteModel, {
  name: 'tflite',
  sourceKinds: ['tflite'],
  hasSignatures: true,
  // The identifier, or the extension: a damaged `.tflite` file is told what is wrong with it by this loader.
  detect: ({ path, head, entries }) => entries === undefined && (hasTfliteIdentifier(head) || path.toLowerCase().endsWith('.tflite')),
  load: loadTfliteModel,
  files: (model) => model.files,
  companions: () => [],
  lfsSize: async (path) => {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.size > MAX_POINTER_BYTES) return undefined;
    return parseLfsPointer(await readFile(path))?.size;
  },
  // The file is the download, compressed or not.
  served: (model) => Promise.resolve([{ bytes: model.bytes, role: 'archive' }]),
  serialize: (model) => ({ files: [{ name: basename(model.path), bytes: model.bytes, role: 'archive' }] }),
  save: (model, dir, options) => saveServedFiles([{ name: basename(model.path), bytes: model.bytes, role: 'archive' }], dir, options),
  cost: (model) => {
    const graph = graphOf(model);
    return Promise.resolve(tfliteFlops(graph, selectTfliteEntry(graph, model.path, model.signature).subgraph));
  },
  inputNames: (model) => tfliteInputNames(graphOf(model)),
  weights: (model) => tfliteWeights(graphOf(model)),
  compressions: ['quantize', 'auto'],
});
