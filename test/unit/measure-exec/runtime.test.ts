import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { activeRuntime, resolveWasmDir, selectRuntime } from '../../../src/measure/runtime.js';

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

  test('auto falls back to wasm where @tensorflow/tfjs-node is not installed', async () => {
    expect((await selectRuntime('auto')).name).toBe('wasm');
  });

  test.each([
    { name: 'tensorflow', message: /runtime "tensorflow" is unavailable: package "@tensorflow\/tfjs-node" is not installed in .*Run `npm i @tensorflow\/tfjs-node@4\.22\.0` in the workspace before this step/ },
    { name: 'tensorflow-gpu', message: /runtime "tensorflow-gpu" is unavailable: .*npm i @tensorflow\/tfjs-node-gpu@4\.22\.0.*CUDA/ },
    { name: 'webgpu', message: /runtime "webgpu" is unavailable: package "webgpu" is not installed.*npm i webgpu @tensorflow\/tfjs-backend-webgpu@4\.22\.0/ },
  ] as const)('$name, not installed, fails with the install command', async ({ name, message }) => {
    const cwd = mkdtempSync(join(tmpdir(), 'workspace-'));
    await expect(selectRuntime(name, { cwd })).rejects.toThrow(MeasureError);
    await expect(selectRuntime(name, { cwd })).rejects.toThrow(message);
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
});
