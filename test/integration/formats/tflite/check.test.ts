import { copyFile, cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../../../src/errors.js';
import { loadModel } from '../../../../src/formats/index.js';
import { graphOf } from '../../../../src/formats/tflite/format.js';
import { TensorType } from '../../../../src/formats/tflite/generated/schema_generated.js';
import { instantiate } from '../../../../src/runtimes/index.js';
import { runCheck } from '../../../../src/run.js';
import { corpusModel } from '../../../helpers/corpus.js';

const FACE = corpusModel('mediapipe-face-short').path;
const PHOTO_DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'images');
const ports = { progress: () => undefined, warn: () => undefined };
const QUICK = 'benchmark: { runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\n';

/** A repository folder holding the corpus face detector (float16, as MediaPipe ships it) and a config. */
async function workspace(model: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mb-tflite-check-'));
  await mkdir(join(dir, 'models'));
  await copyFile(FACE, join(dir, 'models', 'face.tflite'));
  await writeFile(join(dir, 'model-budget.yml'), `version: 1\n${QUICK}models:\n  - name: face\n    path: models/face.tflite\n${model}`);
  return dir;
}

const metric = (report: Awaited<ReturnType<typeof runCheck>>['report'], key: string) => report.models[0]?.metrics.find((m) => m.key === key);

describe('a .tflite model through the pipeline', () => {
  test('every metric a TF.js model gets: size, LiteRT latency, FLOPs, parameters, the weight table, judged', async () => {
    const dir = await workspace('    budget:\n      size: 200 KB\n      gzip-size: 1 MB\n      latency: { p50: 10 s }\n      flops: 1 G\n      params: 1 M\n');
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
    const face = report.models[0];
    expect(face).toMatchObject({ name: 'face', format: 'tflite' });
    expect(report.environment?.runtime).toBe('litert');
    // The file is the download: its size is the file's.
    expect(metric(report, 'size')).toMatchObject({ value: (await readFile(FACE)).byteLength, status: 'fail' });
    expect(metric(report, 'gzip-size')?.value).toBeLessThan((await readFile(FACE)).byteLength);
    expect(metric(report, 'latency.p50')).toMatchObject({ status: 'pass' });
    expect(metric(report, 'flops')?.value).toBeGreaterThan(50e6);
    expect(metric(report, 'params')?.value).toBeGreaterThan(100_000);
    // LiteRT does not account its tensors: memory is not shown as 0.
    expect(metric(report, 'memory')).toBeUndefined();
    expect(face?.notes.some((n) => n.includes('not measured on LiteRT'))).toBe(true);
    expect(face?.weights[0]).toMatchObject({ dtype: 'float16' });
    expect(face?.verdict).toBe('fail');
  });

  test('compress.quantize float32 widens the float16 weights exactly: zero drift, twice the weight bytes, written by output:', async () => {
    const dir = await workspace('    compress: { quantize: float32 }\n    output: out\n    budget:\n      accuracy: { max-abs-error: 0 }\n');
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
    const face = report.models[0];
    expect(face?.verdict).toBe('pass');
    expect(metric(report, 'accuracy.max-abs-error')?.value).toBe(0);
    const size = metric(report, 'size');
    expect(size?.value).toBeGreaterThan(1.7 * (size?.original ?? Infinity));
    expect(face?.weights.every((w) => w.dtype !== 'float16')).toBe(true);
    // The written file is a .tflite stock LiteRT runs, with no FLOAT16 tensor left.
    const written = await loadModel(join(dir, 'out', 'face.tflite'));
    if (written.format !== 'tflite') throw new Error('expected a .tflite model');
    expect(graphOf(written).model.subgraphs[0]?.tensors.some((t) => t.type === TensorType.FLOAT16)).toBe(false);
    const exec = await instantiate(written);
    expect(exec.runtime.name).toBe('litert');
    exec.dispose();
  });

  test('against the base branch: the base copy compressed the base way, sizes compared, the weight changes listed', async () => {
    const head = await workspace('    compress: { quantize: float32 }\n    budget:\n      size-increase: 10%\n');
    const base = await workspace('    budget:\n      size: 1 MB\n');
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: head, base: { dir: base, ref: 'abc1234' } }, ports);
    const face = report.models[0];
    expect(face?.base).toMatchObject({ status: 'compared', ref: 'abc1234', compressChange: { from: 'none', to: 'quantize: float32' } });
    expect(metric(report, 'size')?.base).toBe((await readFile(FACE)).byteLength);
    expect(metric(report, 'size-increase.size')?.status).toBe('fail');
    expect(face?.weightChanges?.[0]).toMatchObject({ dtype: 'float32' });
  });

  test('dynamic-int8: per-channel int8 weights for the hybrid kernels, smaller than the float16 file, with what it left float', async () => {
    const dir = await workspace('    compress: { quantize: dynamic-int8 }\n    budget:\n      accuracy: { max-abs-error: 1 }\n');
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
    const face = report.models[0];
    expect(face?.verdict).not.toBe('error');
    const size = metric(report, 'size');
    expect(size?.value).toBeLessThan(size?.original ?? 0);
    expect(face?.notes.find((n) => n.startsWith('quantize: dynamic-int8'))).toMatch(/CONV_2D ×\d+.*left float: DEPTHWISE_CONV_2D/);
    expect(face?.weights.some((w) => w.dtype === 'int8')).toBe(true);
    expect(metric(report, 'accuracy.max-abs-error')?.value).toBeGreaterThan(0);
  });

  test('int8: calibrated on the configured photos, smaller again, its drift measured on the same photos', async () => {
    const images = '    inputs:\n      images: { dir: photos, normalize: { mean: 127.5, std: 127.5 } }\n';
    const dir = await workspace(`    compress: { quantize: int8 }\n${images}    output: out\n    budget:\n      accuracy: { max-abs-error: 1 }\n`);
    await cp(PHOTO_DIR, join(dir, 'photos'), { recursive: true, filter: (f) => !f.endsWith('.md') });
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
    const face = report.models[0];
    expect(face?.error).toBeUndefined();
    expect(face?.notes.find((n) => n.startsWith('quantize: int8'))).toContain('calibrated on 2 sample(s)');
    expect(face?.notes).toContain('accuracy drift measured on 2 user sample(s)');
    expect(metric(report, 'size')?.value).toBeLessThan(0.9 * (metric(report, 'size')?.original ?? 0));
    // What output: wrote runs in stock LiteRT.
    const written = await loadModel(join(dir, 'out', 'face.tflite'));
    const exec = await instantiate(written);
    exec.dispose();
  });

  test('int8 without samples to calibrate on is an error that says what to add; auto without them leaves int8 out and says so', async () => {
    const int8 = await workspace('    compress: { quantize: int8 }\n');
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: int8 }, ports);
    expect(report.models[0]?.verdict).toBe('error');
    expect(report.models[0]?.error).toContain('quantize: int8 needs calibration samples');
    const auto = await workspace('    compress: auto\n    budget:\n      accuracy: { max-abs-error: 0.001 }\n');
    const searched = await runCheck({ configPath: 'model-budget.yml', cwd: auto }, ports);
    const note = searched.report.models[0]?.notes.find((n) => n.startsWith('auto:'));
    // float16 widens exactly to the float32 reference: inside a 0.001 budget, and smaller than float32.
    expect(note).toMatch(/^auto: float16, the smallest mix within the accuracy budget/);
    expect(note).toContain('int8 mixes not tried: no inputs.images or inputs.npy to calibrate on');
    expect(note).toMatch(/dynamic-int8 \([\d.]+ KB\) outside the budget/);
  });

  test('settings of the other format are config errors at their line', async () => {
    const runtime = await workspace('    benchmark: { runtime: wasm }\n');
    await expect(runCheck({ configPath: 'model-budget.yml', cwd: runtime }, ports)).rejects.toThrow(ConfigError);
    await expect(runCheck({ configPath: 'model-budget.yml', cwd: runtime }, ports)).rejects.toThrow(
      /model-budget\.yml:6:\d+.*runtime "wasm" runs TF\.js models; models\/face\.tflite is a \.tflite model/,
    );
    const quantize = await workspace('    compress: { quantize: uint8 }\n');
    await expect(runCheck({ configPath: 'model-budget.yml', cwd: quantize }, ports)).rejects.toThrow(
      /model-budget\.yml:6:\d+.*quantize "uint8" does not apply to a \.tflite model: it takes float16, float32, dynamic-int8, int8/,
    );
  });

  test('a signature the file does not have: the model is an error that says what the file has', async () => {
    const dir = await workspace('    signature: serving_default\n');
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
    expect(report.models[0]?.verdict).toBe('error');
    expect(report.models[0]?.error).toContain('signature "serving_default" was asked for, but the model has no signatures');
  });

  test('a top-level runtime for TF.js models leaves a .tflite model on LiteRT', async () => {
    const dir = await workspace('');
    await writeFile(
      join(dir, 'model-budget.yml'),
      'version: 1\nbenchmark: { runtime: cpu, runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n  - name: face\n    path: models/face.tflite\n',
    );
    const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
    expect(report.models[0]?.verdict).not.toBe('error');
    expect(report.environment?.runtime).toBe('litert');
  });
});

test('LiteRT has no per-op timer: with FLOPs counted, the report says where the FLOPs are, by operator type', async () => {
  const dir = await workspace('    budget:\n      flops: 1 G\n');
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, ports);
  const line = report.models[0]?.notes.find((n) => n.startsWith('where the FLOPs are'));
  expect(line).toMatch(/^where the FLOPs are \(LiteRT reports no per-op times\): CONV_2D \d+(\.\d)?%, /);
  const shares = [...(line ?? '').matchAll(/ (\d+(?:\.\d)?)%/g)].map((m) => Number(m[1]));
  expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100);
  expect(shares).toEqual([...shares].sort((a, b) => b - a));
});
