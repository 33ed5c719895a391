import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArtifactPayload, serializeArtifact } from '../../../src/action/artifact.js';
import { renderComment } from '../../../src/report/comment.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { commentMarker } from '../../../src/action/sticky-comment.js';
import type { Report } from '../../../src/report/types.js';
import { markupProblems, renderHtml } from '../../helpers/rendered-markup.js';

const RUN_URL = 'https://github.com/o/r/actions/runs/1';
const marker = commentMarker('model-budget.yml');

/** Pieces of the attacks a red team tried, to be glued together with arbitrary text. */
const FRAGMENTS = [
  '<details>',
  '</summary>',
  '</details>',
  '<h2><a href="https://evil.example">click</a></h2>',
  '<img src=x onerror=alert(1)>',
  '<script>',
  '<!-- model-budget:other.yml -->',
  '-->',
  '<!--',
  '@octocat',
  '@org/team',
  '#1',
  'owner/repo#12',
  'GH-7',
  'https://evil.example/x',
  'www.evil.example',
  'a@b.example',
  '`',
  '``',
  '|',
  '\\',
  '*',
  '_',
  '~~',
  '[x](https://evil.example)',
  '![i](https://evil.example/i.png)',
  '&lt;img&gt;',
  '&#60;b&#62;',
  '\n',
  '\r\n',
  '\n\n<h1>x</h1>\n',
  '\u202e',
  '\u2066',
  '\u0000',
  '::error::forged',
  '##[error]x',
  '%0A',
  '"',
  "'",
  '>',
  '<',
  '&',
  ' ',
  'x',
];
const hostile = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 8 }).map((parts) => parts.join(''));
/** Within the artifact schema's bound for `max` characters. */
const bounded = (max: number) => hostile.map((s) => s.slice(0, max));

/** A report in which every string a PR can choose (through the config, the model files or the artifact) is hostile. */
const hostileReport = fc
  .record({
    name: bounded(500),
    path: bounded(1000),
    note: bounded(4000),
    error: bounded(4000),
    message: bounded(4000),
    weight: bounded(1000),
    dtype: bounded(32),
    key: bounded(200),
    reason: bounded(4000),
    ref: bounded(200),
    runtime: bounded(100),
    cpu: bounded(300),
    version: bounded(100),
    config: bounded(1000),
    file: bounded(1000),
  })
  .map((s): Report => ({
    schemaVersion: 1,
    verdict: 'fail',
    config: s.config,
    tool: { name: 'model-budget', version: s.version },
    environment: { runtime: s.runtime, runtimeVersion: s.version, threads: 1, cpu: s.cpu, cores: 2, node: s.version },
    models: [
      {
        name: s.name,
        path: s.path,
        format: 'layers',
        verdict: 'fail',
        metrics: [
          {
            key: s.key,
            unit: 'bytes',
            value: 2,
            limit: 1,
            direction: 'max',
            status: 'fail',
            message: s.message,
            base: 1,
            original: 3,
            source: { file: s.file, line: 1, column: 1 },
          },
          { key: `${s.key}x`, unit: 'number', value: 1, direction: 'max', status: 'no-budget', message: s.message },
        ],
        weights: [{ name: s.weight, shape: [2], dtype: s.dtype, bytes: 8, share: 1 }],
        notes: [s.note],
        base: { status: 'unavailable', reason: s.reason },
        weightChanges: [{ name: s.weight, bytes: 8, baseBytes: 4, dtype: s.dtype, baseDtype: s.dtype }],
        budgetChanges: [{ key: s.key, unit: 'bytes', from: 1, to: 2 }],
        precision: [{ name: s.weight, elements: 2, dtype: s.dtype }],
      },
      { name: s.name, path: s.path, verdict: 'error', metrics: [], weights: [], notes: [], error: s.error },
      { name: s.name, path: s.path, verdict: 'pass', metrics: [], weights: [], notes: [], base: { status: 'compared', ref: s.ref } },
    ],
  }));

describe('user text renders as text in the comment and the job summary', () => {
  it('no element, attribute, comment, mention, reference or bidi control comes from hostile strings', () => {
    fc.assert(
      fc.property(hostileReport, (report) => {
        expect(markupProblems(renderComment(report, { marker, runUrl: RUN_URL }), [RUN_URL])).toEqual([]);
        expect(markupProblems(renderMarkdown(report))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('holds when the comment is cut to fit GitHub, wherever the cut falls', () => {
    fc.assert(
      fc.property(hostileReport, fc.integer({ min: 200, max: 4000 }), (report, maxChars) => {
        const body = renderComment(report, { marker, runUrl: RUN_URL, maxChars });
        expect(markupProblems(body, [RUN_URL])).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('a crafted artifact in mode: report stays text after validation', () => {
    const payload = JSON.stringify({
      report: {
        schemaVersion: 1,
        verdict: 'fail',
        config: 'model-budget.yml',
        tool: { name: 'model-budget', version: '1<img src=x>' },
        models: [
          {
            name: 'net</code></summary><h2><a href="https://evil.example">Approved by @admin</a></h2>',
            path: 'm.json',
            verdict: 'fail',
            metrics: [{ key: '<img src=x onerror=alert(1)>', unit: 'bytes', value: 2, limit: 1, direction: 'max', status: 'fail', message: 'see #1' }],
            weights: [{ name: 'w', shape: [1], dtype: '<img src=//evil.example/p>', bytes: 4, share: 1 }],
            notes: [],
            weightChanges: [{ name: 'w', bytes: 4, baseBytes: 2, dtype: '<img src=x>', baseDtype: '<b>x</b>' }],
          },
        ],
      },
      commentKey: 'other.yml',
    });
    const { report } = parseArtifactPayload(payload);
    const comment = renderComment(report, { marker, runUrl: RUN_URL });
    const summary = renderMarkdown(report);
    expect(markupProblems(comment, [RUN_URL])).toEqual([]);
    expect(markupProblems(summary)).toEqual([]);
    // The dtype is shown, as text.
    expect(renderHtml(summary)).toContain('&lt;img src=//evil.example/p&gt;');
    expect(renderHtml(comment)).toContain('<summary>What takes the space: largest weights of <code>net&lt;/code&gt;&lt;/summary&gt;');
    // The artifact no longer carries a comment key.
    expect(serializeArtifact({ report })).not.toContain('commentKey');
  });

  it('the marker of another config never appears in a body, even inside code', () => {
    const other = commentMarker('other.yml');
    const report = fc.sample(hostileReport, 1)[0] as Report;
    const named: Report = { ...report, models: report.models.map((m) => ({ ...m, name: other, path: other })) };
    for (const body of [renderComment(named, { marker }), renderMarkdown(named)]) {
      expect(body).not.toContain(other);
      expect(body.match(/<!--/g)?.length ?? 0).toBe(body.startsWith(marker) ? 1 : 0);
    }
  });
});
