import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { TfjsLoadedModel } from '../../model/types.js';
import { COMPRESSIONS, defineTfjsFormat, type ModelFormat, type ServedFile } from '../types.js';
import { countTfjsFlops } from './cost.js';
import { lfsModelSize } from './lfs-size.js';
import { loadTfjsModel } from './load.js';
import { groupPathsOf, weightGroupsOf } from './manifest.js';
import { saveModel, serializeModel } from './save.js';

/**
 * TF.js layers and graph models: a model.json (topology + weights manifest) and the weight shards it lists. It is
 * the registry's last format and claims any file (never a folder) the others do not, so that its loader explains what is wrong
 * with a file that is no model at all ("not valid JSON", "a Git LFS pointer", …).
 */
export const tfjsFormat: ModelFormat = defineTfjsFormat({
  name: 'tfjs',
  sourceKinds: ['tfjs'],
  // Every file, never a folder.
  detect: ({ entries }) => entries === undefined,
  load: (path, options) => loadTfjsModel(path, options.maxBytes),
  files: (model) => model.files,
  companions: shardPathsOf,
  lfsSize: lfsModelSize,
  served: servedFromDisk,
  serialize: serializeModel,
  save: saveModel,
  cost: countTfjsFlops,
  compressions: COMPRESSIONS,
});

/** Shard paths a model.json lists, as repository paths; unsafe entries are skipped (the loader reports them). */
export function shardPathsOf(modelJson: Uint8Array, modelRepoPath: string): string[] {
  const dir = posix.dirname(modelRepoPath);
  const out = new Set<string>();
  for (const group of weightGroupsOf(modelJson) ?? []) {
    for (const p of groupPathsOf(group)) {
      if (typeof p !== 'string' || p === '' || posix.isAbsolute(p) || p.includes('\\')) continue;
      const joined = posix.normalize(posix.join(dir, p));
      if (joined.startsWith(`${dir === '.' ? '' : `${dir}/`}`) && !joined.startsWith('../')) out.add(joined);
    }
  }
  return [...out];
}

/**
 * What a browser downloads of a model served as TF.js files: the files on disk for an `unchanged` model, else the
 * converter-style serialization of the model in memory. (A SavedModel's files on disk are what its repository ships.)
 */
export async function servedFromDisk(model: TfjsLoadedModel, unchanged: boolean): Promise<readonly Pick<ServedFile, 'bytes' | 'role'>[]> {
  if (!unchanged) return serializeModel(model).files;
  const files = [];
  for (const file of model.files) files.push({ bytes: await readFile(file.path), role: file.role });
  return files;
}
