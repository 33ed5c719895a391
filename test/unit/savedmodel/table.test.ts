import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc } from '../../../src/formats/savedmodel/crc32c.js';
import { readTable } from '../../../src/formats/savedmodel/table.js';
import { buildTable } from '../../helpers/savedmodel-files.js';

describe('crc32c', () => {
  it.each([
    { what: 'the standard check value', input: '123456789', expected: 0xe3069283 },
    { what: 'empty input', input: '', expected: 0 },
    { what: '32 zero bytes (RFC 3720 B.4)', input: '\0'.repeat(32), expected: 0x8a9136aa },
  ])('$what', ({ input, expected }) => {
    expect(crc32c(new TextEncoder().encode(input))).toBe(expected);
  });

  it('continues across chunks', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32c(bytes.subarray(4), crc32c(bytes.subarray(0, 4)))).toBe(0xe3069283);
  });

  it('masks as TensorFlow does (rotate right 15, add 0xa282ead8)', () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskCrc(0xe3069283)).toBe((((0xe3069283 >>> 15) | (0xe3069283 << 17)) + 0xa282ead8) >>> 0);
  });
});

describe('readTable', () => {
  it('reads a TensorFlow-written index: prefix-compressed keys across restart points', () => {
    const index = new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'savedmodel', 'kws-dscnn', 'variables', 'variables.index')));
    const keys = [...readTable(index, 'index').keys()];
    expect(keys[0]).toBe('');
    expect(keys).toContain('layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE');
    expect(keys).toContain('_CHECKPOINTABLE_OBJECT_GRAPH');
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('round-trips what the table writer of the tests builds', () => {
    const entries = new Map([
      ['a', new Uint8Array([1])],
      ['ab', new Uint8Array([2, 3])],
      ['b', new Uint8Array()],
    ]);
    expect(readTable(buildTable(entries), 't')).toEqual(entries);
  });

  it("a changed byte inside a block fails that block's crc32c", () => {
    const table = buildTable(new Map([['key', new Uint8Array(8)]]));
    table[2] = 120; // the first entry's value length
    expect(() => readTable(table, 't')).toThrow(/fails its crc32c check/);
  });
});
