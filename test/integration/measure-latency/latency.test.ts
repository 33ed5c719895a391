import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compareCommand } from '../../../src/commands/compare.js';
import { MeasureError } from '../../../src/errors.js';
import { benchmarkModel, compareModels } from '../../../src/measure/latency/benchmark.js';
import { selectRuntime } from '../../../src/runtimes/index.js';
import { abVerdict } from '../../../src/measure/stats.js';
import { loadAsTfjs } from '../../../src/formats/index.js';
import { corpusModel } from '../../helpers/corpus.js';

const short = { warmupRuns: 3, warmupMs: 0, minRuns: 64, minMs: 200, maxMs: 10_000 };

function expectSaneDistribution(s: { n: number; min: number; p50: number; p90: number; p99: number; max: number; mean: number }): void {
  expect(s.n).toBeGreaterThanOrEqual(64);
  expect(s.min).toBeGreaterThan(0);
  expect(s.min).toBeLessThanOrEqual(s.p50);
  expect(s.p50).toBeLessThanOrEqual(s.p90);
  expect(s.p90).toBeLessThanOrEqual(s.p99);
  expect(s.p99).toBeLessThanOrEqual(s.max);
  expect(Number.isFinite(s.mean)).toBe(true);
}

/** A comparison agrees with itself: ratio inside its interval, verdict the one the interval gives, sizes match. */
function expectConsistent(result: Awaited<ReturnType<typeof compareModels>>): void {
  const { ratio, ci, threshold, verdict } = result.comparison;
  expect(ci[0]).toBeLessThanOrEqual(ratio);
  expect(ratio).toBeLessThanOrEqual(ci[1]);
  expect(verdict).toBe(abVerdict(ci, threshold));
  expect(result.baselineMs.length).toBe(result.rounds);
  expect(result.candidateMs.length).toBe(result.rounds);
  expect(result.baseline.n).toBe(result.rounds);
}

describe.each(['wasm', 'cpu'] as const)('benchmarkModel on %s', (runtime) => {
  it('human-gender (graph): a sane distribution, load time, memory, no leak, top ops', async () => {
    await selectRuntime(runtime);
    const model = await loadAsTfjs(corpusModel('human-gender').path);
    const before = tf.memory().numTensors;
    const stats = await benchmarkModel(model, short);
    expectSaneDistribution(stats.summary);
    expect(stats.runtime.name).toBe(runtime);
    expect(stats.loadMs).toBeGreaterThan(0);
    expect(stats.firstInferenceMs).toBeGreaterThan(0);
    expect(stats.memory.leakedTensors).toBe(0);
    // Weights (~200 kB) plus the 64×64 input are live while it runs.
    expect(stats.memory.peakTensorBytes).toBeGreaterThan(200_000);
    expect(stats.memory.peakRssBytes).toBeGreaterThan(10_000_000);
    expect(stats.ops?.length).toBeGreaterThan(0);
    expect(stats.ops?.map((o) => o.op).join(' ')).toMatch(/Conv/);
    // Everything the benchmark made is gone again.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('peak memory is measured the same way with or without the op list: activations inside an inference count', async () => {
    await selectRuntime(runtime);
    const model = await loadAsTfjs(corpusModel('human-gender').path);
    const quick = { warmupRuns: 1, warmupMs: 0, minRuns: 2, minMs: 0, maxMs: 5000 };
    const listed = await benchmarkModel(model, { ...quick, profileOps: 10 });
    const unlisted = await benchmarkModel(model, { ...quick, profileOps: 0 });
    // Weights as the runtime holds them: float32 after dequantization (int32 for int32 weights).
    const weights = (model.artifacts.weightSpecs ?? []).reduce((n, w) => n + w.shape.reduce((a, d) => a * d, 1) * 4, 0);
    expect(unlisted.memory.peakTensorBytes).toBe(listed.memory.peakTensorBytes);
    // More than the float32 weights plus the input: intermediate activations are alive at the peak.
    expect(unlisted.memory.peakTensorBytes).toBeGreaterThan(weights);
  });

  it('esrgan-slim-x2 (layers) at 16×16, capped by max-seconds', async () => {
    await selectRuntime(runtime);
    const model = await loadAsTfjs(corpusModel('esrgan-slim-x2').path);
    const stats = await benchmarkModel(model, { ...short, maxMs: 3000, inputShapes: { LR: [1, 16, 16, 3] } });
    // On a busy machine the 3 s cap may stop the loop first; it must then say so.
    if (stats.stoppedBy === 'max-seconds') expect(stats.timedMs).toBeGreaterThanOrEqual(3000);
    else expectSaneDistribution(stats.summary);
    expect(stats.summary.min).toBeLessThanOrEqual(stats.summary.p50);
    expect(stats.memory.leakedTensors).toBe(0);
  });
});

describe('A/B on real models', () => {
  it('A/A: human-gender against itself is not slower', async () => {
    await selectRuntime('wasm');
    const model = await loadAsTfjs(corpusModel('human-gender').path);
    const result = await compareModels(model, model, { ...short, seed: 4 });
    // What the wall clock says is not asserted (a busy machine may say anything); the result's shape and its
    // internal consistency are. The verdicts themselves are tested with injected times (ab.test.ts).
    expectConsistent(result);
    expect(result.rounds).toBeGreaterThanOrEqual(64);
  });

  it('a heavier candidate and the swapped pair: both directions give a consistent comparison', async () => {
    await selectRuntime('wasm');
    const light = await loadAsTfjs(corpusModel('human-gender').path);
    const heavy = await loadAsTfjs(corpusModel('esrgan-slim-x2').path);
    // esrgan at 48×48×3 costs many times the FLOPs of gender at 64×64×1.
    const options = { ...short, minRuns: 32, seed: 2, inputShapes: { LR: [1, 48, 48, 3] } };
    const slower = await compareModels(light, heavy, options);
    expectConsistent(slower);
    const faster = await compareModels(heavy, light, options);
    expectConsistent(faster);
    // Both sides ran every round, with inputs of their own shapes.
    expect(slower.baselineMs.length).toBe(slower.candidateMs.length);
    expect(faster.rounds).toBeGreaterThanOrEqual(32);
  });

  it('a wrong configured input shape fails with a MeasureError naming the input', async () => {
    await selectRuntime('wasm');
    const model = await loadAsTfjs(corpusModel('human-gender').path);
    await expect(benchmarkModel(model, { ...short, inputShapes: { 'input_1:0': [1, 32, 32, 3] } })).rejects.toThrow(MeasureError);
    await expect(benchmarkModel(model, { ...short, inputShapes: { 'input_1:0': [1, 32, 32, 3] } })).rejects.toThrow(/input_1:0/);
  });
});

describe('model-budget compare', () => {
  it('prints the table, writes report.json and exits 0 for A/A', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-compare-'));
    const path = corpusModel('human-gender').path;
    let out = '';
    const code = await compareCommand([path, path, '--runtime', 'wasm', '--json', 'out.json', '--min-seconds', '0.2', '--seed', '3', '--max-increase', '10%'], {
      cwd: dir,
      stdout: (t) => (out += t),
      stderr: () => undefined,
      env: {},
    });
    expect(code).toBe(0);
    // Times are written by src/format.ts: below 1 ms in µs.
    expect(out).toMatch(/\| p50 \| [\d.]+ (?:ms|µs) \| [\d.]+ (?:ms|µs) \|/);
    expect(out).toMatch(/ratio of medians [\d.]+ .*95% CI \[[\d.]+, [\d.]+\]/);
    expect(out).toMatch(/runtime wasm 4\.22\.0/);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      schemaVersion: number;
      verdict: string;
      latency: { ratio: number; ci: [number, number]; verdict: string };
    };
    expect(report.schemaVersion).toBe(1);
    expect(['same', 'inconclusive', 'faster']).toContain(report.verdict);
    expect(report.latency.verdict).toBe(report.verdict);
    expect(report.latency.ci[0]).toBeLessThanOrEqual(report.latency.ratio);
    expect(report.latency.ci[1]).toBeGreaterThanOrEqual(report.latency.ratio);
  });

  it('rejects bad arguments with a UsageError', async () => {
    const io = { cwd: '/', stdout: () => undefined, stderr: () => undefined, env: {} };
    await expect(compareCommand(['a.json'], io)).rejects.toThrow(/exactly two model paths/);
    await expect(compareCommand(['a.json', 'b.json', '--max-increase', 'lots'], io)).rejects.toThrow(/--max-increase expects a percentage/);
    await expect(compareCommand(['a.json', 'b.json', '--runtime', 'gpu'], io)).rejects.toThrow(/--runtime expects one of/);
    await expect(compareCommand(['a.json', 'b.json', '--seed', '1.5'], io)).rejects.toThrow(/--seed expects a whole number/);
  });
});
