import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { codeSpan, escapeHtml, escapeMarkdown, fencedCode, neutralizeLogText } from '../../../src/report/escape.js';
import { toReportJson } from '../../../src/report/json.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { Report } from '../../../src/report/types.js';
import { markupProblems, renderHtml } from '../../helpers/rendered-markup.js';
import { workflowCommands } from '../../helpers/runner-commands.js';

const report: Report = {
  schemaVersion: 1,
  verdict: 'fail',
  config: 'model-budget.yml',
  tool: { name: 'model-budget', version: '0.1.0' },
  models: [
    {
      name: '@team/net *v2*',
      path: 'models/a|b/model.json',
      format: 'layers',
      verdict: 'fail',
      metrics: [
        {
          key: 'size',
          unit: 'bytes',
          value: 5_500_000,
          original: 22_000_000,
          limit: 5_000_000,
          direction: 'max',
          status: 'fail',
          message: '5.5 MB is over the 5 MB budget by 10.0%',
        },
        {
          key: 'latency.p90',
          unit: 'ms',
          value: Number.NaN,
          limit: 30,
          direction: 'max',
          status: 'warn',
          message: 'latency p90 has a budget but was not measured',
        },
      ],
      weights: [{ name: 'conv`1/<kernel>', shape: [3, 3, 16, 32], dtype: 'uint8', bytes: 4608, share: 1 }],
      notes: ['quantize: uint8'],
    },
    { name: 'broken', path: 'x/model.json', verdict: 'error', metrics: [], weights: [], notes: [], error: 'x/model.json not found' },
  ],
};

describe('renderMarkdown', () => {
  test('the whole report', () => {
    expect(renderMarkdown(report)).toMatchInlineSnapshot(`
      "## ❌ model-budget: fail

      2 model(s) checked against \`model-budget.yml\`.

      ### ❌ ‍@‍team/net \\*v2\\* · \`models/a\\|b/model.json\` (layers)

      | metric | original | value | budget | status |
      | --- | ---: | ---: | ---: | --- |
      | size on disk | 22 MB | 5.5 MB | ≤ 5 MB | ❌ fail |
      | latency p90 |  | not measured | ≤ 30 ms | ⚠️ warn |

      - ❌ **size on disk**: 5.5 MB is over the 5 MB budget by 10.0%
      - ⚠️ **latency p90**: latency p90 has a budget but was not measured

      - quantize: uint8

      <details><summary>What takes the space: top 1 of 1 weights</summary>

      | weight | shape | dtype | bytes | share |
      | --- | --- | --- | ---: | ---: |
      | \`\`conv\`1/<kernel>\`\` | 3×3×16×32 | uint8 | 4.61 KB | 100.0% |

      </details>

      ### 💥 broken · \`x/model.json\`

      **Could not be checked:** x/model.json not found

      <sub>model-budget 0.1.0</sub>
      "
    `);
  });

  test('report.json keys metrics by budget key; NaN becomes null', () => {
    const json = toReportJson(report);
    expect(json.models[0]?.metrics['size']).toEqual({
      value: 5_500_000,
      limit: 5_000_000,
      status: 'fail',
      unit: 'bytes',
      original: 22_000_000,
      message: '5.5 MB is over the 5 MB budget by 10.0%',
    });
    expect(json.models[0]?.metrics['latency.p90']?.value).toBeNull();
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

const ZWJ = '\u200d';

describe('escaping user text', () => {
  test.each([
    { input: '@octocat', expected: `${ZWJ}@${ZWJ}octocat` },
    { input: 'x;@octocatwww.evil.example', expected: `x;${ZWJ}@${ZWJ}octocatwww.evil.example` },
    { input: '<img src=x onerror=alert(1)>', expected: '&lt;img src=x onerror=alert(1)&gt;' },
    { input: '**bold** [link](http://x)', expected: `\\*\\*bold\\*\\* \\[link\\](http:/${ZWJ}/x)` },
    { input: 'a|b', expected: 'a\\|b' },
    { input: 'two\nlines\r\nand\u2028more\tand', expected: 'two lines and more and' },
    { input: 'see #12 and owner/repo#3, GH-4', expected: `see #${ZWJ}12 and owner/repo#${ZWJ}3, GH-${ZWJ}4` },
    { input: 'mail a@b.example', expected: `mail a${ZWJ}@${ZWJ}b.example` },
    { input: 'www.evil.example', expected: `www${ZWJ}.evil.example` },
    { input: 'abc\u202Edcba\u2066x\u0000', expected: 'abc\ufffddcba\ufffdx\ufffd' },
    { input: '<!-- model-budget:x -->', expected: '&lt;!-- model-budget:x --&gt;' },
    { input: `"quoted" 'single'`, expected: `"quoted" 'single'` },
    { input: 'R&D &lt;b&gt;', expected: 'R&amp;D &amp;lt;b&amp;gt;' },
  ])('escapeMarkdown($input)', ({ input, expected }) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  test.each([
    { what: 'no backslashes in an HTML block', input: 'a*b_c|d', expected: 'a*b_c|d' },
    { what: 'entities and mentions', input: '</summary><img src=x> @team #1', expected: `&lt;/summary&gt;&lt;img src=x&gt; ${ZWJ}@${ZWJ}team #${ZWJ}1` },
    { what: 'line breaks end no block', input: 'a\n\n<h1>x', expected: 'a  &lt;h1&gt;x' },
    { what: 'quotes, which could end an attribute value', input: `a "b" 'c'`, expected: 'a &quot;b&quot; &#39;c&#39;' },
  ])('escapeHtml: $what', ({ input, expected }) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  test('codeSpan survives backticks and pipes, and carries no marker', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('a|b')).toBe('`a\\|b`');
    expect(codeSpan('<!-- model-budget:x -->')).toBe(`\`<!${ZWJ}-- model-budget:x -->\``);
    expect(codeSpan('a\u202eb\nc')).toBe('`a\ufffdb c`');
    // An empty span would be a lone fence that pairs with the next span's on the line, leaving its text outside.
    expect(codeSpan('')).toBe('` `');
  });

  test('no escaped text holds a line break, a bidi control, a raw < or a live mention', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        for (const out of [escapeMarkdown(text), escapeHtml(text)]) {
          expect(out).not.toMatch(/[\r\n\u2028\u2029\u0085\u202a-\u202e\u2066-\u2069<>"]/);
          expect(out).not.toMatch(/@\w|#\d/);
        }
        expect(codeSpan(text)).not.toMatch(/[\r\n\u202a-\u202e\u2066-\u2069]|<!--/);
      }),
    );
  });
});

describe('fencedCode', () => {
  test('a message with fences, markup and mentions in it is one code block, shown as it is', () => {
    const message = 'model-budget.yml:3:5 models[0]: "```\n</pre><img src=x> @team #1\n````"';
    expect(fencedCode(message)).toBe(`\`\`\`\`\`\n${message}\n\`\`\`\`\``);
    expect(fencedCode('one\r\ntwo\rthree\tfour')).toBe('```\none\ntwo\nthree four\n```');
    expect(renderHtml(fencedCode(message))).toBe(
      '<pre><code>model-budget.yml:3:5 models[0]: &quot;```\n&lt;/pre&gt;&lt;img src=x&gt; @team #1\n````&quot;\n</code></pre>\n',
    );
  });

  test('whatever the text, nothing but one code block comes out', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const html = renderHtml(fencedCode(text));
        expect(html.match(/<pre>/g)?.length).toBe(1);
        expect(html.startsWith('<pre><code>') && html.endsWith('</code></pre>\n')).toBe(true);
        expect(markupProblems(fencedCode(text)).filter((p) => !p.startsWith('live'))).toEqual([]);
      }),
    );
  });
});

describe('neutralizeLogText', () => {
  test.each([
    { what: 'a command at the start of a line', input: '::error::x', expected: `:${ZWJ}:error::x` },
    { what: 'after blanks (the runner trims them, U+0085 too)', input: ' \t\u0085::add-mask::x', expected: ` \t\u0085:${ZWJ}:add-mask::x` },
    { what: 'on every line, CR, LF and CRLF', input: 'a\n::x::\r::y::\r\n::z::', expected: `a\n:${ZWJ}:x::\r:${ZWJ}:y::\r\n:${ZWJ}:z::` },
    { what: 'the old ##[ syntax anywhere', input: 'name ##[error]x ##[warning]', expected: `name #${ZWJ}#[error]x #${ZWJ}#[warning]` },
    { what: 'ordinary text untouched', input: 'net: loading a.json (0.1 s)\n', expected: 'net: loading a.json (0.1 s)\n' },
  ])('$what', ({ input, expected }) => {
    expect(neutralizeLogText(input)).toBe(expected);
  });

  test('no line of any text is a workflow command afterwards, and the lines are kept', () => {
    const pieces = fc.constantFrom('::', '##[', 'error', ']', '\n', '\r', '\r\n', ' ', '\u0085', '\t', 'x', 'stop-commands', ':');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(pieces, fc.string()), { maxLength: 20 }).map((p) => p.join('')),
        (text) => {
          const out = neutralizeLogText(text);
          expect(workflowCommands(out)).toEqual([]);
          expect(out.replaceAll(ZWJ, '')).toBe(text.replaceAll(ZWJ, ''));
        },
      ),
    );
  });
});
