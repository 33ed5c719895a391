/**
 * The layer list of a layers-model topology (Keras 2 JSON as TF.js and the converter write it), read as a simple
 * graph: who feeds whom. Sequential models are a chain; functional models name their inputs in `inbound_nodes`.
 */
import type { io } from '@tensorflow/tfjs';
import { CompressError, problem } from '../errors.js';

/** One layer of the topology JSON. */
export interface LayerJson {
  readonly class_name: string;
  readonly config: Record<string, unknown>;
  readonly name?: string;
  readonly inbound_nodes?: unknown;
  readonly [key: string]: unknown;
}

/** A layers-model topology taken apart. Values are deep copies: edit freely, then {@link LayersGraph.toTopology}. */
export interface LayersGraph {
  readonly sequential: boolean;
  readonly layers: LayerJson[];
  /** The topology with `layers` put back (a new object; the input artifacts are untouched). */
  toTopology(layers: readonly LayerJson[]): Topology;
}

/** A layers-model topology object (never undefined, never an ArrayBuffer). */
export type Topology = NonNullable<Exclude<io.ModelArtifacts['modelTopology'], ArrayBuffer>>;

interface ModelConfig {
  class_name: string;
  config: Record<string, unknown> | LayerJson[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof ArrayBuffer);
}

/** The layer's name (`config.name`, or the top-level `name` functional models also carry). */
export function layerName(layer: LayerJson): string {
  const n = layer.config['name'] ?? layer.name;
  return typeof n === 'string' ? n : '';
}

/**
 * Parses `artifacts.modelTopology` of a layers model.
 * @throws CompressError when it is not a Keras-2-style Sequential/Model/Functional topology.
 */
export function readLayersGraph(artifacts: io.ModelArtifacts, technique: string): LayersGraph {
  if (artifacts.format === 'graph-model' || !isRecord(artifacts.modelTopology)) {
    throw new CompressError(problem('compress/layers-only', { technique }));
  }
  const topology = structuredClone(artifacts.modelTopology);
  const nested = isRecord(topology['model_config']);
  const model = (nested ? topology['model_config'] : topology) as ModelConfig;
  const sequential = model.class_name === 'Sequential';
  if (!sequential && model.class_name !== 'Model' && model.class_name !== 'Functional') {
    throw new CompressError(problem('compress/topology-class', { technique, className: String(model.class_name) }));
  }
  const list = Array.isArray(model.config) ? model.config : model.config['layers'];
  if (!Array.isArray(list)) throw new CompressError(problem('compress/topology-no-layers', { technique }));
  const layers = list as LayerJson[];
  return {
    sequential,
    layers,
    toTopology(next) {
      const copy = structuredClone(topology);
      const target = (nested ? copy['model_config'] : copy) as ModelConfig;
      if (Array.isArray(target.config)) target.config = [...next];
      else target.config['layers'] = [...next];
      return copy;
    },
  };
}

/** Names of the layers feeding `layer` (functional models; Keras 2 `[[name, node, tensor, kwargs], …]`). */
export function inboundNames(layer: LayerJson, technique: string): string[] {
  const nodes = layer.inbound_nodes;
  if (nodes === undefined) return [];
  if (!Array.isArray(nodes)) throw new CompressError(problem('compress/topology-inbound-unreadable', { technique, layer: layerName(layer) }));
  if (nodes.length > 1) {
    throw new CompressError(problem('compress/topology-shared-layer', { technique, layer: layerName(layer), calls: nodes.length }));
  }
  const node: unknown = nodes[0] ?? [];
  if (!Array.isArray(node)) throw new CompressError(problem('compress/topology-inbound-format', { technique, layer: layerName(layer) }));
  return node.map((entry: unknown) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
      throw new CompressError(problem('compress/topology-inbound-format', { technique, layer: layerName(layer) }));
    }
    return entry[0];
  });
}

/** For every layer name, the names of the layers it feeds. Sequential: the next layer. */
export function consumersOf(graph: LayersGraph, technique: string): Map<string, string[]> {
  const out = new Map<string, string[]>(graph.layers.map((l) => [layerName(l), []]));
  graph.layers.forEach((layer, i) => {
    const sources = graph.sequential ? (i > 0 ? [layerName(graph.layers[i - 1] as LayerJson)] : []) : inboundNames(layer, technique);
    for (const s of sources) out.get(s)?.push(layerName(layer));
  });
  return out;
}

/** Rewrites every inbound reference to `from` into `to` (functional models; a no-op for Sequential). */
export function rewire(layers: readonly LayerJson[], from: string, to: string): LayerJson[] {
  const swap = (entry: unknown): unknown => (Array.isArray(entry) && entry[0] === from ? [to, ...(entry as unknown[]).slice(1)] : entry);
  return layers.map((l) =>
    Array.isArray(l.inbound_nodes) ? { ...l, inbound_nodes: l.inbound_nodes.map((node: unknown) => (Array.isArray(node) ? node.map(swap) : node)) } : l,
  );
}

/** Rewrites `output_layers` references to `from` into `to` in a topology. */
export function rewireOutputs(topology: Topology, from: string, to: string): void {
  if (!isRecord(topology)) return;
  const model = (isRecord(topology['model_config']) ? topology['model_config'] : topology) as unknown as ModelConfig;
  if (Array.isArray(model.config)) return;
  const outputs = model.config['output_layers'];
  if (!Array.isArray(outputs)) return;
  model.config['output_layers'] = outputs.map((o: unknown) => (Array.isArray(o) && o[0] === from ? [to, ...(o as unknown[]).slice(1)] : o));
}

/** Names of the layers whose outputs are the model's outputs (functional models; empty for Sequential). */
export function outputLayerNames(topology: Topology): string[] {
  if (!isRecord(topology)) return [];
  const model = (isRecord(topology['model_config']) ? topology['model_config'] : topology) as unknown as ModelConfig;
  if (Array.isArray(model.config)) return [];
  const outputs = model.config['output_layers'];
  if (!Array.isArray(outputs)) return [];
  return outputs.flatMap((o: unknown) => (Array.isArray(o) && typeof o[0] === 'string' ? [o[0]] : []));
}
