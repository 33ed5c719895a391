import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER, ladderOf, sourceRung, twoByteRung, uint8Rung, type RungKind } from '../../../src/compress/ladder.js';
import type { NamedTensor } from '../../../src/compress/weights.js';

const tensor = (data: Float32Array, quantization?: NamedTensor['quantization']): NamedTensor => ({
  name: 'w',
  shape: [data.length],
  dtype: 'float32',
  data,
  ...(quantization ? { quantization } : {}),
});
const even = Float32Array.from({ length: 64 }, (_, i) => ((i + 1) * 0.6180339887) % 1);

describe('ladderOf', () => {
  it('a float32 weight climbs uint8 → uint16 → float32, bytes rising and error falling', () => {
    const ladder = ladderOf(tensor(even));
    expect(ladder.map((r) => [r.name, r.bytes])).toEqual([
      ['uint8', 64],
      ['uint16', 128],
      ['float32', 256],
    ]);
    expect(ladder[0]?.sse).toBeGreaterThan(ladder[1]?.sse ?? Infinity);
    expect(ladder[2]?.sse).toBe(0);
  });

  it('a float16 source has two rungs: its 2-byte rung is the source storage', () => {
    expect(ladderOf(tensor(even, { dtype: 'float16' })).map((r) => r.name)).toEqual(['uint8', 'float16']);
  });

  it('a new encoding is one more kind in the list, placed by its bytes', () => {
    const perChannel: RungKind = (t) => ({ name: 'uint8-per-channel', target: 'uint8', bytes: (t.data as Float32Array).length + 8, sse: 0 });
    const ladder = ladderOf(tensor(even), [...DEFAULT_LADDER, perChannel]);
    expect(ladder.map((r) => r.name)).toEqual(['uint8', 'uint8-per-channel', 'uint16', 'float32']);
    expect(ladderOf(tensor(even), [uint8Rung, sourceRung]).map((r) => r.name)).toEqual(['uint8', 'float32']);
    expect(twoByteRung(tensor(even))?.name).toBe('uint16');
  });

  it('a weight stored as uint8 has no uint8 rung: it climbs from its 2-byte rung', () => {
    const stored = tensor(even, { dtype: 'uint8', min: 0, scale: 1 / 255 });
    expect(uint8Rung(stored)).toBeUndefined();
    expect(ladderOf(stored).map((r) => [r.name, r.bytes])).toEqual([
      ['uint16', 128],
      ['float32', 256],
    ]);
  });

  it('rungs of equal bytes keep the order of their kinds; only one with the same name and bytes as an earlier rung is dropped', () => {
    const twin: RungKind = (t) => ({ name: 'twin', target: 'uint16', bytes: (t.data as Float32Array).length * 2, sse: 0 });
    expect(ladderOf(tensor(even), [uint8Rung, twoByteRung, twin, sourceRung]).map((r) => r.name)).toEqual(['uint8', 'uint16', 'twin', 'float32']);
    expect(ladderOf(tensor(even), [uint8Rung, twin, twoByteRung, sourceRung]).map((r) => r.name)).toEqual(['uint8', 'twin', 'uint16', 'float32']);
    const padded: RungKind = (t) => ({ name: 'uint16', target: 'uint16', bytes: (t.data as Float32Array).length * 2 + 4, sse: 0 });
    expect(ladderOf(tensor(even), [uint8Rung, twoByteRung, padded, twoByteRung]).map((r) => [r.name, r.bytes])).toEqual([
      ['uint8', 64],
      ['uint16', 128],
      ['uint16', 132],
    ]);
  });
});

describe('twoByteRung', () => {
  /** 1000 evenly spread values in [0, 1) and one large one. */
  const withPeak = (peak: number): Float32Array => Float32Array.from([...Array.from({ length: 1000 }, (_, i) => ((i + 1) * 0.6180339887) % 1), peak]);

  it('a float16 source keeps its storage at no error', () => {
    expect(twoByteRung(tensor(even, { dtype: 'float16' }))).toEqual({ name: 'float16', target: 'float16', bytes: 128, sse: 0 });
  });

  it('float16 when it reconstructs better: here a peak of 65504 stretches the uint16 grid to steps of about 1', () => {
    const rung = twoByteRung(tensor(withPeak(65504)));
    expect(rung).toMatchObject({ name: 'float16', target: 'float16', bytes: 2002 });
    // float16 keeps 65504 exactly and values in [0, 1) to within 2^-12 each.
    expect(rung?.sse).toBeLessThan(1000 * 2 ** -24);
  });

  it('never float16 for a weight beyond ±65504, even one float16 would reconstruct better', () => {
    // 65510 rounds to the half 65504 (squared error 36); uint16 errs by about 1/12 on each of the 1000 small values.
    const rung = twoByteRung(tensor(withPeak(65510)));
    expect(rung).toMatchObject({ name: 'uint16', target: 'uint16', bytes: 2002 });
    expect(rung?.sse).toBeGreaterThan(36 + 1);
  });

  it('on a tie (a constant weight both store exactly) uint16', () => {
    expect(twoByteRung(tensor(new Float32Array([0.5, 0.5, 0.5, 0.5])))).toEqual({ name: 'uint16', target: 'uint16', bytes: 8, sse: 0 });
  });
});
