/**
 * Escaping of text taken from user files (model, layer and weight names, paths, messages) before it goes into
 * markdown. Markdown syntax is backslash-escaped, HTML is entity-encoded, and `@mention` / `#123` are broken with a
 * zero-width joiner so a model named "@org/team" pings nobody.
 */
// Characters that start emphasis, code, links, tables or strike-through anywhere in a line. (`#`, `-`, `+` and
// digits only matter at the start of a line, and every escaped text here is placed after a prefix.)
const MARKDOWN_SPECIAL = /[\\`*_[\]|~]/g;
const ZERO_WIDTH_JOINER = '\u200d';

export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
    .replace(/@(?=\w)/g, `@${ZERO_WIDTH_JOINER}`);
}

/** Inline code that survives backticks inside the text; still safe in a table cell. */
export function codeSpan(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...Array.from(clean.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}
