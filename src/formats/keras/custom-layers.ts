import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { errorMessage, ModelLoadError, problem } from '../../errors.js';

const loadedModules = new Set<string>();

/**
 * Imports the module that registers custom layer classes (`custom-layers:`), once per path. A default export or
 * `register` export that is a function is called with model-budget's own tfjs namespace, so the classes land in the
 * registry that loads the model even in the bundled Action and CLI, which carry their own copy of tfjs.
 * The import is left to Node at run time (`webpackIgnore`): a bundler would otherwise turn it into a lookup among
 * the bundle's own modules and fail with "Cannot find module".
 */
export async function loadCustomLayers(path: string): Promise<void> {
  if (loadedModules.has(path)) return;
  if (!isAbsolute(path) || !existsSync(path)) {
    throw new ModelLoadError(problem('model/custom-layers-missing', { path }), { file: path });
  }
  try {
    const mod = (await import(/* webpackIgnore: true */ pathToFileURL(path).href)) as Record<string, unknown>;
    const register = typeof mod.register === 'function' ? mod.register : mod.default;
    if (typeof register === 'function') await (register as (t: typeof tf) => unknown)(tf);
  } catch (error) {
    throw new ModelLoadError(problem('model/custom-layers-failed', { path, detail: errorMessage(error) }), { file: path, cause: error });
  }
  loadedModules.add(path);
}
