import nodeUtil from 'node:util';

/**
 * The `node:util` type checks that `@tensorflow/tfjs-node` 4.22.0 imports (nodejs_kernel_backend.ts: `isArray`,
 * `isNullOrUndefined`; kernels/TopK.ts: `isNullOrUndefined`) and that Node 23 removed (`isNullOrUndefined`) or may
 * remove next (`isArray`, deprecated since Node 4). The package calls them on every op, so without them the native
 * backend registers but every kernel throws `isNullOrUndefined is not a function`.
 */
const LEGACY_HELPERS = {
  isArray: (value: unknown): boolean => Array.isArray(value),
  isNullOrUndefined: (value: unknown): boolean => value === null || value === undefined,
} as const;

/** Names of the helpers that were missing and are now provided (empty when the running Node still has them all). */
export type ProvidedHelpers = readonly (keyof typeof LEGACY_HELPERS)[];

/**
 * Puts back the removed `util` helpers tfjs-node needs, on the shared `node:util` module object that its
 * `require('util')` returns. Helpers the running Node still has are left as they are.
 */
export function provideLegacyUtil(util: Record<string, unknown> = nodeUtil): ProvidedHelpers {
  const provided: (keyof typeof LEGACY_HELPERS)[] = [];
  for (const name of Object.keys(LEGACY_HELPERS) as (keyof typeof LEGACY_HELPERS)[]) {
    if (typeof util[name] === 'function') continue;
    util[name] = LEGACY_HELPERS[name];
    provided.push(name);
  }
  return provided;
}
