/**
 * What a markdown body turns into when a CommonMark + GFM renderer shows it (markdown-it with raw HTML allowed,
 * as GitHub allows it, tables, and GitHub's kind of autolinks), and every way it breaks the promise that user text
 * stays text: elements or attributes outside the set the renderers use, comments other than the leading marker,
 * live @mentions, #refs and autolinks, bidi controls.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: true, linkify: true });
// GitHub links `www.` and `scheme://` text, not bare domains.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: true });

/** Elements the report renderers emit themselves. */
const ALLOWED_ELEMENTS = new Set([
  'p',
  'h2',
  'h3',
  'h4',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'details',
  'summary',
  'sub',
  'ul',
  'li',
  'strong',
  'blockquote',
  'hr',
  'br',
  'a',
  'pre',
]);
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

export function renderHtml(markdown: string): string {
  return md.render(markdown);
}

/** Every problem found; empty when the body is clean. `links`: the only hrefs allowed (our own). */
export function markupProblems(markdown: string, links: readonly string[] = []): string[] {
  const html = renderHtml(markdown);
  const problems: string[] = [];
  const comments = html.match(/<!--/g) ?? [];
  if (comments.length > (markdown.startsWith('<!-- model-budget:') ? 1 : 0)) problems.push(`${comments.length} HTML comment(s)`);
  const withoutMarker = html.replace(/^<!-- model-budget:[^\n]* -->\n/, '');
  for (const tag of withoutMarker.matchAll(/<\/?([A-Za-z][\w-]*)([^>]*)>/g)) {
    const [whole, name = '', attributes = ''] = tag;
    if (!ALLOWED_ELEMENTS.has(name.toLowerCase())) problems.push(`element ${whole}`);
    if (name === 'a' && !whole.startsWith('</') && !/\bhref="/.test(attributes)) problems.push(`link without our href: ${whole}`);
    for (const attr of attributes.matchAll(/([^\s=]+)(?:="([^"]*)")?/g)) {
      const [text, attrName = '', value = ''] = attr;
      const ok =
        (attrName === 'style' && /^(th|td)$/.test(name) && /^text-align:(left|right|center)$/.test(value)) ||
        (attrName === 'class' && name === 'code' && value === 'language-mermaid') ||
        (attrName === 'href' && name === 'a' && links.includes(decode(value)));
      if (!ok) problems.push(`attribute ${text} on ${name}`);
    }
  }
  if (BIDI.test(html)) problems.push('bidi control character');
  const text = decode(withoutMarker.replace(/<code[^>]*>[\s\S]*?<\/code>/g, ' ').replace(/<[^>]*>/g, ' '));
  for (const [pattern, what] of [
    [/(^|[^\w`])@[A-Za-z0-9]/, 'live @mention'],
    [/(^|[^\w&])#\d/, 'live #reference'],
    [/\bGH-\d/i, 'live GH- reference'],
  ] as const) {
    const hit = pattern.exec(text);
    if (hit) problems.push(`${what} near ${JSON.stringify(text.slice(Math.max(0, hit.index - 10), hit.index + 20))}`);
  }
  return problems;
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}
