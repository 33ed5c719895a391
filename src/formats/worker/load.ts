/**
 * Loading in a worker thread: the model's deadline can stop a load that never returns to the event loop (a parser
 * or a layer build spinning in synchronous code, a `custom-layers` module that loops), which no timer on the main
 * thread can interrupt. The worker loads with `loadModel`, so every check of the in-thread load holds there too.
 */
import { Worker } from 'node:worker_threads';
import { ModelLoadError, problem } from '../../errors.js';
import { DEFAULT_MAX_MODEL_BYTES } from '../../limits.js';
import type { LoadedModel } from '../../model/types.js';
import type { LoadOptions } from '../types.js';
import { fromWire, type LoadReply, type LoadRequest } from './wire.js';

/**
 * The worker, found next to this module: ./load-worker.mjs in src/ (a trampoline into ./entry.ts), and in the bundle
 * the worker entry scripts/build.mjs writes under the same name next to the chunks.
 */
const WORKER_URL = new URL('./load-worker.mjs', import.meta.url);

const MIB = 1024 ** 2;

/**
 * The worker's JavaScript heap, from `limits.model-size`: 256 MiB for tfjs and the loader's own state, plus twice
 * the model's bytes for a model.json's text and what parsing it makes. Weights live in ArrayBuffers and the HDF5
 * reader in WebAssembly memory, outside this heap; the declared-size checks bound those.
 */
export function workerHeapMb(maxBytes: number = DEFAULT_MAX_MODEL_BYTES): number {
  return 256 + 2 * Math.ceil(maxBytes / MIB);
}

/**
 * Loads the model at `path` (absolute) as `loadModel` does, in a worker thread with a heap bounded by
 * {@link workerHeapMb}. The weights come back transferred, not copied; errors come back as their own class
 * (ModelLoadError with its `file`, …). When `signal` aborts, the worker is terminated wherever it is and the
 * promise rejects with the signal's reason once the thread has exited; the worker is terminated on every other
 * outcome too.
 */
export async function loadModelInWorker(path: string, options: LoadOptions = {}, signal?: AbortSignal): Promise<LoadedModel> {
  signal?.throwIfAborted();
  const heapMb = workerHeapMb(options.maxBytes);
  const request: LoadRequest = { path, options };
  const worker = new Worker(WORKER_URL, { workerData: request, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<LoadedModel>((resolve, reject) => {
      // The promise settles on 'exit', once the thread is gone.
      onAbort = () => void worker.terminate();
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (reply: LoadReply) => {
        if (reply.ok) resolve(reply.model);
        else reject(fromWire(reply.error));
      });
      worker.once('error', (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(new ModelLoadError(problem('model/heap-over-limit', { path, heapMb }), { file: path, cause: error }));
        } else {
          reject(error);
        }
      });
      worker.once('exit', (code) => {
        const reason: unknown = signal?.aborted === true ? signal.reason : undefined;
        reject(reason instanceof Error ? reason : new Error(`the worker loading ${path} exited (code ${code}) without an answer`));
      });
    });
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
