/**
 * The `auto` search on its own: for each model and budget, the weight-bytes and gzip ratios it reaches, the drift of
 * its result, how many evaluations and seconds it took, and its frontier. Drift on the wasm runtime, against either
 * the bench's two seeded synthetic inputs or the repository's two photos (test/fixtures/images).
 *
 *   npx tsc -p bench/compress/tsconfig.auto.json && node build/bench-compress-auto/bench/compress/auto.js [model-id …]
 *
 * Writes bench/results/compress-auto.json and .md (run from the repository root). Env BENCH_AUTO_EVALS (default 48).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type * as tf from '@tensorflow/tfjs';
import { autoCompress, formatAutoProgress } from '../../src/compress/auto.js';
import { compressModel } from '../../src/compress/registry.js';
import { weightBytes } from '../../src/compress/weights.js';
import { loadAsTfjs } from '../../src/formats/index.js';
import { budgetShare } from '../../src/measure/drift-session.js';
import { measureDrift, type DriftResult } from '../../src/measure/drift.js';
import { makeInputs } from '../../src/measure/inputs.js';
import { loadSamples } from '../../src/measure/samples/load.js';
import { instantiate, selectRuntime, type Executable } from '../../src/runtimes/index.js';
import { corpusModel } from '../../test/helpers/corpus.js';

const root = process.cwd();
const EVALS = Number(process.env.BENCH_AUTO_EVALS ?? 48);
const MODELS = ['human-faceres-deep', 'esrgan-slim-x2'];

interface Budget {
  readonly label: string;
  readonly key: 'accuracy.max-abs-error' | 'accuracy.cosine';
  readonly direction: 'max' | 'min';
  readonly limit: number;
}
const BUDGETS: readonly Budget[] = [
  { label: 'max-abs-error ≤ 0.01', key: 'accuracy.max-abs-error', direction: 'max', limit: 0.01 },
  { label: 'cosine ≥ 0.999', key: 'accuracy.cosine', direction: 'min', limit: 0.999 },
];

interface Row {
  model: string;
  inputs: string;
  budget: string;
  weightRatio: number;
  gzipRatio: number;
  maxAbsError?: number;
  cosine?: number;
  withinBudget: boolean;
  evaluations: number;
  capped: boolean;
  seconds: number;
  mix: string;
  pareto: string;
  loadavg: string;
}

const gz = (a: tf.io.ModelArtifacts): number => gzipSync(weightBytes(a), { level: 9 }).byteLength;
const value = (d: DriftResult, b: Budget): number => (b.key === 'accuracy.cosine' ? (d.cosine ?? Number.NaN) : d.maxAbsError);

async function benchModel(id: string, rows: Row[]): Promise<void> {
  const model = await loadAsTfjs(corpusModel(id).path);
  const original = await instantiate(model);
  const sets = {
    '2 synthetic': [1, 2].map((seed) => makeInputs(original.inputs, { seed })),
    '2 photos': await loadSamples({ specs: original.inputs, images: { dir: join(root, 'test/fixtures/images') } }),
  };
  const bytes0 = weightBytes(model.artifacts).byteLength;
  const gzip0 = gz(model.artifacts);
  for (const [inputs, set] of Object.entries(sets)) {
    const evaluate = async (artifacts: tf.io.ModelArtifacts): Promise<DriftResult> => {
      const candidate: Executable = await instantiate({ ...model, artifacts });
      try {
        return await measureDrift(original, candidate, set);
      } finally {
        candidate.dispose();
      }
    };
    // A cosine budget only applies to a model with vector outputs (esrgan's are images: no cosine).
    for (const b of BUDGETS.filter((x) => x.key !== 'accuracy.cosine' || id !== 'esrgan-slim-x2')) {
      const start = performance.now();
      const r = await autoCompress(model.artifacts, {
        evaluate,
        withinBudget: (d) => budgetShare(b.key, b.direction, value(d, b), b.limit) <= 1,
        budgetUse: (d) => budgetShare(b.key, b.direction, value(d, b), b.limit),
        maxEvaluations: EVALS,
        ...(process.env.BENCH_VERBOSE ? { onEvaluation: (p) => process.stdout.write(`${formatAutoProgress(p)}\n`) } : {}),
      });
      const seconds = (performance.now() - start) / 1000;
      const mix = new Map<string, number>();
      for (const t of r.assignment) mix.set(t.dtype, (mix.get(t.dtype) ?? 0) + 1);
      const pareto = r.frontier.points
        .filter((p) => p.pareto)
        .map((p) => `${(p.bytes / bytes0).toFixed(3)}×@${p.budgetUse === null ? 'NaN' : `${(p.budgetUse * 100).toFixed(0)}%`}`)
        .join(' ');
      rows.push({
        model: id,
        inputs,
        budget: b.label,
        weightRatio: r.bytesAfter / bytes0,
        gzipRatio: gz(r.artifacts) / gzip0,
        ...(r.drift ? { maxAbsError: r.drift.maxAbsError, cosine: r.drift.cosine } : {}),
        withinBudget: r.withinBudget,
        evaluations: r.evaluations,
        capped: r.capped,
        seconds,
        mix: [...mix].map(([d, c]) => `${c} ${d}`).join(' / '),
        pareto,
        loadavg: loadavg()
          .map((x) => x.toFixed(2))
          .join(' '),
      });
      process.stdout.write(`${id} ${inputs} ${b.label}: ${(r.bytesAfter / bytes0).toFixed(4)}× in ${r.evaluations} evals, ${seconds.toFixed(1)} s\n`);
      // The same search, then `auto: { levels: true }`: the fewest codes per uint8 weight inside the same budget.
      const withinBudget = (d: DriftResult): boolean => budgetShare(b.key, b.direction, value(d, b), b.limit) <= 1;
      const start2 = performance.now();
      const l = await compressModel(
        model,
        { auto: { 'max-evaluations': EVALS, levels: true } },
        {
          evaluate,
          withinBudget: (d) => withinBudget(d as DriftResult),
          budgetUse: (d) => budgetShare(b.key, b.direction, value(d as DriftResult, b), b.limit),
        },
      );
      const seconds2 = (performance.now() - start2) / 1000;
      const drift2 = await evaluate(l.artifacts);
      const summary = l.steps[0]?.summary ?? '';
      rows.push({
        model: id,
        inputs,
        budget: `${b.label}, levels: true`,
        weightRatio: weightBytes(l.artifacts).byteLength / bytes0,
        gzipRatio: gz(l.artifacts) / gzip0,
        maxAbsError: drift2.maxAbsError,
        ...(drift2.cosine === undefined ? {} : { cosine: drift2.cosine }),
        withinBudget: withinBudget(drift2),
        evaluations: r.evaluations,
        capped: r.capped,
        seconds: seconds2,
        mix: summary.slice(summary.indexOf('levels:')),
        pareto: '',
        loadavg: loadavg()
          .map((x) => x.toFixed(2))
          .join(' '),
      });
      process.stdout.write(`${id} ${inputs} ${b.label} + levels: gzip ${(gz(l.artifacts) / gzip0).toFixed(4)}×, ${seconds2.toFixed(1)} s\n`);
    }
  }
  original.dispose();
}

/**
 * The previous search's results at the bench's budget (max-abs-error ≤ 0.01, 2 synthetic inputs, 48 evaluations),
 * from bench/results/compress.md before it was rebuilt: × weights, × gzip.
 */
const PREVIOUS: Readonly<Record<string, readonly [number, number]>> = { 'human-faceres-deep': [0.4807, 0.4707], 'esrgan-slim-x2': [0.2539, 0.2278] };

function goals(rows: readonly Row[]): string[] {
  const out: string[] = [];
  for (const r of rows.filter((x) => x.inputs === '2 synthetic' && x.budget === BUDGETS[0]?.label)) {
    const before = PREVIOUS[r.model];
    if (!before) continue;
    const smaller = 1 - r.weightRatio / before[0];
    const met = smaller >= 0.15 && r.withinBudget;
    out.push(
      `${r.model}: ${r.weightRatio.toFixed(4)} × weights / ${r.gzipRatio.toFixed(4)} × gzip against the previous search's ${before[0]} / ${before[1]}: ` +
        `${(smaller * 100).toFixed(1)} % smaller, budget held: ${r.withinBudget ? 'yes' : 'no'} — 15 % smaller ${met ? 'met' : 'NOT met'}`,
    );
  }
  for (const r of rows.filter((x) => x.inputs === '2 synthetic' && x.budget === `${BUDGETS[0]?.label ?? ''}, levels: true`)) {
    const before = PREVIOUS[r.model];
    if (!before) continue;
    const smaller = 1 - r.gzipRatio / before[1];
    out.push(
      `${r.model}, \`levels: true\`: ${r.gzipRatio.toFixed(4)} × gzip against the previous search's ${before[1]}: ${(smaller * 100).toFixed(1)} % smaller to download, ` +
        `budget held: ${r.withinBudget ? 'yes' : 'no'} — 15 % smaller ${smaller >= 0.15 && r.withinBudget ? 'met' : 'NOT met'} (same raw bytes)`,
    );
  }
  const times = rows.filter((x) => x.model === 'human-faceres-deep').map((x) => x.seconds);
  if (times.length > 0) {
    const worst = Math.max(...times);
    out.push(`human-faceres-deep search ≤ 60 s, every input set and budget: worst ${worst.toFixed(1)} s — ${worst <= 60 ? 'met' : 'NOT met'}`);
  }
  return out;
}

function render(rows: readonly Row[], runtime: string, command: string): string {
  return [
    '# The auto search',
    '',
    `Command: \`${command}\``,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; drift runtime: ${runtime}; at most ${EVALS} evaluations. ` +
      '"seconds" is the whole search, its drift evaluations included; "load" is the load average when it ended.',
    '',
    '| model | inputs | budget | × weights | × gzip | max abs err | cosine | evals | seconds | load | result | Pareto points (× weights @ budget used) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.inputs} | ${r.budget} | ${r.weightRatio.toFixed(4)} | ${r.gzipRatio.toFixed(4)} | ${r.maxAbsError?.toFixed(4) ?? ''} | ` +
        `${r.cosine?.toFixed(6) ?? ''} | ${r.evaluations}${r.capped ? ' (capped)' : ''} | ${r.seconds.toFixed(1)} | ${r.loadavg} | ${r.withinBudget ? r.mix : 'no candidate in budget'} | ${r.pareto} |`,
    ),
    '',
    '## Goals',
    '',
    ...goals(rows).map((g) => `- ${g}`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const runtime = await selectRuntime('wasm');
  const rows: Row[] = [];
  for (const id of only.length > 0 ? only : MODELS) await benchModel(id, rows);
  const command = `npx tsc -p bench/compress/tsconfig.auto.json && node build/bench-compress-auto/bench/compress/auto.js${only.length ? ` ${only.join(' ')}` : ''}`;
  const runtimeText = `${runtime.name} ${runtime.version} (${runtime.threads} thread(s))`;
  writeFileSync(join(root, 'bench', 'results', 'compress-auto.json'), `${JSON.stringify({ command, runtime: runtimeText, rows }, null, 2)}\n`);
  writeFileSync(join(root, 'bench', 'results', 'compress-auto.md'), render(rows, runtimeText, command));
}

await main();
