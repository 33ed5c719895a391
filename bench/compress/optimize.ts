/**
 * Graph optimizer benchmark: for every corpus graph model (and the SavedModel fixtures, converted without the
 * optimizer, as the baseline), the rewrites `optimize` makes, the drift against the
 * original (cpu backend, one seeded synthetic input) and the latency of the optimized model against the original
 * in interleaved A/B rounds (wasm, one thread), the way the check compares a candidate with its baseline.
 *
 *   npx tsc -p bench/compress/tsconfig.optimize.json && node build/bench-optimize/bench/compress/optimize.js [model-id …]
 *
 * Writes bench/results/optimize.json and bench/results/optimize.md (run from the repository root). Env
 * BENCH_TRIALS (default 2): A/B comparisons per model, each with a fresh seed and order.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { optimizeGraph, type OptimizePattern } from '../../src/compress/optimize-graph.js';
import { measureDrift } from '../../src/measure/drift.js';
import { instantiate } from '../../src/runtimes/index.js';
import { makeInputs } from '../../src/measure/inputs.js';
import { compareModels } from '../../src/measure/latency/benchmark.js';
import { selectRuntime, type RuntimeInfo } from '../../src/runtimes/index.js';
import { loadAsTfjs } from '../../src/formats/index.js';
import type { TfjsLoadedModel } from '../../src/model/types.js';
import { convertSavedModelDir } from '../../src/formats/savedmodel/load.js';
import { tfjsCorpus } from '../../test/helpers/corpus.js';

const root = process.cwd();
const TRIALS = Number(process.env.BENCH_TRIALS ?? 2);

// TF.js and Keras entries only: .tflite models have their own benchmark.
const corpus = tfjsCorpus;
/** SavedModel fixtures (test/fixtures/savedmodel/) with a network worth timing. */
const SAVED_MODELS = ['kws-dscnn'];

interface Row {
  model: string;
  nodesBefore: number;
  nodesAfter: number;
  rewrites: Record<OptimizePattern, number>;
  maxAbsDrift: number;
  /** Kernel ms by op of one profiled run on wasm (top 4), original and optimized. */
  profile?: { original: string; optimized: string };
  trials: { ratio: number; ci: readonly [number, number]; baselineP50: number; candidateP50: number; rounds: number }[];
}

async function drift(model: TfjsLoadedModel, artifacts: TfjsLoadedModel['artifacts']): Promise<number> {
  await selectRuntime('cpu');
  const a = await instantiate(model);
  const b = await instantiate({ ...model, artifacts });
  const inputs = [makeInputs(a.inputs, { seed: 1 })];
  try {
    return (await measureDrift(a, b, inputs)).maxAbsError;
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** Kernel time by op of one profiled inference on wasm (after three warm-up runs), top 4, as "Op 12.3". */
async function profileOps(model: TfjsLoadedModel): Promise<string> {
  const exec = await instantiate(model);
  const placed = exec.place(makeInputs(exec.inputs, { seed: 1 }));
  try {
    for (let i = 0; i < 3; i++) await exec.run(placed);
    const p = await exec.profile(async () => {
      await exec.run(placed);
    });
    const by = new Map<string, number>();
    // tfjs lists a fused op twice (the op and its kernel): count the kernels only.
    for (const k of p.kernels) if (!k.name.endsWith('__op')) by.set(k.name, (by.get(k.name) ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0));
    return [...by]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ');
  } finally {
    placed.dispose();
    exec.dispose();
  }
}

async function benchOne(id: string, model: TfjsLoadedModel): Promise<Row> {
  const path = model.path;
  const result = optimizeGraph(model.artifacts);
  const maxAbsDrift = await drift(model, result.artifacts);
  const trials: Row['trials'] = [];
  const changed = Object.values(result.rewrites).some((n) => n > 0);
  if (changed) {
    await selectRuntime('wasm');
    for (let t = 0; t < TRIALS; t++) {
      const r = await compareModels(
        model,
        { ...model, artifacts: result.artifacts, path: `${path} (optimized)` },
        { seed: 100 + t, minRuns: 40, minMs: 4000, maxMs: 60_000 },
      );
      trials.push({ ratio: r.comparison.ratio, ci: r.comparison.ci, baselineP50: r.baseline.p50, candidateP50: r.candidate.p50, rounds: r.rounds });
    }
    const profile = { original: await profileOps(model), optimized: await profileOps({ ...model, artifacts: result.artifacts }) };
    return { model: id, nodesBefore: result.nodesBefore, nodesAfter: result.nodesAfter, rewrites: result.rewrites, maxAbsDrift, profile, trials };
  }
  return { model: id, nodesBefore: result.nodesBefore, nodesAfter: result.nodesAfter, rewrites: result.rewrites, maxAbsDrift, trials };
}

function markdown(rows: readonly Row[], runtime: RuntimeInfo, command: string): string {
  const f = (x: number, d = 2): string => x.toFixed(d);
  const lines = [
    '# Graph optimizer (`compress: { optimize: true }`)',
    '',
    `Command: \`${command}\``,
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, shared with other work while measured: ` +
      `absolute times are noisy, the interleaved ratios are what to read). Node ${process.version}; latency A/B on ` +
      `${runtime.name} ${runtime.version}, ${runtime.threads} thread(s); drift on the cpu backend, one seeded synthetic input.`,
    '',
    'Each trial is one interleaved A/B comparison (`compareModels`, as the check runs it: rounds run both models in a ' +
      'seeded random order): ratio = p50 optimized / p50 original with its bootstrap 95 % interval. Models with no ' +
      'rewrite are unchanged (no A/B).',
    '',
    '| model | nodes | rewrites | max abs drift | p50 original → optimized (ms) | ratio (95 % CI) per trial |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const rw =
      Object.entries(r.rewrites)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ') || 'none';
    const p50 = r.trials.map((t) => `${f(t.baselineP50, 1)} → ${f(t.candidateP50, 1)}`).join('; ') || '—';
    const ratios = r.trials.map((t) => `${f(t.ratio)} (${f(t.ci[0])}–${f(t.ci[1])}, ${t.rounds} rounds)`).join('; ') || 'unchanged';
    lines.push(`| ${r.model} | ${r.nodesBefore} → ${r.nodesAfter} | ${rw} | ${r.maxAbsDrift.toExponential(1)} | ${p50} | ${ratios} |`);
  }
  const profiled = rows.filter((r) => r.profile);
  if (profiled.length > 0) {
    lines.push('', 'Where the time goes: kernel ms by op of one profiled inference on wasm (`tf.profile`, top 4):', '');
    lines.push('| model | original | optimized |', '| --- | --- | --- |');
    for (const r of profiled) lines.push(`| ${r.model} | ${r.profile?.original ?? ''} | ${r.profile?.optimized ?? ''} |`);
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const ids = process.argv.slice(2);
  const models = corpus.filter((m) => m.path.endsWith('.json') && (ids.length === 0 || ids.includes(m.id)));
  const rows: Row[] = [];
  for (const m of models) {
    const model = await loadAsTfjs(m.path);
    if (model.format !== 'graph') continue;
    process.stderr.write(`${m.id} …\n`);
    rows.push(await benchOne(m.id, model));
  }
  // SavedModels: the frozen graph as converted without the optimizer, against the same graph optimized.
  for (const id of SAVED_MODELS.filter((f) => ids.length === 0 || ids.includes(f))) {
    const dir = join(root, 'test', 'fixtures', 'savedmodel', id);
    process.stderr.write(`${id} (SavedModel) …\n`);
    const loaded = await loadAsTfjs(dir);
    const frozen = await convertSavedModelDir(dir, { optimize: false });
    rows.push(await benchOne(`${id} (SavedModel, converted)`, { ...loaded, artifacts: frozen.artifacts }));
  }
  const runtime = await selectRuntime('wasm');
  const command = `npx tsc -p bench/compress/tsconfig.optimize.json && node build/bench-optimize/bench/compress/optimize.js${ids.length ? ` ${ids.join(' ')}` : ''}`;
  writeFileSync(join(root, 'bench', 'results', 'optimize.json'), JSON.stringify({ runtime, rows }, null, 2) + '\n');
  writeFileSync(join(root, 'bench', 'results', 'optimize.md'), markdown(rows, runtime, command));
  process.stdout.write(markdown(rows, runtime, command));
}

await main();
