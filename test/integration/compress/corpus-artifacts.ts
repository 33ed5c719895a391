import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { corpusModel } from '../../helpers/corpus.js';

interface ModelJson {
  format?: string;
  modelTopology?: unknown;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
  [key: string]: unknown;
}

/** A corpus model's artifacts, read directly (model.json + shards concatenated in manifest order). */
export function corpusArtifacts(id: string): io.ModelArtifacts {
  const model = corpusModel(id);
  const json = JSON.parse(readFileSync(model.path, 'utf8')) as ModelJson;
  const dir = dirname(model.path);
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const total = shards.reduce((n, b) => n + b.byteLength, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const b of shards) {
    data.set(b, at);
    at += b.byteLength;
  }
  const { weightsManifest, ...rest } = json;
  return {
    ...(rest as io.ModelArtifacts),
    weightSpecs: weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer,
  };
}
