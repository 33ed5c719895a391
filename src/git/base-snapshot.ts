/**
 * The base side of a pull request: the commit the checked-out tree is compared with (see base-commit.ts), and a snapshot of the files
 * the check needs at that commit (the base's `model-budget.yml`, and each model's files — a model.json + shards, or a
 * SavedModel folder's saved_model.pb + variables — for the models named by the head config and by the base config), written to a temporary folder with the same layout as
 * the repository. A model absent at the base commit is simply absent there (the engine calls it a new model). Files
 * stored in Git LFS come out of `git` as pointers: they are kept, and listed so the size stage can say so.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { BaseRefError, errorMessage, problem } from '../errors.js';
import { companionsOf, folderFilesOf } from '../formats/index.js';
import type { BaseKind } from '../report/types.js';
import { findMergeBase, resolveBaseCommit, type BaseCommit } from './base-commit.js';
import { parseLfsPointer } from '../model/lfs.js';
import { gitBytes, gitToFile } from './run-git.js';

export interface BaseSnapshotRequest {
  /** Root of the git work tree holding the config (`findRepoRoot`; GITHUB_WORKSPACE unless checkout used `path:`). */
  readonly repoDir: string;
  /** The working directory the config path is relative to (inside `repoDir`). */
  readonly workingDir: string;
  /** Absolute path of the head's `model-budget.yml`. */
  readonly configPath: string;
  /** `pull_request.base.sha` of the event. */
  readonly baseSha: string;
  /** `pull_request.head.sha` of the event. */
  readonly headSha: string;
}

export interface BaseSnapshot {
  /** Folder mirroring `workingDir` at the base commit: pass it as `CheckOptions.base.dir`. */
  readonly dir: string;
  /** The base commit. */
  readonly ref: string;
  /** How the base commit was found: the test merge's first parent, or a merge base. */
  readonly kind: BaseKind;
  /** Repository paths (posix) that are Git LFS pointers at the base, with the size each pointer states. */
  readonly lfsPointers: readonly { readonly path: string; readonly size: number }[];
  /** Repository paths of model files written into the snapshot. */
  readonly files: readonly string[];
  /** Removes the temporary folder. */
  readonly cleanup: () => Promise<void>;
}

/** Writes the base snapshot of a pull request's checkout; the caller must `cleanup()` it. */
export async function materializeBase(request: BaseSnapshotRequest): Promise<BaseSnapshot> {
  const repoDir = resolve(request.repoDir);
  return snapshotAt(repoDir, await resolveBaseCommit(repoDir, request), request);
}

async function snapshotAt(repoDir: string, base: BaseCommit, request: Omit<BaseSnapshotRequest, 'baseSha' | 'headSha'>): Promise<BaseSnapshot> {
  const ref = base.sha;
  const tmp = await mkdtemp(join(tmpdir(), 'model-budget-base-'));
  // The snapshot keeps the working directory and the repository where they are to each other: the working
  // directory is inside the repository, or (actions/checkout's `path:` with the default working-directory) above it.
  const { root, dir } = snapshotLayout(tmp, repoDir, resolve(request.workingDir));
  const cleanup = (): Promise<void> => rm(tmp, { recursive: true, force: true });
  try {
    const configRepoPath = toRepoPath(repoDir, request.configPath);
    const headConfigText = await readHeadFile(request.configPath);
    const baseConfig = await readBlob(repoDir, ref, configRepoPath);
    const modelPaths = new Set<string>([
      ...modelPathsOf(headConfigText, configRepoPath),
      ...(baseConfig ? modelPathsOf(baseConfig.toString('utf8'), configRepoPath) : []),
    ]);
    const files: string[] = [];
    const lfsPointers: { path: string; size: number }[] = [];
    const copy = async (path: string): Promise<Buffer | undefined> => {
      const written = await writeBlob(repoDir, ref, path, join(root, ...path.split('/')));
      if (!written) return undefined;
      files.push(path);
      const pointer = written.byteLength <= 1024 ? parseLfsPointer(written) : undefined;
      if (pointer) lfsPointers.push({ path, size: pointer.size });
      return written;
    };
    if (baseConfig) await copy(configRepoPath);
    for (const modelPath of modelPaths) {
      if ((await objectType(repoDir, ref, modelPath)) === 'tree') {
        // A folder model (a SavedModel): the files its format takes from what the folder holds at the base commit.
        for (const file of folderFilesOf(await treeFiles(repoDir, ref, modelPath), modelPath)) await copy(file);
        continue;
      }
      const modelJson = await copy(modelPath);
      // The files the model file names (a model.json's shards), as its format lists them.
      for (const shard of modelJson ? companionsOf(modelJson, modelPath) : []) await copy(shard);
    }
    return { dir, ref, kind: base.kind, lfsPointers, files, cleanup };
  } catch (error) {
    await cleanup();
    if (error instanceof BaseRefError) throw error;
    throw new BaseRefError(problem('github/base-unreadable', { ref: ref.slice(0, 12), detail: errorMessage(error) }), { cause: error });
  }
}

/**
 * The base snapshot for a local run (`model-budget check --base <ref>`): the merge base of `ref` and HEAD of the
 * git checkout around `workingDir`. The head side is the working tree as it is, uncommitted changes included.
 */
export async function materializeLocalBase(request: { workingDir: string; configPath: string; ref: string }): Promise<BaseSnapshot> {
  const top = await gitBytes(request.workingDir, ['rev-parse', '--show-toplevel']).catch((error: unknown) => {
    throw new BaseRefError(problem('github/base-needs-git', { workingDir: request.workingDir }), { cause: error });
  });
  const repoDir = top.toString('utf8').trim();
  const sha = async (rev: string): Promise<string> => {
    try {
      return (await gitBytes(repoDir, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).toString('utf8').trim();
    } catch (error) {
      throw new BaseRefError(problem('github/base-not-commit', { rev, repoDir }), { cause: error });
    }
  };
  const [baseSha, headSha] = [await sha(request.ref), await sha('HEAD')];
  // The working tree is a head checkout: the merge base, whatever HEAD's parents are.
  const base: BaseCommit = { kind: 'merge-base', sha: await findMergeBase(repoDir, baseSha, headSha) };
  return snapshotAt(repoDir, base, { repoDir, workingDir: request.workingDir, configPath: request.configPath });
}

/** `models[].path` of a config, as repository paths; tolerant of a base config the current schema would reject. */
export function modelPathsOf(configText: string, configRepoPath: string): string[] {
  let doc: unknown;
  try {
    doc = parse(configText, { maxAliasCount: 100 });
  } catch {
    return [];
  }
  const models = isRecord(doc) && Array.isArray(doc['models']) ? (doc['models'] as unknown[]) : [];
  const configDir = posix.dirname(configRepoPath);
  return models.flatMap((m) => {
    const path = isRecord(m) ? m['path'] : undefined;
    if (typeof path !== 'string' || path === '' || posix.isAbsolute(path)) return [];
    const joined = posix.normalize(posix.join(configDir, path.replace(/\\/g, '/')));
    return joined.startsWith('../') || joined === '..' ? [] : [joined];
  });
}

/** Where, under `tmp`, the repository's files go (`root`) and which folder stands for the working directory (`dir`). */
export function snapshotLayout(tmp: string, repoDir: string, workingDir: string): { root: string; dir: string } {
  const down = relative(repoDir, workingDir);
  if (!isOutside(down)) return { root: join(tmp, 'repo'), dir: join(tmp, 'repo', down) };
  const up = relative(workingDir, repoDir);
  if (!isOutside(up)) return { root: join(tmp, 'work', up), dir: join(tmp, 'work') };
  throw new BaseRefError(problem('github/working-directory-outside', { workingDir, repoDir }));
}

function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

function toRepoPath(repoDir: string, file: string): string {
  const rel = relative(repoDir, resolve(file));
  if (rel.startsWith('..')) throw new BaseRefError(problem('github/outside-repository', { file, repoDir }));
  return rel.split(sep).join('/');
}

async function readHeadFile(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

/** What `ref:path` is (`blob`, `tree`, …), or '' when it does not exist there. */
async function objectType(repoDir: string, ref: string, path: string): Promise<string> {
  return gitBytes(repoDir, ['cat-file', '-t', `${ref}:${path}`]).then(
    (b) => b.toString().trim(),
    () => '',
  );
}

/** The files under the folder `ref:path` (posix paths relative to it, subfolders included; links and submodules left out). */
async function treeFiles(repoDir: string, ref: string, path: string): Promise<string[]> {
  const listing = await gitBytes(repoDir, ['ls-tree', '-r', '-z', `${ref}:${path}`]);
  return listing
    .toString('utf8')
    .split('\0')
    .flatMap((line) => {
      // "<mode> <type> <object>\t<path>": regular files only (mode 100644 / 100755), never a symbolic link (120000).
      const match = /^(100644|100755) blob [0-9a-f]+\t(.+)$/s.exec(line);
      return match?.[2] === undefined ? [] : [match[2]];
    });
}

/** The blob at `ref:path`, or undefined when the path does not exist there (or is not a file). */
async function readBlob(repoDir: string, ref: string, path: string): Promise<Buffer | undefined> {
  if ((await objectType(repoDir, ref, path)) !== 'blob') return undefined;
  return gitBytes(repoDir, ['cat-file', 'blob', `${ref}:${path}`]);
}

/** Streams `ref:path` to `target`; returns the first KiB (all of a .json file: to spot pointers and list a model's files) or undefined when absent. */
async function writeBlob(repoDir: string, ref: string, path: string, target: string): Promise<Buffer | undefined> {
  if ((await objectType(repoDir, ref, path)) !== 'blob') return undefined;
  await mkdir(dirname(target), { recursive: true });
  if (path.endsWith('.json')) {
    const bytes = await gitBytes(repoDir, ['cat-file', 'blob', `${ref}:${path}`]);
    await writeFile(target, bytes);
    return bytes;
  }
  // Shards can be large: streamed to the file, only the head kept (enough to spot an LFS pointer).
  return gitToFile(repoDir, ['cat-file', 'blob', `${ref}:${path}`], target, 1025);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
