/** The default runtime: tfjs's WebAssembly backend (XNNPACK, SIMD where the CPU has it), shipped in the bundle. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { MeasureError, problem } from '../../errors.js';
import { tfjsBackend } from '../tfjs/backend.js';
import { instantiateTfjs } from '../tfjs/executable.js';
import type { Runtime, RuntimeInfo, StartOptions } from '../types.js';

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
    // Bundled without the binaries beside it and no package installed: startWasm names the fix.
    return withSlash(here);
  }
}

function withSlash(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

let wasmPathsSet = false;

async function startWasm(options: StartOptions): Promise<RuntimeInfo> {
  if (!wasmPathsSet) {
    const dir = resolveWasmDir();
    if (!existsSync(join(dir, WASM_FILE))) {
      throw new MeasureError(problem('runtime/wasm-binary-missing', { file: WASM_FILE, dir }));
    }
    setWasmPaths(dir);
    wasmPathsSet = true;
  }
  // Thread count must be set before the backend initialises; it only matters where SharedArrayBuffer workers exist.
  if (options.threads !== undefined && !tfjsBackend.initialised('wasm')) setThreadsCount(options.threads);
  await tfjsBackend.activate('wasm', 'Use runtime: cpu if the wasm binaries cannot load here.');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  return { name: 'wasm', backend: 'wasm', version: version_wasm, threads: getThreadsCount(), detail: simd ? 'SIMD' : 'no SIMD' };
}

export const wasmRuntime: Runtime = { name: 'wasm', start: startWasm, instantiate: instantiateTfjs };
