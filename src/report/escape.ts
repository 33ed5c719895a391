/**
 * Escaping of text taken from user files (model, layer and weight names, paths, dtypes, messages, anything from a
 * config, a model file or a report artifact) for the place it lands in. Every function here:
 * - turns line breaks into spaces, and control and bidirectional-override characters (U+202A–U+202E,
 *   U+2066–U+2069, LRM, RLM, ALM) into U+FFFD, so text can neither end the line it is on nor reorder what is shown;
 * - breaks `@mention`, `#123`, `owner/repo#1`, `GH-1` and bare URLs with a zero-width joiner, so a model named
 *   "@org/team" pings nobody and links nothing;
 * - never lets `<!--` through, so no user text carries a comment marker.
 *
 * Contexts: `escapeMarkdown` for running markdown text (paragraphs, list items, headings, table cells);
 * `codeSpan` for an inline code span there; `escapeHtml` inside an HTML block such as `<details><summary>`, where
 * CommonMark leaves markdown syntax (backticks included) unprocessed and only entities protect anything.
 */
// Characters that start emphasis, code, links, tables or strike-through anywhere in a line. (`#`, `-`, `+` and
// digits only matter at the start of a line, and every escaped text here is placed after a prefix.)
const MARKDOWN_SPECIAL = /[\\`*_[\]|~]/g;
const ZERO_WIDTH_JOINER = '\u200d';
const REPLACEMENT = '\ufffd';
const LINE_BREAKS = /\r\n|[\r\n\t\u2028\u2029\u0085]/g;
// C0/C1 controls other than the line breaks and the tab above, and the bidi embedding/override/isolate marks.
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Any `@` may end the local part of an e-mail address, which would be linked: a joiner before every one (linkify's
// local part takes punctuation such as `;`, `&`, `"` or `,`, so a word-character rule alone is not enough).
const EMAIL_AT = /@/g;
// `@user`, `#12`, `GH-12` and `www.`/`scheme://` links are what GitHub turns into pings, cross-references and links.
// (`&#39;` is our own entity: every `&` from user text is `&amp;` by then.)
const REFERENCES = /@(?=\w)|(?<!&)#(?=\d)|(?<=\bGH-)(?=\d)|(?<=\bwww)(?=\.)|(?<=:\/)(?=\/)/gi;

/** Line breaks and tabs to spaces, hidden and bidi characters to U+FFFD. */
function flatten(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(HIDDEN, REPLACEMENT);
}

/** Breaks mentions, issue references and autolinks with a zero-width joiner. */
function breakReferences(text: string): string {
  return text.replace(EMAIL_AT, `${ZERO_WIDTH_JOINER}@`).replace(REFERENCES, (match) => `${match}${ZERO_WIDTH_JOINER}`);
}

/** `&`, `<` and `>` as entities: no tag, comment or entity can start. Enough outside an attribute value. */
function encodeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function encodeEntities(text: string): string {
  return encodeText(text).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Running markdown text (also safe in a table cell): entities for HTML, backslashes for markdown syntax. Quotes stay
 * as they are: outside an HTML attribute they start nothing (a link title needs the `[`, `]` escaped here).
 */
export function escapeMarkdown(text: string): string {
  return breakReferences(encodeText(flatten(text)).replace(MARKDOWN_SPECIAL, (c) => `\\${c}`));
}

/** Text inside an HTML block (`<details><summary>…`): entities only, since markdown is not processed there. */
export function escapeHtml(text: string): string {
  return breakReferences(encodeEntities(flatten(text)));
}

/**
 * Inline code that survives backticks inside the text; still safe in a table cell. Not for HTML blocks: there a
 * backtick protects nothing (use `<code>${escapeHtml(text)}</code>`).
 */
export function codeSpan(text: string): string {
  // GitHub links nothing inside code, but the marker must not appear anywhere in a body but its first line.
  const clean = flatten(text).replace(/\|/g, '\\|').replace(/<!--/g, `<!${ZERO_WIDTH_JOINER}--`);
  // "``" is no empty code span but an opening fence that the next "``" on the line would close.
  if (clean === '') return '` `';
  const longest = Math.max(0, ...Array.from(clean.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * A fenced code block of several lines (an error message): its fence is longer than any run of backticks in the
 * text, so nothing inside can close it; control and bidi characters become U+FFFD as everywhere.
 */
export function fencedCode(text: string): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(HIDDEN, REPLACEMENT);
  const longest = Math.max(0, ...Array.from(clean.matchAll(/`{3,}/g), (m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${clean}\n${fence}`;
}

/**
 * One line of the job log: the runner treats a line that starts (after blanks) with `::` as a workflow command
 * (`::error`, `::add-mask::`, `::stop-commands::`), and `##[` anywhere in a line as one in the older syntax. Text
 * from user files is written with every line break kept but each line's `::` start and every `##[` broken by a
 * zero-width joiner, so none of it is ever taken as a command. The Action's own commands are written by
 * `@actions/core`, which escapes their data, and never pass through here.
 */
export function neutralizeLogText(text: string): string {
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part) => (/^(\r\n|\r|\n)$/.test(part) ? part : neutralizeLogLine(part)))
    .join('');
}

function neutralizeLogLine(line: string): string {
  // The runner trims with .NET's notion of white space, which also counts U+0085.
  return line.replace(/^([\s\u0085]*):/, `$1:${ZERO_WIDTH_JOINER}`).replace(/##\[/g, `#${ZERO_WIDTH_JOINER}#[`);
}
