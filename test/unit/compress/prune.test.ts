import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { isKernel, pruneWeights } from '../../../src/compress/prune.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { decodeWeights, encodeWeights, weightBytes, type NamedTensor } from '../../../src/compress/weights.js';
import { corpusArtifacts } from '../../integration/compress/corpus-artifacts.js';
import { makeEvaluator } from '../../integration/compress/evaluate.js';

const tensors: NamedTensor[] = [
  { name: 'a/kernel', shape: [2, 4], dtype: 'float32', data: new Float32Array([8, -1, 2, -7, 3, 0.5, 6, -4]) },
  { name: 'a/bias', shape: [4], dtype: 'float32', data: new Float32Array([0.01, 0.02, 0.03, 0.04]) },
  { name: 'b/kernel', shape: [2, 2], dtype: 'float32', data: new Float32Array([0.1, 0.2, 0.3, 0.4]) },
  { name: 'emb/embeddings', shape: [2, 2], dtype: 'float32', data: new Float32Array([0.1, 0.2, 0.3, 0.4]) },
];
const artifacts: tf.io.ModelArtifacts = { format: 'graph-model', ...encodeWeights(tensors) };

function values(a: tf.io.ModelArtifacts): Record<string, number[]> {
  return Object.fromEntries(decodeWeights(a).map((t) => [t.name, [...(t.data as Float32Array)]]));
}

describe('isKernel', () => {
  it.each([
    { name: 'dense/kernel', shape: [3, 2], dtype: 'float32', expected: true },
    { name: 'conv/kernel', shape: [3, 3, 1, 8], dtype: 'float32', expected: true },
    { name: 'dense/bias', shape: [2], dtype: 'float32', expected: false },
    { name: 'scalar', shape: [], dtype: 'float32', expected: false },
    { name: 'table', shape: [3, 2], dtype: 'int32', expected: false },
    { name: 'mask', shape: [3, 2], dtype: 'bool', expected: false },
    { name: 'word/Embeddings', shape: [100, 8], dtype: 'float32', expected: false },
  ] as const)('$name $shape $dtype: $expected', ({ expected, ...tensor }) => {
    expect(isKernel(tensor)).toBe(expected);
  });
});

describe('pruneWeights', () => {
  it('per layer: each kernel loses the fraction; biases and embeddings are left alone', () => {
    const result = pruneWeights(artifacts, { sparsity: 0.5 });
    expect(values(result.artifacts)).toEqual({
      'a/kernel': [8, 0, 0, -7, 0, 0, 6, -4],
      'a/bias': [0.01, 0.02, 0.03, 0.04].map(Math.fround),
      'b/kernel': [0, 0, 0.3, 0.4].map(Math.fround),
      'emb/embeddings': [0.1, 0.2, 0.3, 0.4].map(Math.fround),
    });
    expect(result.sparsity).toBe(0.5);
    expect(result.bytesAfter).toBe(result.bytesBefore);
  });

  it('global: one threshold over all kernels', () => {
    const result = pruneWeights(artifacts, { sparsity: 0.5, scope: 'global' });
    const v = values(result.artifacts);
    expect(v['b/kernel']).toEqual([0, 0, 0, 0]);
    expect(v['a/kernel']).toEqual([8, 0, 2, -7, 3, 0, 6, -4]);
    expect(result.sparsity).toBe(0.5);
  });

  it('global ties: exactly k values, smallest first', () => {
    const ties: NamedTensor[] = [
      { name: 'x/kernel', shape: [3, 1], dtype: 'float32', data: new Float32Array([0.5, 0.5, 0.5]) },
      { name: 'y/kernel', shape: [2, 1], dtype: 'float32', data: new Float32Array([0.1, 9]) },
    ];
    const result = pruneWeights({ format: 'graph-model', ...encodeWeights(ties) }, { sparsity: 0.6, scope: 'global' });
    expect(values(result.artifacts)['y/kernel']).toEqual([0, 9]);
    expect(result.sparsity).toBe(0.6);
  });

  it.each([-0.1, 1, 1.5, NaN])('refuses sparsity %s', (sparsity) => {
    expect(() => pruneWeights(artifacts, { sparsity })).toThrow(`prune: sparsity must be in [0, 1) (e.g. 0.5 for 50 %), got ${sparsity}`);
  });

  it('sparsity 0 changes nothing and reports the zeros already there', () => {
    const withZeros: NamedTensor[] = [{ name: 'k', shape: [2, 2], dtype: 'float32', data: new Float32Array([0, 3, 0, -2]) }];
    const source: tf.io.ModelArtifacts = { format: 'graph-model', ...encodeWeights(withZeros) };
    for (const scope of ['per-layer', 'global'] as const) {
      const result = pruneWeights(source, { sparsity: 0, scope });
      expect(values(result.artifacts)).toEqual({ k: [0, 3, 0, -2] });
      expect(result.tensors).toEqual([{ name: 'k', elements: 4, zeros: 2 }]);
      expect(result.sparsity).toBe(0.5);
      expect(result.warnings).toEqual([]);
    }
  });

  it('per layer ties: only as many values at the threshold as k leaves after those below it', () => {
    const ties: NamedTensor[] = [{ name: 'k', shape: [2, 2], dtype: 'float32', data: new Float32Array([0.5, -0.5, 0.1, 0.5]) }];
    // k = 2: 0.1 is below the threshold 0.5, so one of the three 0.5s goes, the first in index order.
    const result = pruneWeights({ format: 'graph-model', ...encodeWeights(ties) }, { sparsity: 0.5 });
    expect(values(result.artifacts)['k']).toEqual([0, -0.5, 0, 0.5]);
    expect(result.tensors).toEqual([{ name: 'k', elements: 4, zeros: 2 }]);
  });

  it('global ties: what the first weight leaves of the tie budget goes to the next', () => {
    const ties: NamedTensor[] = [
      { name: 'x/kernel', shape: [2, 1], dtype: 'float32', data: new Float32Array([0.5, 9]) },
      { name: 'y/kernel', shape: [3, 1], dtype: 'float32', data: new Float32Array([0.5, -0.5, 9]) },
    ];
    // k = floor(0.6 · 5) = 3, all three at the threshold 0.5: one in x, two in y.
    const result = pruneWeights({ format: 'graph-model', ...encodeWeights(ties) }, { sparsity: 0.6, scope: 'global' });
    expect(values(result.artifacts)).toEqual({ 'x/kernel': [0, 9], 'y/kernel': [0, 0, 9] });
    expect(result.tensors).toEqual([
      { name: 'x/kernel', elements: 2, zeros: 1 },
      { name: 'y/kernel', elements: 3, zeros: 2 },
    ]);
  });

  it('weights: prunes the float32 weights any pattern matches, whatever their rank', () => {
    const mixed: NamedTensor[] = [...tensors, { name: 'steps', shape: [2, 2], dtype: 'int32', data: new Int32Array([1, 2, 3, 4]) }];
    const result = pruneWeights({ format: 'graph-model', ...encodeWeights(mixed) }, { sparsity: 0.5, weights: ['a/bias', 'b/*', 'step?'] });
    expect(result.tensors).toEqual([
      { name: 'a/bias', elements: 4, zeros: 2 },
      { name: 'b/kernel', elements: 4, zeros: 2 },
    ]);
    expect(values(result.artifacts)).toEqual({
      'a/kernel': [8, -1, 2, -7, 3, 0.5, 6, -4],
      'a/bias': [0, 0, 0.03, 0.04].map(Math.fround),
      'b/kernel': [0, 0, 0.3, 0.4].map(Math.fround),
      'emb/embeddings': [0.1, 0.2, 0.3, 0.4].map(Math.fround),
      steps: [1, 2, 3, 4],
    });
    expect(result.warnings).toEqual([]);
  });

  it.each([
    { what: 'a model without kernels', source: encodeWeights([tensors[1] as NamedTensor]), options: {} },
    { what: 'patterns that match nothing', source: encodeWeights(tensors), options: { weights: ['nothing/*'] } },
  ])('warns about $what and changes nothing', ({ source, options }) => {
    const input: tf.io.ModelArtifacts = { format: 'graph-model', ...source };
    const result = pruneWeights(input, { sparsity: 0.5, ...options });
    expect(result.warnings).toEqual(['prune: no weight to prune (no float32 kernel matched)']);
    expect(result.tensors).toEqual([]);
    expect(result.sparsity).toBe(0);
    expect(values(result.artifacts)).toEqual(values(input));
  });

  it('gzip sizes are at level 9', () => {
    // Values from a small set in a pseudo-random order: gzip levels 6 and 9 give different sizes.
    let seed = 1;
    const data = new Float32Array(2048);
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      data[i] = ((seed >> 16) % 8) / 4 - 1;
    }
    const source: tf.io.ModelArtifacts = { format: 'graph-model', ...encodeWeights([{ name: 'k', shape: [32, 64], dtype: 'float32', data }]) };
    const level = (a: tf.io.ModelArtifacts, n: number): number => gzipSync(weightBytes(a), { level: n }).byteLength;
    expect(level(source, 6)).not.toBe(level(source, 9));
    const result = pruneWeights(source, { sparsity: 0.5 });
    expect(result.gzipBytesBefore).toBe(level(source, 9));
    expect(result.gzipBytesAfter).toBe(level(result.artifacts, 9));
  });

  it('human-gender at 50 %: same raw size, smaller gzip, still loads and predicts close', async () => {
    const original = corpusArtifacts('human-gender');
    const result = pruneWeights(original, { sparsity: 0.5 });
    expect(result.sparsity).toBeGreaterThanOrEqual(0.5);
    expect(result.sparsity).toBeLessThan(0.51);
    expect(result.bytesAfter).toBe(result.bytesBefore);
    expect(result.gzipBytesAfter).toBeLessThan(result.gzipBytesBefore * 0.8);
    const evaluate = await makeEvaluator(original, [1, 64, 64, 1]);
    const drift = await evaluate(result.artifacts);
    expect(drift.maxAbsError).toBeLessThan(1);
    expect(Number.isFinite(drift.rmse)).toBe(true);
  });

  it('keeps a quantized source in its dtype', () => {
    const uint8 = quantizeWeights(artifacts, { dtypes: 'uint8' }).artifacts;
    const result = pruneWeights(uint8, { sparsity: 0.5 });
    expect(result.bytesAfter).toBe(result.bytesBefore);
    expect(values(result.artifacts)['b/kernel']?.slice(0, 2)).toEqual([0, 0]);
  });
});
