/**
 * One process, one LiteRT build (LiteRT.js keeps a global instance): compiles every corpus .tflite, warms up, times
 * `run` plus reading every output back, and appends one JSON line per model to BENCH_OUT. Started by run-tflite.ts.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { it } from 'vitest';
import { compileTflite } from '../../src/runtimes/litert/execute.js';
import { loadLiteRtNode, type LiteRtBuild } from '../../src/runtimes/litert/load.js';
import { corpusModel } from '../../test/helpers/corpus.js';
import { seededInput } from '../../test/helpers/drift.js';

const build = process.env.LITERT_BUILD as LiteRtBuild | undefined;
const out = process.env.BENCH_OUT;
const ids = (process.env.BENCH_MODELS ?? '').split(',').filter(Boolean);
const runs = Number(process.env.BENCH_RUNS ?? 15);

it.skipIf(!build || !out)('litert worker', async () => {
  if (!build || !out) return;
  const started = performance.now();
  const litert = await loadLiteRtNode(build);
  const loadMs = performance.now() - started;
  for (const id of ids) {
    const m = corpusModel(id);
    const exe = await compileTflite(litert, readFileSync(m.path), m.path);
    const inputs = exe.inputs.map((i, k) =>
      seededInput(
        i.shape.reduce((a, b) => a * b, 1),
        k + 1,
      ),
    );
    for (let w = 0; w < 3; w++) await exe.run(inputs);
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await exe.run(inputs);
      times.push(performance.now() - t0);
    }
    exe.dispose();
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)] ?? NaN;
    appendFileSync(out, JSON.stringify({ node: process.version, build, threads: litert.threads, id, runs, p50, loadMs }) + '\n');
  }
});
