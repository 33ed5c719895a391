/**
 * Compression benchmark: for every corpus model and none / float16 / uint16 / uint8 / prune 50 % / auto, the
 * weight-bytes ratio, the gzip ratio, accuracy drift against the original (wasm runtime, two seeded synthetic
 * inputs) and the seconds the compression took.
 *
 *   npx tsc -p bench/compress/tsconfig.json && node build/bench-compress/bench/compress/run.js [model-id …]
 *
 * Writes bench/results/compress.json and bench/results/compress.md (run from the repository root). With model ids,
 * only those models. `--structural` times BatchNorm folding and channel pruning (see structural.ts) and merges that
 * section into the existing results; without ids it runs after the corpus models.
 * Env BENCH_AUTO_EVALS (default 48, as `auto`) caps the auto search; BENCH_SLOW_S (default 4) skips auto for a model whose
 * single drift evaluation takes longer than that many seconds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type * as tf from '@tensorflow/tfjs';
import { autoCompress } from '../../src/compress/auto.js';
import { pruneWeights } from '../../src/compress/prune.js';
import { quantizeWeights } from '../../src/compress/quantize.js';
import { weightBytes } from '../../src/compress/weights.js';
import { errorMessage } from '../../src/errors.js';
import { measureDrift, type DriftResult } from '../../src/measure/drift.js';
import { instantiate, type Executable } from '../../src/runtimes/index.js';
import { makeInputs } from '../../src/measure/inputs.js';
import { selectRuntime } from '../../src/runtimes/index.js';
import { loadAsTfjs } from '../../src/formats/index.js';
import { benchStructural, type StructuralRow } from './structural.js';
import { tfjsCorpus } from '../../test/helpers/corpus.js';

const root = process.cwd();
const BUDGET = 1e-2;
const AUTO_EVALS = Number(process.env.BENCH_AUTO_EVALS ?? 48);
const SLOW_S = Number(process.env.BENCH_SLOW_S ?? 4);

interface Row {
  model: string;
  variant: string;
  weightBytes: number;
  weightRatio: number;
  gzipRatio: number;
  maxAbsError?: number;
  rmse?: number;
  cosine?: number;
  top1Agreement?: number;
  seconds: number;
  note?: string;
}

// TF.js and Keras entries only: .tflite models have their own benchmark.
const corpus = tfjsCorpus;

const gz = (a: tf.io.ModelArtifacts): number => gzipSync(weightBytes(a), { level: 9 }).byteLength;

async function benchModel(id: string, path: string, rows: Row[], notes: string[]): Promise<void> {
  const model = await loadAsTfjs(path);
  const bytes0 = weightBytes(model.artifacts).byteLength;
  const gzip0 = gz(model.artifacts);
  if (!(model.artifacts.weightSpecs ?? []).some((s) => s.dtype === 'float32')) {
    notes.push(`${id}: no float weights, nothing to compress`);
    return;
  }
  const original = await instantiate(model);
  const inputs = [1, 2].map((seed) => makeInputs(original.inputs, { seed }));
  let lastEvalS = 0;
  const evaluate = async (artifacts: tf.io.ModelArtifacts): Promise<DriftResult> => {
    const start = performance.now();
    const candidate: Executable = await instantiate({ ...model, artifacts });
    try {
      return await measureDrift(original, candidate, inputs);
    } finally {
      candidate.dispose();
      lastEvalS = (performance.now() - start) / 1000;
    }
  };
  const record = async (variant: string, run: () => Promise<{ artifacts: tf.io.ModelArtifacts; note?: string; drift?: DriftResult }>): Promise<void> => {
    const start = performance.now();
    try {
      const out = await run();
      const seconds = (performance.now() - start) / 1000;
      const drift = out.drift ?? (variant === 'none' ? undefined : await evaluate(out.artifacts));
      const after = weightBytes(out.artifacts).byteLength;
      rows.push({
        model: id,
        variant,
        weightBytes: after,
        weightRatio: after / bytes0,
        gzipRatio: gz(out.artifacts) / gzip0,
        ...(drift ? { maxAbsError: drift.maxAbsError, rmse: drift.rmse, cosine: drift.cosine } : {}),
        ...(drift?.top1Agreement === undefined ? {} : { top1Agreement: drift.top1Agreement }),
        seconds,
        ...(out.note ? { note: out.note } : {}),
      });
    } catch (error) {
      rows.push({
        model: id,
        variant,
        weightBytes: NaN,
        weightRatio: NaN,
        gzipRatio: NaN,
        seconds: 0,
        note: `failed: ${errorMessage(error).split('\n')[0] ?? ''}`,
      });
    }
    process.stdout.write(`${id} ${variant} done\n`);
  };
  await record('none', () => Promise.resolve({ artifacts: model.artifacts }));
  for (const dtype of ['float16', 'uint16', 'uint8'] as const) {
    await record(dtype, () => {
      const r = quantizeWeights(model.artifacts, { dtypes: dtype });
      return Promise.resolve({ artifacts: r.artifacts, ...(r.sourceQuantized ? { note: 'source already quantized' } : {}) });
    });
  }
  await record('prune 50%', () => Promise.resolve({ artifacts: pruneWeights(model.artifacts, { sparsity: 0.5 }).artifacts }));
  const uint8 = rows.find((r) => r.model === id && r.variant === 'uint8');
  if (lastEvalS > SLOW_S) {
    notes.push(`${id}: auto skipped — one drift evaluation took ${lastEvalS.toFixed(1)} s on this machine (limit ${SLOW_S} s)`);
  } else {
    await record('auto', async () => {
      const r = await autoCompress(model.artifacts, {
        evaluate,
        withinBudget: (d) => d.maxAbsError <= BUDGET,
        budgetUse: (d) => d.maxAbsError / BUDGET,
        maxEvaluations: AUTO_EVALS,
      });
      const breaks = uint8?.maxAbsError !== undefined && uint8.maxAbsError > BUDGET;
      const mix = new Map<string, number>();
      for (const t of r.assignment) mix.set(t.dtype, (mix.get(t.dtype) ?? 0) + 1);
      const mixText = [...mix].map(([d, c]) => `${c} ${d}`).join(' / ');
      const note = `${r.evaluations} evals${r.capped ? ' (capped)' : ''}${breaks ? ', uint8 breaks budget' : ''}${r.withinBudget ? '' : ', no candidate in budget'}; ${mixText}`;
      // Plain uint8 can break the budget while auto's first candidate (all uint8, sum-preserving rounding) holds it:
      // then no weight was probed alone, and there is nothing to list.
      const largest = r.assignment
        .filter((t) => t.sensitivity !== undefined)
        .sort((x, y) => y.elements - x.elements)
        .slice(0, 4);
      if (breaks && largest.length > 0) {
        notes.push(
          `${id}: auto — each of its largest weights quantized alone to uint8 gives max abs err ` +
            `${largest.map((t) => `${fmt(t.sensitivity)} (${t.elements.toLocaleString('en-US')} values)`).join(', ')} against the ${BUDGET} budget`,
        );
      }
      return { artifacts: r.artifacts, note, ...(r.drift ? { drift: r.drift } : {}) };
    });
  }
  original.dispose();
}

function fmt(x: number | undefined, digits = 4): string {
  if (x === undefined) return '';
  if (!Number.isFinite(x)) return String(x);
  return x === 0 ? '0' : Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(digits);
}

interface Results {
  commands: string[];
  runtime: string;
  budget: number;
  rows: Row[];
  notes: string[];
  goals: string[];
  structural?: StructuralRow[];
}

function renderStructural(rows: readonly StructuralRow[]): string[] {
  return [
    '## Latency of the structural techniques',
    '',
    'A conv network built with tfjs-layers (the corpus has no layers model with BatchNormalization): 6 × (Conv2D 3×3,',
    '32 filters → BatchNormalization → ReLU) on a 64×64×3 input, then pooling and Dense. Timed with the latency loop',
    '(warm-up, then ≥ 128 runs and ≥ 2 s; predict plus reading the output back). The machine is shared: compare p50s',
    'with care, and rerun `--structural` to see the spread.',
    '',
    '| variant | layers | params | p50 ms | p90 ms | runs | runtime |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) => `| ${r.variant} | ${r.layers} | ${r.params.toLocaleString('en-US')} | ${r.p50.toFixed(2)} | ${r.p90.toFixed(2)} | ${r.runs} | ${r.runtime} |`,
    ),
    '',
  ];
}

function render(results: Results): string {
  const { rows, notes, runtime, goals } = results;
  const lines = [
    '# Compression benchmark',
    '',
    ...results.commands.map((c) => `Command: \`${c}\``),
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; drift runtime: ${runtime}; ` +
      `two seeded synthetic inputs per model; auto budget: max-abs-error ≤ ${BUDGET}, at most ${AUTO_EVALS} evaluations.`,
    '',
    'Ratios are against the model as shipped (some corpus models ship uint8/float16 weights already). "seconds" is the',
    'time the compression took (auto: including its drift evaluations).',
    '',
    '| model | variant | weight bytes | × weights | × gzip | max abs err | RMSE | cosine | top-1 | seconds | note |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.variant} | ${Number.isNaN(r.weightBytes) ? '' : r.weightBytes.toLocaleString('en-US')} | ${fmt(r.weightRatio)} | ${fmt(r.gzipRatio)} | ` +
        `${fmt(r.maxAbsError)} | ${fmt(r.rmse)} | ${fmt(r.cosine, 6)} | ${fmt(r.top1Agreement, 3)} | ${r.seconds.toFixed(2)} | ${r.note ?? ''} |`,
    ),
    '',
    '## Goals',
    '',
    ...goals.map((g) => `- ${g}`),
    '',
    '## Notes',
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    ...(results.structural ? renderStructural(results.structural) : []),
  ];
  return lines.join('\n');
}

function checkGoals(rows: readonly Row[]): string[] {
  const out: string[] = [];
  const float32Models = new Set(rows.filter((r) => r.variant === 'none').map((r) => r.model));
  for (const [variant, limit] of [
    ['uint8', 0.2502],
    ['float16', 0.5001],
  ] as const) {
    const relevant = rows.filter((r) => r.variant === variant && float32Models.has(r.model) && !r.note?.includes('already quantized'));
    const worst = Math.max(...relevant.map((r) => r.weightRatio));
    out.push(`${variant} weight bytes ≤ ${limit} × float32 on float32 models: worst ${fmt(worst)} — ${worst <= limit ? 'met' : 'NOT met'}`);
  }
  // The 0.30 × goal is against float32 weights: models shipped already quantized are reported, not judged.
  const shippedQuantized = new Set(rows.filter((r) => r.variant === 'uint8' && r.note?.includes('already quantized')).map((r) => r.model));
  for (const r of rows.filter((x) => x.variant === 'auto' && shippedQuantized.has(x.model) && x.note?.includes('uint8 breaks budget'))) {
    out.push(
      `auto on ${r.model} (shipped quantized, so no float32 reference): ${fmt(r.weightRatio)} × its shipped weights at max abs err ${fmt(r.maxAbsError)}`,
    );
  }
  const autoRows = rows.filter((r) => r.variant === 'auto' && !shippedQuantized.has(r.model) && r.note?.includes('uint8 breaks budget'));
  for (const r of autoRows) {
    const ok = r.weightRatio <= 0.3 && (r.maxAbsError ?? Infinity) <= BUDGET;
    out.push(
      `auto ≤ 0.30 × where uniform uint8 breaks ${BUDGET}: ${r.model} ${fmt(r.weightRatio)} × at max abs err ${fmt(r.maxAbsError)} — ${ok ? 'met' : 'NOT met'}`,
    );
  }
  if (autoRows.length === 0) out.push('auto: no benchmarked model had uniform uint8 break the budget');
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const structuralOnly = args.includes('--structural');
  const only = args.filter((a) => !a.startsWith('--'));
  const runtime = await selectRuntime('wasm');
  const runtimeText = `${runtime.name} ${runtime.version} (${runtime.threads} thread(s))`;
  const file = join(root, 'bench', 'results', 'compress.json');
  const base = 'npx tsc -p bench/compress/tsconfig.json && node build/bench-compress/bench/compress/run.js';
  let results: Results;
  if (structuralOnly) {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as Results & { command?: string };
    const { command: single, ...rest } = previous;
    results = { ...rest, commands: previous.commands ?? (single === undefined ? [] : [single]) };
    results.commands = [...results.commands.filter((c) => !c.endsWith('--structural')), `${base} --structural`];
  } else {
    const rows: Row[] = [];
    const notes: string[] = [];
    for (const m of corpus) {
      if (only.length > 0 && !only.includes(m.id)) continue;
      try {
        await benchModel(m.id, m.path, rows, notes);
      } catch (error) {
        notes.push(`${m.id}: failed — ${errorMessage(error).split('\n')[0] ?? ''}`);
      }
    }
    const command = `${base}${only.length ? ` ${only.join(' ')}` : ''}`;
    results = { commands: [command], runtime: runtimeText, budget: BUDGET, rows, notes, goals: checkGoals(rows) };
  }
  if (structuralOnly || only.length === 0) {
    await selectRuntime('wasm');
    results.structural = await benchStructural();
  }
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(root, 'bench', 'results', 'compress.md'), render(results));
}

await main();
