import * as tf from '@tensorflow/tfjs';
import { MeasureError, errorMessage, problem } from '../../errors.js';
import type { InputSpec, OutputValue, RuntimeInfo, TfjsModel } from '../types.js';
import { tfjsBackend } from './backend.js';

/** A loaded tfjs model behind one small interface (graph or layers), on one backend. */
export interface Network {
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly string[];
  /** Runs through `executeAsync` (control flow found on the first run). */
  readonly async: boolean;
  run(inputs: readonly tf.Tensor[]): Promise<OutputValue[]>;
  /** A MeasureError for a failed run that names the failing node (graph) where it can be found. */
  explain(error: unknown, inputs: readonly tf.Tensor[]): Promise<MeasureError>;
  dispose(): void;
}

/** Custom layers load with the model (formats/keras/custom-layers.ts); the executor loads them too for a model.json. */
export { loadCustomLayers } from '../../formats/keras/custom-layers.js';

function toDtype(dtype: string | undefined): InputSpec['dtype'] {
  return dtype === 'int32' || dtype === 'bool' || dtype === 'string' ? dtype : 'float32';
}

function toShape(shape: readonly (number | null)[] | undefined): { shape: (number | null)[]; unknownRank?: true } {
  if (shape === undefined) return { shape: [], unknownRank: true };
  return { shape: shape.map((d) => (d === null || d < 0 ? null : d)) };
}

async function readOutputs(names: readonly string[], result: tf.Tensor | tf.Tensor[]): Promise<OutputValue[]> {
  const tensors = Array.isArray(result) ? result : [result];
  try {
    const values: OutputValue[] = [];
    for (const [i, t] of tensors.entries()) {
      if (t.dtype === 'string') throw new MeasureError(problem('runtime/output-string', { name: names[i] ?? i }));
      const data = await t.data<'float32' | 'int32' | 'bool'>();
      values.push({ name: names[i] ?? String(i), shape: t.shape, data });
    }
    return values;
  } finally {
    // One tensor can be returned for two outputs; dispose each once.
    for (const t of new Set(tensors)) t.dispose();
  }
}

/** Loads the artifacts on `runtime`'s backend (which must be registered and started). */
export async function loadNetwork(model: TfjsModel, runtime: RuntimeInfo): Promise<Network> {
  await tfjsBackend.use(runtime.backend);
  return model.format === 'graph' ? loadGraph(model) : loadLayers(model);
}

async function loadGraph(model: Pick<TfjsModel, 'artifacts' | 'path'>): Promise<Network> {
  let gm: tf.GraphModel;
  try {
    gm = await tf.loadGraphModel(tf.io.fromMemory(model.artifacts));
  } catch (error) {
    throw new MeasureError(problem('runtime/graph-load-failed', { path: model.path, detail: errorMessage(error) }), { cause: error, file: model.path });
  }
  const infos = gm.inputs;
  const inputs: InputSpec[] = gm.inputNodes.map((name, i) => ({
    name,
    dtype: toDtype(infos[i]?.dtype),
    ...toShape(infos[i]?.shape),
  }));
  const outputs = [...gm.outputNodes];
  let async = false;
  const execute = async (feed: readonly tf.Tensor[], wanted: string[]): Promise<tf.Tensor | tf.Tensor[]> => {
    if (async) return gm.executeAsync([...feed], wanted);
    try {
      return gm.execute([...feed], wanted);
    } catch (error) {
      // The converter refuses sync execution of control flow (loops, NMS, Where) and tells us to go async.
      if (!/executeAsync/.test(errorMessage(error))) throw error;
      async = true;
      return gm.executeAsync([...feed], wanted);
    }
  };
  return {
    inputs,
    outputs,
    get async() {
      return async;
    },
    run: async (feed) => readOutputs(outputs, await execute(feed, outputs)),
    explain: async (error, feed) => {
      const node = await findFailingNode(model.artifacts.modelTopology, (wanted) => execute(feed, wanted));
      const where = node ? ` at node "${node.name}" (op ${node.op})` : '';
      return new MeasureError(problem('runtime/inference-failed', { model: model.path, at: where, detail: errorMessage(error) }), {
        cause: error,
        file: model.path,
      });
    },
    dispose: () => gm.dispose(),
  };
}

interface GraphNode {
  readonly name: string;
  readonly op: string;
}

/**
 * Bisects the node list for the first prefix whose execution fails: executing nodes[0..k] only grows with k, so the
 * failing node is found in log2(n) runs. Node lists from the converter are in topological order, so that node is the
 * culprit itself. Returns undefined when the search cannot tell (every prefix runs).
 */
async function findFailingNode(topology: unknown, execute: (wanted: string[]) => Promise<tf.Tensor | tf.Tensor[]>): Promise<GraphNode | undefined> {
  const all = (topology as { node?: GraphNode[] } | undefined)?.node ?? [];
  const nodes = all.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && n.op !== 'NoOp');
  const fails = async (k: number): Promise<boolean> => {
    try {
      const out = await execute(nodes.slice(0, k + 1).map((n) => n.name));
      for (const t of new Set(Array.isArray(out) ? out : [out])) t.dispose();
      return false;
    } catch {
      return true;
    }
  };
  if (nodes.length === 0 || !(await fails(nodes.length - 1))) return undefined;
  let lo = 0;
  let hi = nodes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return nodes[lo];
}

/**
 * `tf.loadLayersModel` on in-memory artifacts, releasing what a failed load made. tfjs-layers creates the model's
 * variables and decodes the weights before it finds that they do not fit (short data, a missing or misshapen
 * weight), then throws without disposing either. The load runs in an engine scope, which releases the decoded
 * tensors (a variable is never tracked by a scope, so a loaded model keeps its own); the variables registered since
 * the load began are disposed on failure. The check loads and runs models one at a time, so no other tfjs work
 * allocates inside the scope.
 */
export async function loadLayersModelReleasing(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  const engine = tf.engine();
  const variables = new Set(Object.keys(engine.registeredVariables));
  let scoped = false;
  const handler: tf.io.IOHandler = {
    load: () => {
      engine.startScope('model-budget: load a layers model');
      scoped = true;
      return Promise.resolve(artifacts);
    },
  };
  try {
    return await tf.loadLayersModel(handler);
  } catch (error) {
    for (const [name, variable] of Object.entries(engine.registeredVariables)) if (!variables.has(name)) variable.dispose();
    throw error;
  } finally {
    if (scoped) engine.endScope();
  }
}

async function loadLayers(model: Pick<TfjsModel, 'artifacts' | 'path'>): Promise<Network> {
  let lm: tf.LayersModel;
  try {
    lm = await loadLayersModelReleasing(model.artifacts);
  } catch (error) {
    const unknown = /Unknown (?:layer|regularizer|initializer|constraint|activation|loss|metric): (\w+)/.exec(errorMessage(error));
    if (unknown) {
      throw new MeasureError(problem('runtime/unknown-layer-class', { path: model.path, className: unknown[1] ?? '' }), { cause: error, file: model.path });
    }
    throw new MeasureError(problem('runtime/layers-load-failed', { path: model.path, detail: errorMessage(error) }), { cause: error, file: model.path });
  }
  const configured = layersInputNames(model.artifacts.modelTopology);
  const inputs: InputSpec[] = lm.inputs.map((input, i) => ({
    // Names from the file: tfjs renames layers it has seen before in this process (`x_input` → `x_input1`).
    name: (configured.length === lm.inputs.length ? configured[i] : undefined) ?? lm.inputNames[i] ?? input.name,
    dtype: toDtype(input.dtype),
    ...toShape(input.shape),
  }));
  // A loaded Sequential leaves outputNames empty; its symbolic outputs carry the names.
  const outputs = lm.outputs.map((o, i) => lm.outputNames[i] ?? o.name);
  return {
    inputs,
    outputs,
    async: false,
    run: async (feed) => readOutputs(outputs, lm.predict(feed.length === 1 && feed[0] ? feed[0] : [...feed])),
    explain: (error) =>
      Promise.resolve(
        new MeasureError(problem('runtime/inference-failed', { model: model.path, at: '', detail: errorMessage(error) }), { cause: error, file: model.path }),
      ),
    dispose: () => lm.dispose(),
  };
}

interface LayerConfigJson {
  readonly class_name?: string;
  readonly name?: string;
  readonly config?: { readonly name?: string };
}

/** Input names as the model.json spells them: a functional model's `input_layers`, a Sequential's `<first layer>_input`. */
export function layersInputNames(topology: unknown): string[] {
  const root = topology as { model_config?: unknown } | undefined;
  const model = (root?.model_config ?? root) as
    { class_name?: string; config?: { input_layers?: unknown[][]; layers?: LayerConfigJson[] } | LayerConfigJson[] } | undefined;
  const config = model?.config;
  if (config === undefined) return [];
  const layers = Array.isArray(config) ? config : config.layers;
  if (model?.class_name === 'Sequential') {
    const first = layers?.[0];
    const name = first?.config?.name ?? first?.name;
    if (name === undefined) return [];
    return [first?.class_name === 'InputLayer' ? name : `${name}_input`];
  }
  const inputLayers = Array.isArray(config) ? undefined : config.input_layers;
  return (inputLayers ?? []).map((entry) => String(entry[0]));
}
