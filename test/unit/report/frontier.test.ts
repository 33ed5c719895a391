import { describe, expect, it } from 'vitest';
import { renderFrontier } from '../../../src/report/frontier.js';
import { renderComment } from '../../../src/report/comment.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { Report, SearchFrontier } from '../../../src/report/types.js';

const p = (bytes: number, budgetUse: number | null, kind: SearchFrontier['points'][number]['kind'], pareto: boolean, chosen = false) => ({
  bytes,
  budgetUse,
  withinBudget: budgetUse !== null && budgetUse <= 1,
  kind,
  pareto,
  chosen,
});

const frontier: SearchFrontier = {
  bytesBefore: 14_000_000,
  points: [
    p(3_500_000, 195, 'all-uint8', true),
    p(5_780_000, 1.63, 'candidate', true),
    p(6_700_000, 0.896, 'candidate', true, true),
    p(6_980_000, 1.64, 'all-2-byte', false),
    p(13_700_000, 0.003, 'probe', true),
    p(13_900_000, null, 'probe', false),
  ],
};

describe('renderFrontier', () => {
  it('draws the Pareto points with the uniform ones as a Mermaid xychart, collapsed, with the chosen point in the summary', () => {
    expect(renderFrontier(frontier)).toMatchInlineSnapshot(`
      "<details><summary><b>Smallest model within your budget</b>: 6.700 MB of weights (0.479 × 14.00 MB), 89.6% of the accuracy budget used</summary>

      \`\`\`mermaid
      xychart-beta
        title "Weight bytes vs accuracy budget used"
        x-axis "weights (MB)" ["3.500", "5.780", "6.700", "6.980", "13.700"]
        y-axis "budget used (%)" 0 --> 200
        line [200, 163, 89.6, 164, 0.3]
        line [100, 100, 100, 100, 100]
      \`\`\`

      The first line joins the Pareto points (no candidate smaller with less of the budget used) and the all-uint8 and all-2-byte candidates, smallest first (budget use above 200% drawn at 200%); the second line is the limit.

      | candidate | weights | × original | budget used | budget | Pareto |
      | --- | ---: | ---: | ---: | --- | --- |
      | all uint8 | 3.500 MB | 0.250 | 19,500% | over | yes |
      | mixed | 5.780 MB | 0.413 | 163% | over | yes |
      | **chosen** | 6.700 MB | 0.479 | 89.6% | within | yes |
      | all 2-byte (uint16/float16) | 6.980 MB | 0.499 | 164% | over |  |
      | one weight at uint8 | 13.70 MB | 0.979 | 0.3% | within | yes |

      6 candidate(s) evaluated, 4 on the Pareto front (none smaller with less of the budget used).

      </details>"
    `);
  });

  it('is empty without points, and says so when no candidate stayed inside the budget', () => {
    expect(renderFrontier(undefined)).toBe('');
    expect(renderFrontier({ bytesBefore: 10, points: [] })).toBe('');
    const none = renderFrontier({ bytesBefore: 1000, points: [p(250, 3, 'all-uint8', true)] });
    expect(none).toContain('none of the 1 candidate(s) evaluated stayed inside it');
    expect(none).not.toContain('mermaid');
  });

  it('thins a long front to 12 chart points, keeping both ends and the chosen one', () => {
    const many: SearchFrontier = {
      bytesBefore: 1e6,
      points: Array.from({ length: 40 }, (_, i) => p(1000 * (i + 1), 40 - i, 'candidate', true, i === 17)),
    };
    const chart = renderFrontier(many).split('\n');
    const x = chart.find((l) => l.includes('x-axis')) ?? '';
    const labels = x.slice(x.indexOf('[') + 1, x.lastIndexOf(']')).split(', ');
    expect(labels).toHaveLength(12);
    expect(labels[0]).toBe('"0.001"');
    expect(labels.at(-1)).toBe('"0.040"');
    expect(labels).toContain('"0.018"');
  });
});

describe('the frontier in the PR comment and the job summary', () => {
  const report: Report = {
    schemaVersion: 1,
    verdict: 'pass',
    config: 'model-budget.yml',
    models: [{ name: 'face', path: 'm/model.json', verdict: 'pass', metrics: [], weights: [], notes: [], frontier }],
    tool: { name: 'model-budget', version: '0.0.0' },
  };
  it.each([
    { what: 'comment', text: () => renderComment(report, { marker: '<!-- m -->' }) },
    { what: 'summary', text: () => renderMarkdown(report) },
  ])('the $what holds the collapsed chart once', ({ text }) => {
    const body = text();
    expect(body.match(/```mermaid\nxychart-beta/g)).toHaveLength(1);
    expect(body).toContain('<details><summary><b>Smallest model within your budget</b>');
  });
});
