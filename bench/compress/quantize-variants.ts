/**
 * Quantization variants against converter-style uint8 on the float corpus graph models: per-tensor nearest (what tensorflowjs_converter writes), sum-preserving, per-channel scales, and
 * `levels: auto` on top. For each: served bytes (model.json + shards: raw, gzip -9, brotli 11, as the check measures
 * them), drift per output against the original on the model's own kind of input (the repository's two photos and
 * their mirror images, at the model's input size and channels, pixels in [0, 1]), and the latency cost of the Muls
 * per-channel inserts (interleaved A/B, `compareModels`, per-tensor uint8 against per-channel uint8, wasm backend).
 *
 *   npx tsc -p bench/compress/tsconfig.quantize-variants.json && node build/bench-quantize-variants/bench/compress/quantize-variants.js [model-id …]
 *
 * Writes bench/results/quantize-variants.json and the section between the `quantize-variants` markers of
 * bench/results/compress.md (run from the repository root).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { io } from '@tensorflow/tfjs';
import { chooseLevels } from '../../src/compress/levels-auto.js';
import { rescaleChannels } from '../../src/compress/per-channel.js';
import { quantizeWeights } from '../../src/compress/quantize.js';
import type { Rounding } from '../../src/compress/rounding.js';
import { formatOf, loadAsTfjs } from '../../src/formats/index.js';
import { measureDrift, type DriftResult } from '../../src/measure/drift.js';
import { compareModels } from '../../src/measure/latency/benchmark.js';
import { decodeImage, imageToValues, resizeBilinear } from '../../src/measure/samples/image.js';
import type { TfjsLoadedModel } from '../../src/model/types.js';
import { instantiate, selectRuntime, type RuntimeInfo } from '../../src/runtimes/index.js';
import type { Executable, HostTensor } from '../../src/runtimes/types.js';
import { corpusModel } from '../../test/helpers/corpus.js';
import { PHOTOS } from '../../test/helpers/photos.js';

const root = process.cwd();
const MODELS = ['human-faceres-deep', 'human-gender', 'human-emotion'] as const;
/** Evaluations per `levels: auto` search (the check's default is 40; fewer keep the bench inside its time). */
const LEVELS_EVALUATIONS = 16;
const TRIALS = 2;

interface Variant {
  readonly name: string;
  readonly rounding: Rounding;
  readonly perChannel: boolean;
  readonly levelsAuto: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'uint8 nearest (converter)', rounding: 'nearest', perChannel: false, levelsAuto: false },
  { name: 'uint8 sum-preserving', rounding: 'sum-preserving', perChannel: false, levelsAuto: false },
  { name: 'uint8 per-channel', rounding: 'nearest', perChannel: true, levelsAuto: false },
  { name: 'uint8 per-channel sum-preserving', rounding: 'sum-preserving', perChannel: true, levelsAuto: false },
  { name: 'uint8 sum-preserving, levels auto', rounding: 'sum-preserving', perChannel: false, levelsAuto: true },
  { name: 'uint8 per-channel sum-preserving, levels auto', rounding: 'sum-preserving', perChannel: true, levelsAuto: true },
];

interface Row {
  model: string;
  variant: string;
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
  maxAbsError: number;
  outputs: { name: string; kind: string; maxAbsError: number; cosine?: number; top1Agreement?: number }[];
  note: string;
}

interface Latency {
  model: string;
  inserted: number;
  split: number;
  folded: number;
  trials: { ratio: number; ci: readonly [number, number]; baselineP50: number; candidateP50: number; rounds: number }[];
}

/** The photos and their mirror images as inputs of `exec`'s one rank-4 image input, pixels in [0, 1]. */
function photoSets(exec: Executable): HostTensor[][] {
  const [spec] = exec.inputs;
  const [, h, w, c] = spec?.shape ?? [];
  if (!spec || exec.inputs.length !== 1 || !h || !w || !c) throw new Error('expected one NHWC image input');
  const images = PHOTOS.map((f) => decodeImage(readFileSync(join(root, 'test', 'fixtures', 'images', f)), f));
  const mirrored = images.map((image) => {
    const data = new Uint8Array(image.data.length);
    for (let y = 0; y < image.height; y++)
      for (let x = 0; x < image.width; x++)
        data.set(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4), (y * image.width + image.width - 1 - x) * 4);
    return { ...image, data };
  });
  return [...images, ...mirrored].map((image) => [
    { dtype: 'float32', shape: [1, h, w, c], data: imageToValues(resizeBilinear(image, h, w), c, 'float32', {}) as Float32Array },
  ]);
}

async function servedSizes(model: TfjsLoadedModel, artifacts: io.ModelArtifacts): Promise<Pick<Row, 'bytes' | 'gzipBytes' | 'brotliBytes'>> {
  const files = await formatOf(model).served({ ...model, artifacts }, false);
  let bytes = 0;
  let gzipBytes = 0;
  let brotliBytes = 0;
  for (const f of files) {
    bytes += f.bytes.byteLength;
    gzipBytes += gzipSync(f.bytes, { level: 9 }).byteLength;
    brotliBytes += brotliCompressSync(f.bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: f.bytes.byteLength },
    }).byteLength;
  }
  return { bytes, gzipBytes, brotliBytes };
}

async function benchModel(id: string): Promise<{ rows: Row[]; latency: Latency }> {
  await selectRuntime('cpu');
  const model = await loadAsTfjs(corpusModel(id).path);
  const original = await instantiate(model);
  const sets = photoSets(original);
  const drift = async (artifacts: io.ModelArtifacts): Promise<DriftResult> => {
    const candidate = await instantiate({ ...model, artifacts });
    try {
      return await measureDrift(original, candidate, sets);
    } finally {
      candidate.dispose();
    }
  };
  const rows: Row[] = [];
  const row = async (variant: string, artifacts: io.ModelArtifacts, d: DriftResult | undefined, note: string): Promise<void> => {
    rows.push({
      model: id,
      variant,
      ...(await servedSizes(model, artifacts)),
      maxAbsError: d?.maxAbsError ?? 0,
      outputs: (d?.outputs ?? []).map((o) => ({
        name: o.name,
        kind: o.kind,
        maxAbsError: o.maxAbsError,
        ...(o.cosine === undefined ? {} : { cosine: o.cosine }),
        ...(o.top1Agreement === undefined ? {} : { top1Agreement: o.top1Agreement }),
      })),
      note,
    });
  };
  await row('as shipped', model.artifacts, undefined, '');
  const channels = rescaleChannels(model.artifacts);
  const keepFloat = new Set(channels.keepFloat);
  let perTensorU8: io.ModelArtifacts | undefined;
  let perChannelU8: io.ModelArtifacts | undefined;
  for (const v of VARIANTS) {
    process.stderr.write(`  ${v.name} …\n`);
    const input = v.perChannel ? channels.artifacts : model.artifacts;
    const quantize = (levels?: ReadonlyMap<string, number>) =>
      quantizeWeights(input, { dtypes: 'uint8', rounding: v.rounding, ...(v.perChannel ? { keepFloat } : {}), ...(levels ? { levelsByWeight: levels } : {}) });
    let artifacts: io.ModelArtifacts;
    let note = v.perChannel ? `${channels.folded.length} folded / ${channels.inserted.length} inserted / ${channels.split.length} split Mul(s)` : '';
    if (v.levelsAuto) {
      const found = await chooseLevels({ quantize, evaluate: drift, maxEvaluations: LEVELS_EVALUATIONS });
      artifacts = found.result.artifacts;
      const counts = new Map<number, number>();
      for (const l of found.levels.values()) counts.set(l, (counts.get(l) ?? 0) + 1);
      const mix = [...counts]
        .sort((a, b) => a[0] - b[0])
        .map(([l, c]) => `${c}×${l}`)
        .join(', ');
      note = [note, `levels: ${mix || 'all 256'} of ${found.candidates} weights (${found.tried} tried, ${found.evaluations} evaluations)`]
        .filter(Boolean)
        .join('; ');
    } else artifacts = quantize().artifacts;
    if (v.name === 'uint8 nearest (converter)') perTensorU8 = artifacts;
    if (v.name === 'uint8 per-channel') perChannelU8 = artifacts;
    await row(v.name, artifacts, await drift(artifacts), note);
  }
  original.dispose();
  const latency: Latency = { model: id, inserted: channels.inserted.length, split: channels.split.length, folded: channels.folded.length, trials: [] };
  if (perTensorU8 && perChannelU8 && channels.inserted.length + channels.split.length > 0) {
    await selectRuntime('wasm');
    for (let t = 0; t < TRIALS; t++) {
      const r = await compareModels(
        { ...model, artifacts: perTensorU8, path: `${model.path} (per-tensor uint8)` },
        { ...model, artifacts: perChannelU8, path: `${model.path} (per-channel uint8)` },
        { seed: 100 + t, minRuns: 30, minMs: 3000, maxMs: 40_000 },
      );
      latency.trials.push({ ratio: r.comparison.ratio, ci: r.comparison.ci, baselineP50: r.baseline.p50, candidateP50: r.candidate.p50, rounds: r.rounds });
    }
  }
  return { rows, latency };
}

const n = (x: number): string => x.toLocaleString('en-US');
const g = (x: number): string => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(2) : x.toPrecision(3));

function markdown(rows: readonly Row[], latency: readonly Latency[], runtime: RuntimeInfo, command: string, load: string): string {
  const lines = [
    '<!-- quantize-variants -->',
    '## Quantization variants against converter-style uint8',
    '',
    `Command: \`${command}\``,
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}, load average ${load} at the start. ` +
      'Bytes are of the files as served (model.json + shards, each compressed on its own: gzip level 9, brotli quality 11), as the check ' +
      "measures them. Drift: cpu backend, against the model as shipped, on the repository's two photos (test/fixtures/images) and their " +
      "mirror images at the model's input size and channels, pixels in [0, 1]. `levels auto` has no accuracy budget here: a weight keeps " +
      `fewer codes only while max-abs drift stays no worse than the same model at 256 levels (≤ ${LEVELS_EVALUATIONS} evaluations here, 40 in the check).`,
    '',
    '| model | variant | raw bytes | gzip | brotli | × brotli vs converter | max abs err | per output (max abs / cosine / top-1) | note |',
    '|---|---|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of rows) {
    const converter = rows.find((x) => x.model === r.model && x.variant === 'uint8 nearest (converter)');
    const ratio = converter ? (r.brotliBytes / converter.brotliBytes).toFixed(3) : '';
    const outs = r.outputs
      .map(
        (o) =>
          `${o.name.replace(/:0$/, '')}: ${g(o.maxAbsError)}${o.cosine === undefined ? '' : ` / ${o.cosine.toFixed(4)}`}${o.top1Agreement === undefined ? '' : ` / ${o.top1Agreement.toFixed(2)}`}`,
      )
      .join('; ');
    lines.push(
      `| ${r.model} | ${r.variant} | ${n(r.bytes)} | ${n(r.gzipBytes)} | ${n(r.brotliBytes)} | ${ratio} | ${r.variant === 'as shipped' ? '' : g(r.maxAbsError)} | ${outs} | ${r.note} |`,
    );
  }
  lines.push(
    '',
    `Latency cost of the per-channel Muls: interleaved A/B (\`compareModels\`, ${runtime.name} ${runtime.version ?? ''}, ${runtime.threads ?? 1} thread(s)), ` +
      'per-tensor uint8 (baseline) against per-channel uint8 (candidate): both dequantize to float32 at load, so the only difference is the ' +
      'inserted Mul ops (a split layer adds a Mul and its activation). Ratio = p50 candidate / p50 baseline with its bootstrap 95 % interval.',
    '',
    '| model | layers: folded / inserted / split | p50 per-tensor → per-channel (ms) | ratio (95 % CI) per trial |',
    '|---|---|---|---|',
  );
  for (const l of latency) {
    const p50 = l.trials.map((t) => `${t.baselineP50.toFixed(2)} → ${t.candidateP50.toFixed(2)}`).join('; ');
    const ratios =
      l.trials.map((t) => `${t.ratio.toFixed(3)} (${t.ci[0].toFixed(3)}–${t.ci[1].toFixed(3)}, ${t.rounds} rounds)`).join('; ') || 'no Mul inserted';
    lines.push(`| ${l.model} | ${l.folded} / ${l.inserted} / ${l.split} | ${p50} | ${ratios} |`);
  }
  lines.push('<!-- /quantize-variants -->');
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const ids = process.argv.slice(2);
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const rows: Row[] = [];
  const latency: Latency[] = [];
  for (const id of MODELS.filter((m) => ids.length === 0 || ids.includes(m))) {
    process.stderr.write(`${id} …\n`);
    const r = await benchModel(id);
    rows.push(...r.rows);
    latency.push(r.latency);
  }
  const runtime = await selectRuntime('wasm');
  const command = `npx tsc -p bench/compress/tsconfig.quantize-variants.json && node build/bench-quantize-variants/bench/compress/quantize-variants.js${ids.length ? ` ${ids.join(' ')}` : ''}`;
  const section = markdown(rows, latency, runtime, command, load);
  writeFileSync(join(root, 'bench', 'results', 'quantize-variants.json'), JSON.stringify({ runtime, load, rows, latency }, null, 2) + '\n');
  const path = join(root, 'bench', 'results', 'compress.md');
  const current = readFileSync(path, 'utf8');
  const at = current.indexOf('<!-- quantize-variants -->');
  const end = current.indexOf('<!-- /quantize-variants -->');
  const next =
    at >= 0 && end > at ? current.slice(0, at) + section + current.slice(end + '<!-- /quantize-variants -->\n'.length) : `${current.trimEnd()}\n\n${section}`;
  writeFileSync(path, next);
  process.stdout.write(section);
}

await main();
