import { describe, expect, test } from 'vitest';
import { parseArtifactPayload, serializeArtifact } from '../../../src/action/artifact.js';
import { hasMeasuredChange } from '../../../src/action/report-helpers.js';
import { renderComment } from '../../../src/report/comment.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { BaseComparison, ModelReport, Report } from '../../../src/report/types.js';

const model = (base: BaseComparison): ModelReport => ({
  name: 'classifier',
  path: 'models/classifier/model.json',
  format: 'layers',
  verdict: 'pass',
  // Shipped against shipped: the sizes did not move.
  metrics: [{ key: 'size', unit: 'bytes', value: 1_000_000, base: 1_000_000, direction: 'max', status: 'no-budget', message: '1 MB (no budget)' }],
  weights: [],
  notes: [],
  base,
});
const report = (base: BaseComparison): Report => ({
  schemaVersion: 1,
  verdict: 'pass',
  config: 'model-budget.yml',
  models: [model(base)],
  tool: { name: 'model-budget', version: '0.1.0' },
});

const unchanged: BaseComparison = { status: 'compared', ref: '0123456789abcdef', kind: 'merge-parent', compressedWith: 'base-config' };
const changed: BaseComparison = { ...unchanged, compressChange: { from: 'quantize: uint8', to: 'quantize: float16' } };

describe('a PR that changes the compress settings says so', () => {
  test.each([
    {
      what: 'the PR comment',
      render: (r: Report) => renderComment(r, { marker: '<!-- model-budget:x -->' }),
      expected: '· ⚠️ compress settings changed: `quantize: uint8` → `quantize: float16`',
    },
    {
      what: 'the job summary',
      render: renderMarkdown,
      expected: '- Compress settings changed: `quantize: uint8` → `quantize: float16` (each side measured as it ships)',
    },
  ])('$what', ({ render, expected }) => {
    expect(render(report(changed))).toContain(expected);
    expect(render(report(unchanged))).not.toMatch(/compress settings changed/i);
  });

  test('comment: on-change counts a change of compress settings as a change, even when no size moved', () => {
    expect(hasMeasuredChange(report(unchanged))).toBe(false);
    expect(hasMeasuredChange(report(changed))).toBe(true);
  });

  test('mode: report keeps the change it reads from the artifact', () => {
    const payload = parseArtifactPayload(serializeArtifact({ report: report(changed) }));
    expect(payload.report.models[0]?.base).toEqual(changed);
    expect(hasMeasuredChange(payload.report)).toBe(true);
  });
});
