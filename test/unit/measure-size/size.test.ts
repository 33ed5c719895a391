import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { compressOnWorkers, SizeCache, type CompressJob } from '../../../src/measure/compress-pool.js';
import { executionNeeds, sizeNeeds } from '../../../src/measure/execution-stage.js';
import { measureSize, measureSizes } from '../../../src/measure/size.js';
import type { BudgetEntry } from '../../../src/config/types.js';
import { METRICS } from '../../../src/metrics.js';
import { notMeasured } from '../../../src/stages.js';

const text = (s: string): { bytes: Uint8Array; role: 'manifest' } => ({ bytes: new TextEncoder().encode(s), role: 'manifest' });
const json = text('{"format":"layers-model","weightsManifest":[]}');
const shard = (seed: number, n = 4096): { bytes: Uint8Array; role: 'weights' } => ({
  bytes: Uint8Array.from({ length: n }, (_, i) => (i * seed) % 7),
  role: 'weights',
});

/** A compressor that records what it was asked and answers a length derived from the bytes. */
function recording(): { compress: (jobs: readonly CompressJob[]) => Promise<number[]>; asked: CompressJob[] } {
  const asked: CompressJob[] = [];
  return {
    asked,
    compress: (jobs) => {
      asked.push(...jobs);
      return Promise.resolve(jobs.map((j) => (j.encoding === 'gzip' ? 1000 : 10) + j.bytes.byteLength));
    },
  };
}

describe('measureSizes', () => {
  test('computes only the encodings asked for', async () => {
    const r = recording();
    const sizes = await measureSize([json, shard(3)], { needs: { gzip: false, brotli: false }, compress: r.compress, cache: new SizeCache() });
    expect(r.asked).toEqual([]);
    expect(sizes).toEqual({ bytes: json.bytes.byteLength + 4096, weightBytes: 4096 });

    const gzipOnly = await measureSize([json, shard(3)], { needs: { gzip: true, brotli: false }, compress: r.compress, cache: new SizeCache() });
    expect(r.asked.map((j) => j.encoding)).toEqual(['gzip', 'gzip']);
    expect(gzipOnly.gzipBytes).toBe(2000 + json.bytes.byteLength + 4096);
    expect(gzipOnly.brotliBytes).toBeUndefined();
  });

  test('weight bytes are the files whose role is weights, wherever they are listed; an archive holds none apart', async () => {
    const needs = { gzip: false, brotli: false };
    const cache = new SizeCache();
    const { compress } = recording();
    const shardsFirst = await measureSize([shard(3, 100), json, shard(5, 28)], { needs, compress, cache });
    expect(shardsFirst).toEqual({ bytes: 128 + json.bytes.byteLength, weightBytes: 128 });
    const archive = await measureSize([{ bytes: new Uint8Array(500), role: 'archive' }], { needs, compress, cache });
    expect(archive).toEqual({ bytes: 500, weightBytes: 0 });
  });

  test('shards the models share are compressed once, across calls too', async () => {
    const r = recording();
    const cache = new SizeCache();
    const needs = { gzip: true, brotli: true };
    const head = [text('{"head":1}'), shard(3), shard(5)];
    const base = [text('{"base":1}'), shard(3), shard(5)];
    const [h, b] = await measureSizes([head, base], { needs, compress: r.compress, cache });
    // model.json differs, the two shards are the same bytes: 2 × (2 + 2) jobs, not 2 × 6.
    expect(r.asked).toHaveLength(8);
    expect(h?.brotliBytes).toBe(10 * 3 + 10 + 2 * 4096);
    expect(b?.gzipBytes).toBe(1000 * 3 + 10 + 2 * 4096);
    await measureSize(base, { needs, compress: r.compress, cache });
    expect(r.asked).toHaveLength(8);
  });

  test('the worker pool returns the real compressed lengths, in job order', async () => {
    const data = [shard(3, 50_000).bytes, shard(11, 1000).bytes, new TextEncoder().encode('a'.repeat(10_000))];
    const jobs: CompressJob[] = data.flatMap((bytes) => [
      { bytes, encoding: 'gzip' as const },
      { bytes, encoding: 'brotli' as const },
    ]);
    const lengths = await compressOnWorkers(jobs, 2);
    expect(lengths).toHaveLength(6);
    for (const length of lengths) expect(length).toBeGreaterThan(0);
    // The lengths are those of streams that decode back to the input.
    const { gzipSync, brotliCompressSync, constants } = await import('node:zlib');
    data.forEach((bytes, i) => {
      const gz = gzipSync(bytes, { level: 9 });
      const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength } });
      expect(gunzipSync(gz)).toEqual(Buffer.from(bytes));
      expect(brotliDecompressSync(br)).toEqual(Buffer.from(bytes));
      expect([lengths[2 * i], lengths[2 * i + 1]]).toEqual([gz.byteLength, br.byteLength]);
    });
  });
});

describe('what a model needs measured', () => {
  const budget = (key: string): BudgetEntry => ({ key, unit: 'bytes', direction: 'max', limit: 1, source: { file: 'c.yml', line: 1, column: 1 } });

  test.each([
    { what: 'only a raw size budget', budgets: ['size'], trend: {}, expected: { gzip: false, brotli: false } },
    { what: 'a gzip budget', budgets: ['gzip-size'], trend: {}, expected: { gzip: true, brotli: false } },
    { what: 'a brotli trend budget', budgets: [], trend: { 'brotli-size': 0.05 }, expected: { gzip: false, brotli: true } },
  ])('sizes: $what', ({ budgets, trend, expected }) => {
    expect(sizeNeeds({ budgets: budgets.map(budget), trend })).toEqual(expected);
  });

  test.each([
    { what: 'no budget: the default report still times the model', budgets: [], trend: {}, expected: { latency: true, flops: false, ab: false } },
    { what: 'a FLOPs trend budget counts FLOPs', budgets: [], trend: { flops: 0.1 }, expected: { latency: true, flops: true, ab: false } },
    { what: 'a params budget', budgets: ['params'], trend: {}, expected: { latency: true, flops: true, ab: false } },
  ])('execution: $what', ({ budgets, trend, expected }) => {
    expect(executionNeeds({ budgets: budgets.map(budget), trend })).toEqual(expected);
  });

  test('latency.increase runs the A/B', () => {
    expect(executionNeeds({ budgets: [], trend: {}, latencyIncrease: 0.1 }).ab).toBe(true);
  });
});

describe('what the report says it left out', () => {
  const budget = (key: string): BudgetEntry => ({ key, unit: 'bytes', direction: 'max', limit: 1, source: { file: 'c.yml', line: 1, column: 1 } });
  const some = { value: 1 };

  test('an uncompressed model: the sizes and counts nobody asked for, never accuracy', () => {
    const measured = Object.fromEntries(
      ['size', 'latency.p50', 'latency.p90', 'latency.p95', 'latency.p99', 'latency.mean', 'latency.first-inference', 'load-time', 'memory'].map((k) => [
        k,
        some,
      ]),
    );
    expect(notMeasured({ budgets: [budget('size')] }, measured)).toBe(
      'not measured (no budget needs them): gzip size, brotli size, FLOPs, parameters; a budget on one measures it',
    );
  });

  test('a budgeted metric that is missing is the judge’s to report, and nothing missing says nothing', () => {
    const all = Object.fromEntries(Object.keys(METRICS).map((k) => [k, some]));
    expect(notMeasured({ budgets: [], compress: 'auto' }, all)).toBeUndefined();
    const { flops: _flops, ...withoutFlops } = all;
    expect(notMeasured({ budgets: [budget('flops')], compress: 'auto' }, withoutFlops)).toBeUndefined();
  });
});

test('bytes another call is compressing are awaited, not compressed again', async () => {
  const r = recording();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow = async (jobs: readonly CompressJob[]): Promise<number[]> => {
    await gate;
    return r.compress(jobs);
  };
  const cache = new SizeCache();
  const needs = { gzip: true, brotli: false };
  const first = measureSize([text('{"a":1}'), shard(3)], { needs, compress: slow, cache });
  const second = measureSize([text('{"b":1}'), shard(3)], { needs, compress: r.compress, cache });
  release();
  const [a, b] = await Promise.all([first, second]);
  expect(r.asked).toHaveLength(3);
  expect(a.gzipBytes).toBe(b.gzipBytes);
});
