import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { resolveInWorkspace, selectRuntime } from '../../../src/runtimes/index.js';

// Its own file: the failing stand-in registers a "tensorflow" backend that would shadow the working one.
const cwd = join(import.meta.dirname, '..', '..', 'fixtures', 'runtimes', 'tfjs-node-failing');
const options = { cwd, resolvePackage: resolveInWorkspace };

describe('a @tensorflow/tfjs-node that loads but cannot compute', () => {
  test('runtime: tensorflow fails, naming the first op that failed and the fix', async () => {
    await expect(selectRuntime('tensorflow', options)).rejects.toThrow(
      /^runtime "tensorflow" started but cannot compute \(1 \+ 2 failed: libtensorflow: illegal instruction\)\. Run `npm i @tensorflow\/tfjs-node@4\.22\.0`.*or use runtime: wasm$/,
    );
  });

  test('auto chooses wasm, never cpu, and says why', async () => {
    const info = await selectRuntime('auto', options);
    expect(info).toMatchObject({ name: 'wasm', backend: 'wasm' });
    expect(info.note).toBe('runtime auto chose wasm: runtime "tensorflow" started but cannot compute (1 + 2 failed: libtensorflow: illegal instruction)');
    expect(tf.getBackend()).toBe('wasm');
  });
});
