import { describe, expect, it } from 'vitest';
import type { ModelReport } from '../../../src/report/types.js';
import { renderLegTrendMermaid } from '../../../src/trend/leg-chart.js';
import { ENV_A, ENV_B, record } from './records.js';

const current = (size: number): ModelReport => ({
  name: 'gender',
  path: 'models/gender/model.json',
  format: 'graph',
  verdict: 'pass',
  metrics: [{ key: 'size', unit: 'bytes', value: size, direction: 'max', status: 'no-budget', message: '' }],
  weights: [],
  notes: [],
});

const lineValues = (chart: string): number[][] => [...chart.matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => (m[1] ?? '').split(', ').map(Number));

describe('renderLegTrendMermaid', () => {
  // Leg A sizes are 1xx KB, leg B sizes 2xx KB: a value of one leg on the other's line shows at once.
  const history = [
    record({ sha: 'aaaa1', size: 101_000, leg: 'a' }),
    record({ sha: 'aaaa1', size: 201_000, leg: 'b' }),
    record({ sha: 'bbbb2', size: 102_000, leg: 'a' }),
    record({ sha: 'bbbb2', size: 202_000, leg: 'b' }),
    record({ sha: 'cccc3', size: 103_000, leg: 'a' }),
    record({ sha: 'cccc3', size: 203_000, leg: 'b' }),
  ];

  it('draws one line per leg, each from its own records and its own PR point', () => {
    const chart = renderLegTrendMermaid({
      model: 'gender',
      history,
      ref: 'refs/heads/main',
      metrics: ['size'],
      legs: [
        { leg: 'a', current: current(104_000) },
        { leg: 'b', current: current(204_000) },
      ],
    });
    expect(lineValues(chart)).toEqual([
      [101, 102, 103, 104],
      [201, 202, 203, 204],
    ]);
    expect(chart).toContain('x-axis ["aaaa1", "bbbb2", "cccc3", "this PR"]');
    expect(chart).toContain('plotColorPalette: "#0072B2, #E69F00"');
    expect(chart).toContain('Lines: a (blue): this PR 104 KB · b (orange): this PR 204 KB.');
  });

  it('keeps only the commits every leg has, and counts the others', () => {
    const chart = renderLegTrendMermaid({
      model: 'gender',
      history: [...history, record({ sha: 'dddd4', size: 105_000, leg: 'a' })],
      metrics: ['size'],
      legs: [
        { leg: 'b', current: current(204_000) },
        { leg: 'a', current: current(104_000) },
      ],
    });
    expect(lineValues(chart)).toEqual([
      [201, 202, 203, 204],
      [101, 102, 103, 104],
    ]);
    expect(chart).toContain('1 commit(s) without a point on every leg left out.');
  });

  it("keeps each leg's timings to its own environment", () => {
    const chart = renderLegTrendMermaid({
      model: 'gender',
      history: [
        record({ sha: 'aaaa1', size: 1, p50: 10, env: ENV_A, leg: 'a' }),
        record({ sha: 'aaaa1', size: 1, p50: 50, env: ENV_B, leg: 'b' }),
        record({ sha: 'bbbb2', size: 1, p50: 11, env: ENV_A, leg: 'a' }),
        record({ sha: 'bbbb2', size: 1, p50: 51, env: ENV_B, leg: 'b' }),
      ],
      metrics: ['latency.p50'],
      legs: [
        { leg: 'a', current: current(1), environment: ENV_A },
        { leg: 'b', current: current(1), environment: ENV_B },
      ],
    });
    expect(lineValues(chart)).toEqual([
      [10, 11],
      [50, 51],
    ]);
    expect(chart).toContain('No "this PR" point');
  });

  it('draws nothing without history', () => {
    expect(renderLegTrendMermaid({ model: 'gender', history: [], legs: [{ leg: 'a', current: current(1) }] })).toBe('');
  });
});
