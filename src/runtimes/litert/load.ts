import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInThisContext } from 'node:vm';
import { MeasureError, problem } from '../../errors.js';

/**
 * The three CPU builds of @litertjs/core's XNNPACK wasm:
 * - `compat`: plain SIMD128, runs everywhere;
 * - `relaxed-simd`: relaxed SIMD (on by default from Node 22; Node 20 needs `--experimental-wasm-relaxed-simd`, which
 *   {@link loadLiteRtNode} sets before the first wasm is compiled);
 * - `threads`: relaxed SIMD plus pthreads on worker_threads.
 */
export type LiteRtBuild = 'compat' | 'relaxed-simd' | 'threads';

const GLUE: Record<LiteRtBuild, string> = {
  compat: 'litert_wasm_compat_internal.js',
  'relaxed-simd': 'litert_wasm_internal.js',
  threads: 'litert_wasm_threaded_internal.js',
};

type LiteRtCore = typeof import('@litertjs/core');

/** What {@link loadLiteRtNode} started: the package's API, the build and how many threads kernels may use. */
export interface LiteRtNode {
  readonly core: LiteRtCore;
  readonly build: LiteRtBuild;
  /** Threads XNNPACK runs on: 1 except for the `threads` build. */
  readonly threads: number;
  /**
   * The lines LiteRT printed since the last call, and forgets them. LiteRT reports some failures only there: a model
   * with an unresolved custom op compiles and runs, returning garbage, with "failed to prepare" only in the log.
   */
  takeLog(): string[];
}

let loaded: LiteRtNode | undefined;

/**
 * The folder holding the wasm build `build`: `litert-wasm/` next to the bundle when it ships that build (dist/ carries
 * the default, relaxed SIMD, only), else the package's own folder, which has every build.
 * @param bundleDir the folder of the running bundle (`dist/`), checked first; default the folder of this module.
 */
export function findLiteRtWasmDir(bundleDir: string = dirname(fileURLToPath(import.meta.url)), build: LiteRtBuild = 'relaxed-simd'): string {
  if (existsSync(join(bundleDir, 'litert-wasm', GLUE[build]))) return join(bundleDir, 'litert-wasm');
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@litertjs/core/package.json')), 'wasm');
}

/**
 * Evaluates an emscripten glue file as CommonJS (the package is `"type": "module"`, so Node would read the file as
 * ESM, where its UMD export and `require` do not exist) and returns the module factory it exports.
 */
function evaluateGlue(file: string): unknown {
  const source = readFileSync(file, 'utf8');
  const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file }) as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const module: { exports: unknown } = { exports: {} };
  wrapper(module.exports as object, createRequire(file), module, file, dirname(file));
  return module.exports;
}

/**
 * Starts @litertjs/core in Node with one of its wasm builds. The package only knows browsers: it loads its glue with
 * `importScripts` (workers) or a `<script>` tag and reads `self.ModuleFactory`. Here `self` is `globalThis`, and a
 * one-shot `importScripts` evaluates the glue as CommonJS and presets the factory. The threaded build starts its
 * pthreads as `new Worker(<glue file>)`, which Node would load as ESM inside the package, so that glue is copied as
 * `.cjs` (with its .wasm) into a temporary folder of this process first (removed at exit). One build per process: LiteRT.js keeps a global instance.
 * @param threads for the `threads` build: kernel threads (default: available parallelism, at most 4).
 */
export async function loadLiteRtNode(build: LiteRtBuild, options: { wasmDir?: string; threads?: number } = {}): Promise<LiteRtNode> {
  if (loaded) {
    if (loaded.build !== build) throw new MeasureError(problem('runtime/litert-other-build', { build: loaded.build }));
    return loaded;
  }
  // Relaxed SIMD is on by default from Node 22 (V8 11.4), where the flag no longer exists.
  if (build !== 'compat' && Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');
  const wasmDir = options.wasmDir ?? findLiteRtWasmDir(undefined, build);
  const glue = join(wasmDir, GLUE[build]);
  let evaluated = glue;
  const threads = build === 'threads' ? Math.max(1, options.threads ?? Math.min(4, availableParallelism())) : 1;
  if (build === 'threads') {
    // A folder of this process's own: a fixed shared name would belong to whichever user made it first.
    const dir = mkdtempSync(join(tmpdir(), 'model-budget-litert-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const cjs = join(dir, GLUE.threads.replace(/\.js$/, '.cjs'));
    copyFileSync(glue, cjs);
    copyFileSync(glue.replace(/\.js$/, '.wasm'), cjs.replace(/\.cjs$/, '.wasm'));
    evaluated = cjs;
    // The pthread pool is sized from navigator.hardwareConcurrency, which Node 20 does not define.
    if (typeof (globalThis as { navigator?: unknown }).navigator === 'undefined') {
      Object.defineProperty(globalThis, 'navigator', { value: { hardwareConcurrency: threads }, configurable: true });
    }
  }
  const scope = globalThis as { self?: unknown; importScripts?: (url: string) => void; ModuleFactory?: unknown; Module?: unknown };
  scope.self ??= globalThis;
  const previous = scope.importScripts;
  // LiteRT.js asks for the glue by its .js name; the threaded one is evaluated from its .cjs copy, whose path the
  // glue then gives its pthread workers.
  scope.importScripts = (url: string): void => {
    scope.ModuleFactory = evaluateGlue(url === glue ? evaluated : url);
  };
  // The emscripten module reads `print`/`printErr` from the object handed to its factory (`self.Module`): LiteRT's
  // INFO/WARNING/ERROR lines are kept for takeLog() instead of going to the console.
  let log: string[] = [];
  scope.Module = { print: (line: string) => log.push(line), printErr: (line: string) => log.push(line) };
  try {
    const core = await import('@litertjs/core');
    await withoutWebGpuWarning(() => core.loadLiteRt(glue));
    loaded = {
      core,
      build,
      threads,
      takeLog: () => {
        const lines = log;
        log = [];
        return lines;
      },
    };
    return loaded;
  } catch (error) {
    throw new MeasureError(problem('runtime/litert-start-failed', { build, glue, detail: error instanceof Error ? error.message : String(error) }), {
      cause: error,
    });
  } finally {
    if (previous) scope.importScripts = previous;
    else delete scope.importScripts;
  }
}

/**
 * LiteRT's default environment looks for a WebGPU device and, in Node, reports "Failed to create default WebGPU
 * device" through console.warn; that one expected line is dropped, anything else passes through.
 */
async function withoutWebGpuWarning<T>(start: () => Promise<T>): Promise<T> {
  const original = console.warn;
  console.warn = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].startsWith('Failed to create default WebGPU device')) return;
    original(...args);
  };
  try {
    return await start();
  } finally {
    console.warn = original;
  }
}
