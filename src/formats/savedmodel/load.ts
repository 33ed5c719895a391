/**
 * Reads a TensorFlow SavedModel folder (`saved_model.pb` + `variables/`) and freezes one of its signatures into a TF.js
 * graph model, without Python or TensorFlow.
 */
import type { io } from '@tensorflow/tfjs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelLoadError, problem } from '../../errors.js';
import { openBundle, type Bundle } from './bundle.js';
import { checkpointKeysOf, freezeSignature, type FreezeOptions } from './freeze.js';
import { optimizeGraph, type OptimizeResult } from '../../compress/optimize-graph.js';
import { decodeSavedModel, decodeTrackableObjectGraph, type MetaGraphDef } from './proto.js';

/** Reads a file of the SavedModel folder by relative path; undefined when it does not exist. */
export type ReadSavedModelFile = (relativePath: string) => Promise<Uint8Array | undefined>;

/** The file system as the reader sees it (tests hand in a map of bytes). */
export function folderReader(dir: string): ReadSavedModelFile {
  return async (relativePath) => {
    try {
      return new Uint8Array(await readFile(join(dir, relativePath)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
}

/** True when `dir` is a folder holding `saved_model.pb`. */
export async function isSavedModelDir(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory() && (await stat(join(dir, 'saved_model.pb'))).isFile();
  } catch {
    return false;
  }
}

export interface ConvertedSavedModel {
  readonly artifacts: io.ModelArtifacts;
  readonly signature: string;
  /** Signatures the SavedModel offers (without the internal `__saved_model_init_op`). */
  readonly signatures: readonly string[];
  readonly notes: readonly string[];
}

const SERVE_TAG = 'serve';
/** Where TensorFlow keeps the TrackableObjectGraph inside the checkpoint. */
const OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';

function chooseMetaGraph(metaGraphs: readonly MetaGraphDef[], what: string): MetaGraphDef {
  const serving = metaGraphs.find((m) => m.metaInfoDef?.tags.includes(SERVE_TAG)) ?? metaGraphs[0];
  if (serving === undefined) throw new ModelLoadError(problem('savedmodel/no-metagraph', { what }));
  return serving;
}

export interface OpenedSavedModel {
  /** The MetaGraph tagged "serve" (or the only one). */
  readonly metaGraph: MetaGraphDef;
  /** The variables, when the SavedModel has a variables/ folder. */
  readonly bundle: Bundle | undefined;
  /** Object-graph node id → checkpoint key of its value. */
  readonly checkpointKeys: ReadonlyMap<number, string>;
}

/** Reads and checks `saved_model.pb` and the variables bundle (`name` is how errors refer to the folder). */
export async function openSavedModel(read: ReadSavedModelFile, name: string): Promise<OpenedSavedModel> {
  const pb = await read('saved_model.pb');
  if (pb === undefined) {
    const text = await read('saved_model.pbtxt');
    throw new ModelLoadError(text === undefined ? problem('savedmodel/no-saved-model-pb', { name }) : problem('savedmodel/pbtxt', { name }));
  }
  const what = `${name}/saved_model.pb`;
  const savedModel = decodeSavedModel(pb, what);
  const metaGraph = chooseMetaGraph(savedModel.metaGraphs, what);
  if (metaGraph.graphDef === undefined) throw new ModelLoadError(problem('savedmodel/no-graph', { what }));
  const index = await read('variables/variables.index');
  let bundle: Bundle | undefined;
  let checkpointKeys = new Map<number, string>();
  if (index !== undefined) {
    bundle = await openBundle((file) => (file === 'variables.index' ? Promise.resolve(index) : read(`variables/${file}`)));
    if (bundle.entry(OBJECT_GRAPH_KEY) !== undefined) {
      const graphBytes = bundle.tensor(OBJECT_GRAPH_KEY).strings?.[0];
      if (graphBytes !== undefined) checkpointKeys = checkpointKeysOf(decodeTrackableObjectGraph(graphBytes, `${name}/variables object graph`).nodes);
    }
  } else if ((await read('variables/variables.data-00000-of-00001')) !== undefined) {
    throw new ModelLoadError(problem('savedmodel/variables-index-absent', { name }));
  }
  return { metaGraph, bundle, checkpointKeys };
}

/** Options of {@link convertSavedModel}. */
export interface ConvertOptions extends FreezeOptions {
  /**
   * Run the graph optimizer (src/compress/optimize-graph.ts) over the frozen graph, as tensorflowjs_converter runs
   * its grappler passes: BatchNorm folded, bias and activation fused, Identity removed. Default true.
   */
  readonly optimize?: boolean;
}

/** The note saying what the optimizer rewrote, per pattern. */
function optimizeNote(result: OptimizeResult): string {
  const counts = Object.entries(result.rewrites).filter(([, n]) => n > 0);
  const what = counts.map(([p, n]) => `${n} ${p}`).join(', ');
  return `graph optimized as the converter does: ${result.nodesBefore} → ${result.nodesAfter} nodes${what === '' ? '' : ` (${what})`}`;
}

/**
 * Converts the SavedModel read through `read` (`name` is how errors refer to it). Throws ModelLoadError for anything
 * that is not a well-formed, supported SavedModel.
 */
export async function convertSavedModel(read: ReadSavedModelFile, name: string, options: ConvertOptions = {}): Promise<ConvertedSavedModel> {
  const { metaGraph, bundle, checkpointKeys } = await openSavedModel(read, name);
  const signature = options.signature ?? 'serving_default';
  const frozen = freezeSignature(metaGraph, bundle, checkpointKeys, { signature });
  const signatures = Object.keys(metaGraph.signatureDef).filter((s) => !s.startsWith('__'));
  const optimized = options.optimize === false ? undefined : optimizeGraph(frozen.artifacts);
  return {
    artifacts: optimized?.artifacts ?? frozen.artifacts,
    signature,
    signatures,
    notes: [
      `SavedModel signature "${signature}": ${frozen.inlinedCalls} function call(s) inlined, ${frozen.frozenVariables} variable(s) frozen into constants` +
        (frozen.libraryFunctions > 0 ? `, ${frozen.libraryFunctions} control-flow function(s) kept for executeAsync` : ''),
      ...(optimized ? [optimizeNote(optimized)] : []),
    ],
  };
}

/** Converts the SavedModel folder `dir`. */
export function convertSavedModelDir(dir: string, options: ConvertOptions = {}): Promise<ConvertedSavedModel> {
  return convertSavedModel(folderReader(dir), dir, options);
}
