import { describe, expect, test } from 'vitest';
import { codeSpan, escapeMarkdown } from '../../../src/report/escape.js';
import { toReportJson } from '../../../src/report/json.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { Report } from '../../../src/report/types.js';

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
        { key: 'size', unit: 'bytes', value: 5_500_000, original: 22_000_000, limit: 5_000_000, direction: 'max', status: 'fail', message: '5.5 MB is over the 5 MB budget by 10.0%' },
        { key: 'latency.p90', unit: 'ms', value: Number.NaN, limit: 30, direction: 'max', status: 'warn', message: 'latency p90 has a budget but was not measured' },
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

      ### ❌ @‍team/net \\*v2\\* · \`models/a\\|b/model.json\` (layers)

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

describe('escaping user text', () => {
  test.each([
    { input: '@octocat', expected: '@\u200doctocat' },
    { input: '<img src=x onerror=alert(1)>', expected: '&lt;img src=x onerror=alert(1)&gt;' },
    { input: '**bold** [link](http://x)', expected: '\\*\\*bold\\*\\* \\[link\\](http://x)' },
    { input: 'a|b', expected: 'a\\|b' },
    { input: 'two\nlines', expected: 'two lines' },
  ])('escapeMarkdown($input)', ({ input, expected }) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  test('codeSpan survives backticks and pipes', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('a|b')).toBe('`a\\|b`');
  });
});
