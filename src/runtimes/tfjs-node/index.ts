/**
 * Native TensorFlow through the optional `@tensorflow/tfjs-node` (or `-gpu`) package, which the user installs in the
 * workspace. Not bundled: it downloads a native library at install time.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { MeasureError, errorMessage, problem } from '../../errors.js';
import { importOptional, resolveOptional } from '../optional.js';
import { tfjsBackend } from '../tfjs/backend.js';
import { instantiateTfjs } from '../tfjs/executable.js';
import type { Runtime, RuntimeInfo, StartOptions } from '../types.js';
import { provideLegacyUtil } from './legacy-util.js';

async function startTensorflow(name: 'tensorflow' | 'tensorflow-gpu', options: StartOptions): Promise<RuntimeInfo> {
  const cwd = options.cwd ?? process.cwd();
  const resolve = options.resolvePackage ?? resolveOptional;
  const pkg = name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
  const setup =
    `Run \`npm i ${pkg}@${tf.version_core}\` in the workspace before this step` +
    (name === 'tensorflow' ? '' : ' (needs CUDA and cuDNN versions that match the package)') +
    ', or use runtime: wasm';
  // Before the import: tfjs-node 4.22.0 calls util helpers that Node 23+ removed.
  provideLegacyUtil();
  let mod: Record<string, unknown>;
  try {
    mod = await importOptional(pkg, cwd, resolve);
  } catch (error) {
    throw new MeasureError(problem('runtime/unavailable', { name, detail: errorMessage(error), setup }), { cause: error });
  }
  // tfjs keeps its engine and kernel registry on globalThis, so the package's own tfjs copy registers into ours.
  if (!tfjsBackend.registered('tensorflow')) {
    throw new MeasureError(problem('runtime/no-tensorflow-backend', { name, pkg, setup }));
  }
  await tfjsBackend.activate('tensorflow', setup);
  tfjsBackend.prove(name, setup);
  const versions = mod.version as Record<string, string> | undefined;
  const version = versions?.['tfjs-node'] ?? versions?.['tfjs-node-gpu'] ?? 'unknown';
  const intra = Number(process.env.TF_NUM_INTRAOP_THREADS);
  return { name, backend: 'tensorflow', version, threads: intra > 0 ? intra : availableParallelism() };
}

export const tensorflowRuntime: Runtime = {
  name: 'tensorflow',
  start: (options) => startTensorflow('tensorflow', options),
  instantiate: instantiateTfjs,
};

export const tensorflowGpuRuntime: Runtime = {
  name: 'tensorflow-gpu',
  start: (options) => startTensorflow('tensorflow-gpu', options),
  instantiate: instantiateTfjs,
};
