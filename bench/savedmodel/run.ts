/**
 * SavedModel conversion benchmark, three parts:
 *
 * 1. Conversion: wall time of reading + freezing each fixture (7 runs after 1 warm-up, p50 / min / max) and the peak
 *    resident memory of a process that converts it, next to one that only loads the modules.
 * 2. Converted vs reference on the fixture's own kind of input (max abs difference, cosine similarity): the Keras
 *    network rebuilt as a TF.js layers model (kws-dscnn, rnn-lstm) or the GRU formula on the variables (rnn-gru).
 * 3. Latency on the wasm backend of the converted graph vs the same network as a Keras → TF.js layers model,
 *    interleaved run by run (predict + reading the output back, batch 1), p50 / p90 and the ratio of p50s.
 *
 *   npx tsc -p bench/savedmodel/tsconfig.json && node build/bench-savedmodel/bench/savedmodel/run.js
 *
 * Writes bench/results/savedmodel.json and bench/results/savedmodel.md (run from the repository root). Each fixture
 * is converted in its own child process so that peak memory (getrusage maxrss) belongs to that fixture alone.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertSavedModelDir } from '../../src/formats/savedmodel/load.js';
import { gruSequential, kerasRebuild } from '../../test/helpers/keras-rebuild.js';

const FIXTURES = ['times-three-float', 'module_with_multiple_signatures', 'int64_multiply', 'model_multi_output', 'kws-dscnn', 'rnn-lstm', 'rnn-gru'];
const DIR = (fixture: string): string => join('test', 'fixtures', 'savedmodel', fixture);
const RUNS = 7;
const LATENCY_WARMUP = 20;
const LATENCY_PAIRS = 200;

interface ConversionRow {
  readonly fixture: string;
  readonly runs: number;
  readonly p50Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly peakRssMiB: number;
  readonly weightBytes: number;
  readonly nodes: number;
  readonly libraryFunctions: number;
}

interface AccuracyRow {
  readonly fixture: string;
  readonly input: string;
  readonly reference: string;
  readonly maxAbs: number;
  readonly cosine: number;
}

interface LatencyRow {
  readonly fixture: string;
  readonly pairs: number;
  readonly graph: { readonly p50Ms: number; readonly p90Ms: number };
  readonly layers: { readonly p50Ms: number; readonly p90Ms: number };
  /** graph p50 / layers p50. */
  readonly ratio: number;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function conversion(fixture: string): Promise<ConversionRow> {
  if (fixture === '(modules only)') {
    return { fixture, runs: 0, p50Ms: 0, minMs: 0, maxMs: 0, peakRssMiB: process.resourceUsage().maxRSS / 1024, weightBytes: 0, nodes: 0, libraryFunctions: 0 };
  }
  await convertSavedModelDir(DIR(fixture));
  const times: number[] = [];
  let last: Awaited<ReturnType<typeof convertSavedModelDir>> | undefined;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    last = await convertSavedModelDir(DIR(fixture));
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const topology = last?.artifacts.modelTopology as { node?: unknown[]; library?: { function?: unknown[] } } | undefined;
  return {
    fixture,
    runs: RUNS,
    p50Ms: quantile(times, 0.5),
    minMs: times[0] ?? 0,
    maxMs: times[RUNS - 1] ?? 0,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    weightBytes: (last?.artifacts.weightData as ArrayBuffer | undefined)?.byteLength ?? 0,
    nodes: topology?.node?.length ?? 0,
    libraryFunctions: topology?.library?.function?.length ?? 0,
  };
}

/** Each fixture's own kind of input, batch 8, seeded. */
const ACCURACY = [
  {
    fixture: 'kws-dscnn',
    input: 'standard-normal features [8, 49, 10, 1] (the fixture ships no recorded MFCCs)',
    make: () => tf.randomNormal<tf.Rank.R4>([8, 49, 10, 1], 0, 1, 'float32', 7),
    reference: 'Keras config → TF.js layers model, same variables',
    compute: async (dir: string, x: tf.Tensor) => (await kerasRebuild(dir)).predict(x) as tf.Tensor,
  },
  {
    fixture: 'rnn-lstm',
    input: 'windows of 5 values in [0, 1) [8, 5, 1] (min-max-scaled prices)',
    make: () => tf.randomUniform<tf.Rank.R3>([8, 5, 1], 0, 1, 'float32', 7),
    reference: 'Keras config → TF.js layers LSTM, same variables',
    compute: async (dir: string, x: tf.Tensor) => (await kerasRebuild(dir)).predict(x) as tf.Tensor,
  },
  {
    fixture: 'rnn-gru',
    input: 'windows of 5 values in [0, 1) [8, 5, 1] (min-max-scaled prices)',
    make: () => tf.randomUniform<tf.Rank.R3>([8, 5, 1], 0, 1, 'float32', 7),
    reference: 'GRU (reset_after) + Dense formulas on the variables',
    compute: (dir: string, x: tf.Tensor) => gruSequential(dir, x as tf.Tensor3D),
  },
];

async function accuracy(): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  for (const a of ACCURACY) {
    const graph = await tf.loadGraphModel(tf.io.fromMemory((await convertSavedModelDir(DIR(a.fixture))).artifacts));
    const x = a.make();
    const got = ((await graph.executeAsync(x)) as tf.Tensor).flatten();
    const want = (await a.compute(DIR(a.fixture), x)).flatten();
    // In float64, so that the cosine of two equal vectors is 1 and not float32 rounding around it.
    const [g, w] = [Float64Array.from(got.dataSync()), Float64Array.from(want.dataSync())];
    let [dot, gg, ww, maxAbs] = [0, 0, 0, 0];
    g.forEach((v, i) => {
      const u = w[i] ?? Number.NaN;
      dot += v * u;
      gg += v * v;
      ww += u * u;
      maxAbs = Math.max(maxAbs, Math.abs(v - u));
    });
    const cosine = dot / Math.sqrt(gg * ww);
    rows.push({ fixture: a.fixture, input: a.input, reference: a.reference, maxAbs, cosine });
  }
  return rows;
}

/** Time of one inference with the output read back. */
async function timeOnce(run: () => Promise<tf.Tensor> | tf.Tensor): Promise<number> {
  const start = performance.now();
  const y = await run();
  await y.data();
  const ms = performance.now() - start;
  y.dispose();
  return ms;
}

async function latency(fixture: string, input: () => tf.Tensor): Promise<LatencyRow> {
  const dir = DIR(fixture);
  const { artifacts } = await convertSavedModelDir(dir);
  const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  const layers = await kerasRebuild(dir);
  const x = input();
  // As the wasm runtime runs a graph model: execute, or executeAsync where the graph has control flow.
  const controlFlow = ((artifacts.modelTopology as { library?: { function?: unknown[] } } | undefined)?.library?.function?.length ?? 0) > 0;
  const runGraph = (): Promise<tf.Tensor> | tf.Tensor => (controlFlow ? (graph.executeAsync(x) as Promise<tf.Tensor>) : (graph.execute(x) as tf.Tensor));
  const runLayers = (): tf.Tensor => layers.predict(x) as tf.Tensor;
  for (let i = 0; i < LATENCY_WARMUP; i++) {
    await timeOnce(runGraph);
    await timeOnce(runLayers);
  }
  const g: number[] = [];
  const l: number[] = [];
  // Interleaved, and the order alternates, so drift in the machine's load falls on both alike.
  for (let i = 0; i < LATENCY_PAIRS; i++) {
    if (i % 2 === 0) {
      g.push(await timeOnce(runGraph));
      l.push(await timeOnce(runLayers));
    } else {
      l.push(await timeOnce(runLayers));
      g.push(await timeOnce(runGraph));
    }
  }
  g.sort((a, b) => a - b);
  l.sort((a, b) => a - b);
  const graphStats = { p50Ms: quantile(g, 0.5), p90Ms: quantile(g, 0.9) };
  const layersStats = { p50Ms: quantile(l, 0.5), p90Ms: quantile(l, 0.9) };
  return { fixture, pairs: LATENCY_PAIRS, graph: graphStats, layers: layersStats, ratio: graphStats.p50Ms / layersStats.p50Ms };
}

const fixtureArg = process.argv[2];
if (fixtureArg !== undefined) {
  process.stdout.write(JSON.stringify(await conversion(fixtureArg)));
} else {
  const self = fileURLToPath(import.meta.url);
  const conversions = ['(modules only)', ...FIXTURES].map((f) => JSON.parse(execFileSync(process.execPath, [self, f], { encoding: 'utf8' })) as ConversionRow);
  await tf.setBackend('cpu');
  const accuracies = await accuracy();
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  await tf.setBackend('wasm');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  const latencies = [
    await latency('kws-dscnn', () => tf.randomNormal([1, 49, 10, 1], 0, 1, 'float32', 3)),
    await latency('rnn-lstm', () => tf.randomUniform([1, 5, 1], 0, 1, 'float32', 3)),
  ];
  const cpu = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`;
  const wasm = `tfjs-backend-wasm ${version_wasm}, ${simd}, ${getThreadsCount()} thread(s)`;
  writeFileSync(join('bench', 'results', 'savedmodel.json'), `${JSON.stringify({ cpu, wasm, conversions, accuracies, latencies }, null, 2)}\n`);
  const f = (n: number, digits = 1): string => n.toFixed(digits);
  const md = [
    '# SavedModel conversion',
    '',
    `Machine: ${cpu}. The machine is shared and was busy while this ran, so times are indicative; compare rows of one run.`,
    '',
    '```',
    'npx tsc -p bench/savedmodel/tsconfig.json && node build/bench-savedmodel/bench/savedmodel/run.js',
    '```',
    '',
    '## Conversion time and peak memory',
    '',
    'Reading `saved_model.pb` + `variables/` and freezing `serving_default` into a TF.js graph model, in memory',
    `(nothing written). ${RUNS} runs after one warm-up per fixture, each fixture in its own process; peak memory is`,
    "that process's maximum resident set (getrusage), next to a process that only loads the modules.",
    '',
    '| fixture | graph nodes | library functions | weight bytes | p50 ms | min ms | max ms | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...conversions.map(
      (r) =>
        `| ${r.fixture} | ${r.nodes || '—'} | ${r.runs ? r.libraryFunctions : '—'} | ${r.weightBytes ? r.weightBytes.toLocaleString('en-US') : '—'} | ${r.runs ? f(r.p50Ms) : '—'} | ${r.runs ? f(r.minMs) : '—'} | ${r.runs ? f(r.maxMs) : '—'} | ${f(r.peakRssMiB)} |`,
    ),
    '',
    '## Converted vs reference',
    '',
    'The converted graph (`executeAsync`, cpu backend) against a reference computed without the converter, on the',
    "fixture's own kind of input, batch 8, seeded.",
    '',
    '| fixture | input | reference | max abs | cosine |',
    '|---|---|---|---:|---:|',
    ...accuracies.map((r) => `| ${r.fixture} | ${r.input} | ${r.reference} | ${r.maxAbs.toExponential(2)} | ${r.cosine.toFixed(12)} |`),
    '',
    '## Latency on wasm: converted graph vs Keras → TF.js layers model',
    '',
    `${wasm}. Batch 1; each run is predict (graph: \`execute\`, or \`executeAsync\` for the LSTM's While loop, as the`,
    `wasm runtime runs them) plus reading the output back. ${LATENCY_WARMUP} warm-up`,
    `runs of each, then ${LATENCY_PAIRS} interleaved pairs (the order alternates), so load on the shared machine falls on both;`,
    'ratio = graph p50 / layers p50.',
    '',
    '| network | pairs | graph p50 ms | graph p90 ms | layers p50 ms | layers p90 ms | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...latencies.map(
      (r) =>
        `| ${r.fixture} | ${r.pairs} | ${f(r.graph.p50Ms, 2)} | ${f(r.graph.p90Ms, 2)} | ${f(r.layers.p50Ms, 2)} | ${f(r.layers.p90Ms, 2)} | ${f(r.ratio, 2)} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(join('bench', 'results', 'savedmodel.md'), md);
  process.stdout.write(md);
}
