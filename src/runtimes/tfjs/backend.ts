/**
 * The tfjs backend switch. tfjs keeps one active backend per process (global state on its engine); this object is
 * the only code that changes it (`npm run lint` and a test refuse `tf.setBackend` anywhere else in src/), so which
 * backend is active, and why, can be read in one place.
 */
import * as tf from '@tensorflow/tfjs';
import { MeasureError, errorMessage, problem } from '../../errors.js';
import type { RuntimeInfo, RuntimeMemory } from '../types.js';

/** Runtimes started so far, by tf backend name. */
const started = new Map<string, RuntimeInfo>();

export const tfjsBackend = {
  /**
   * Production mode: no "install tfjs-node" banner in the user's log (we choose runtimes ourselves) and no
   * debug-only checks slowing the timed runs. Set before any runtime starts.
   */
  enterProductionMode(): void {
    tf.env().set('PROD', true);
  },

  /** Makes `backend` the active one and waits until it is ready. `setup` ends the message when it fails to start. */
  async activate(backend: string, setup: string): Promise<void> {
    let ok: boolean;
    try {
      ok = await tf.setBackend(backend);
      await tf.ready();
    } catch (error) {
      throw new MeasureError(problem('runtime/start-failed', { name: backend, detail: errorMessage(error), setup }), { cause: error });
    }
    if (!ok || tf.getBackend() !== backend) {
      throw new MeasureError(problem('runtime/set-backend-refused', { name: backend, setup }));
    }
  },

  /**
   * Runs one small op on the active backend and reads it back. A backend can register and activate and still fail
   * on its first kernel (tfjs-node on a Node without the helpers it calls); that must fail here, where `auto` can
   * still choose wasm, not at a model's first inference, where the only way left is the slow cpu fallback.
   */
  prove(name: string, setup: string): void {
    let sum: number | undefined;
    try {
      sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(1)).dataSync()[1]);
    } catch (error) {
      throw new MeasureError(problem('runtime/cannot-compute', { name, detail: errorMessage(error), setup }), { cause: error });
    }
    if (sum !== 3) throw new MeasureError(problem('runtime/wrong-sum', { name, sum: String(sum), setup }));
  },

  /** Remembers `info` as the runtime behind its backend (see {@link active}). */
  record(info: RuntimeInfo): RuntimeInfo {
    started.set(info.backend, info);
    return info;
  },

  /** The runtime behind the active backend, when it was started through a registered runtime. */
  active(): RuntimeInfo | undefined {
    const name = tf.engine().backendName as string | null;
    return name === null ? undefined : started.get(name);
  },

  /** Whether a backend of that name has been registered (by tfjs itself or by an optional package). */
  registered(backend: string): boolean {
    return tf.findBackendFactory(backend) !== null;
  },

  /** Whether the backend has been initialised (it exists once it was activated). */
  initialised(backend: string): boolean {
    return tf.findBackend(backend) !== null;
  },

  /** Live tensors and their bytes in the tfjs engine (every backend's, every model's). */
  memory(): RuntimeMemory {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  },

  /** Makes an already started backend active again (a model is loaded where its runtime is). */
  async use(backend: string): Promise<void> {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  },

  /**
   * Runs `work` with `backend` active and hands the previous backend back afterwards, so that a model which fell
   * back to cpu runs there while the next model still loads where the user asked.
   */
  async during<T>(backend: string, work: () => Promise<T>): Promise<T> {
    const before = tf.getBackend();
    if (before === backend) return work();
    await tf.setBackend(backend);
    try {
      return await work();
    } finally {
      await tf.setBackend(before);
    }
  },
};
