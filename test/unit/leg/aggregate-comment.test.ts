import { describe, expect, it } from 'vitest';
import { aggregateVerdict, renderAggregate, type LegResult } from '../../../src/report/aggregate.js';
import type { MetricResult, Report, Verdict } from '../../../src/report/types.js';

const size = (value: number, status: MetricResult['status']): MetricResult => ({
  key: 'size',
  unit: 'bytes',
  value,
  limit: 400_000,
  direction: 'max',
  status,
  message: '',
});
const report = (leg: string, verdict: Verdict, value: number, name = 'gender'): Report => ({
  schemaVersion: 1,
  verdict,
  config: 'model-budget.yml',
  leg,
  models: [{ name, path: 'm.json', verdict, metrics: [size(value, verdict === 'fail' ? 'fail' : 'pass')], weights: [], notes: [] }],
  environment: { runtime: 'wasm', runtimeVersion: '4.22.0', threads: 1, cpu: 'Neoverse-N2', cores: 4, node: 'v24' },
  tool: { name: 'model-budget', version: '0' },
});
const reported = (leg: string, verdict: Verdict, value = 300_000, name?: string): LegResult => ({
  leg,
  status: 'reported',
  report: report(leg, verdict, value, name),
});

describe('aggregateVerdict', () => {
  it.each([
    { what: 'all pass', legs: [reported('a', 'pass'), reported('b', 'pass')], expected: 'pass' },
    { what: 'one warns', legs: [reported('a', 'pass'), reported('b', 'warn')], expected: 'warn' },
    { what: 'one fails', legs: [reported('a', 'fail'), reported('b', 'warn')], expected: 'fail' },
    { what: 'a missing leg is never a pass', legs: [reported('a', 'pass'), { leg: 'b', status: 'missing' as const }], expected: 'error' },
    { what: 'an unreadable leg is never a pass', legs: [reported('a', 'pass'), { leg: 'b', status: 'invalid' as const, reason: 'x' }], expected: 'error' },
    { what: 'no legs at all', legs: [], expected: 'error' },
  ])('$what', ({ legs, expected }) => expect(aggregateVerdict(legs)).toBe(expected));
});

describe('renderAggregate', () => {
  it('a column per leg, each with its value, budget and status; the missing leg says so', () => {
    const body = renderAggregate(
      [reported('linux-x64', 'pass', 300_000), reported('linux-arm64', 'fail', 500_000), { leg: 'windows-x64', status: 'missing' }],
      { marker: '<!-- model-budget:k -->' },
    );
    expect(body.split('\n')[0]).toBe('<!-- model-budget:k -->');
    expect(body).toContain('## 💥 model-budget: 1 of 3 legs missing, 1 of 3 legs over budget');
    expect(body).toContain('| metric | `linux-x64` | `linux-arm64` | `windows-x64` |');
    expect(body).toContain('| `size` | 300 KB (≤ 400 KB) ✅ | 500 KB (≤ 400 KB) ❌ |  |');
    expect(body).toContain('| verdict | ✅ pass | ❌ fail | ❔ missing |');
  });

  it('escapes what comes from a leg: a hostile model name or reason cannot add markup or a marker', () => {
    const body = renderAggregate([reported('a', 'pass', 1, '<img src=x> <!-- model-budget:k -->'), { leg: 'b', status: 'invalid', reason: '| <script> |' }], {
      marker: '<!-- model-budget:k -->',
    });
    expect(body.split('<!-- model-budget:k -->')).toHaveLength(2);
    expect(body).not.toContain('<img');
    expect(body).not.toContain('<script>');
  });

  it('stays under the character limit by leaving model tables out, and says so', () => {
    const legs = Array.from({ length: 5 }, (_, i) => ({
      leg: `leg-${i}`,
      status: 'reported' as const,
      report: {
        ...report(`leg-${i}`, 'pass', 1),
        models: Array.from({ length: 200 }, (_, m) => report('x', 'pass', m, `model-${m}`).models[0]).flatMap((m) => (m ? [m] : [])),
      },
    }));
    const body = renderAggregate(legs, { marker: 'm', maxChars: 20_000 });
    expect(body.length).toBeLessThanOrEqual(20_000);
    expect(body).toMatch(/more model table\(s\) left out/);
  });
});
