import { describe, expect, it } from 'vitest';
import type { MetricResult, ModelReport } from '../../../src/report/types.js';
import { mermaidText, renderTrendMermaid, renderTrendText, sparkline } from '../../../src/trend/chart.js';
import { ENV_A, ENV_B, record } from './records.js';

function current(name: string, metrics: MetricResult[]): ModelReport {
  return { name, path: 'm/model.json', format: 'graph', verdict: 'pass', metrics, weights: [], notes: [] };
}
const size = (value: number, limit?: number): MetricResult => ({
  key: 'size',
  unit: 'bytes',
  value,
  direction: 'max',
  status: 'pass',
  message: '',
  ...(limit === undefined ? {} : { limit }),
});
const p50 = (value: number): MetricResult => ({ key: 'latency.p50', unit: 'ms', value, direction: 'max', status: 'no-budget', message: '' });

const history = [
  record({ sha: '1111111aaa', size: 4_000_000, p50: 3.0 }),
  record({ sha: '2222222bbb', size: 4_100_000, p50: 9.0, env: ENV_B }),
  record({ sha: '3333333ccc', size: 4_150_000, p50: 3.2 }),
  record({ sha: '3333333ccc', size: 4_160_000, p50: 3.1 }),
];

describe('renderTrendMermaid', () => {
  it('draws history, this PR as the last point and the budget as a flat line; other environments left out', () => {
    const md = renderTrendMermaid({ current: current('gen"der`', [size(4_400_000, 4_500_000), p50(3.5)]), history, environment: ENV_A });
    expect(md).toMatchInlineSnapshot(`
      "\`\`\`mermaid
      ---
      config:
        xyChart:
          width: 900
          height: 360
          xAxis:
            labelFontSize: 10
        themeVariables:
          xyChart:
            plotColorPalette: "#0072B2, #C0392B"
      ---
      xychart-beta
        title "gen der · size — this PR 4.4 MB — budget 4.5 MB"
        x-axis ["11111", "22222", "33333", "this PR"]
        y-axis "MB" 3.95 --> 4.55
        line [4, 4.1, 4.16, 4.4]
        line [4.5, 4.5, 4.5, 4.5]
      \`\`\`

      \`\`\`mermaid
      ---
      config:
        xyChart:
          width: 900
          height: 360
          xAxis:
            labelFontSize: 10
        themeVariables:
          xyChart:
            plotColorPalette: "#0072B2, #C0392B"
      ---
      xychart-beta
        title "gen der · latency.p50 — this PR 3.5 ms"
        x-axis ["11111", "33333", "this PR"]
        y-axis "ms" 2.95 --> 3.55
        line [3, 3.1, 3.5]
      \`\`\`

      <sub>1 point from other environments left out, shown: wasm 4.22.0, 1 thread(s), AMD EPYC 7763 64-Core Processor</sub>"
    `);
  });

  it('keeps only the last N points and the default-branch ref', () => {
    const many = Array.from({ length: 30 }, (_, i) => record({ sha: `s${String(i).padStart(2, '0')}`, size: 1000 + i }));
    const md = renderTrendMermaid({ current: current('m', [size(1100)]), history: many, points: 5, ref: 'refs/heads/main' });
    expect(md).toContain('x-axis ["s25", "s26", "s27", "s28", "s29", "this PR"]');
    expect(renderTrendMermaid({ current: current('m', [size(1100)]), history: many, ref: 'refs/heads/dev' })).toBe('');
  });

  it('keeps x labels unique when short shas collide', () => {
    const twins = [record({ sha: 'abcde111', size: 1 }), record({ sha: 'abcde222', size: 2 })];
    expect(renderTrendMermaid({ current: current('m', [size(3)]), history: twins })).toContain('x-axis ["abcde11", "abcde22", "this PR"]');
  });
});

describe('renderTrendText', () => {
  it('one sparkline line per metric with min, max, last and this PR', () => {
    const text = renderTrendText({ current: current('gender', [size(4_400_000)]), history, environment: ENV_A });
    expect(text.split('\n')).toEqual([
      'gender size ▁▅█ min 4 MB · max 4.16 MB · last 4.16 MB · this PR 4.4 MB (+5.8%) (3 points)',
      'gender latency.p50 ▁█ min 3 ms · max 3.1 ms · last 3.1 ms (2 points; 1 point from other environments left out, shown: wasm 4.22.0, 1 thread(s), AMD EPYC 7763 64-Core Processor)',
    ]);
  });
});

describe('sparkline and mermaidText', () => {
  it.each([
    { values: [1, 2, 3, 4, 5, 6, 7, 8], expected: '▁▂▃▄▅▆▇█' },
    { values: [5, 5, 5], expected: '▄▄▄' },
    { values: [0, 10], expected: '▁█' },
  ])('sparkline $values', ({ values, expected }) => expect(sparkline(values)).toBe(expected));

  it.each([
    { input: 'a "quoted" `name`', expected: 'a quoted name' },
    { input: 'x]; y[#35;\ntitle "evil"', expected: 'x y 35 title evil' },
    { input: 'face-mesh v2 (int8) 50%', expected: 'face-mesh v2 (int8) 50%' },
  ])('mermaidText $input', ({ input, expected }) => expect(mermaidText(input)).toBe(expected));
});
