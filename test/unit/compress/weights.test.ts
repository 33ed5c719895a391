import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CompressError } from '../../../src/errors.js';
import { decodeWeights, encodeTensor, encodeWeights, splitWeights, weightBytes, type NamedTensor } from '../../../src/compress/weights.js';
import { corpusArtifacts } from '../../integration/compress/corpus-artifacts.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const tensors: NamedTensor[] = [
  { name: 'f', shape: [2, 2], dtype: 'float32', data: new Float32Array([1.5, -2, 0, 3.25]) },
  { name: 'i', shape: [3], dtype: 'int32', data: new Int32Array([-1, 0, 7]) },
  { name: 'b', shape: [2], dtype: 'bool', data: new Uint8Array([1, 0]) },
  { name: 's', shape: [2], dtype: 'string', data: [utf8('hello'), new Uint8Array([0xff, 0x00])] },
  { name: 'scalar', shape: [], dtype: 'float32', data: new Float32Array([42]) },
];

describe('weights', () => {
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

/** One manifest entry and its raw stored bytes as artifacts. */
const raw = (spec: tf.io.WeightsManifestEntry, bytes: readonly number[]): tf.io.ModelArtifacts => ({
  weightSpecs: [spec],
  weightData: Uint8Array.from(bytes).buffer,
});

describe('weights: quantized sources', () => {
  it('dequantizes uint8 codes of an int32 weight to q · scale + min rounded, as tf.io.decodeWeights does', () => {
    // 0·0.5 − 10 = −10; 1·0.5 − 10 = −9.5 → −9 (Math.round ties up); 3·0.5 − 10 = −8.5 → −8; 255·0.5 − 10 = 117.5 → 118.
    const artifacts = raw({ name: 'i', shape: [4], dtype: 'int32', quantization: { dtype: 'uint8', min: -10, scale: 0.5 } }, [0, 1, 3, 255]);
    const [t] = decodeWeights(artifacts);
    expect(t?.data).toEqual(new Int32Array([-10, -9, -8, 118]));
    const theirs = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs ?? []);
    expect([...(theirs['i']?.dataSync() ?? [])]).toEqual([-10, -9, -8, 118]);
    tf.dispose(Object.values(theirs));
  });

  it('dequantizes uint16 codes of a float32 weight to q · scale + min', () => {
    // Little-endian codes 1, 256, 65535; min −1, scale 0.25: −0.75, 63, 16382.75 (all exact in float32).
    const artifacts = raw({ name: 'f', shape: [3], dtype: 'float32', quantization: { dtype: 'uint16', min: -1, scale: 0.25 } }, [1, 0, 0, 1, 255, 255]);
    expect(decodeWeights(artifacts)[0]?.data).toEqual(new Float32Array([-0.75, 63, 16382.75]));
  });

  it('decodes float16 without min or scale', () => {
    // 0x3c00 = 1, 0xc000 = −2.
    const artifacts = raw({ name: 'h', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } }, [0x00, 0x3c, 0x00, 0xc0]);
    expect(decodeWeights(artifacts)[0]?.data).toEqual(new Float32Array([1, -2]));
  });

  it.each([
    { what: 'no scale', quantization: { dtype: 'uint8', min: 0 } },
    { what: 'no min', quantization: { dtype: 'uint16', scale: 1 } },
    { what: 'neither', quantization: { dtype: 'uint8' } },
    { what: 'an unknown dtype', quantization: { dtype: 'int4', min: 0, scale: 1 } },
  ])('refuses a quantization with $what, naming the weight and the block', ({ quantization }) => {
    const artifacts = raw({ name: 'w', shape: [2], dtype: 'float32', quantization } as tf.io.WeightsManifestEntry, [1, 2, 3, 4]);
    expect(() => decodeWeights(artifacts)).toThrow(CompressError);
    expect(() => decodeWeights(artifacts)).toThrow(
      `weight "w" has quantization ${JSON.stringify(quantization)}: expected uint8/uint16 with min and scale, or float16`,
    );
  });

  it('refuses float16 storage of a weight that is not float32', () => {
    const artifacts = raw({ name: 'n', shape: [1], dtype: 'int32', quantization: { dtype: 'float16' } }, [0x00, 0x3c]);
    expect(() => decodeWeights(artifacts)).toThrow(CompressError);
    expect(() => decodeWeights(artifacts)).toThrow('weight "n" is float16 but its dtype is int32');
  });

  it('refuses uint8 storage of a bool weight', () => {
    const artifacts = raw({ name: 'b', shape: [2], dtype: 'bool', quantization: { dtype: 'uint8', min: 0, scale: 1 } }, [0, 1]);
    expect(() => decodeWeights(artifacts)).toThrow(CompressError);
    expect(() => decodeWeights(artifacts)).toThrow('weight "b" is uint8 but its dtype is bool');
  });

  it('refuses a dtype it does not know', () => {
    const artifacts = raw({ name: 'd', shape: [1], dtype: 'float64' } as unknown as tf.io.WeightsManifestEntry, [0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => decodeWeights(artifacts)).toThrow(CompressError);
    expect(() => decodeWeights(artifacts)).toThrow('weight "d" has unknown dtype "float64"');
  });
});

describe('weights: no manifest', () => {
  it('decodes and splits artifacts without weightSpecs into nothing', () => {
    const artifacts: tf.io.ModelArtifacts = { format: 'graph-model', modelTopology: {} };
    expect(decodeWeights(artifacts)).toEqual([]);
    expect(splitWeights(artifacts)).toEqual([]);
  });
});

describe('splitWeights', () => {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

  it('gives each weight its own stored bytes, strings with their length prefixes', () => {
    const encoded = encodeWeights(tensors);
    const split = splitWeights({ ...encoded });
    expect(split.map((w) => w.spec)).toEqual(encoded.weightSpecs);
    // 'f' 16 bytes, 'i' 12, 'b' 2, then 's' (after 30 bytes): [5,0,0,0] 'hello' [2,0,0,0] ff 00, then 'scalar'.
    expect(split.map((w) => w.bytes.byteLength)).toEqual([16, 12, 2, 15, 4]);
    expect(hex(split[3]?.bytes ?? new Uint8Array())).toBe('05000000' + '68656c6c6f' + '02000000' + 'ff00');
    expect(split[4]?.bytes).toEqual(new Uint8Array(new Float32Array([42]).buffer));
  });

  it('copies the bytes of a quantized weight as they are, even one it could not dequantize', () => {
    // uint8 without min/scale: decodeWeights refuses it, but its stored length is still 1 byte per value.
    const artifacts: tf.io.ModelArtifacts = {
      weightSpecs: [
        { name: 'q', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8' } },
        { name: 'h', shape: [1], dtype: 'float32', quantization: { dtype: 'float16' } },
      ],
      weightData: Uint8Array.from([7, 8, 9, 0x00, 0x3c]).buffer,
    };
    expect(() => decodeWeights(artifacts)).toThrow('weight "q" has quantization');
    expect(splitWeights(artifacts).map((w) => [...w.bytes])).toEqual([
      [7, 8, 9],
      [0x00, 0x3c],
    ]);
  });

  it('names the whole string weight when its bytes are cut short', () => {
    // 'f' (16 bytes) then 's' whose second string would end at byte 16 + 9 + 6 = 31, with only 29 bytes there.
    const encoded = encodeWeights([tensors[0] as NamedTensor, tensors[3] as NamedTensor]);
    const short = { weightSpecs: encoded.weightSpecs, weightData: encoded.weightData.slice(0, 29) };
    expect(() => splitWeights(short)).toThrow('weight "s" needs bytes 16–31 but the weights hold 29');
  });

  it('refuses an unknown dtype or quantization rather than guess its length', () => {
    const unknown = raw({ name: 'd', shape: [1], dtype: 'float64' } as unknown as tf.io.WeightsManifestEntry, [1, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => splitWeights(unknown)).toThrow('weight "d" has unknown dtype "float64"');
    const int4 = { dtype: 'int4', min: 0, scale: 1 };
    const packed = raw({ name: 'p', shape: [1], dtype: 'float32', quantization: int4 } as tf.io.WeightsManifestEntry, [1, 0, 0, 0, 0]);
    expect(() => splitWeights(packed)).toThrow(`weight "p" has quantization ${JSON.stringify(int4)}`);
    const strings = raw({ name: 's', shape: [1], dtype: 'string', quantization: int4 } as tf.io.WeightsManifestEntry, [1, 0, 0, 0, 0]);
    expect(() => splitWeights(strings)).toThrow(`weight "s" has quantization ${JSON.stringify(int4)}`);
  });
});

describe('encodeTensor', () => {
  it('writes only the bytes of a typed array that views part of a larger buffer', () => {
    const whole = new Float32Array([9, 1.5, -2, 9]);
    const { spec, bytes } = encodeTensor({ name: 'v', shape: [2], dtype: 'float32', data: whole.subarray(1, 3) });
    expect(spec).toEqual({ name: 'v', shape: [2], dtype: 'float32' });
    expect(new Float32Array(bytes.buffer)).toEqual(new Float32Array([1.5, -2]));
    expect(bytes.byteLength).toBe(8);
  });
});
