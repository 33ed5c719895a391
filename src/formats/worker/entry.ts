/**
 * The load worker: loads the one model its `workerData` names, posts it back with the weight buffers transferred,
 * or posts the error as data. Started by `loadModelInWorker` (./load.ts), which terminates it when the model's
 * deadline runs out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { guardConsole } from '../../console-guard.js';
import { loadModel } from '../index.js';
import { toWire, weightBuffers, type LoadReply, type LoadRequest } from './wire.js';

async function main(port: NonNullable<typeof parentPort>, request: LoadRequest): Promise<void> {
  let reply: LoadReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const model = await loadModel(request.path, request.options);
    reply = { ok: true, model };
    transfer = weightBuffers(model);
  } catch (error) {
    reply = { ok: false, error: toWire(error) };
  }
  try {
    port.postMessage(reply, transfer);
  } catch (error) {
    // A model the structured clone cannot carry is a bug of its loader: said as such, not as a hang.
    port.postMessage({ ok: false, error: toWire(error) } satisfies LoadReply);
  }
}

// A worker has its own console: what libraries log while loading is neutralised as the entries' is.
guardConsole(console, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });

if (parentPort === null) throw new Error('the load worker runs as a worker thread, started by loadModelInWorker');
await main(parentPort, workerData as LoadRequest);
