/**
 * .tflite quantization benchmark: for every corpus model, float16 (as shipped) vs float32 vs dynamic-int8 vs full
 * int8 (calibrated on the photos of test/fixtures/images) — size ratio to float32, agreement with float32 on those
 * photos in each model's own terms, and p50 latency ratio to float32, timed interleaved (every round runs every
 * variant in turn, run by run, so a noisy neighbour hits them alike). Also times hybrid DEPTHWISE_CONV_2D alone, the evidence for
 * leaving it out of dynamic-int8. LiteRT relaxed-SIMD build, one thread, in this process.
 *
 *   npx vitest run --config bench/tflite/vitest.config.ts bench/tflite/run-quantize.ts
 *
 * Env BENCH_RUNS (default 21 timed runs of each variant, after 2 warm-ups), BENCH_MODELS (ids, comma-separated).
 * Writes the "Quantization" section of bench/results/tflite.md (run-tflite.ts keeps it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { calibrateTflite } from '../../src/formats/tflite/calibrate.js';
import type { TfliteGraph } from '../../src/formats/tflite/graph.js';
import { quantizeTfliteDynamicInt8 } from '../../src/formats/tflite/quantize-dynamic.js';
import { quantizeTfliteInt8 } from '../../src/formats/tflite/quantize-int8.js';
import { quantizeTfliteFloat32 } from '../../src/formats/tflite/quantize.js';
import { writeTflite } from '../../src/formats/tflite/write.js';
import { compileTflite, type LiteRtExecutable } from '../../src/runtimes/litert/execute.js';
import { litertRuntime } from '../../src/runtimes/litert/index.js';
import { loadLiteRtNode } from '../../src/runtimes/litert/load.js';
import { faceAgreement, maskAgreement, poseAgreement } from '../../test/helpers/agreement.js';
import { photoInputs } from '../../test/helpers/photos.js';
import { readCorpusTflite } from '../../test/helpers/tflite.js';

const root = join(import.meta.dirname, '..', '..');
const RESULTS = join(root, 'bench', 'results', 'tflite.md');
export const QUANTIZE_MARKER = '<!-- quantize: written by bench/tflite/run-quantize.ts -->';
const RUNS = Number(process.env.BENCH_RUNS ?? 21);

type Kind = 'face' | 'mask' | 'pose';
const ALL_MODELS: readonly { readonly id: string; readonly size: readonly [number, number]; readonly kind: Kind }[] = [
  { id: 'mediapipe-face-short', size: [128, 128], kind: 'face' },
  { id: 'mediapipe-face-full', size: [192, 192], kind: 'face' },
  { id: 'mediapipe-selfie', size: [256, 256], kind: 'mask' },
  { id: 'mediapipe-selfie-landscape', size: [144, 256], kind: 'mask' },
  { id: 'mediapipe-pose-lite', size: [256, 256], kind: 'pose' },
  { id: 'mediapipe-pose-full', size: [256, 256], kind: 'pose' },
  { id: 'mediapipe-pose-heavy', size: [256, 256], kind: 'pose' },
];
const MODELS = ALL_MODELS.filter((m) => !process.env.BENCH_MODELS || process.env.BENCH_MODELS.split(',').includes(m.id));
const VARIANTS = ['float16', 'float32', 'dynamic-int8', 'dynamic-int8 (+depthwise)', 'int8'] as const;
type Variant = (typeof VARIANTS)[number];

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function agreement(kind: Kind, float: Float32Array[][], other: Float32Array[][]): string {
  const per = float.map((f, i) => {
    const o = other[i] ?? [];
    if (kind === 'face') return faceAgreement(f, o);
    if (kind === 'mask') return maskAgreement(f, o);
    return poseAgreement(f, o);
  });
  const worst = (key: string, pick: 'max' | 'min'): number => {
    const xs = per.map((p) => (p as unknown as Record<string, number>)[key] ?? NaN);
    return pick === 'max' ? Math.max(...xs) : Math.min(...xs);
  };
  if (kind === 'face') return `score Δ ≤ ${worst('scoreDelta', 'max').toFixed(3)}, box centre Δ ≤ ${worst('centreDeltaPx', 'max').toFixed(1)} px`;
  if (kind === 'mask') return `mask mean Δ ≤ ${worst('meanDelta', 'max').toFixed(3)}, IoU ≥ ${worst('iou', 'min').toFixed(3)}`;
  return `visible keypoints (${worst('visible', 'min')}–${worst('visible', 'max')} of 33) mean Δ ≤ ${worst('meanDeltaPx', 'max').toFixed(1)} px, max ${worst('maxDeltaPx', 'max').toFixed(1)} px`;
}

async function runAll(exe: LiteRtExecutable, xs: readonly Float32Array[]): Promise<Float32Array[][]> {
  const out: Float32Array[][] = [];
  for (const x of xs) out.push((await exe.run([x])).map((o) => o.values));
  return out;
}

it('tflite quantization', async () => {
  const litert = await loadLiteRtNode('relaxed-simd');
  const info = await litertRuntime.start({});
  const rows: string[] = [];
  const notes: string[] = [];
  for (const m of MODELS) {
    const started = performance.now();
    const shipped = readCorpusTflite(m.id);
    const f32 = quantizeTfliteFloat32(shipped).graph;
    const xs = photoInputs(m.size[0], m.size[1], m.kind === 'face' ? { scale: 1 / 127.5, mean: 1 } : {}, { mirror: true });
    const samples = xs.map((data) => [{ dtype: 'float32' as const, shape: [1, m.size[0], m.size[1], 3], data }]);
    const dynamic = quantizeTfliteDynamicInt8(f32);
    const calibrated = await calibrateTflite(f32, samples, litertRuntime, info);
    const int8 = quantizeTfliteInt8(f32, calibrated);
    const graphs: Record<Variant, TfliteGraph> = {
      float16: shipped,
      float32: f32,
      'dynamic-int8': dynamic.graph,
      'dynamic-int8 (+depthwise)': quantizeTfliteDynamicInt8(f32, { ops: ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'] }).graph,
      int8: int8.graph,
    };
    const bytes = Object.fromEntries(VARIANTS.map((v) => [v, writeTflite(graphs[v])])) as Record<Variant, Uint8Array>;
    const exes = {} as Record<Variant, LiteRtExecutable>;
    for (const v of VARIANTS) exes[v] = await compileTflite(litert, bytes[v], `${m.id} ${v}`);
    const outputs = {} as Record<Variant, Float32Array[][]>;
    for (const v of VARIANTS) outputs[v] = await runAll(exes[v], xs);
    const times = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
    const x = [xs[0] ?? new Float32Array(0)];
    for (const v of VARIANTS) for (let w = 0; w < 2; w++) await exes[v].run(x);
    // Run by run, every variant in turn (order rotated each time): a burst of load hits all of them alike.
    for (let r = 0; r < RUNS; r++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const v = VARIANTS[(k + r) % VARIANTS.length] ?? 'float32';
        const t0 = performance.now();
        await exes[v].run(x);
        times[v].push(performance.now() - t0);
      }
    }
    for (const v of VARIANTS) exes[v].dispose();
    const f32ms = median(times.float32);
    for (const v of VARIANTS) {
      const ms = median(times[v]);
      const drift = v === 'float32' ? 'reference' : agreement(m.kind, outputs.float32, outputs[v]);
      rows.push(
        `| ${m.id} | ${v} | ${bytes[v].byteLength.toLocaleString('en-US')} | ${(bytes[v].byteLength / bytes.float32.byteLength).toFixed(3)}× | ${drift} | ${ms.toFixed(1)} | ${(ms / f32ms).toFixed(2)}× |`,
      );
    }
    const left = int8.left.map((l) => `${l.count} × ${l.op}`).join(', ');
    notes.push(
      `- ${m.id}: dynamic-int8 rewrote ${dynamic.rewritten.map((r) => `${r.count} × ${r.op}`).join(', ')}; int8 rewrote ${int8.rewritten.reduce((n, r) => n + r.count, 0)} operators${left ? `, left float ${left}` : ''} (${int8.quantizeOps} QUANTIZE, ${int8.dequantizeOps} DEQUANTIZE); ${(performance.now() - started) / 1000 < 1 ? '<1' : ((performance.now() - started) / 1000).toFixed(0)} s for the row.`,
    );
    console.log(rows.slice(-VARIANTS.length).join('\n'));
  }
  const section = [
    QUANTIZE_MARKER,
    '',
    '## Quantization: float16 / float32 / dynamic-int8 / int8',
    '',
    `Each corpus model as shipped (float16), expanded to float32 (\`quantize: float32\`), with dynamic-int8 weights (default: hybrid CONV_2D and FULLY_CONNECTED; "+depthwise" also rewrites DEPTHWISE_CONV_2D), and full int8 calibrated on the ${samplesLine()}`,
    'Agreement: against float32 on those same photos (the samples int8 was calibrated on, as `inputs.images` is used for both), worst photo shown: face detection — the',
    "float model's best anchor: |Δ sigmoid score| and its box centre in input pixels; selfie — mean |Δ| of the mask and IoU of the pixels over 0.5; pose — the body",
    'landmarks the float model sees (visibility > 0.5), (x, y) distance in input pixels (mean and max). Latency: p50 of one `run` plus reading every output back (the first photo), LiteRT relaxed-SIMD build,',
    `1 thread; the variants take turns run by run (${RUNS} timed runs each after 2 warm-ups, the order rotated every turn). The machine is shared and was busy`,
    'while this ran: read the ratios within a model, not the absolute times, and small ratios (0.8×–1.25×) as noise.',
    '',
    `CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores, Node ${process.version}. Written ${new Date().toISOString().slice(0, 10)} by`,
    '`npx vitest run --config bench/tflite/vitest.config.ts bench/tflite/run-quantize.ts`.',
    '',
    '| model | variant | bytes | size / float32 | agreement with float32 on photos | p50 ms | latency / float32 |',
    '|---|---|---:|---:|---|---:|---:|',
    ...rows,
    '',
    ...notes,
    '',
  ].join('\n');
  const current = readFileSync(RESULTS, 'utf8');
  const at = current.indexOf(QUANTIZE_MARKER);
  writeFileSync(RESULTS, `${(at < 0 ? current : current.slice(0, at)).trimEnd()}\n\n${section}`);
  console.log(section);
}, 1_800_000);

function samplesLine(): string {
  return 'two photos of test/fixtures/images and their mirror images (4 samples).';
}
