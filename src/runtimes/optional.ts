/** Optional packages (tfjs-node, webgpu) are found in the user's workspace first, then beside model-budget. */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MeasureError, problem } from '../errors.js';
import type { PackageResolver } from './types.js';

/**
 * The default {@link PackageResolver}: the workspace's `node_modules` (where a workflow step ran `npm i <pkg>`),
 * else what sits next to model-budget itself (a global or dev install).
 */
export function resolveOptional(pkg: string, cwd: string): string {
  try {
    return resolveInWorkspace(pkg, cwd);
  } catch {
    try {
      return createRequire(import.meta.url).resolve(pkg);
    } catch (error) {
      throw new MeasureError(problem('runtime/package-missing', { pkg, cwd }), { cause: error });
    }
  }
}

/** A {@link PackageResolver} that looks only in the workspace `cwd`. */
export function resolveInWorkspace(pkg: string, cwd: string): string {
  try {
    return createRequire(join(cwd, 'package.json')).resolve(pkg);
  } catch (error) {
    throw new MeasureError(problem('runtime/package-missing', { pkg, cwd }), { cause: error });
  }
}

/**
 * Imports an optional package found by `resolve`. The specifier is computed so that bundlers leave the import alone.
 */
export async function importOptional(pkg: string, cwd: string, resolve: PackageResolver = resolveOptional): Promise<Record<string, unknown>> {
  const spec = pathToFileURL(resolve(pkg, cwd)).href;
  return (await import(/* webpackIgnore: true */ spec)) as Record<string, unknown>;
}
