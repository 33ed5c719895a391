import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { note, noteText, parseNote, plainNote } from '../../../src/note.js';
import { renderNote } from '../../../src/report/cells.js';
import { escapeMarkdown } from '../../../src/report/escape.js';
import { markupProblems, renderHtml } from '../../helpers/rendered-markup.js';

describe('notes: our markup, user text escaped', () => {
  test.each([
    { what: 'our backticks are code', input: 'set `outputs:` to change', expected: 'set `outputs:` to change' },
    { what: 'no markup: escaped text', input: 'a *b* <c>', expected: 'a \\*b\\* &lt;c&gt;' },
    {
      what: 'user backticks put in through note`` show as written',
      input: note`output "${'a`b'}" (set \`outputs:\`)`,
      expected: 'output "a\\`b" (set `outputs:`)',
    },
    { what: 'a user backslash stays one', input: note`written to ${'C:\\models\\x'}`, expected: 'written to C:\\\\models\\\\x' },
    { what: 'a leading # opens no heading', input: '# big', expected: '\\# big' },
    { what: 'a leading 1. opens no list', input: '1. x', expected: '1\\. x' },
    { what: 'a code span left open runs to the end', input: 'see `inputs', expected: 'see `inputs`' },
  ])('$what', ({ input, expected }) => {
    expect(renderNote(input)).toBe(expected);
  });

  test('the note tag escapes only what it interpolates', () => {
    expect(note`a \`b\` ${'`c`'} ${2}`).toBe('a `b` \\`c\\` 2');
    expect(parseNote(note`a \`b\` ${'`c`'}`)).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'code', text: 'b' },
      { kind: 'text', text: ' `c`' },
    ]);
  });

  test('as plain text a note keeps our backticks and loses the escapes', () => {
    expect(plainNote(note`accuracy of "${'x`y'}" (set \`outputs:\` to change)`)).toBe('accuracy of "x`y" (set `outputs:` to change)');
  });

  test('any user text reads back as written (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const parts = parseNote(note`${a}\`${'code'}\`${b}`);
        expect(parts.map((p) => p.text).join('')).toBe(`${a}code${b}`);
        expect(plainNote(noteText(a))).toBe(a);
      }),
    );
  });

  test('whatever a note holds (a hostile artifact), it renders to no markup but code spans', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('`', '\\', '<', '>', '*', '_', '[', ']', '|', '@', '#', 'a', ' ', '\n', '!', '-') }), (text) => {
        const rendered = renderNote(text);
        expect(markupProblems(`- ${rendered}`)).toEqual([]);
        expect(renderHtml(`- ${rendered}`)).not.toMatch(/<(em|strong|a|del)\b/);
      }),
      { numRuns: 300 },
    );
    expect(renderNote('<!-- model-budget:x -->')).toBe(escapeMarkdown('<!-- model-budget:x -->'));
  });
});
