import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CompressError } from '../../../src/errors.js';
import { decodeWeights, encodeWeights, splitWeights, weightBytes, type NamedTensor } from '../../../src/compress/weights.js';
import { corpusArtifacts } from '../../integration/compress/corpus-artifacts.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('weights', () => {
  const tensors: NamedTensor[] = [
    { name: 'f', shape: [2, 2], dtype: 'float32', data: new Float32Array([1.5, -2, 0, 3.25]) },
    { name: 'i', shape: [3], dtype: 'int32', data: new Int32Array([-1, 0, 7]) },
    { name: 'b', shape: [2], dtype: 'bool', data: new Uint8Array([1, 0]) },
    { name: 's', shape: [2], dtype: 'string', data: [utf8('hello'), new Uint8Array([0xff, 0x00])] },
    { name: 'scalar', shape: [], dtype: 'float32', data: new Float32Array([42]) },
  ];

  it('encodes and decodes every dtype losslessly, in order', () => {
    const encoded = encodeWeights(tensors);
    expect(encoded.weightSpecs.map((s) => s.name)).toEqual(['f', 'i', 'b', 's', 'scalar']);
    expect(encoded.weightData.byteLength).toBe(16 + 12 + 2 + (4 + 5 + 4 + 2) + 4);
    const back = decodeWeights({ ...encoded });
    expect(back.map((t) => [...(Array.isArray(t.data) ? t.data.map((x: Uint8Array) => [...x]) : t.data)])).toEqual(
      tensors.map((t) => [...(Array.isArray(t.data) ? t.data.map((x: Uint8Array) => [...x]) : t.data)]),
    );
  });

  it('agrees with tf.io.decodeWeights on plain dtypes', () => {
    const encoded = encodeWeights(tensors);
    const theirs = tf.io.decodeWeights(encoded.weightData, encoded.weightSpecs);
    expect([...(theirs['f']?.dataSync() ?? [])]).toEqual([1.5, -2, 0, 3.25]);
    expect([...(theirs['i']?.dataSync() ?? [])]).toEqual([-1, 0, 7]);
    tf.dispose(Object.values(theirs));
  });

  it.each(['human-handtrack', 'human-movenet-lightning'])('dequantizes the real quantized model %s exactly as tf.io.decodeWeights does', (id) => {
    const artifacts = corpusArtifacts(id);
    const ours = decodeWeights(artifacts);
    const theirs = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), artifacts.weightSpecs ?? []);
    let quantized = 0;
    for (const t of ours) {
      const want = theirs[t.name]?.dataSync();
      if (!want || Array.isArray(t.data)) throw new Error(t.name);
      if (t.quantization) quantized++;
      const typed = t.dtype === 'int32' ? new Int32Array(want) : new Float32Array(want);
      expect(Buffer.from((t.data as Float32Array | Int32Array).buffer).equals(Buffer.from(typed.buffer)), t.name).toBe(true);
    }
    expect(quantized).toBeGreaterThan(100);
    tf.dispose(Object.values(theirs));
    const split = splitWeights(artifacts);
    expect(split.reduce((n, w) => n + w.bytes.byteLength, 0)).toBe(weightBytes(artifacts).byteLength);
  });

  it('accepts weightData as a list of buffers', () => {
    const encoded = encodeWeights(tensors.slice(0, 2));
    const data = new Uint8Array(encoded.weightData);
    const parts = [data.slice(0, 5).buffer, data.slice(5).buffer];
    expect(decodeWeights({ weightSpecs: encoded.weightSpecs, weightData: parts })[1]?.data).toEqual(new Int32Array([-1, 0, 7]));
  });

  it('names the weight when the bytes are short', () => {
    const encoded = encodeWeights(tensors.slice(0, 1));
    const short = encoded.weightData.slice(0, 8);
    expect(() => decodeWeights({ weightSpecs: encoded.weightSpecs, weightData: short })).toThrow(CompressError);
    expect(() => decodeWeights({ weightSpecs: encoded.weightSpecs, weightData: short })).toThrow(/weight "f" needs bytes 0–16/);
  });
});
