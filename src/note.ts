/**
 * Notes: the lines a renderer shows under a model's table ("quantize: uint8 …", "set `outputs:` to change"). A
 * note is a string with one piece of markup, so that report.json and the artifact keep plain strings:
 *
 * - our own wording may mark code with backticks: `` set `outputs:` to change `` shows `outputs:` as code;
 * - text from user files (names, paths, op names, messages) goes in through the `note` tag or `noteText`, which put
 *   a backslash before each of its backticks and backslashes, so it shows as written and never opens a code span.
 *
 * Rendering stays safe whatever a note holds (a report artifact is untrusted, and anyone may write a note there):
 * `renderNote` (src/report/cells.ts) puts each code span through `codeSpan` and everything else through
 * `escapeMarkdown`. Only how it looks depends on the producer escaping what it interpolates. This file sits at the
 * bottom layer, beside src/metrics.ts, so that every stage can write notes.
 */
/** One report note, in the markup above. */
export type Note = string;

/** A piece of a parsed note: our text, or our code span (both may still hold user text, and are escaped). */
export type NotePart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'code'; readonly text: string };

/** User text as a literal part of a note: its backticks and backslashes escaped. */
export function noteText(untrusted: string): string {
  return untrusted.replace(/[\\`]/g, (c) => `\\${c}`);
}

/**
 * A note from a template: the literal parts are ours (backticks mark code), every interpolated value is user text
 * (escaped with `noteText`). `` note`accuracy of output "${name}" (set \`outputs:\` to change)` ``.
 */
export function note(literals: TemplateStringsArray, ...values: readonly (string | number)[]): Note {
  return literals.reduce((out, ours, i) => out + ours + (i < values.length ? noteText(String(values[i])) : ''), '');
}

/** Splits a note into text and code parts, undoing the escapes. A code span left open runs to the end. */
export function parseNote(text: Note): readonly NotePart[] {
  const parts: NotePart[] = [];
  let kind: NotePart['kind'] = 'text';
  let current = '';
  const flush = (): void => {
    if (current !== '' || kind === 'code') parts.push({ kind, text: current });
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    const next = text[i + 1];
    if (c === '\\' && (next === '`' || next === '\\')) {
      current += next;
      i++;
    } else if (c === '`') {
      flush();
      kind = kind === 'text' ? 'code' : 'text';
    } else {
      current += c;
    }
  }
  if (current !== '' || kind === 'code') parts.push({ kind, text: current });
  return parts;
}

/** A note as plain text (a log line, stderr, a title attribute): escapes undone, our backticks kept as written. */
export function plainNote(text: Note): string {
  return parseNote(text)
    .map((p) => (p.kind === 'code' ? `\`${p.text}\`` : p.text))
    .join('');
}
