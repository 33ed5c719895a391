/** `model-budget compare`'s table writes its times and percentages through the one value formatter (src/format.ts). */
import { expect, test } from 'vitest';
import { renderComparison } from '../../../src/commands/compare.js';
import type { ModelComparison } from '../../../src/measure/latency/benchmark.js';
import type { LatencySummary } from '../../../src/measure/stats.js';

const summary = (ms: number): LatencySummary => ({
  n: 64,
  min: ms * 0.9,
  max: ms * 2,
  mean: ms * 1.05,
  std: ms * 0.1,
  cv: 0.0952,
  p50: ms,
  p90: ms * 1.2,
  p95: ms * 1.3,
  p99: ms * 1.5,
  mad: ms * 0.05,
});

const result: ModelComparison = {
  comparison: { against: 'base', ratio: 1.0412, ci: [1.0104, 1.0733], confidence: 0.95, threshold: 0.1, verdict: 'same' },
  baseline: summary(0.8125),
  candidate: summary(12.3456),
  rounds: 64,
  baselineMs: [],
  candidateMs: [],
  stoppedBy: 'min-runs-and-seconds',
  seed: 1,
  quantile: 50,
  runtime: { name: 'wasm', backend: 'wasm', version: '4.22.0', threads: 1 },
  runtimes: {
    baseline: { name: 'wasm', backend: 'wasm', version: '4.22.0', threads: 1 },
    candidate: { name: 'wasm', backend: 'wasm', version: '4.22.0', threads: 1 },
  },
  loadMs: { baseline: 153.2, candidate: 1234.5 },
  warnings: [],
};

test('times, ratios and CV in the table read as in the check report', () => {
  const text = renderComparison(result, { baseline: 'a/model.json', candidate: 'b/model.json' });
  const table = text.split('\n').filter((line) => line.startsWith('|'));
  expect(table).toEqual([
    '| | baseline | candidate |',
    '|---|---:|---:|',
    '| load | 153 ms | 1235 ms |',
    '| p50 | 813 µs | 12.35 ms |',
    '| p90 | 975 µs | 14.81 ms |',
    '| p95 | 1.06 ms | 16.05 ms |',
    '| min | 731 µs | 11.11 ms |',
    '| mean ± std | 853 µs ± 81 µs | 12.96 ms ± 1.23 ms |',
    '| CV | 9.5% | 9.5% |',
  ]);
  expect(text).toContain('ratio of medians 1.041 (+4.1%), 95% CI [1.010, 1.073]');
  expect(text).toContain('verdict: same (no-change band -9.1% … +10.0%)');
});

test('two formats: sizes, the runtime of each side, and the outputs paired and compared', () => {
  const mixed: ModelComparison = {
    ...result,
    runtime: { name: 'litert', backend: 'relaxed-simd', version: '2.5.3', threads: 1 },
    runtimes: { baseline: result.runtime, candidate: { name: 'litert', backend: 'relaxed-simd', version: '2.5.3', threads: 1 } },
    agreement: {
      pairs: [{ baseline: 'ld_3d', candidate: 'Identity', elements: 195, maxAbsDiff: 0.000123, cosine: 0.9999991 }],
      unmatched: ['candidate Identity_4 [1×117]'],
    },
  };
  const sizes = {
    baseline: { bytes: 27_500_000, weightBytes: 27_400_000, gzipBytes: 25_000_000 },
    candidate: { bytes: 27_709_200, weightBytes: 0, gzipBytes: 24_000_000 },
  };
  const text = renderComparison(mixed, { baseline: 'pose/model.json', candidate: 'pose.tflite' }, sizes);
  expect(text).toContain('| size | 27.5 MB | 27.7 MB |');
  expect(text).toContain('| gzip size | 25 MB | 24 MB |');
  expect(text).toContain('| runtime | wasm 4.22.0, 1 thread(s) | litert 2.5.3 (relaxed-simd build), 1 thread(s) |');
  expect(text).toContain('  ld_3d ↔ Identity (195 values): max abs diff 0.000123, cosine 0.999999');
  expect(text).toContain('  without a partner: candidate Identity_4 [1×117]');
});
