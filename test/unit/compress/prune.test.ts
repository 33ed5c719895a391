import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { pruneWeights } from '../../../src/compress/prune.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { decodeWeights, encodeWeights, type NamedTensor } from '../../../src/compress/weights.js';
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
    expect(() => pruneWeights(artifacts, { sparsity })).toThrow(/sparsity must be in \[0, 1\)/);
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
