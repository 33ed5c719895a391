/**
 * Benchmark of the latency measurement itself: A/A false alarms, power against slightly heavier variants, harness
 * overhead against a bare predict + data() loop, and wasm vs cpu on corpus models.
 *
 *   npx vitest run --config bench/measure/vitest.config.ts
 *
 * Writes bench/results/measure.json and bench/results/measure.md. Env BENCH_TRIALS (default 20) sets the trials;
 * BENCH_RENDER_ONLY=1 re-renders measure.md from measure.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';
import { countTfjsFlops as countFlops } from '../../src/formats/tfjs/cost.js';
import { instantiate } from '../../src/runtimes/index.js';
import { makeInputs } from '../../src/measure/inputs.js';
import { toTensors } from '../../src/runtimes/tfjs/executable.js';
import { benchmarkModel, compareModels } from '../../src/measure/latency/benchmark.js';
import { runLatencyLoop } from '../../src/measure/latency/loop.js';
import { selectRuntime, type RuntimeInfo } from '../../src/runtimes/index.js';
import { abVerdict, bootstrapRatioCI, median, percentile, type AbVerdict } from '../../src/measure/stats.js';
import { loadAsTfjs } from '../../src/formats/index.js';
import type { TfjsLoadedModel } from '../../src/model/types.js';
import { corpusModel } from '../../test/helpers/corpus.js';
import { layersModelArtifacts } from '../../test/helpers/layers-artifacts.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 20);
const THRESHOLDS = [0, 0.02, 0.05, 0.1];
const results = join(import.meta.dirname, '..', 'results');

type Model = Pick<TfjsLoadedModel, 'format' | 'artifacts' | 'path'>;

/** A plain conv stack: `blocks` × (Conv2D 3×3, 16 → 16 channels, ReLU) on 32×32×16, then a 1×1 conv head. */
async function convStack(blocks: number): Promise<Model> {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [32, 32, 16], name: 'x' }));
  for (let i = 0; i < blocks; i++) {
    model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: `block${i}` }));
  }
  model.add(tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'head' }));
  const artifacts = await layersModelArtifacts(model);
  model.dispose();
  return { format: 'layers', artifacts, path: `conv-stack-${blocks}` };
}

interface Estimate {
  readonly ratio: number;
  readonly ci: readonly [number, number];
  /** Verdict at each threshold, from the same interval. */
  readonly verdicts: Readonly<Record<string, AbVerdict>>;
}

interface Trial {
  readonly rounds: number;
  readonly seconds: number;
  /** Ratio of medians (the default). */
  readonly p50: Estimate;
  /** Ratio of 25th percentiles, from the same runs. */
  readonly p25: Estimate;
}

function estimate(ratio: number, ci: readonly [number, number]): Estimate {
  return { ratio, ci, verdicts: Object.fromEntries(THRESHOLDS.map((th) => [`${th * 100}%`, abVerdict(ci, th)])) };
}

async function trials(baseline: Model, candidate: Model, count: number): Promise<Trial[]> {
  const out: Trial[] = [];
  for (let t = 0; t < count; t++) {
    const start = performance.now();
    const r = await compareModels(baseline, candidate, { seed: 100 + t, threshold: 0.02 });
    const p25 = bootstrapRatioCI(r.baselineMs, r.candidateMs, { seed: 100 + t, paired: true, quantile: 25 });
    out.push({
      rounds: r.rounds,
      seconds: (performance.now() - start) / 1000,
      p50: estimate(r.comparison.ratio, r.comparison.ci),
      p25: estimate(p25.ratio, p25.ci),
    });
  }
  return out;
}

type Tally = Record<string, Record<AbVerdict, number>>;

function tally(list: readonly Trial[], which: 'p50' | 'p25'): Tally {
  return Object.fromEntries(
    THRESHOLDS.map((th) => {
      const key = `${th * 100}%`;
      const counts: Record<AbVerdict, number> = { faster: 0, slower: 0, same: 0, inconclusive: 0 };
      for (const t of list) counts[t[which].verdicts[key] ?? 'inconclusive'] += 1;
      return [key, counts];
    }),
  );
}

const tallies = (list: readonly Trial[]): { p50: Tally; p25: Tally } => ({ p50: tally(list, 'p50'), p25: tally(list, 'p25') });

/** Median of a bare loop (predict + data() + dispose) and of the harness loop, alternating blocks of 64 runs. */
async function overhead(model: Model, shapes?: Record<string, number[]>): Promise<Overhead> {
  const exec = await instantiate(model);
  const host = makeInputs(exec.inputs, { seed: 1, ...(shapes ? { shapes } : {}) });
  const placed = exec.place(host);
  const inputs = toTensors(host);
  const lm = model.format === 'layers' ? await tf.loadLayersModel(tf.io.fromMemory(model.artifacts)) : undefined;
  const gm = model.format === 'graph' ? await tf.loadGraphModel(tf.io.fromMemory(model.artifacts)) : undefined;
  const bareRun = async (): Promise<void> => {
    const out = (lm ? lm.predict(inputs) : gm?.execute(inputs)) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(out) ? out : [out];
    for (const t of list) await t.data();
    tf.dispose(list);
  };
  const bare: number[] = [];
  const harness: number[] = [];
  for (let i = 0; i < 10; i++) await bareRun();
  for (let block = 0; block < 20; block++) {
    for (let i = 0; i < 32; i++) {
      const t0 = performance.now();
      await bareRun();
      bare.push(performance.now() - t0);
    }
    const stats = await runLatencyLoop(exec, placed, { warmupRuns: 1, warmupMs: 0, minRuns: 32, minMs: 0, profileOps: 0 });
    harness.push(...stats.samplesMs);
  }
  tf.dispose(inputs);
  placed.dispose();
  exec.dispose();
  lm?.dispose();
  gm?.dispose();
  const bareP50 = median(bare);
  const harnessP50 = median(harness);
  const bareP25 = percentile(bare, 25);
  const harnessP25 = percentile(harness, 25);
  return { bareP50, harnessP50, overhead: harnessP50 / bareP50 - 1, bareP25, harnessP25, overheadP25: harnessP25 / bareP25 - 1 };
}

interface Overhead {
  bareP50: number;
  harnessP50: number;
  overhead: number;
  bareP25: number;
  harnessP25: number;
  overheadP25: number;
}

const CORPUS: { id: string; shapes?: Record<string, number[]> }[] = [
  { id: 'human-gender' },
  { id: 'human-emotion' },
  { id: 'human-faceres-deep' },
  { id: 'human-movenet-lightning' },
  { id: 'esrgan-slim-x2', shapes: { LR: [1, 64, 64, 3] } },
];

it('measure bench', async () => {
  if (process.env.BENCH_RENDER_ONLY === '1') {
    // Re-render the markdown from the last JSON without measuring again.
    const saved = JSON.parse(readFileSync(join(results, 'measure.json'), 'utf8')) as Parameters<typeof renderMarkdown>[0];
    writeFileSync(join(results, 'measure.md'), renderMarkdown(saved));
    return;
  }
  const started = performance.now();
  const runtime: RuntimeInfo = await selectRuntime('wasm');
  const base = await convStack(10);
  const plus10 = await convStack(11);
  const base5 = await convStack(20);
  const plus5 = await convStack(21);
  const flops = async (m: Model): Promise<number> => (await countFlops(m)).flops;
  const flopRatio10 = (await flops(plus10)) / (await flops(base));
  const flopRatio5 = (await flops(plus5)) / (await flops(base5));

  const aa = await trials(base, base, TRIALS);
  const power10 = await trials(base, plus10, TRIALS);
  const power5 = await trials(base5, plus5, TRIALS);

  const gender = await loadAsTfjs(corpusModel('human-gender').path);
  const overheads = { 'human-gender': await overhead(gender), 'conv-stack-10': await overhead(base) };
  // The harness's own cost per run: the loop around a model that does nothing (timer race + clock reads).
  const noop = await runLatencyLoop({ run: () => Promise.resolve([]) }, [], {
    warmupRuns: 1000,
    warmupMs: 0,
    minRuns: 20_000,
    minMs: 0,
    profileOps: 0,
  });
  const harnessCostUs = noop.summary.p50 * 1000;

  const sideBySide: Record<string, unknown>[] = [];
  for (const entry of CORPUS) {
    const model = await loadAsTfjs(corpusModel(entry.id).path);
    const f = await countFlops(model, entry.shapes ? { inputShapes: entry.shapes } : {});
    const row: Record<string, unknown> = { model: entry.id, flops: f.flops, params: f.params, inputs: f.inputShapes };
    for (const name of ['wasm', 'cpu'] as const) {
      await selectRuntime(name);
      const s = await benchmarkModel(model, { maxMs: 8000, ...(entry.shapes ? { inputShapes: entry.shapes } : {}) });
      row[name] = {
        p50: s.summary.p50,
        p90: s.summary.p90,
        cv: s.summary.cv,
        n: s.summary.n,
        loadMs: s.loadMs,
        firstMs: s.firstInferenceMs,
        peakTensorBytes: s.memory.peakTensorBytes,
        leaked: s.memory.leakedTensors,
        top: s.ops
          ?.slice(0, 3)
          .map((o) => `${o.op} ${(o.share * 100).toFixed(0)}%`)
          .join(', '),
      };
    }
    sideBySide.push(row);
  }

  const report = {
    command: 'npx vitest run --config bench/measure/vitest.config.ts',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model.trim(), cores: cpus().length, node: process.version, runtime, loadAverage: loadavg()[0] ?? 0 },
    trials: TRIALS,
    abOptions: 'defaults: warm-up 5 runs / 0.5 s, ≥ 64 rounds and ≥ 1 s, 2000 bootstrap resamples, 95% CI',
    aa: { tally: tallies(aa), trials: aa },
    power10: { flopRatio: flopRatio10, tally: tallies(power10), trials: power10 },
    power5: { flopRatio: flopRatio5, tally: tallies(power5), trials: power5 },
    overhead: overheads,
    harnessCostUs,
    sideBySide,
    wallSeconds: (performance.now() - started) / 1000,
  };
  writeFileSync(join(results, 'measure.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(results, 'measure.md'), renderMarkdown(report));
});

function renderMarkdown(r: {
  command: string;
  date: string;
  machine: { cpu: string | undefined; cores: number; node: string; runtime: RuntimeInfo; loadAverage: number };
  trials: number;
  abOptions: string;
  wallSeconds: number;
  aa: { tally: { p50: Tally; p25: Tally }; trials: Trial[] };
  power10: { flopRatio: number; tally: { p50: Tally; p25: Tally }; trials: Trial[] };
  power5: { flopRatio: number; tally: { p50: Tally; p25: Tally }; trials: Trial[] };
  overhead: Record<string, Overhead>;
  harnessCostUs: number;
  sideBySide: Record<string, unknown>[];
}): string {
  const tallyTable = (t: { p50: Tally; p25: Tally }): string[] => [
    '| threshold | p50: slower | same | inconclusive | faster | p25: slower | same | inconclusive | faster |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...Object.keys(t.p50).map((k) => {
      const a = t.p50[k];
      const b = t.p25[k];
      return a && b ? `| ${k} | ${a.slower} | ${a.same} | ${a.inconclusive} | ${a.faster} | ${b.slower} | ${b.same} | ${b.inconclusive} | ${b.faster} |` : '';
    }),
  ];
  const ratios = (list: Trial[]): string => {
    const one = (which: 'p50' | 'p25'): string => {
      const rs = list.map((t) => t[which].ratio);
      return (
        `${which} ratio median ${median(rs).toFixed(3)} (min ${Math.min(...rs).toFixed(3)}, max ${Math.max(...rs).toFixed(3)}), ` +
        `median CI width ${median(list.map((t) => t[which].ci[1] - t[which].ci[0])).toFixed(3)}`
      );
    };
    return (
      `${one('p50')}; ${one('p25')}; ` + `median ${median(list.map((t) => t.rounds))} rounds / ${median(list.map((t) => t.seconds)).toFixed(1)} s per trial`
    );
  };
  const ms = (v: unknown): string => (typeof v === 'number' ? v.toFixed(2) : '–');
  const side = r.sideBySide.map((row) => {
    const w = row.wasm as Record<string, unknown>;
    const c = row.cpu as Record<string, unknown>;
    return (
      `| ${String(row.model)} | ${JSON.stringify(row.inputs)} | ${((row.flops as number) / 1e6).toFixed(1)} M | ` +
      `${ms(w.p50)} / ${ms(w.p90)} (n ${String(w.n)}) | ${ms(c.p50)} / ${ms(c.p90)} (n ${String(c.n)}) | ` +
      `${((c.p50 as number) / (w.p50 as number)).toFixed(1)}× | ${ms(w.loadMs)} / ${ms(c.loadMs)} | ` +
      `${((w.peakTensorBytes as number) / 1e6).toFixed(1)} MB | ${String(w.top)} |`
    );
  });
  const count = (t: { p50: Tally; p25: Tally }, q: 'p50' | 'p25', th: string): number => t[q][th]?.slower ?? 0;
  const goals = [
    '| goal | p50 (default) | p25 (`--quantile 25`) |',
    '|---|---|---|',
    `| A/A: ≤ 1 of ${r.trials} \`slower\` at 10% | ${count(r.aa.tally, 'p50', '10%')} | ${count(r.aa.tally, 'p25', '10%')} |`,
    `| A/A: ≤ 1 of ${r.trials} \`slower\` at 2% | ${count(r.aa.tally, 'p50', '2%')} | ${count(r.aa.tally, 'p25', '2%')} |`,
    `| +10% FLOPs: ≥ 19 of ${r.trials} \`slower\` at 2% | ${count(r.power10.tally, 'p50', '2%')} | ${count(r.power10.tally, 'p25', '2%')} |`,
    `| +10% FLOPs: ≥ 19 of ${r.trials} \`slower\` at 5% | ${count(r.power10.tally, 'p50', '5%')} | ${count(r.power10.tally, 'p25', '5%')} |`,
    `| +5% FLOPs: ≥ 19 of ${r.trials} \`slower\` at 2% | ${count(r.power5.tally, 'p50', '2%')} | ${count(r.power5.tally, 'p25', '2%')} |`,
  ];
  return [
    '# Latency measurement benchmark',
    '',
    'Summary (counts of `slower` verdicts; the detail tables follow). A 10% slowdown cannot be `slower` at a 10% ' +
      'threshold by design — the interval must lie wholly above 1.10 — so power is measured at 2% and 5%.',
    '',
    ...goals,
    '',
    `Command: \`${r.command}\` (${r.date}). Machine: ${r.machine.cpu ?? '?'}, ${r.machine.cores} cores (load average ${r.machine.loadAverage.toFixed(1)} at the start), ` +
      `Node ${r.machine.node}; A/B on ${r.machine.runtime.name} ${r.machine.runtime.version}, ${r.machine.runtime.threads} thread(s). ` +
      `Whole bench: ${r.wallSeconds.toFixed(0)} s. A/B options: ${r.abOptions}; ${r.trials} trials each, seeds 100…`,
    '',
    'The bench models are conv stacks built by the bench: N × (Conv2D 3×3, 16→16, ReLU) on a 32×32×16 input. ' +
      'Each trial is one `compareModels` call (fresh seed) with the default ratio of medians (p50); the p25 columns ' +
      'bootstrap the ratio of 25th percentiles from the same runs. Verdicts are recomputed from the same interval at each threshold.',
    '',
    `## A/A: conv-stack-10 against itself (goal: ≤ 1 of ${r.trials} \`slower\`)`,
    '',
    ...tallyTable(r.aa.tally),
    '',
    ratios(r.aa.trials),
    '',
    `## Power: conv-stack-11 vs conv-stack-10 (${((r.power10.flopRatio - 1) * 100).toFixed(1)}% more FLOPs; goal ≥ 19 of ${r.trials} \`slower\`)`,
    '',
    ...tallyTable(r.power10.tally),
    '',
    ratios(r.power10.trials),
    '',
    `## Power: conv-stack-21 vs conv-stack-20 (${((r.power5.flopRatio - 1) * 100).toFixed(1)}% more FLOPs)`,
    '',
    ...tallyTable(r.power5.tally),
    '',
    ratios(r.power5.trials),
    '',
    '## Harness overhead (goal ≤ 2% on the median)',
    '',
    'Bare loop: `predict` / `execute` + `await data()` of every output + dispose. Harness: `runLatencyLoop` over `instantiate`. ' +
      '20 alternating blocks of 32 runs each, wasm.',
    '',
    '| model | bare p50 ms | harness p50 ms | overhead p50 | bare p25 ms | harness p25 ms | overhead p25 |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(r.overhead).map(
      ([k, o]) =>
        `| ${k} | ${o.bareP50.toFixed(3)} | ${o.harnessP50.toFixed(3)} | ${(o.overhead * 100).toFixed(1)}% | ` +
        `${o.bareP25.toFixed(3)} | ${o.harnessP25.toFixed(3)} | ${(o.overheadP25 * 100).toFixed(1)}% |`,
    ),
    '',
    `The harness's own work per run, timed on a model that does nothing (clock reads, the timeout race): ` +
      `p50 ${r.harnessCostUs.toFixed(2)} µs, ${((r.harnessCostUs / 1000 / (r.overhead['human-gender']?.bareP50 ?? 1)) * 100).toFixed(2)}% ` +
      "of human-gender's bare p50. Differences between the two loops beyond that are the machine's noise " +
      '(the blocks alternate, but the machine is shared); `Executable.run` adds its own small bookkeeping (input checks, output names).',
    '',
    '## wasm vs cpu on corpus models (`benchmarkModel` defaults, max-seconds 8)',
    '',
    '| model | inputs | FLOPs | wasm p50 / p90 ms | cpu p50 / p90 ms | cpu / wasm | load ms wasm / cpu | peak tensors (wasm) | top ops (wasm) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...side,
    '',
    '`tensorflow` (tfjs-node) is not installable on this machine, so it is not in the table. The wall time of a full ' +
      '`model-budget check` is not measured here.',
    '',
  ].join('\n');
}
