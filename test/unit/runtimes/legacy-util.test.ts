import { describe, expect, test } from 'vitest';
import { provideLegacyUtil } from '../../../src/runtimes/tfjs-node/legacy-util.js';

describe('provideLegacyUtil', () => {
  const own = (): boolean => true;
  test.each<{ what: string; util: Record<string, unknown>; provided: string[] }>([
    { what: 'Node 23+: isNullOrUndefined removed, isArray kept', util: { isArray: own }, provided: ['isNullOrUndefined'] },
    { what: 'both removed', util: {}, provided: ['isArray', 'isNullOrUndefined'] },
    { what: 'Node 20: both present, left alone', util: { isArray: own, isNullOrUndefined: own }, provided: [] },
    { what: 'a non-function under the name is replaced', util: { isArray: own, isNullOrUndefined: 1 }, provided: ['isNullOrUndefined'] },
  ])('$what', ({ util, provided }) => {
    const target: Record<string, unknown> = { ...util };
    expect(provideLegacyUtil(target)).toEqual(provided);
    if (!provided.includes('isArray')) expect(target.isArray).toBe(util.isArray);
  });

  test('the provided helpers answer as the removed ones did', () => {
    const target: Record<string, unknown> = {};
    provideLegacyUtil(target);
    const isArray = target.isArray as (v: unknown) => boolean;
    const isNullOrUndefined = target.isNullOrUndefined as (v: unknown) => boolean;
    expect([[], [1], {}, 'a', null, undefined, new Float32Array(1)].map(isArray)).toEqual([true, true, false, false, false, false, false]);
    expect([null, undefined, 0, '', false, Number.NaN, {}].map(isNullOrUndefined)).toEqual([true, true, false, false, false, false, false]);
  });
});
