import { describe, expect, it } from 'vitest';
import { GITHUB_COMMENT_LIMIT, renderComment } from '../../../src/report/comment.js';
import type { MetricResult, ModelReport, Report } from '../../../src/report/types.js';

const metric = (over: Partial<MetricResult> = {}): MetricResult => ({
  key: 'size',
  unit: 'bytes',
  value: 1_250_000,
  limit: 5_000_000,
  warn: 4_500_000,
  direction: 'max',
  status: 'pass',
  message: '1.25 MB is within the 5 MB budget',
  source: { file: 'model-budget.yml', line: 7, column: 15 },
  ...over,
});
const model = (over: Partial<ModelReport> = {}): ModelReport => ({
  name: 'classifier',
  path: 'models/classifier/model.json',
  format: 'graph',
  verdict: 'pass',
  metrics: [metric({ base: 1_200_000 })],
  weights: [{ name: 'dense/kernel', shape: [128, 10], dtype: 'float32', bytes: 5120, share: 0.6 }],
  notes: [],
  base: { status: 'compared', ref: '0123456789abcdef0123', kind: 'merge-base' },
  ...over,
});
const report = (models: ModelReport[], over: Partial<Report> = {}): Report => ({
  schemaVersion: 1,
  verdict: 'pass',
  config: 'model-budget.yml',
  models,
  tool: { name: 'model-budget', version: '0.1.0' },
  ...over,
});
const marker = '<!-- model-budget:model-budget.yml -->';

describe('renderComment', () => {
  it('renders the headline, the base | head | Δ | budget | status table and the weights', () => {
    const body = renderComment(report([model()]), { marker });
    expect(body.startsWith(marker)).toBe(true);
    expect(body).toContain('## ✅ model-budget: the model is within budget');
    // The engine's message is escaped (how much punctuation is escaped is escape.ts's business). The budget cell is
    // the job summary's (src/report/cells.ts), as the README shows it.
    expect(body).toMatch(/\| `size` \| 1\.2 MB \| 1\.25 MB \| 🔺 \+50 KB \(\+4\.2%\) \| ≤ 5 MB, warn ≤ 4\.5 MB \| ✅ 1\\?\.25 MB is within the 5 MB budget \|/);
    expect(body).toContain('compared with the merge base `0123456789ab`');
    expect(body).toMatch(/<details><summary>What takes the space/);
  });

  it.each([
    { kind: 'merge-parent' as const, expected: 'compared with the base branch tip `0123456789ab` (what the PR is merged onto)' },
    { kind: 'merge-base' as const, expected: 'compared with the merge base `0123456789ab`' },
    { kind: undefined, expected: 'compared with the base commit `0123456789ab`' },
  ])('says which base it compared with: $kind', ({ kind, expected }) => {
    const base = { status: 'compared' as const, ref: '0123456789abcdef0123', ...(kind ? { kind } : {}) };
    expect(renderComment(report([model({ base })]), { marker })).toContain(expected);
  });

  it.each([
    { what: 'new model', base: { status: 'new' } as const, expected: '🆕 new model in this pull request' },
    {
      what: 'could not compare',
      base: { status: 'unavailable', reason: 'shallow clone' } as const,
      expected: 'could not compare with the base branch: shallow clone',
    },
  ])('$what', ({ base, expected }) => {
    const body = renderComment(report([model({ base, metrics: [metric()] })]), { marker });
    expect(body).toContain(expected);
    expect(body).toContain('| `size` | — | 1.25 MB | — |');
  });

  it('shows budget edits, compression and the latency A/B', () => {
    const body = renderComment(
      report([
        model({
          metrics: [metric({ original: 5_000_000 })],
          budgetChanges: [
            { key: 'size', unit: 'bytes', from: 5_000_000, to: 6_000_000 },
            { key: 'gzip-size', unit: 'bytes', to: 4_000_000 },
            { key: 'latency.p90', unit: 'ms', from: 40 },
          ],
          latencyComparison: { against: 'base', ratio: 1.08, ci: [1.02, 1.15], confidence: 0.95, threshold: 0.1, verdict: 'slower' },
        }),
      ]),
      { marker },
    );
    expect(body).toContain('- ✏️ `size` budget raised 5 MB → 6 MB in this PR');
    expect(body).toContain('- ✏️ `gzip-size` budget added in this PR: 4 MB');
    expect(body).toContain('- ✏️ `latency.p90` budget removed in this PR (was 40 ms)');
    expect(body).toContain('**Compressed vs original:** `size` 1.25 MB vs 5 MB (-75.0%)');
    expect(body).toContain('**Latency vs the base branch:** 🔴 slower, median 1.08× (95% CI 1.02× – 1.15×; allowed +10%)');
  });

  it('escapes names from user files: no HTML, no mentions, no broken tables', () => {
    const body = renderComment(
      report([
        model({
          name: '<img src=x onerror=alert(1)> @octocat',
          notes: ['ping @org/team | *bold* #12'],
          weights: [{ name: 'a|b`c', shape: [1], dtype: 'float32', bytes: 4, share: 1 }],
        }),
      ]),
      { marker },
    );
    // User text is either inside a code span (literal there) or escaped outside it.
    expect(body).toContain('`<img src=x onerror=alert(1)> @octocat`');
    const outsideCode = body.replace(/`[^`\n]*`/g, '');
    expect(outsideCode).not.toContain('<img');
    expect(outsideCode).not.toContain('@octocat');
    expect(body).not.toContain('@org');
    expect(body).toContain('\\*bold\\*');
    expect(body).toContain('\\|');
  });

  it('says when the override label accepted a failure', () => {
    const failing = report([model({ verdict: 'fail', metrics: [metric({ status: 'fail', value: 6e6 })] })], { verdict: 'fail' });
    const body = renderComment(failing, { marker, overrideLabel: 'model-budget:accept' });
    expect(body).toContain('## ⚠️ model-budget: the model is over budget, accepted by label');
    expect(body).toContain('The label `model-budget:accept` is set');
  });

  it("stays under GitHub's limit: drops details first, then whole models, and points at the job summary", () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      model({
        name: `model-${i}`,
        weights: Array.from({ length: 10 }, (_, w) => ({
          name: `layer_${w}/kernel`.padEnd(60, 'x'),
          shape: [512, 512],
          dtype: 'float32',
          bytes: 1 << 20,
          share: 0.1,
        })),
      }),
    );
    const body = renderComment(report(many), { marker, runUrl: 'https://github.com/o/r/actions/runs/1' });
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(body).not.toContain('<details>');
    expect(body).toMatch(
      /shortened to fit GitHub's limit \(\d+ models not shown\): the full report is in the \[job summary\]\(https:\/\/github.com\/o\/r\/actions\/runs\/1\)/,
    );
    expect(body.startsWith(marker)).toBe(true);
  });

  it('cuts even a single absurd section hard and keeps the marker and the note', () => {
    const body = renderComment(report([model({ error: 'x'.repeat(100_000), metrics: [] })]), { marker });
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(body).toContain('full report is in the job summary');
  });
});

describe('short tables', () => {
  it('keeps budgeted and changed metrics in the table and folds the rest', () => {
    const body = renderComment(
      report([
        model({
          metrics: [
            metric({ base: 1_200_000 }),
            metric({ key: 'gzip-size', value: 900_000, base: 950_000, status: 'no-budget', message: '' }),
            metric({ key: 'latency.p95', unit: 'ms', value: 12.5, status: 'no-budget', message: '' }),
            metric({ key: 'brotli-size', value: 800_000, original: 3_200_000, status: 'no-budget', message: '' }),
          ],
        }),
      ]),
      { marker },
    );
    expect(body).toMatch(/\| `size` \|/);
    expect(body).toMatch(/\| `gzip-size` \| 950 KB \| 900 KB \|/);
    expect(body).not.toMatch(/\| `latency\.p95` \|/);
    expect(body).toContain('<details><summary>2 more measurement(s) without a budget</summary>');
    expect(body).toContain('`latency.p95` 12.5 ms · `brotli-size` 800 KB (original 3.2 MB)');
  });
});
