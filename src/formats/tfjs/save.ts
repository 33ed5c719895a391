import type { io } from '@tensorflow/tfjs';
import type { ModelFile, TfjsLoadedModel } from '../../model/types.js';
import { saveServedFiles } from '../save-folder.js';
import type { SaveOptions, SerializedModel, ServedFile } from '../types.js';

export { OUTPUT_MARKER } from '../save-folder.js';

/** Shard size the TF.js converter uses (4 MiB). */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** Keys of ModelArtifacts that become model.json fields under the same name. */
const PASSTHROUGH = ['generatedBy', 'convertedBy', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature', 'trainingConfig'] as const;

/**
 * Serializes artifacts to model.json + `group1-shardNofM.bin` files (converter naming), in memory. The weights go
 * into one group split at `shardBytes`; model.json keeps every field the source had.
 */
export function serializeModel(model: Pick<TfjsLoadedModel, 'artifacts' | 'format'>, options: SaveOptions = {}): SerializedModel {
  const { artifacts } = model;
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isInteger(shardBytes) || shardBytes < 1) throw new RangeError(`shardBytes must be a positive integer, got ${shardBytes}`);
  const data = weightBytes(artifacts.weightData);
  const count = data.byteLength === 0 ? 0 : Math.ceil(data.byteLength / shardBytes);
  const names = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  const json: Record<string, unknown> = {
    format: model.format === 'graph' ? 'graph-model' : 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: options.convertedBy ?? artifacts.convertedBy,
    modelTopology: artifacts.modelTopology,
  };
  for (const key of PASSTHROUGH) {
    if (key === 'generatedBy' || key === 'convertedBy') continue;
    if (artifacts[key] !== undefined) json[key] = artifacts[key];
  }
  json['weightsManifest'] = [{ paths: names, weights: artifacts.weightSpecs ?? [] }];
  const files: ServedFile[] = [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)), role: 'manifest' }];
  names.forEach((name, i) => files.push({ name, bytes: data.subarray(i * shardBytes, Math.min(data.byteLength, (i + 1) * shardBytes)), role: 'weights' }));
  return { files };
}

/**
 * Writes a model to `dir` as model.json + shards: {@link saveServedFiles} of {@link serializeModel}'s files (see
 * there for the guards), model.json last.
 */
export async function saveModel(model: Pick<TfjsLoadedModel, 'artifacts' | 'format'>, dir: string, options: SaveOptions = {}): Promise<ModelFile[]> {
  return saveServedFiles(serializeModel(model, options).files, dir, options);
}

/** The weights of artifacts as one byte view (tfjs allows an ArrayBuffer or a list of them). */
export function weightBytes(weightData: io.ModelArtifacts['weightData']): Uint8Array {
  if (weightData === undefined) return new Uint8Array(0);
  if (!Array.isArray(weightData)) return new Uint8Array(weightData);
  const total = weightData.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of weightData) {
    out.set(new Uint8Array(part), at);
    at += part.byteLength;
  }
  return out;
}
