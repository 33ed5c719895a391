import { access } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { loadConfig, type BudgetConfig, type ModelSpec } from './config/load.js';
import { errorMessage } from './errors.js';
import type { BaseKind } from './report/types.js';

/** Where the base branch's copy of a model is, or why there is none. */
export type BaseLocation =
  | {
      readonly status: 'found';
      readonly path: string;
      readonly ref: string;
      readonly kind?: BaseKind;
      /** The base config's entry for the model (by name); absent when the base's config does not name it. */
      readonly spec?: ModelSpec;
    }
  | { readonly status: 'new' }
  | { readonly status: 'unavailable'; readonly reason: string };

/**
 * The base branch's model-budget.yml, read from the base snapshot (a folder mirroring the working directory at
 * the base commit). Absent or invalid there → undefined and a warning: the PR may be adding the config.
 */
export async function loadBaseConfig(head: BudgetConfig, baseDir: string, cwd: string, warn: (m: string) => void): Promise<BudgetConfig | undefined> {
  const file = resolve(baseDir, relative(cwd, head.file));
  if (!(await exists(file))) return undefined;
  try {
    // Nothing is ever written to the base's `output:` folders, so they are not checked.
    return await loadConfig(file, baseDir, { checkOutputs: false });
  } catch (error) {
    warn(`the base branch's ${relative(cwd, head.file)} is not valid, so budget changes are not shown: ${errorMessage(error)}`);
    return undefined;
  }
}

/** The base copy of one model: by name in the base config, else at the same path; missing → a new model. */
export async function locateBaseModel(
  spec: ModelSpec,
  baseConfig: BudgetConfig | undefined,
  base: { readonly dir: string; readonly ref: string; readonly kind?: BaseKind },
  cwd: string,
): Promise<BaseLocation> {
  const named = baseConfig?.models.find((m) => m.name === spec.name);
  const path = named ? named.absPath : resolve(base.dir, relative(cwd, spec.absPath));
  return (await exists(path))
    ? { status: 'found', path, ref: base.ref, ...(base.kind ? { kind: base.kind } : {}), ...(named ? { spec: named } : {}) }
    : { status: 'new' };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
