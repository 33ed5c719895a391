#!/usr/bin/env node
// What a faster brotli setting would cost in meaning: every file of the model corpus (.cache/models) compressed at
// brotli quality 11 (what `brotli-size` reports), 10, 9 and 5, and gzip -9, with the size hint the check passes,
// one file after the other on this thread. The question: does a faster quality give the same total size within
// 0.1%? One run: never in a loop on a shared machine.
//
//   node scripts/fetch-models.mjs && node bench/check/brotli-quality.mjs
//   node bench/check/brotli-quality.mjs --render    # the .md again from the last run's .json
//
// Writes bench/results/brotli-quality.md and .json.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(root, '.cache', 'models');
const qualities = [11, 10, 9, 5];
const MB = 1e6;

const files = readdirSync(corpus)
  .filter((model) => statSync(join(corpus, model)).isDirectory())
  .flatMap((model) =>
    readdirSync(join(corpus, model))
      .filter((f) => !f.startsWith('.'))
      .map((f) => ({ model, file: f, path: join(corpus, model, f) })),
  )
  .sort((a, b) => a.path.localeCompare(b.path));

const timed = (compress) => {
  const t0 = performance.now();
  const length = compress().byteLength;
  return { bytes: length, seconds: (performance.now() - t0) / 1000 };
};

// `--render`: rewrite the .md from the last run's .json without compressing anything again.
const render = process.argv.includes('--render');
const previous = render ? JSON.parse(readFileSync(join(root, 'bench', 'results', 'brotli-quality.json'), 'utf8')) : undefined;
const loadBefore = previous ? previous.machine.loadBefore : loadavg()[0];
const rows = previous ? previous.rows : [];
for (const { model, file, path } of previous ? [] : files) {
  const bytes = readFileSync(path);
  const row = { model, file, bytes: bytes.byteLength, gzip9: timed(() => gzipSync(bytes, { level: 9 })), brotli: {} };
  for (const quality of qualities) {
    row.brotli[quality] = timed(() =>
      brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
      }),
    );
  }
  rows.push(row);
  process.stderr.write(`${model}/${file}: ${(bytes.byteLength / MB).toFixed(2)} MB, q11 ${row.brotli[11].seconds.toFixed(1)} s\n`);
}

const sum = (pick) => rows.reduce((a, r) => a + pick(r), 0);
const total = {
  bytes: sum((r) => r.bytes),
  gzip9: { bytes: sum((r) => r.gzip9.bytes), seconds: sum((r) => r.gzip9.seconds) },
  brotli: Object.fromEntries(qualities.map((q) => [q, { bytes: sum((r) => r.brotli[q].bytes), seconds: sum((r) => r.brotli[q].seconds) }])),
};
/** Size at quality q against quality 11, signed, in percent (positive: larger). */
const excess = (size, reference) => {
  const pct = (size / reference - 1) * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(3)}%`;
};
/** The largest per-file excess of quality q over 11, among files of at least 100 KB. */
const worstFile = (q) =>
  rows
    .filter((r) => r.bytes >= 100_000)
    .map((r) => ({ where: `${r.model}/${r.file}`, pct: (r.brotli[q].bytes / r.brotli[11].bytes - 1) * 100 }))
    .sort((a, b) => b.pct - a.pct)[0];

const machine = previous?.machine ?? { cpu: cpus()[0]?.model.trim(), cores: cpus().length, node: process.version, loadBefore, loadAfter: loadavg()[0] };
if (!previous) {
  writeFileSync(
    join(root, 'bench', 'results', 'brotli-quality.json'),
    JSON.stringify({ command: 'node bench/check/brotli-quality.mjs', machine, total, rows }, null, 2) + '\n',
  );
}

const blaze = rows.find((r) => r.model === 'human-blazepose-heavy' && r.file.endsWith('.bin'));
const lines = [
  '# Brotli quality against size on the model corpus',
  '',
  `Command: \`node bench/check/brotli-quality.mjs\`, one run, ${files.length} files of \`.cache/models\``,
  `(${(total.bytes / MB).toFixed(1)} MB), one after the other on one thread, on ${machine.cpu} × ${machine.cores}, Node ${machine.node}.`,
  `**The machine was shared** (1-minute load average ${loadBefore.toFixed(2)} before, ${machine.loadAfter.toFixed(2)} after, on ${machine.cores} cores):`,
  'the seconds are indicative; the sizes are exact and do not depend on the load.',
  '',
  '| setting | total bytes | vs brotli 11 | seconds | largest excess over 11 of one file ≥ 100 KB |',
  '| --- | ---: | ---: | ---: | --- |',
  ...qualities.map((q) => {
    const worst = worstFile(q);
    return `| brotli ${q} | ${total.brotli[q].bytes} | ${q === 11 ? '—' : excess(total.brotli[q].bytes, total.brotli[11].bytes)} | ${total.brotli[q].seconds.toFixed(1)} | ${q === 11 || !worst ? '—' : `+${worst.pct.toFixed(3)}% (${worst.where})`} |`;
  }),
  `| gzip -9 | ${total.gzip9.bytes} | ${excess(total.gzip9.bytes, total.brotli[11].bytes)} | ${total.gzip9.seconds.toFixed(1)} | — |`,
  '',
  ...(blaze
    ? [
        `The check bench's shard (\`human-blazepose-heavy/${blaze.file}\`, ${(blaze.bytes / MB).toFixed(1)} MB): ` +
          qualities.map((q) => `brotli ${q} ${blaze.brotli[q].bytes} bytes in ${blaze.brotli[q].seconds.toFixed(1)} s`).join(', ') +
          `; gzip -9 ${blaze.gzip9.bytes} bytes in ${blaze.gzip9.seconds.toFixed(1)} s.`,
        '',
      ]
    : []),
  '| file | MB | ' + qualities.map((q) => (q === 11 ? 'q11 bytes' : `q${q} vs q11`)).join(' | ') + ' | q11 s |',
  '| --- | ---: | ' + qualities.map(() => '---:').join(' | ') + ' | ---: |',
  ...rows
    .filter((r) => r.bytes >= 100_000)
    .map(
      (r) =>
        `| ${r.model}/${r.file} | ${(r.bytes / MB).toFixed(2)} | ` +
        qualities.map((q) => (q === 11 ? String(r.brotli[11].bytes) : excess(r.brotli[q].bytes, r.brotli[11].bytes))).join(' | ') +
        ` | ${r.brotli[11].seconds.toFixed(1)} |`,
    ),
  '',
];
writeFileSync(join(root, 'bench', 'results', 'brotli-quality.md'), lines.join('\n'));
console.log(lines.slice(8, 15).join('\n'));
