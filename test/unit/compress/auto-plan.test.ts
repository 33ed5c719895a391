import { describe, expect, it } from 'vitest';
import {
  fitUseModel,
  planUnits,
  predictPrefixes,
  prefixAssignment,
  promotionList,
  rungOf,
  unitBytes,
  type Move,
  type SearchedWeight,
  type Unit,
  type UseModel,
} from '../../../src/compress/auto-plan.js';
import type { Rung } from '../../../src/compress/ladder.js';

const rung = (bytes: number, sse = 0): Rung => ({ name: `${bytes} bytes`, target: 'float32', bytes, sse });

/** A weight whose top rung holds `top` bytes, on a ladder of `rungs` rungs (each half the bytes of the next). */
const sized = (name: string, top: number, rungs = 3): SearchedWeight => ({
  name,
  elements: top / 4,
  ladder: Array.from({ length: rungs }, (_, i) => rung(top / 2 ** (rungs - 1 - i))),
});

/** A weight with the given bytes and squared errors per rung. */
const weight = (name: string, bytes: readonly number[], sse: readonly number[] = bytes.map(() => 0)): SearchedWeight => ({
  name,
  elements: bytes[0] ?? 0,
  ladder: bytes.map((b, i) => rung(b, sse[i] ?? 0)),
});

const alone = (w: SearchedWeight): Unit => ({ label: w.name, members: [w], rungs: w.ladder.length });

/** What a plan is: per unit its label, members, group number and rung count. */
const shape = (units: readonly Unit[]) => units.map((u) => [u.label, u.members.map((w) => w.name), u.group, u.rungs]);

describe('rungOf and unitBytes', () => {
  const w = weight('w', [1, 2, 4]);
  it('gives the rung at i, a shorter ladder staying on its top rung', () => {
    expect([0, 1, 2, 3, Infinity].map((i) => rungOf(w, i).bytes)).toEqual([1, 2, 4, 4, 4]);
  });

  it('a weight without rungs is an error that names it', () => {
    expect(() => rungOf(weight('conv/kernel', []), 0)).toThrow('weight conv/kernel has no rungs');
  });

  it('sums the members’ bytes at the unit’s rung', () => {
    const unit: Unit = { label: 'group 1 (2 small weights)', members: [w, weight('v', [10, 20])], group: 1, rungs: 3 };
    expect([0, 1, 2].map((i) => unitBytes(unit, i))).toEqual([11, 22, 24]);
  });
});

describe('planUnits', () => {
  // Sizes are shares of 1000 searched bytes: the small tail is at most 40, a weight alone at least 5, a group about 20.
  it('puts the largest weights alone, largest first, and the smallest that together hold 4% in a group, in model order', () => {
    const weights = [sized('d', 5), sized('c', 15), sized('b', 380), sized('a', 600)];
    expect(shape(planUnits(weights, 10, 4))).toEqual([
      ['a', ['a'], undefined, 3],
      ['b', ['b'], undefined, 3],
      ['group 1 (2 small weights)', ['d', 'c'], 1, 3],
    ]);
  });

  it('the small tail is counted together: two weights under 4% each but over it together leave the bigger one alone', () => {
    const weights = [sized('a', 600), sized('b', 350), sized('c', 30), sized('d', 20)];
    expect(shape(planUnits(weights, 10, 4))).toEqual([
      ['a', ['a'], undefined, 3],
      ['b', ['b'], undefined, 3],
      ['c', ['c'], undefined, 3],
      ['group 1 (1 small weight)', ['d'], 1, 3],
    ]);
  });

  it('a tail holding exactly 4% is small (and its 40 bytes make two groups)', () => {
    const weights = [sized('a', 600), sized('b', 360), sized('c', 35), sized('d', 5)];
    expect(shape(planUnits(weights, 10, 4))).toEqual([
      ['a', ['a'], undefined, 3],
      ['b', ['b'], undefined, 3],
      ['group 1 (1 small weight)', ['c'], 1, 3],
      ['group 2 (1 small weight)', ['d'], 2, 3],
    ]);
  });

  it('a weight under 0.5% is never alone, one at exactly 0.5% may be; the rest split into groups of about 2% each', () => {
    const tiny = Array.from({ length: 20 }, (_, i) => sized(`s${i}`, 4));
    const weights = [...tiny.slice(0, 10), sized('a', 915), sized('b', 5), ...tiny.slice(10)];
    // 10 of the 4-byte weights make the 4% tail; the other 10 are not small but too small alone. 80 bytes: 4 groups.
    expect(shape(planUnits(weights, 10, 4))).toEqual([
      ['a', ['a'], undefined, 3],
      ['b', ['b'], undefined, 3],
      ...[0, 1, 2, 3].map((g) => [`group ${g + 1} (5 small weights)`, tiny.slice(5 * g, 5 * g + 5).map((w) => w.name), g + 1, 3]),
    ]);
  });

  it('with no small weights and room for all, every weight is alone and there is no group', () => {
    expect(shape(planUnits([sized('a', 500), sized('b', 300), sized('c', 200)], 3, 4))).toEqual([
      ['a', ['a'], undefined, 3],
      ['b', ['b'], undefined, 3],
      ['c', ['c'], undefined, 3],
    ]);
  });

  it('when some weight must be grouped, one of the `alone` slots goes to the groups', () => {
    const weights = [sized('d', 5), sized('c', 15), sized('b', 380), sized('a', 600)];
    expect(shape(planUnits(weights, 2, 4))).toEqual([
      ['a', ['a'], undefined, 3],
      ['group 1 (3 small weights)', ['d', 'c', 'b'], 1, 3],
    ]);
    expect(shape(planUnits(weights, 3, 4)).map((u) => u[0])).toEqual(['a', 'b', 'group 1 (2 small weights)']);
  });

  it('makes as many groups as the bytes call for (here 2 of the 4 allowed), split at equal shares; a group climbs its longest ladder', () => {
    const small = Array.from({ length: 8 }, (_, i) => sized(`s${i}`, 5, i === 0 ? 4 : i === 5 ? 2 : 3));
    expect(shape(planUnits([sized('a', 960), ...small], 4, 4))).toEqual([
      ['a', ['a'], undefined, 3],
      ['group 1 (4 small weights)', ['s0', 's1', 's2', 's3'], 1, 4],
      ['group 2 (4 small weights)', ['s4', 's5', 's6', 's7'], 2, 3],
    ]);
  });

  it('never makes more than `groups` groups, even when the last weights hold no bytes', () => {
    const small = Array.from({ length: 8 }, (_, i) => sized(`s${i}`, 5));
    const units = planUnits([sized('a', 960), ...small, sized('z0', 0), sized('z1', 0)], 4, 2);
    expect(shape(units)).toEqual([
      ['a', ['a'], undefined, 3],
      ['group 1 (4 small weights)', ['s0', 's1', 's2', 's3'], 1, 3],
      ['group 2 (6 small weights)', ['s4', 's5', 's6', 's7', 'z0', 'z1'], 2, 3],
    ]);
  });

  it('weights that hold no bytes at all make one group', () => {
    expect(shape(planUnits([sized('z0', 0), sized('z1', 0)], 2, 4))).toEqual([['group 1 (2 small weights)', ['z0', 'z1'], 1, 3]]);
  });
});

describe('fitUseModel', () => {
  // Both units err by half the RMS at rung 1 (squared error 4 → 1) and not at all at rung 2.
  const group: Unit = {
    label: 'group 1 (2 small weights)',
    members: [weight('g0', [1, 2, 4], [3, 1, 0]), weight('g1', [1, 2, 4], [1, 0, 0])],
    group: 1,
    rungs: 3,
  };
  const single = alone(weight('w', [8, 16, 32], [4, 1, 0]));

  it('fits q to the all-uint8 use, p to the all-2-byte use, and predicts each unit from its probe and error ratio', () => {
    // Probes 1 and 1, all-uint8 √2: the ℓ2 norm (q = 2, c = 1). At rung 1 each unit uses 0.5^p; all-2-byte √2/4: p = 2.
    const model = fitUseModel([group, single], [1, 1], Math.SQRT2, Math.SQRT2 / 4);
    expect(model.q).toBeCloseTo(2, 9);
    expect(model.c).toBeCloseTo(1, 9);
    expect(model.p).toBeCloseTo(2, 9);
    expect([0, 1, 2].map((i) => model.est(0, i))).toEqual([1, expect.closeTo(0.25, 9), 0]);
    expect(model.est(1, 1)).toBeCloseTo(0.25, 9);
  });

  it('without a usable all-2-byte measurement p stays 1', () => {
    for (const all2Byte of [undefined, NaN, Infinity]) {
      const model = fitUseModel([group, single], [1, 0.5], 1.2, all2Byte);
      expect(model.p).toBe(1);
      expect(model.est(0, 1)).toBeCloseTo(0.5, 12);
      expect(model.est(1, 1)).toBeCloseTo(0.25, 12);
    }
  });

  it('a unit exact at uint8 uses its probe there and nothing above it', () => {
    const exact = alone(weight('e', [4, 8, 16], [0, 0, 0]));
    const model = fitUseModel([single, exact], [0.4, 0.3], 0.5, undefined);
    expect([0, 1, 2].map((i) => model.est(1, i))).toEqual([0.3, 0, 0]);
    expect(model.est(0, 1)).toBeCloseTo(0.2, 12);
  });

  it('clamps q to [0.5, 4], exactly at the end, and lets c make up the rest', () => {
    const ones = (n: number): number[] => Array.from({ length: n }, () => 1);
    const units = (n: number): Unit[] => Array.from({ length: n }, () => single);
    // Two probes of 1: the ℓ0.5 norm is 4, the ℓ4 norm 2^¼. Sixteen: the ℓ4 norm is 2.
    expect(fitUseModel(units(2), ones(2), 4, undefined)).toMatchObject({ q: 0.5, c: 1 });
    expect(fitUseModel(units(2), ones(2), 5, undefined)).toMatchObject({ q: 0.5, c: 1.25 });
    expect(fitUseModel(units(16), ones(16), 2, undefined)).toMatchObject({ q: 4, c: 1 });
    expect(fitUseModel(units(16), ones(16), 1, undefined)).toMatchObject({ q: 4, c: 0.5 });
  });

  it('probes that all used nothing leave c at 1', () => {
    expect(fitUseModel([single, single], [0, 0], 0.3, undefined)).toMatchObject({ q: 0.5, c: 1 });
  });
});

describe('promotionList, prefixAssignment and predictPrefixes', () => {
  // A hand-made model in ℓ2 (q = 2), scaled by 2: x uses 3, 2, 0 on its rungs; y 4, 1.
  const x = alone(weight('x', [10, 20, 40]));
  const y = alone(weight('y', [5, 10]));
  const table = [
    [3, 2, 0],
    [4, 1],
  ];
  const model: UseModel = { q: 2, p: 1, c: 2, est: (u, i) => table[u]?.[i] ?? NaN };

  it('lists every step up, most use removed (in ℓq) per byte added first', () => {
    // x→1 removes 9−4 = 5 for 10 bytes, x→2 4 for 20; y→1 removes 16−1 = 15 for 5.
    expect(promotionList([x, y], model)).toEqual([
      { unit: 1, to: 1, worth: 3, gain: 15 },
      { unit: 0, to: 1, worth: 0.5, gain: 5 },
      { unit: 0, to: 2, worth: 0.2, gain: 4 },
    ]);
  });

  it('keeps ladder order within a unit and unit order between equal worths', () => {
    const z = alone(weight('z', [10, 20, 30]));
    // z→1 removes 0.01 for 10 bytes (0.001 a byte); z→2 would be worth 0.299 a byte but is capped at 0.001. The twins tie at 0.2.
    const capped: UseModel = { q: 1, p: 1, c: 1, est: (u, i) => (u === 0 ? ([3, 2.99, 0][i] ?? NaN) : ([1, 0][i] ?? NaN)) };
    const moves = promotionList([z, y, y], capped);
    expect(moves.map((m) => [m.unit, m.to])).toEqual([
      [1, 1],
      [2, 1],
      [0, 1],
      [0, 2],
    ]);
    expect(moves.map((m) => m.worth)).toEqual([0.2, 0.2, expect.closeTo(0.001, 12), expect.closeTo(0.001, 12)]);
  });

  it('a prefix of the moves is an assignment: each unit at the highest rung moved to, the others at uint8', () => {
    const moves = promotionList([x, y], model);
    expect([0, 1, 2, 3].map((k) => prefixAssignment([x, y], moves, k))).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    const backwards: Move[] = [
      { unit: 0, to: 2, worth: 1, gain: 1 },
      { unit: 0, to: 1, worth: 1, gain: 1 },
    ];
    expect(prefixAssignment([x, y], backwards, 2)).toEqual([2, 0]);
  });

  it('predicts the use of every prefix: c times the ℓq norm of what is left', () => {
    const moves = promotionList([x, y], model);
    // Σ est^q: 9 + 16 = 25, then 25 − 15, − 5, − 4.
    const predicted = predictPrefixes([x, y], moves, model);
    expect(predicted).toHaveLength(4);
    [10, 2 * Math.sqrt(10), 2 * Math.sqrt(5), 2].forEach((want, k) => expect(predicted[k]).toBeCloseTo(want, 12));
  });
});
