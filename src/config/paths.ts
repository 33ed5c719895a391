import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { problem, type ConfigIssue, type Problem } from '../errors.js';
import type { SourceLocation } from './types.js';

/** A path written in the config, resolved, with where it is written. */
export interface PathRef {
  /** Dotted config path (`models[0].inputs.npy.image[1]`). */
  readonly key: string;
  /** As written. */
  readonly written: string;
  readonly abs: string;
  /** What must be there: a file (model, sample, module) or a folder (an image folder). */
  readonly expect: 'file' | 'folder';
  readonly at: SourceLocation;
}

/**
 * The repository a config belongs to: the nearest folder at or above the config's folder that holds `.git` (a
 * folder, or the file a worktree has). Without one, `cwd` when the config lies inside it, else the config's folder.
 */
export async function findRepositoryRoot(configFile: string, cwd: string): Promise<string> {
  let dir = dirname(configFile);
  for (;;) {
    if (
      await lstat(join(dir, '.git')).then(
        () => true,
        () => false,
      )
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return isInside(resolve(cwd), dirname(configFile)) ? resolve(cwd) : dirname(configFile);
}

/**
 * Confines every path of the config to the repository, before anything is opened: the resolved path must lie
 * inside `root`, so must its real path (a symlink may point elsewhere in the repository, never out of it), and what
 * is there must be a regular file (or a folder where one is expected) — never a device, FIFO or socket, whose
 * reads block forever or never end. A path that does not exist yet is left to the loader, which says so per
 * model. Messages quote the config, never the files.
 */
export async function checkConfigPaths(refs: readonly PathRef[], root: string): Promise<ConfigIssue[]> {
  const realRoot = await realpath(root).catch(() => resolve(root));
  const issues: ConfigIssue[] = [];
  for (const ref of refs) {
    const found = await checkPath(ref, resolve(root), realRoot);
    if (found) issues.push({ ...ref.at, path: ref.key, message: found.text, code: found.code });
  }
  return issues;
}

async function checkPath(ref: PathRef, root: string, realRoot: string): Promise<Problem | undefined> {
  const shown = JSON.stringify(ref.written);
  if (ref.written.includes('\0')) return problem('config/path-nul', { path: shown });
  if (!isInside(root, ref.abs)) {
    return problem('config/path-outside', { path: shown, how: isAbsolute(ref.written) ? 'is an absolute path' : 'resolves', root });
  }
  let real: string;
  try {
    await lstat(ref.abs);
    real = await realpath(ref.abs);
  } catch {
    return undefined; // missing (or a dangling link): the loader reports it for this model alone
  }
  if (!isInside(realRoot, real)) return problem('config/path-symlink-outside', { path: shown });
  const info = await stat(real);
  if (ref.expect === 'folder') return info.isDirectory() ? undefined : problem('config/path-not-folder', { path: shown, kind: describeKind(info) });
  if (info.isFile() || info.isDirectory()) return undefined; // a folder given as a model is explained by the loader
  return problem('config/path-not-file', { path: shown, kind: describeKind(info) });
}

function describeKind(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isFile()) return 'is a file';
  if (info.isDirectory()) return 'is a folder';
  if (info.isFIFO()) return 'is a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'is a device';
  if (info.isSocket()) return 'is a socket';
  return 'is not a regular file';
}

/** True when `path` is `root` or lies under it (both absolute, already resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
