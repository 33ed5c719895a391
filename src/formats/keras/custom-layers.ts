import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ModelLoadError, errorMessage } from '../../errors.js';

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
    throw new ModelLoadError(
      `custom-layers module ${path} does not exist: give the path of a JS module that calls ` +
        'tf.serialization.registerClass for each custom layer',
      { file: path },
    );
  }
  try {
    const mod = (await import(/* webpackIgnore: true */ pathToFileURL(path).href)) as Record<string, unknown>;
    const register = typeof mod.register === 'function' ? mod.register : mod.default;
    if (typeof register === 'function') await (register as (t: typeof tf) => unknown)(tf);
  } catch (error) {
    throw new ModelLoadError(
      `custom-layers module ${path} failed to load: ${errorMessage(error)}. Export a function ` +
        '(`export default function register(tf) { … }`) that registers the classes with the tf it is given',
      { file: path, cause: error },
    );
  }
  loadedModules.add(path);
}
