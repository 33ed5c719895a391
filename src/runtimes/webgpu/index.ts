/** tfjs's WebGPU backend on Dawn (the optional `webgpu` package), where a Vulkan driver exposes a GPU. */
import * as tf from '@tensorflow/tfjs';
import { MeasureError, errorMessage, problem } from '../../errors.js';
import { importOptional, resolveOptional } from '../optional.js';
import { tfjsBackend } from '../tfjs/backend.js';
import { instantiateTfjs } from '../tfjs/executable.js';
import type { Runtime, RuntimeInfo, StartOptions } from '../types.js';

async function startWebgpu(options: StartOptions): Promise<RuntimeInfo> {
  const cwd = options.cwd ?? process.cwd();
  const resolve = options.resolvePackage ?? resolveOptional;
  const setup =
    'Run `npm i webgpu @tensorflow/tfjs-backend-webgpu@' +
    `${tf.version_core}\` in the workspace and make sure a Vulkan (Linux) driver exposes a GPU, or use runtime: wasm`;
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu === undefined) {
    let dawn: Record<string, unknown>;
    try {
      dawn = await importOptional('webgpu', cwd, resolve);
    } catch (error) {
      throw new MeasureError(problem('runtime/unavailable', { name: 'webgpu', detail: errorMessage(error), setup }), { cause: error });
    }
    const create = dawn.create as ((flags: string[]) => unknown) | undefined;
    if (typeof create !== 'function') throw new MeasureError(problem('runtime/webgpu-no-create', { setup }));
    Object.assign(globalThis, dawn.globals ?? {});
    const gpu = create([]);
    if (g.navigator === undefined) {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    } else {
      Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    }
  }
  const gpu = g.navigator?.gpu as { requestAdapter(): Promise<unknown> } | undefined;
  const adapter = await gpu?.requestAdapter();
  if (adapter === null || adapter === undefined) {
    throw new MeasureError(problem('runtime/webgpu-no-adapter', { setup }));
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importOptional('@tensorflow/tfjs-backend-webgpu', cwd, resolve);
  } catch (error) {
    throw new MeasureError(problem('runtime/unavailable', { name: 'webgpu', detail: errorMessage(error), setup }), { cause: error });
  }
  await tfjsBackend.activate('webgpu', setup);
  const info = (adapter as { info?: { vendor?: string; architecture?: string; description?: string } }).info;
  const detail = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  return {
    name: 'webgpu',
    backend: 'webgpu',
    version: typeof mod.version_webgpu === 'string' ? mod.version_webgpu : 'unknown',
    threads: 1,
    ...(detail ? { detail } : {}),
  };
}

export const webgpuRuntime: Runtime = { name: 'webgpu', start: startWebgpu, instantiate: instantiateTfjs };
