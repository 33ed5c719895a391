/**
 * Quantizer benchmark: for every corpus model, uint8 with the converter's rounding (`nearest`) against
 * `sum-preserving` at identical bytes, and with fewer levels (128 / 64 / 16 codes of uint8): weight bytes, gzip and brotli of the weights, and drift against the original
 * (cpu backend, two seeded synthetic inputs; min cosine is the smallest per-output cosine).
 *
 *   npx tsc -p bench/compress/tsconfig.quantizers.json && node build/bench-quantizers/bench/compress/quantizers.js [model-id …]
 *
 * Writes bench/results/quantizers.json and bench/results/quantizers.md (run from the repository root).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { io } from '@tensorflow/tfjs';
import { quantizeWeights } from '../../src/compress/quantize.js';
import type { Rounding } from '../../src/compress/rounding.js';
import { weightBytes } from '../../src/compress/weights.js';
import { measureDrift } from '../../src/measure/drift.js';
import { instantiate } from '../../src/runtimes/index.js';
import { makeInputs } from '../../src/measure/inputs.js';
import { selectRuntime } from '../../src/runtimes/index.js';
import { loadAsTfjs } from '../../src/formats/index.js';
import { tfjsCorpus } from '../../test/helpers/corpus.js';

const root = process.cwd();

// TF.js and Keras entries only: .tflite models have their own benchmark.
const corpus = tfjsCorpus;

interface Row {
  model: string;
  variant: string;
  weightBytes: number;
  gzipBytes: number;
  brotliBytes: number;
  maxAbsError: number;
  cosine: number;
  minOutputCosine: number;
}

const VARIANTS: readonly { name: string; rounding: Rounding; levels?: number }[] = [
  { name: 'uint8 nearest (converter)', rounding: 'nearest' },
  { name: 'uint8 sum-preserving', rounding: 'sum-preserving' },
  { name: 'uint8 sum-preserving, 128 levels', rounding: 'sum-preserving', levels: 128 },
  { name: 'uint8 sum-preserving, 64 levels', rounding: 'sum-preserving', levels: 64 },
  { name: 'uint8 sum-preserving, 16 levels', rounding: 'sum-preserving', levels: 16 },
];

async function benchModel(id: string, path: string): Promise<Row[]> {
  const model = await loadAsTfjs(path);
  if (!(model.artifacts.weightSpecs ?? []).some((s) => s.dtype === 'float32' && s.quantization === undefined)) return [];
  const original = await instantiate(model);
  const inputs = [1, 2].map((seed) => makeInputs(original.inputs, { seed }));
  const rows: Row[] = [];
  const sizes = (a: io.ModelArtifacts): Pick<Row, 'weightBytes' | 'gzipBytes' | 'brotliBytes'> => {
    const w = weightBytes(a);
    return { weightBytes: w.byteLength, gzipBytes: gzipSync(w, { level: 9 }).byteLength, brotliBytes: brotliCompressSync(w).byteLength };
  };
  rows.push({ model: id, variant: 'float32 (as shipped)', ...sizes(model.artifacts), maxAbsError: 0, cosine: 1, minOutputCosine: 1 });
  for (const v of VARIANTS) {
    const artifacts = quantizeWeights(model.artifacts, {
      dtypes: 'uint8',
      rounding: v.rounding,
      ...(v.levels === undefined ? {} : { levels: v.levels }),
    }).artifacts;
    const candidate = await instantiate({ ...model, artifacts });
    try {
      const d = await measureDrift(original, candidate, inputs);
      // Cosine applies only to vector outputs (classification, embedding); NaN where no output has one.
      const cosine = d.cosine ?? Number.NaN;
      const minOutputCosine = Math.min(...(d.outputs ?? []).flatMap((o) => (o.cosine === undefined ? [] : [o.cosine])), cosine);
      rows.push({ model: id, variant: v.name, ...sizes(artifacts), maxAbsError: d.maxAbsError, cosine, minOutputCosine });
    } finally {
      candidate.dispose();
    }
  }
  original.dispose();
  return rows;
}

function markdown(rows: readonly Row[], command: string): string {
  const lines = [
    '# Quantizers at identical raw bytes: rounding and levels',
    '',
    `Command: \`${command}\``,
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}; drift on the cpu ` +
      "backend against the float model on two seeded synthetic inputs (not the model's own kind of input: real " +
      'images move these numbers). Models that ship already quantized are left out (nothing float to quantize). ' +
      'Sizes are of the weight bytes; gzip level 9, brotli default quality.',
    '',
    '| model | variant | weight bytes | gzip | brotli | max abs error | cosine | min output cosine |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const n = (x: number): string => x.toLocaleString('en-US');
  for (const r of rows) {
    lines.push(
      `| ${r.model} | ${r.variant} | ${n(r.weightBytes)} | ${n(r.gzipBytes)} | ${n(r.brotliBytes)} | ${r.maxAbsError.toPrecision(3)} | ${r.cosine.toFixed(6)} | ${r.minOutputCosine.toFixed(6)} |`,
    );
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const ids = process.argv.slice(2);
  await selectRuntime('cpu');
  const rows: Row[] = [];
  for (const m of corpus.filter((c) => ids.length === 0 || ids.includes(c.id))) {
    process.stderr.write(`${m.id} …\n`);
    rows.push(...(await benchModel(m.id, m.path)));
  }
  const command = `npx tsc -p bench/compress/tsconfig.quantizers.json && node build/bench-quantizers/bench/compress/quantizers.js${ids.length ? ` ${ids.join(' ')}` : ''}`;
  writeFileSync(join(root, 'bench', 'results', 'quantizers.json'), JSON.stringify(rows, null, 2) + '\n');
  writeFileSync(join(root, 'bench', 'results', 'quantizers.md'), markdown(rows, command));
  process.stdout.write(markdown(rows, command));
}

await main();
