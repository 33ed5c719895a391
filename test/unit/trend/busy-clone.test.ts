import { describe, expect, it } from 'vitest';
import { isBusyClone } from '../../../src/trend/store.js';

describe('isBusyClone', () => {
  it.each([
    { what: 'shallow file rewritten by a sibling fetch', stderr: 'fatal: shallow file has changed since we read it\n', expected: true },
    { what: 'shallow.lock held', stderr: "fatal: Unable to create '/w/.git/shallow.lock': File exists.\n", expected: true },
    { what: 'ref lock held', stderr: "error: cannot lock ref: Unable to create '/w/.git/refs/x.lock': File exists\n", expected: true },
    { what: 'no such remote', stderr: "fatal: 'origin' does not appear to be a git repository\n", expected: false },
    { what: 'auth failure', stderr: 'fatal: Authentication failed for https://github.com/o/r/\n', expected: false },
  ])('$what → $expected', ({ stderr, expected }) => expect(isBusyClone(stderr)).toBe(expected));
});
