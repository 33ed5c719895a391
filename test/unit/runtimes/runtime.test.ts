import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import util from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { activeRuntime, resolveInWorkspace, resolveWasmDir, selectRuntime } from '../../../src/runtimes/index.js';

/** Workspaces with stand-in runtime packages (test/fixtures/runtimes/README.md). */
const workspace = (name: string): string => join(import.meta.dirname, '..', '..', 'fixtures', 'runtimes', name);

/**
 * Only the workspace, never a copy installed next to model-budget: "not installed" then means the same on a
 * machine that has @tensorflow/tfjs-node in the repository's node_modules.
 */
const only = { resolvePackage: resolveInWorkspace };

/** Runs `body` on a `node:util` without the helpers Node 23 removed, as on the Action's Node 24. */
async function withoutRemovedHelpers<T>(body: () => Promise<T>): Promise<T> {
  const u = util as unknown as Record<string, unknown>;
  const saved = { isArray: u.isArray, isNullOrUndefined: u.isNullOrUndefined };
  delete u.isArray;
  delete u.isNullOrUndefined;
  try {
    return await body();
  } finally {
    Object.assign(u, saved);
  }
}

describe('resolveWasmDir', () => {
  test('env MODEL_BUDGET_WASM_DIR wins, with a trailing slash added', () => {
    expect(resolveWasmDir({ MODEL_BUDGET_WASM_DIR: '/opt/wasm' })).toBe('/opt/wasm/');
    expect(resolveWasmDir({ MODEL_BUDGET_WASM_DIR: '/opt/wasm/' })).toBe('/opt/wasm/');
  });

  test('else the installed package', () => {
    expect(resolveWasmDir({})).toMatch(/node_modules\/@tensorflow\/tfjs-backend-wasm\/dist\/$/);
  });
});

describe('selectRuntime', () => {
  test('wasm: SIMD binaries load from the package, version and threads reported', async () => {
    const info = await selectRuntime('wasm');
    expect(info).toEqual({ name: 'wasm', backend: 'wasm', version: '4.22.0', threads: 1, detail: 'SIMD' });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]).toBe(3);
    expect(activeRuntime()).toEqual(info);
  });

  test('cpu', async () => {
    expect(await selectRuntime('cpu')).toEqual({ name: 'cpu', backend: 'cpu', version: '4.22.0', threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
  });

  test('auto falls back to wasm where @tensorflow/tfjs-node is not installed, saying so', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'workspace-'));
    const info = await selectRuntime('auto', { cwd, ...only });
    expect(info).toMatchObject({ name: 'wasm', backend: 'wasm' });
    expect(info.note).toMatch(/^runtime auto chose wasm: runtime "tensorflow" is unavailable: package "@tensorflow\/tfjs-node" is not installed in /);
    expect(tf.getBackend()).toBe('wasm');
  });

  test.each([
    {
      name: 'tensorflow',
      message:
        /runtime "tensorflow" is unavailable: package "@tensorflow\/tfjs-node" is not installed in .*Run `npm i @tensorflow\/tfjs-node@4\.22\.0` in the workspace before this step/,
    },
    { name: 'tensorflow-gpu', message: /runtime "tensorflow-gpu" is unavailable: .*npm i @tensorflow\/tfjs-node-gpu@4\.22\.0.*CUDA/ },
    { name: 'webgpu', message: /runtime "webgpu" is unavailable: package "webgpu" is not installed.*npm i webgpu @tensorflow\/tfjs-backend-webgpu@4\.22\.0/ },
  ] as const)('$name, not installed, fails with the install command', async ({ name, message }) => {
    const cwd = mkdtempSync(join(tmpdir(), 'workspace-'));
    await expect(selectRuntime(name, { cwd, ...only })).rejects.toThrow(MeasureError);
    await expect(selectRuntime(name, { cwd, ...only })).rejects.toThrow(message);
  });

  test('a workspace package that loads but registers no backend is named', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'workspace-'));
    const pkg = join(cwd, 'node_modules', '@tensorflow', 'tfjs-node');
    (await import('node:fs')).mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', main: 'index.js' }));
    writeFileSync(join(pkg, 'index.js'), 'exports.version = { "tfjs-node": "0.0.0" };');
    await expect(selectRuntime('tensorflow', { cwd })).rejects.toThrow(/@tensorflow\/tfjs-node loaded but registered no "tensorflow" backend/);
  });

  test('an unknown name', async () => {
    await expect(selectRuntime('tpu' as 'cpu')).rejects.toThrow(/unknown runtime "tpu": use one of auto, wasm, cpu/);
  });

  // Last: these register the stand-in's "tensorflow" backend for the rest of this file.
  test('tensorflow from the workspace, on a Node without util.isArray / util.isNullOrUndefined (23+)', async () => {
    const cwd = workspace('tfjs-node-standin');
    const info = await withoutRemovedHelpers(async () => {
      const started = await selectRuntime('tensorflow', { cwd, ...only });
      // The stand-in's kernels call both helpers on every op, as tfjs-node's do.
      expect(tf.tidy(() => Array.from(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()))).toEqual([11]);
      return started;
    });
    expect(info).toMatchObject({ name: 'tensorflow', backend: 'tensorflow', version: '4.22.0-standin' });
    expect(info.note).toBeUndefined();
    expect(tf.getBackend()).toBe('tensorflow');
    expect(activeRuntime()).toEqual(info);
  });

  test('auto is tensorflow where @tensorflow/tfjs-node starts', async () => {
    const info = await selectRuntime('auto', { cwd: workspace('tfjs-node-standin'), ...only });
    expect(info).toMatchObject({ name: 'tensorflow', version: '4.22.0-standin' });
    expect(info.note).toBeUndefined();
  });
});
