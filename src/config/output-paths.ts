import { dirname, isAbsolute, relative, resolve, sep, win32 } from 'node:path';

import { problem, type ErrorCode, type Problem } from '../errors.js';
/** One model's paths as written in the config and resolved against the config's folder. */
export interface OutputCheckModel {
  readonly name: string;
  /** `path:` as written. */
  readonly path: string;
  readonly absPath: string;
  /** `output:` as written, when set. */
  readonly output?: string;
}

/** A problem with `models[index].output`. */
export interface OutputProblem {
  readonly index: number;
  readonly message: string;
  readonly code: ErrorCode;
}

/**
 * Where `output:` may point, checked on the paths alone (pure; `entries[i]` is `models[i]`, undefined where its
 * path is unusable): a folder inside `root` (the repository), relative to
 * the config's folder `configDir`, that is not the repository itself, holds no model's files, is not inside a
 * model's folder, and is no other model's `output:`. Saving then refuses a folder it did not create (see
 * `saveModel`), so these rules catch at the config's line what would otherwise overwrite a source model — and
 * the next run would compress the compressed model and report zero drift.
 */
export function outputProblems(entries: readonly (OutputCheckModel | undefined)[], configDir: string, root: string): OutputProblem[] {
  const problems: OutputProblem[] = [];
  const claimed = new Map<string, number>();
  // A model without a usable path (the schema reports it) has no files to protect.
  const models = entries.filter((m): m is OutputCheckModel => m !== undefined);
  entries.forEach((model, index) => {
    if (model?.output === undefined) return;
    const fail = (found: Problem): void => void problems.push({ index, message: found.text, code: found.code });
    const suggestion = `e.g. \`output: dist/${model.name.replace(/[^\w.-]+/g, '-')}\``;
    if (isAbsolute(model.output) || win32.isAbsolute(model.output)) {
      fail(problem('config/output-absolute', { suggestion }));
      return;
    }
    const out = resolve(configDir, model.output);
    if (!isInside(out, root)) {
      fail(problem('config/output-outside', { folder: out, suggestion }));
      return;
    }
    if (out === resolve(root)) {
      fail(problem('config/output-root', { suggestion }));
      return;
    }
    const clash = models.map((other) => clashWith(out, other, other === model)).find((m) => m !== undefined);
    if (clash) {
      fail(problem('config/output-overwrites-model', { clash, suggestion }));
      return;
    }
    const first = claimed.get(out);
    if (first === undefined) claimed.set(out, index);
    else fail(problem('config/output-shared', { first, suggestion }));
  });
  return problems;
}

/**
 * How folder `out` collides with `model`'s files, if it does. A model.json's files are its folder (shards may sit
 * in subfolders of it); a Keras file's are the file itself.
 */
function clashWith(out: string, model: OutputCheckModel, own: boolean): string | undefined {
  const whose = own ? "this model's" : `model "${model.name}"'s`;
  const folder = model.absPath.toLowerCase().endsWith('.json');
  const home = modelHome(model.absPath);
  const shown = model.path;
  if (out === home) return folder ? `is the folder of ${whose} files (${shown})` : `is ${whose} file (${shown})`;
  if (isInside(home, out)) return `contains ${whose} files (${shown})`;
  if (isInside(out, home)) return folder ? `is inside the folder of ${whose} files (${shown})` : `is below ${whose} file (${shown})`;
  return undefined;
}

/** Where a model's files are: a model.json's folder (shards may sit in its subfolders), or the Keras file itself. */
export function modelHome(absPath: string): string {
  return absPath.toLowerCase().endsWith('.json') ? dirname(absPath) : absPath;
}

/** `path` is `dir` or below it (lexically). */
function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
