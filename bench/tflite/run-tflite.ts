/**
 * LiteRT build benchmark: p50 latency of every corpus .tflite on each @litertjs/core wasm build (compat, relaxed
 * SIMD, threads), on the Node running vitest (20 here) and on Node 24 (.cache/node24, the Action's runtime). Each
 * (node, build) runs in its own process, started in interleaved order round after round, so that a noisy neighbour
 * hits every build alike; the table shows the median over rounds of each round's p50.
 *
 *   npx vitest run --config bench/tflite/vitest.config.ts bench/tflite/run-tflite.ts
 *
 * Env BENCH_ROUNDS (default 2), BENCH_RUNS (default 15 timed runs after 3 warm-ups). Writes bench/results/tflite.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';

/** Where run-quantize.ts's section of bench/results/tflite.md starts (kept in step with QUANTIZE_MARKER there). */
const QUANTIZE_MARKER = '<!-- quantize: written by bench/tflite/run-quantize.ts -->';

const root = join(import.meta.dirname, '..', '..');
const MODELS = ['mediapipe-face-short', 'mediapipe-face-full', 'mediapipe-selfie', 'mediapipe-pose-lite', 'mediapipe-pose-full', 'mediapipe-pose-heavy'];
const BUILDS = ['compat', 'relaxed-simd', 'threads'] as const;
const node24 = join(root, '.cache', 'node24', 'bin', 'node');
const NODES = [process.execPath, ...(existsSync(node24) ? [node24] : [])];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Row {
  node: string;
  build: string;
  threads: number;
  id: string;
  runs: number;
  p50: number;
  loadMs: number;
}

it('litert builds', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-tflite-')), 'rows.jsonl');
  const failures: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const node of NODES) {
      for (const build of BUILDS) {
        try {
          execFileSync(
            node,
            [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'bench/tflite/vitest.config.ts', 'bench/tflite/worker.ts'],
            {
              cwd: root,
              env: { ...process.env, LITERT_BUILD: build, BENCH_OUT: out, BENCH_MODELS: MODELS.join(',') },
              stdio: ['ignore', 'ignore', 'pipe'],
            },
          );
        } catch (error) {
          failures.push(
            `${node} ${build}: ${
              String((error as { stderr?: Buffer }).stderr ?? error)
                .split('\n')
                .find((l) => /Error/.test(l)) ?? 'failed'
            }`,
          );
        }
      }
    }
  }
  const rows = existsSync(out)
    ? readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Row)
    : [];
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? NaN;
  };
  const nodes = [...new Set(rows.map((r) => r.node))];
  const lines = [
    '# LiteRT (@litertjs/core 2.5.3) builds in Node',
    '',
    'p50 of one `run` plus reading every output back, per corpus .tflite (float16 weights as shipped), ms. Each',
    `(node, build) ran in its own process, in interleaved order, ${ROUNDS} rounds × ${rows[0]?.runs ?? '?'} timed runs after 3 warm-ups;`,
    "the cell is the median of the rounds' p50. Inputs: seeded uniform noise. The machine is shared and was busy",
    'while this ran (other jobs on the same cores): read the ratios between builds of one row, not the absolute times.',
    '',
    `CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores. Written ${new Date().toISOString().slice(0, 10)} by`,
    '`npx vitest run --config bench/tflite/vitest.config.ts bench/tflite/run-tflite.ts`.',
    '',
  ];
  for (const node of nodes) {
    const threads = rows.find((r) => r.node === node && r.build === 'threads')?.threads ?? '?';
    lines.push(
      `## Node ${node}`,
      '',
      `| model | compat | relaxed-simd | threads (${threads}) | relaxed-simd / compat | threads / relaxed-simd |`,
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const id of MODELS) {
      const p = (build: string): number => median(rows.filter((r) => r.node === node && r.build === build && r.id === id).map((r) => r.p50));
      const [c, s, t] = [p('compat'), p('relaxed-simd'), p('threads')];
      lines.push(`| ${id} | ${c.toFixed(2)} | ${s.toFixed(2)} | ${t.toFixed(2)} | ${(s / c).toFixed(2)}× | ${(t / s).toFixed(2)}× |`);
    }
    const load = (build: string): string => median(rows.filter((r) => r.node === node && r.build === build).map((r) => r.loadMs)).toFixed(0);
    lines.push(
      '',
      `Start-up (wasm compile + environment), ms: compat ${load('compat')}, relaxed-simd ${load('relaxed-simd')}, threads ${load('threads')}.`,
      '',
    );
  }
  if (failures.length > 0) lines.push('## Failed', '', ...failures.map((f) => `- ${f}`), '');
  // The quantization section (run-quantize.ts) stays as it was.
  const file = join(root, 'bench', 'results', 'tflite.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const kept = previous.includes(QUANTIZE_MARKER) ? `\n${previous.slice(previous.indexOf(QUANTIZE_MARKER))}` : '';
  writeFileSync(file, lines.join('\n') + kept);
  console.log(lines.join('\n'));
});
