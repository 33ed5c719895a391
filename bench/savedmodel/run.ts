/**
 * SavedModel conversion benchmark: wall time of reading + freezing each fixture (7 runs after 1 warm-up, p50 / min /
 * max) and the peak resident memory of a process that converts it, next to one that only loads the modules.
 *
 *   npx tsc -p bench/savedmodel/tsconfig.json && node build/bench-savedmodel/bench/savedmodel/run.js
 *
 * Writes bench/results/savedmodel.json and bench/results/savedmodel.md (run from the repository root). Each fixture
 * runs in its own child process so that peak memory (getrusage maxrss) belongs to that fixture alone.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertSavedModelDir } from '../../src/formats/savedmodel/load.js';

const FIXTURES = ['times-three-float', 'module_with_multiple_signatures', 'int64_multiply', 'model_multi_output', 'kws-dscnn'];
const RUNS = 7;

interface Row {
  readonly fixture: string;
  readonly runs: number;
  readonly p50Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly peakRssMiB: number;
  readonly weightBytes: number;
  readonly nodes: number;
}

async function child(fixture: string): Promise<Row> {
  if (fixture === '(modules only)') {
    return { fixture, runs: 0, p50Ms: 0, minMs: 0, maxMs: 0, peakRssMiB: process.resourceUsage().maxRSS / 1024, weightBytes: 0, nodes: 0 };
  }
  const dir = join('test', 'fixtures', 'savedmodel', fixture);
  await convertSavedModelDir(dir);
  const times: number[] = [];
  let last: Awaited<ReturnType<typeof convertSavedModelDir>> | undefined;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    last = await convertSavedModelDir(dir);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const artifacts = last?.artifacts;
  return {
    fixture,
    runs: RUNS,
    p50Ms: times[Math.floor(RUNS / 2)] ?? 0,
    minMs: times[0] ?? 0,
    maxMs: times[RUNS - 1] ?? 0,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    weightBytes: (artifacts?.weightData as ArrayBuffer | undefined)?.byteLength ?? 0,
    nodes: (artifacts?.modelTopology as { node?: unknown[] } | undefined)?.node?.length ?? 0,
  };
}

const fixtureArg = process.argv[2];
if (fixtureArg !== undefined) {
  process.stdout.write(JSON.stringify(await child(fixtureArg)));
} else {
  const self = fileURLToPath(import.meta.url);
  const rows = ['(modules only)', ...FIXTURES].map((f) => JSON.parse(execFileSync(process.execPath, [self, f], { encoding: 'utf8' })) as Row);
  const cpu = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`;
  writeFileSync(join('bench', 'results', 'savedmodel.json'), `${JSON.stringify({ cpu, rows }, null, 2)}\n`);
  const f = (n: number): string => n.toFixed(1);
  const md = [
    '# SavedModel conversion',
    '',
    'Reading `saved_model.pb` + `variables/` and freezing `serving_default` into a TF.js graph model, in memory',
    `(nothing written). ${RUNS} runs after one warm-up per fixture, each fixture in its own process; peak memory is`,
    "that process's maximum resident set (getrusage), next to a process that only loads the modules.",
    '',
    `Machine: ${cpu}. The machine is shared and was busy while this ran, so times are indicative; compare rows of one run.`,
    '',
    '```',
    'npx tsc -p bench/savedmodel/tsconfig.json && node build/bench-savedmodel/bench/savedmodel/run.js',
    '```',
    '',
    '| fixture | graph nodes | weight bytes | p50 ms | min ms | max ms | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.fixture} | ${r.nodes || '—'} | ${r.weightBytes ? r.weightBytes.toLocaleString('en-US') : '—'} | ${r.runs ? f(r.p50Ms) : '—'} | ${r.runs ? f(r.minMs) : '—'} | ${r.runs ? f(r.maxMs) : '—'} | ${f(r.peakRssMiB)} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(join('bench', 'results', 'savedmodel.md'), md);
  process.stdout.write(md);
}
