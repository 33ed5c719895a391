import * as tf from '@tensorflow/tfjs';
import { tfjsBackend } from '../tfjs/backend.js';
import type { RuntimeInfo } from '../types.js';

/** Starts tfjs's pure-JS backend (also the fallback of a model whose runtime lacks a kernel). */
export async function startCpu(): Promise<RuntimeInfo> {
  await tfjsBackend.activate('cpu', 'The pure-JS backend ships with @tensorflow/tfjs; reinstall it.');
  return { name: 'cpu', backend: 'cpu', version: tf.version['tfjs-backend-cpu'] ?? tf.version_core, threads: 1 };
}
