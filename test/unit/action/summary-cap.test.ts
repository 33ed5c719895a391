import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { SUMMARY_CUT_NOTE, capSummary } from '../../../src/action/summary-cap.js';

const bytes = (s: string): number => Buffer.byteLength(s);

describe('capSummary', () => {
  it.each([
    { what: 'small text is unchanged', input: 'a\nb\n', limit: 100, expected: 'a\nb\n' },
    { what: 'exactly at the limit is unchanged', input: 'x'.repeat(50), limit: 50, expected: 'x'.repeat(50) },
  ])('$what', ({ input, limit, expected }) => expect(capSummary(input, limit)).toBe(expected));

  it.each([
    { what: 'plain lines', input: Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n') },
    { what: 'multi-byte characters', input: Array.from({ length: 2000 }, () => '✅ 🔺 größer').join('\n') },
    { what: 'inside a code fence', input: `# head\n\n\`\`\`\n${'code line\n'.repeat(2000)}\`\`\`\n` },
    { what: 'inside details', input: `<details><summary>w</summary>\n\n${'| a | b |\n'.repeat(2000)}\n</details>\n` },
  ])('cuts $what at a line boundary, within the limit, with the note outside any block', ({ input }) => {
    const limit = 4096;
    const out = capSummary(input, limit);
    expect(bytes(out)).toBeLessThanOrEqual(limit);
    expect(out.endsWith(`${SUMMARY_CUT_NOTE}\n`)).toBe(true);
    const kept = out.slice(0, out.indexOf(SUMMARY_CUT_NOTE)).trimEnd().split('\n');
    // Every kept line is a whole line of the input (or a closer we added).
    const lines = new Set(input.split('\n'));
    expect(kept.every((line) => lines.has(line) || line === '```' || line === '</details>')).toBe(true);
    // The note renders as a blockquote of its own, not as code.
    const html = new MarkdownIt({ html: true }).render(out);
    expect(html).toMatch(/<blockquote>\s*<p>\[!NOTE\]/);
    expect(count(out, '<details')).toBe(count(out, '</details>'));
  });
});

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
