import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { MeasureError, errorMessage } from '../errors.js';
import { note } from '../note.js';
import { provideLegacyUtil } from './legacy-util.js';

/** The runtimes a model can be executed on. `auto` = `tensorflow` when `@tensorflow/tfjs-node` loads, else `wasm`. */
export type RuntimeName = 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu' | 'webgpu';

/** Every concrete runtime, in the order `docs/runtimes.md` lists them. */
export const RUNTIME_NAMES: readonly Exclude<RuntimeName, 'auto'>[] = ['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu'];

/** What a measurement ran on; every report names it. */
export interface RuntimeInfo {
  readonly name: Exclude<RuntimeName, 'auto'>;
  /** The tf backend name (`wasm`, `cpu`, `tensorflow`, `webgpu`). */
  readonly backend: string;
  /** Version of the package that provides the backend, e.g. `4.22.0`. */
  readonly version: string;
  /** Threads the backend computes with (1 for wasm in Node and for cpu). */
  readonly threads: number;
  /** Extra facts worth a line in the report (SIMD, GPU adapter, ...). */
  readonly detail?: string;
  /** Why this runtime ran rather than the preferred one (`auto` where tensorflow did not start); a report note. */
  readonly note?: string;
}

/** Options of {@link selectRuntime}. */
export interface SelectRuntimeOptions {
  /** Threads to ask the backend for; wasm honours it only where multi-threading is available (not in Node). */
  readonly threads?: number;
  /** Workspace whose `node_modules` provides optional runtimes (`tensorflow`, `webgpu`). Default `process.cwd()`. */
  readonly cwd?: string;
  /** Where optional packages are looked for. Default {@link resolveOptional}: the workspace, then model-budget's own. */
  readonly resolvePackage?: PackageResolver;
}

const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

/**
 * The folder holding the tfjs wasm binaries: env `MODEL_BUDGET_WASM_DIR`, else the folder of the running bundle when
 * the binaries were copied next to it (`dist/`), else the installed `@tensorflow/tfjs-backend-wasm/dist/`.
 * Always ends with `/` because tfjs appends the file name to it.
 */
export function resolveWasmDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.MODEL_BUDGET_WASM_DIR;
  if (fromEnv) return withSlash(fromEnv);
  const main = process.argv[1];
  if (main && existsSync(join(dirname(main), WASM_FILE))) return withSlash(dirname(main));
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, WASM_FILE))) return withSlash(here);
  try {
    return withSlash(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')));
  } catch {
    // Bundled without the binaries beside it and no package installed: selectWasm names the fix.
    return withSlash(here);
  }
}

function withSlash(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

let wasmPathsSet = false;

async function activate(backend: string, fix: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(backend);
    await tf.ready();
  } catch (error) {
    throw new MeasureError(`runtime "${backend}" failed to start: ${errorMessage(error)}. ${fix}`, { cause: error });
  }
  if (!ok || tf.getBackend() !== backend) {
    throw new MeasureError(`runtime "${backend}" failed to start (tf.setBackend returned false). ${fix}`);
  }
}

/**
 * Runs one small op on the active backend and reads it back. A backend can register and activate and still fail on
 * its first kernel (tfjs-node on a Node without the helpers it calls); that must fail here, where `auto` can still
 * choose wasm, not at a model's first inference, where the only way left is the slow cpu fallback.
 */
function proveBackend(name: string, fix: string): void {
  let sum: number | undefined;
  try {
    sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(1)).dataSync()[1]);
  } catch (error) {
    throw new MeasureError(`runtime "${name}" started but cannot compute (1 + 2 failed: ${errorMessage(error)}). ${fix}`, {
      cause: error,
    });
  }
  if (sum !== 3) throw new MeasureError(`runtime "${name}" started but computed 2 + 1 = ${String(sum)}. ${fix}`);
}

async function selectWasm(options: SelectRuntimeOptions): Promise<RuntimeInfo> {
  if (!wasmPathsSet) {
    const dir = resolveWasmDir();
    if (!existsSync(join(dir, WASM_FILE))) {
      throw new MeasureError(
        `runtime "wasm": ${WASM_FILE} not found in ${dir}. Set MODEL_BUDGET_WASM_DIR to the folder holding the ` +
          `tfjs wasm binaries, or use runtime: cpu`,
      );
    }
    setWasmPaths(dir);
    wasmPathsSet = true;
  }
  // Thread count must be set before the backend initialises; it only matters where SharedArrayBuffer workers exist.
  if (options.threads !== undefined && tf.findBackend('wasm') === null) setThreadsCount(options.threads);
  await activate('wasm', 'Use runtime: cpu if the wasm binaries cannot load here.');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  return { name: 'wasm', backend: 'wasm', version: version_wasm, threads: getThreadsCount(), detail: simd ? 'SIMD' : 'no SIMD' };
}

async function selectCpu(): Promise<RuntimeInfo> {
  await activate('cpu', 'The pure-JS backend ships with @tensorflow/tfjs; reinstall it.');
  return { name: 'cpu', backend: 'cpu', version: tf.version['tfjs-backend-cpu'] ?? tf.version_core, threads: 1 };
}

/** Finds an optional package's entry file for {@link importOptional}; throws when it is not installed. */
export type PackageResolver = (pkg: string, cwd: string) => string;

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
      throw new MeasureError(`package "${pkg}" is not installed in ${cwd}`, { cause: error });
    }
  }
}

/** A {@link PackageResolver} that looks only in the workspace `cwd`. */
export function resolveInWorkspace(pkg: string, cwd: string): string {
  try {
    return createRequire(join(cwd, 'package.json')).resolve(pkg);
  } catch (error) {
    throw new MeasureError(`package "${pkg}" is not installed in ${cwd}`, { cause: error });
  }
}

/**
 * Imports an optional package found by `resolve`. The specifier is computed so that bundlers leave the import alone.
 */
export async function importOptional(
  pkg: string,
  cwd: string,
  resolve: PackageResolver = resolveOptional,
): Promise<Record<string, unknown>> {
  const spec = pathToFileURL(resolve(pkg, cwd)).href;
  return (await import(/* webpackIgnore: true */ spec)) as Record<string, unknown>;
}

async function selectTensorflow(name: 'tensorflow' | 'tensorflow-gpu', cwd: string, resolve: PackageResolver): Promise<RuntimeInfo> {
  const pkg = name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
  const fix =
    `Run \`npm i ${pkg}@${tf.version_core}\` in the workspace before this step` +
    (name === 'tensorflow' ? '' : ' (needs CUDA and cuDNN versions that match the package)') +
    ', or use runtime: wasm';
  // Before the import: tfjs-node 4.22.0 calls util helpers that Node 23+ removed.
  provideLegacyUtil();
  let mod: Record<string, unknown>;
  try {
    mod = await importOptional(pkg, cwd, resolve);
  } catch (error) {
    throw new MeasureError(`runtime "${name}" is unavailable: ${errorMessage(error)}. ${fix}`, { cause: error });
  }
  // tfjs keeps its engine and kernel registry on globalThis, so the package's own tfjs copy registers into ours.
  if (tf.findBackendFactory('tensorflow') === null) {
    throw new MeasureError(`runtime "${name}": ${pkg} loaded but registered no "tensorflow" backend. ${fix}`);
  }
  await activate('tensorflow', fix);
  proveBackend(name, fix);
  const versions = mod.version as Record<string, string> | undefined;
  const version = versions?.['tfjs-node'] ?? versions?.['tfjs-node-gpu'] ?? 'unknown';
  const intra = Number(process.env.TF_NUM_INTRAOP_THREADS);
  return { name, backend: 'tensorflow', version, threads: intra > 0 ? intra : availableParallelism() };
}

async function selectWebgpu(cwd: string, resolve: PackageResolver): Promise<RuntimeInfo> {
  const fix =
    'Run `npm i webgpu @tensorflow/tfjs-backend-webgpu@' +
    `${tf.version_core}\` in the workspace and make sure a Vulkan (Linux) driver exposes a GPU, or use runtime: wasm`;
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu === undefined) {
    let dawn: Record<string, unknown>;
    try {
      dawn = await importOptional('webgpu', cwd, resolve);
    } catch (error) {
      throw new MeasureError(`runtime "webgpu" is unavailable: ${errorMessage(error)}. ${fix}`, { cause: error });
    }
    const create = dawn.create as ((flags: string[]) => unknown) | undefined;
    if (typeof create !== 'function') throw new MeasureError(`runtime "webgpu": package "webgpu" has no create(). ${fix}`);
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
    throw new MeasureError(`runtime "webgpu": no GPU adapter found (navigator.gpu.requestAdapter() returned null). ${fix}`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importOptional('@tensorflow/tfjs-backend-webgpu', cwd, resolve);
  } catch (error) {
    throw new MeasureError(`runtime "webgpu" is unavailable: ${errorMessage(error)}. ${fix}`, { cause: error });
  }
  await activate('webgpu', fix);
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

/** The message up to its first `. ` (the reason, without the fix that follows it). */
function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end < 0 ? message : message.slice(0, end);
}

/**
 * Makes `name` the active tf backend and says what it is. `auto` tries `tensorflow` and falls back to `wasm`.
 * Throws MeasureError with the fix when the runtime is unavailable.
 */
export async function selectRuntime(name: RuntimeName, options: SelectRuntimeOptions = {}): Promise<RuntimeInfo> {
  // Production mode: no "install tfjs-node" banner in the user's log (we choose runtimes ourselves) and no
  // debug-only checks slowing the timed runs.
  tf.env().set('PROD', true);
  const info = await startRuntime(name, options);
  selected.set(info.backend, info);
  return info;
}

/** Runtimes started so far, by tf backend name. */
const selected = new Map<string, RuntimeInfo>();

/** The runtime behind the active tf backend, when it was started through {@link selectRuntime}. */
export function activeRuntime(): RuntimeInfo | undefined {
  const name = tf.engine().backendName as string | null;
  return name === null ? undefined : selected.get(name);
}

async function startRuntime(name: RuntimeName, options: SelectRuntimeOptions): Promise<RuntimeInfo> {
  const cwd = options.cwd ?? process.cwd();
  const resolve = options.resolvePackage ?? resolveOptional;
  switch (name) {
    case 'wasm':
      return selectWasm(options);
    case 'cpu':
      return selectCpu();
    case 'tensorflow':
    case 'tensorflow-gpu':
      return selectTensorflow(name, cwd, resolve);
    case 'webgpu':
      return selectWebgpu(cwd, resolve);
    case 'auto':
      // Never cpu: tensorflow when it starts and computes, else the default wasm, saying why in the report.
      try {
        return await selectTensorflow('tensorflow', cwd, resolve);
      } catch (error) {
        const wasm = await selectWasm(options);
        return { ...wasm, note: note`runtime auto chose wasm: ${firstSentence(errorMessage(error))}` };
      }
    default: {
      const never: never = name;
      throw new MeasureError(`unknown runtime "${String(never)}": use one of auto, ${RUNTIME_NAMES.join(', ')}`);
    }
  }
}
