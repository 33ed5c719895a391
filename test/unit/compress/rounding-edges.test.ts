import { describe, expect, it } from 'vitest';
import { preserveChannelSums } from '../../../src/compress/rounding.js';

// preserveChannelSums on hand-made channels: which code moves, which must not (wrong direction, end of the range,
// a pruned zero), largest remainder first, and channels kept apart. `exact` is each value's unrounded code.
describe('preserveChannelSums, case by case', () => {
  it.each([
    {
      what: 'the largest remainder moves, wherever it is',
      codes: [10, 10, 10, 10],
      exact: [10.1, 10.2, 10.45, 10.3],
      channels: 1,
      expected: [10, 10, 11, 10],
    },
    {
      what: 'a value that leans the other way never moves, even with the largest remainder',
      codes: [10, 10, 10, 10, 10],
      exact: [10.45, 10.45, 10.45, 10.45, 9.51],
      channels: 1,
      expected: [11, 10, 10, 10, 10],
    },
    {
      what: 'downwards: the largest negative remainder moves down, a positive one never',
      codes: [10, 10, 10, 10, 10],
      exact: [9.55, 9.6, 9.55, 9.55, 10.49],
      channels: 1,
      expected: [9, 10, 10, 10, 10],
    },
    {
      what: 'a code at the top of the range does not move up',
      codes: [255, 100, 100],
      exact: [255.45, 100.4, 100.4],
      channels: 1,
      expected: [255, 101, 100],
    },
    {
      what: 'a code at 0 does not move down',
      codes: [0, 5, 5],
      exact: [-0.45, 4.6, 4.6],
      channels: 1,
      expected: [0, 4, 5],
    },
    {
      what: 'two steps: the two largest remainders move',
      codes: [10, 10, 10, 10],
      exact: [10.4, 10.45, 10.5, 10.35],
      channels: 1,
      expected: [10, 11, 11, 10],
    },
    {
      what: 'a residual that rounds to 0 moves nothing',
      codes: [10, 10, 10],
      exact: [10.2, 10.2, 10.05],
      channels: 1,
      expected: [10, 10, 10],
    },
    {
      what: 'channels are index mod channels, each balanced on its own',
      codes: [10, 20, 10, 20, 10, 20],
      exact: [10.45, 20, 10.3, 20, 10.3, 19.6],
      channels: 2,
      expected: [11, 20, 10, 20, 10, 20],
    },
  ])('$what', ({ codes, exact, channels, expected }) => {
    const out = Uint8Array.from(codes);
    preserveChannelSums(out, Float64Array.from(exact), () => false, channels, 255);
    expect([...out]).toEqual(expected);
  });

  it('a pruned zero neither moves nor counts', () => {
    // Without index 0 the residual is 0.9 → one step up; index 0 (a zero) would have the largest remainder.
    const out = Uint16Array.from([3, 10, 10]);
    preserveChannelSums(out, Float64Array.from([3.49, 10.45, 10.45]), (i) => i === 0, 1, 65535);
    expect([...out]).toEqual([3, 11, 10]);
  });

  it('uint16 codes move within their own range', () => {
    const out = Uint16Array.from([65535, 300, 300]);
    preserveChannelSums(out, Float64Array.from([65535.45, 300.4, 300.4]), () => false, 1, 65535);
    expect([...out]).toEqual([65535, 301, 300]);
  });

  it('no channels: nothing to balance, nothing thrown', () => {
    const out = Uint8Array.from([1, 2]);
    preserveChannelSums(out, Float64Array.from([1.4, 2.4]), () => false, 0, 255);
    expect([...out]).toEqual([1, 2]);
  });
});
