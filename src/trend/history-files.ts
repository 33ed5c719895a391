/**
 * Reading history from local files (a checkout of the data branch, or one downloaded `.jsonl`), with the same
 * bound as the git reader: at most `maxBytes` from the end of each file.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelBudgetError, problem } from '../errors.js';
import { parseHistory } from './jsonl.js';
import { DEFAULT_MAX_READ_BYTES } from './store.js';
import type { ModelHistory } from './types.js';

/** Reads one `.jsonl` file, or every `.jsonl` file of a directory (not recursive), sorted by file name. */
export async function readHistoryPath(path: string, maxBytes = DEFAULT_MAX_READ_BYTES): Promise<ModelHistory[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ModelBudgetError(problem('trend/history-missing', { path }), { file: path, cause: error });
  }
  const files = info.isDirectory()
    ? (await readdir(path))
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  const histories: ModelHistory[] = [];
  for (const file of files) {
    const { text, truncated } = await readTail(file, maxBytes);
    const history = parseHistory('', text, truncated);
    histories.push({ ...history, model: history.records.at(-1)?.model ?? basename(file, '.jsonl') });
  }
  return histories;
}

async function readTail(file: string, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return { text: buffer.toString('utf8'), truncated: size > maxBytes };
  } finally {
    await handle.close();
  }
}
