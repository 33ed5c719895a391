import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseLfsPointer } from '../../model/lfs.js';
import { checkShardPath, groupPathsOf, weightGroupsOf } from './manifest.js';
import { readRegularFile } from '../../model/read-file.js';

/** model.json files larger than this are not read for their pointers. */
const MAX_MODEL_JSON_BYTES = 256 * 1024 * 1024;
const refuse = (reason: string): Error => new Error(reason);

/**
 * Size on disk of a TF.js model whose shards are (partly) Git LFS pointers, as the pointers say the real files are.
 * `undefined` when no file is a pointer, or when model.json itself is one (its shards cannot be known then).
 */
export async function lfsModelSize(modelPath: string): Promise<number | undefined> {
  const text = await readRegularFile(modelPath, MAX_MODEL_JSON_BYTES, refuse);
  const groups = weightGroupsOf(text);
  if (groups === undefined) return undefined;
  let total = text.byteLength;
  let pointers = 0;
  for (const group of groups) {
    // A group that is not an object cannot be read: the size is unknown (the loader says why).
    if (group === null || group === undefined) return undefined;
    for (const path of groupPathsOf(group)) {
      if (typeof path !== 'string') return undefined;
      checkShardPath(path, (message) => {
        throw new Error(message);
      });
      const file = join(dirname(modelPath), path);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      const pointer = info.size <= 1024 ? parseLfsPointer(Buffer.from(await readRegularFile(file, 1024, refuse))) : undefined;
      if (pointer) pointers++;
      total += pointer ? pointer.size : info.size;
    }
  }
  return pointers > 0 ? total : undefined;
}
