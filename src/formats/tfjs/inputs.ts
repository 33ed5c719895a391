import type { TfjsLoadedModel } from '../../model/types.js';
import { layersInputNames } from '../../runtimes/tfjs/network.js';

/**
 * The input names a model's files declare, without running it: a graph's placeholders and signature inputs, a
 * layers model's input layers. Empty when the files do not say (the model then has to run to know).
 */
export function declaredInputNames(model: Pick<TfjsLoadedModel, 'format' | 'artifacts'>): string[] {
  if (model.format === 'layers') return layersInputNames(model.artifacts.modelTopology);
  const topology = model.artifacts.modelTopology as { node?: { name?: string; op?: string }[] } | undefined;
  const placeholders = (topology?.node ?? []).filter((n) => n.op === 'Placeholder' && typeof n.name === 'string').map((n) => n.name ?? '');
  const signature = (model.artifacts.signature as { inputs?: Record<string, { name?: string }> } | undefined)?.inputs ?? {};
  const signed = Object.entries(signature).flatMap(([key, info]) => [key, ...(info.name ? [info.name.replace(/:0$/, '')] : [])]);
  return [...new Set([...placeholders, ...signed])];
}
