import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The served encodings a size can be measured in. */
export type Encoding = 'gzip' | 'brotli';

/** One buffer to compress; the answer is its compressed length in bytes. */
export interface CompressJob {
  readonly bytes: Uint8Array;
  readonly encoding: Encoding;
}

/** Compressed lengths of many buffers, in job order. */
export type CompressLengths = (jobs: readonly CompressJob[]) => Promise<number[]>;

// An inline worker (CommonJS, built-in modules only), so the bundled Action needs no second entry file.
// gzip level 9 and brotli quality 11 are what a CDN serves at its best; the size hint lets brotli size its window.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', ({ id, encoding, bytes }) => {
  try {
    const out = encoding === 'gzip'
      ? zlib.gzipSync(bytes, { level: 9 })
      : zlib.brotliCompressSync(bytes, { params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength } });
    parentPort.postMessage({ id, length: out.byteLength });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly length?: number;
  readonly error?: string;
}

/**
 * Compresses the jobs on worker threads, one per core (at most one per job), largest first so the long brotli
 * runs start early; the workers end with the call. Each job's bytes are copied to its worker, not transferred.
 */
export async function compressOnWorkers(jobs: readonly CompressJob[], threads = availableParallelism()): Promise<number[]> {
  if (jobs.length === 0) return [];
  const order = jobs.map((_, i) => i).sort((a, b) => (jobs[b]?.bytes.byteLength ?? 0) - (jobs[a]?.bytes.byteLength ?? 0));
  const lengths: number[] = new Array<number>(jobs.length).fill(0);
  const workers = Array.from({ length: Math.max(1, Math.min(threads, jobs.length)) }, () => new Worker(WORKER_SOURCE, { eval: true }));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const dispatch = (): void => {
              const id = order[next++];
              const job = id === undefined ? undefined : jobs[id];
              if (id === undefined || job === undefined) return resolve();
              worker.postMessage({ id, encoding: job.encoding, bytes: job.bytes });
            };
            worker.on('message', (reply: Reply) => {
              if (reply.error !== undefined) return reject(new Error(`${jobs[reply.id]?.encoding ?? 'compression'} failed: ${reply.error}`));
              lengths[reply.id] = reply.length ?? 0;
              dispatch();
            });
            worker.on('error', reject);
            dispatch();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return lengths;
}

/**
 * Compressed lengths by content: the same bytes (a shard the base branch shares with the pull request, a file
 * measured twice) are compressed once per process. Keys are `encoding:sha256`.
 */
export class SizeCache {
  readonly #lengths = new Map<string, number>();
  readonly #running = new Map<string, Promise<number>>();

  constructor(private readonly maxEntries = 10_000) {}

  static key(bytes: Uint8Array, encoding: Encoding): string {
    return `${encoding}:${createHash('sha256').update(bytes).digest('hex')}`;
  }

  get(key: string): number | undefined {
    return this.#lengths.get(key);
  }

  set(key: string, length: number): void {
    if (this.#lengths.size >= this.maxEntries) this.#lengths.clear();
    this.#lengths.set(key, length);
  }

  /** Records a length being computed; it becomes a cached length when it settles (a failure is forgotten). */
  start(key: string, length: Promise<number>): void {
    this.#running.set(key, length);
    length.then(
      (value) => {
        this.set(key, value);
        this.#running.delete(key);
      },
      () => this.#running.delete(key),
    );
  }

  /** The length of `key` if some call is computing it now. */
  running(key: string): Promise<number> | undefined {
    return this.#running.get(key);
  }

  get size(): number {
    return this.#lengths.size;
  }
}

/** The cache a check shares across its models (base and head copies of one model, several models). */
export const processSizeCache = new SizeCache();
