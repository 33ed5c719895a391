#!/usr/bin/env node
// Builds dist/: one rolldown bundle of both entries, src/action.ts → dist/index.js (the Action, what action.yml
// runs) and src/bin.ts → dist/cli.js (the CLI, what bin/model-budget.js imports), with the code they share in
// dist/chunk-<hash>.js files, the files bundled packages load at run time once next to them (ASSETS: the tfjs wasm
// binaries), and dist/licenses.txt for every package bundled. Why rolldown: bench/results/bundlers.md.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';
import { bundledPackages, renderLicenses } from './licenses.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The entries, by output name: `dist/<name>.js`, and the load worker `dist/load-worker.mjs`, which
 * src/formats/worker/load.ts starts from next to itself (in src/ the same name is a trampoline into the TypeScript).
 */
export const ENTRIES = { index: 'src/action.ts', cli: 'src/bin.ts', 'load-worker': 'src/formats/worker/entry.ts' };

/** The rolldown input options of the bundle (the licence test bundles with them too, in memory). */
export function inputOptions() {
  return {
    input: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(root, file)])),
    cwd: root,
    // Node built-ins stay imports; `require` of them in bundled CommonJS goes through createRequire(import.meta.url).
    platform: 'node',
    tsconfig: join(root, 'tsconfig.build.json'),
    transform: {
      target: 'es2022',
      // ES modules have no `__dirname`; the tfjs wasm backend's glue reads it. Defined as the bundle's folder.
      inject: {
        __dirname: [join(root, 'scripts', 'bundle-dirname.mjs'), '__dirname'],
        __filename: [join(root, 'scripts', 'bundle-dirname.mjs'), '__filename'],
      },
    },
    logLevel: 'warn',
  };
}

/** The rolldown output options: ES modules, all files in one flat folder (the wasm lookup uses the chunk's folder). */
export function outputOptions(dir) {
  return {
    dir,
    format: 'esm',
    entryFileNames: (chunk) => (chunk.name === 'load-worker' ? '[name].mjs' : '[name].js'),
    // Named by content only, so the names do not follow the layout of src/.
    chunkFileNames: 'chunk-[hash].js',
    minify: true,
    // Error classes name themselves after their constructor (`this.name = new.target.name`): keep the names.
    keepNames: true,
    comments: { legal: false },
  };
}

/** Bundles into `dir` (or only in memory without it); returns rolldown's output chunks. */
export async function bundle(dir) {
  const build = await rolldown(inputOptions());
  try {
    const { output } = dir === undefined ? await build.generate(outputOptions(undefined)) : await build.write(outputOptions(dir));
    return output;
  } finally {
    await build.close();
  }
}

/**
 * Files a bundled package loads from its own folder at run time, copied once into dist/ when the bundle contains the
 * package: `from` is relative to the package folder, `to` to dist/.
 */
export const ASSETS = [
  // The wasm runtime finds them next to the bundle file (src/runtimes/wasm/index.ts, resolveWasmDir).
  { pkg: '@tensorflow/tfjs-backend-wasm', from: 'dist', to: '.', files: /\.wasm$/ },
  // The LiteRT runtime looks for dist/litert-wasm/ first (src/runtimes/litert/load.ts, findLiteRtWasmDir). Only the
  // build it starts (relaxed SIMD, the fastest on Node 24 in bench/results/tflite.md) ships: each build is 9 MB.
  { pkg: '@litertjs/core', from: 'wasm', to: 'litert-wasm', files: /^litert_wasm_internal\.(js|wasm)$/ },
];

/** Copies the {@link ASSETS} of the bundled packages into `distDir`; returns the paths written, relative to it. */
export function copyAssets(packages, distDir) {
  const written = [];
  for (const asset of ASSETS) {
    const bundled = packages.find((p) => p.pkg.name === asset.pkg);
    if (bundled === undefined) continue;
    const from = join(bundled.dir, asset.from);
    mkdirSync(join(distDir, asset.to), { recursive: true });
    for (const file of readdirSync(from)
      .filter((f) => asset.files.test(f))
      .sort()) {
      copyFileSync(join(from, file), join(distDir, asset.to, file));
      written.push(join(asset.to, file));
    }
  }
  return written;
}

/** The ids of every module in the bundle's chunks, our own included. */
export function moduleIdsOf(output) {
  return output.flatMap((item) => (item.type === 'chunk' ? item.moduleIds : []));
}

async function main() {
  // `--out DIR` builds elsewhere (the test that checks dist/ is up to date builds into a temporary folder).
  const outIndex = process.argv.indexOf('--out');
  const distDir = outIndex > 0 ? resolve(process.argv[outIndex + 1] ?? 'dist') : join(root, 'dist');
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  const output = await bundle(distDir);
  const packages = bundledPackages(moduleIdsOf(output), root);
  writeFileSync(join(distDir, 'licenses.txt'), renderLicenses(packages));
  // The bundle is ES modules; this makes Node read dist/*.js as such whatever package.json sits above it.
  writeFileSync(join(distDir, 'package.json'), '{\n  "type": "module"\n}\n');
  copyAssets(packages, distDir);
  console.log(`built ${['index.js', 'cli.js', 'load-worker.mjs'].map((name) => join(distDir, name)).join(', ')}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
