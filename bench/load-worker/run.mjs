#!/usr/bin/env node
/**
 * Load time in the main thread vs in a load worker (src/formats/worker/), for the example model and a larger corpus
 * model: the two bundled as dist/ is (scripts/build.mjs's options, the worker as load-worker.mjs next to the
 * chunks), then PAIRS interleaved pairs per model after one warm-up of each, so a busy machine slows both alike.
 *
 *   node bench/load-worker/run.mjs
 *
 * Writes bench/results/load-worker.json and bench/results/load-worker.md (run from the repository root).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';
import { inputOptions, outputOptions } from '../../scripts/build.mjs';

const PAIRS = 7;
const MODELS = [
  { name: 'example (examples/gender)', path: 'examples/gender/model.json' },
  { name: 'human-faceres-deep (corpus)', path: '.cache/models/human-faceres-deep/faceres-deep.json' },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function timed(load) {
  const start = performance.now();
  const model = await load();
  const ms = performance.now() - start;
  const data = model.artifacts.weightData;
  const bytes = (Array.isArray(data) ? data : [data]).reduce((n, b) => n + b.byteLength, 0);
  return { ms, bytes };
}

const dir = mkdtempSync(join(tmpdir(), 'mb-bench-load-worker-'));
try {
  const build = await rolldown({
    ...inputOptions(),
    input: { bench: resolve('bench/load-worker/entry.ts'), 'load-worker': resolve('src/formats/worker/entry.ts') },
  });
  await build.write(outputOptions(dir));
  await build.close();
  const { loadModel, loadModelInWorker } = await import(pathToFileURL(join(dir, 'bench.js')).href);
  const rows = [];
  for (const model of MODELS) {
    const path = resolve(model.path);
    await timed(() => loadModel(path));
    await timed(() => loadModelInWorker(path));
    const thread = [];
    const worker = [];
    let bytes = 0;
    for (let i = 0; i < PAIRS; i++) {
      const a = await timed(() => loadModel(path));
      const b = await timed(() => loadModelInWorker(path));
      if (a.bytes !== b.bytes) throw new Error(`${model.name}: ${a.bytes} weight bytes in the thread, ${b.bytes} from the worker`);
      bytes = a.bytes;
      thread.push(a.ms);
      worker.push(b.ms);
    }
    const ratios = thread.map((t, i) => worker[i] / t);
    rows.push({
      model: model.name,
      weightBytes: bytes,
      pairs: PAIRS,
      threadP50Ms: median(thread),
      workerP50Ms: median(worker),
      extraP50Ms: median(worker.map((w, i) => w - thread[i])),
      ratioP50: median(ratios),
      ratioMin: Math.min(...ratios),
      ratioMax: Math.max(...ratios),
    });
  }
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`;
  writeFileSync('bench/results/load-worker.json', `${JSON.stringify({ machine, rows }, null, 2)}\n`);
  const f = (x) => x.toFixed(1);
  const md = [
    '# Loading in a worker thread',
    '',
    'Load time of one model (read, validate, assemble the artifacts; nothing built) in the main thread and in a load',
    'worker (start the thread, import the loader, load, transfer the weights back), bundled as dist/ is. One warm-up',
    `of each, then ${PAIRS} interleaved pairs per model; the ratio is worker ÷ main thread within each pair.`,
    '',
    `Machine: ${machine}. The machine is shared with other work and was busy while this ran: compare within a row.`,
    '',
    '```',
    'node bench/load-worker/run.mjs',
    '```',
    '',
    '| model | weight bytes | main thread p50 ms | worker p50 ms | extra p50 ms | ratio p50 (min–max) |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.weightBytes.toLocaleString('en-US')} | ${f(r.threadP50Ms)} | ${f(r.workerP50Ms)} | ${f(r.extraP50Ms)} | ${r.ratioP50.toFixed(2)} (${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}) |`,
    ),
    '',
  ].join('\n');
  writeFileSync('bench/results/load-worker.md', md);
  console.log(md);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
