import { describe, expect, it } from 'vitest';
import { paretoFront, type FrontierPoint } from '../../../src/compress/frontier.js';

const point = (bytes: number, budgetUse: number | null, kind: FrontierPoint['kind'] = 'candidate'): Omit<FrontierPoint, 'pareto'> => ({
  bytes,
  budgetUse,
  withinBudget: budgetUse !== null && budgetUse <= 1,
  kind,
  chosen: false,
});

describe('paretoFront', () => {
  it.each([
    { what: 'smaller and better both stay', input: [point(10, 0.5), point(20, 0.1)], expected: [true, true] },
    { what: 'bigger and worse is dominated', input: [point(10, 0.5), point(20, 0.6)], expected: [true, false] },
    { what: 'bigger at the same use is dominated', input: [point(10, 0.5), point(20, 0.5)], expected: [true, false] },
    { what: 'same bytes, more use is dominated', input: [point(10, 0.4), point(10, 0.5)], expected: [true, false] },
    { what: 'same bytes, more use is dominated, whichever comes first', input: [point(10, 0.5), point(10, 0.4)], expected: [true, false] },
    { what: 'a NaN drift is never on the front', input: [point(5, null), point(10, 2)], expected: [false, true] },
    {
      what: 'uint8 and 2-byte points take part like any other',
      input: [point(30, 0.2, 'all-2-byte'), point(10, 9, 'all-uint8'), point(20, 0.9), point(25, 0.95)],
      expected: [true, true, false, true],
    },
  ])('$what', ({ input, expected }) => {
    const front = paretoFront(input);
    expect(front.map((p) => p.bytes)).toEqual([...input.map((p) => p.bytes)].sort((a, b) => a - b));
    expect(front.map((p) => p.pareto)).toEqual(expected);
  });
});
