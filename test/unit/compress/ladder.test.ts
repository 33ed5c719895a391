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
});
