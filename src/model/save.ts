import type { io } from '@tensorflow/tfjs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedModel, ModelFile } from './types.js';

/** Shard size the TF.js converter uses (4 MiB). */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

const SHARD_NAME = /^group\d+-shard\d+of\d+\.bin$/;

/** A model serialized exactly as it would be written: model.json first, then the shards. */
export interface SerializedModel {
  readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

export interface SaveOptions {
  /** Bytes per shard file; default 4 MiB like the converter. */
  readonly shardBytes?: number;
  /** Written as `convertedBy` in model.json. */
  readonly convertedBy?: string;
}

/** Keys of ModelArtifacts that become model.json fields under the same name. */
const PASSTHROUGH = ['generatedBy', 'convertedBy', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature', 'trainingConfig'] as const;

/**
 * Serializes artifacts to model.json + `group1-shardNofM.bin` files (converter naming), in memory. The weights go
 * into one group split at `shardBytes`; model.json keeps every field the source had.
 */
export function serializeModel(model: Pick<LoadedModel, 'artifacts' | 'format'>, options: SaveOptions = {}): SerializedModel {
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
  const files: { name: string; bytes: Uint8Array }[] = [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) }];
  names.forEach((name, i) => files.push({ name, bytes: data.subarray(i * shardBytes, Math.min(data.byteLength, (i + 1) * shardBytes)) }));
  return { files };
}

/**
 * Writes a model to `dir` (created if needed) as model.json + shards. Shards of an earlier save that the new
 * model does not use are removed; model.json is written last, through a temporary name, so a reader never sees a
 * model.json whose shards are not all there.
 */
export async function saveModel(model: Pick<LoadedModel, 'artifacts' | 'format'>, dir: string, options: SaveOptions = {}): Promise<ModelFile[]> {
  const { files } = serializeModel(model, options);
  await mkdir(dir, { recursive: true });
  const keep = new Set(files.map((f) => f.name));
  for (const entry of await readdir(dir)) {
    if (SHARD_NAME.test(entry) && !keep.has(entry)) await rm(join(dir, entry));
  }
  const [json, ...shards] = files;
  const written: ModelFile[] = [];
  for (const shard of shards) {
    await writeFile(join(dir, shard.name), shard.bytes);
    written.push({ path: join(dir, shard.name), bytes: shard.bytes.byteLength });
  }
  if (json) {
    const target = join(dir, json.name);
    await writeFile(`${target}.tmp`, json.bytes);
    await rename(`${target}.tmp`, target);
    written.unshift({ path: target, bytes: json.bytes.byteLength });
  }
  return written;
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
