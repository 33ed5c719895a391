#!/usr/bin/env node
// Builds dist/: one rolldown bundle of both entries, src/action.ts → dist/index.js (the Action, what action.yml
// runs) and src/bin.ts → dist/cli.js (the CLI, what bin/model-budget.js imports), with the code they share in
// dist/chunk-<hash>.js files, the tfjs wasm binaries once next to them (the wasm runtime loads them from the
// bundle's folder), and dist/licenses.txt for every package bundled. Why rolldown: bench/results/bundlers.md.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';
import { bundledPackages, renderLicenses } from './licenses.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The entries, by output name: `dist/<name>.js`. */
export const ENTRIES = { index: 'src/action.ts', cli: 'src/bin.ts' };

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
    entryFileNames: '[name].js',
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
  writeFileSync(join(distDir, 'licenses.txt'), renderLicenses(bundledPackages(moduleIdsOf(output), root)));
  // The bundle is ES modules; this makes Node read dist/*.js as such whatever package.json sits above it.
  writeFileSync(join(distDir, 'package.json'), '{\n  "type": "module"\n}\n');
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')).sort()) copyFileSync(join(wasmDir, file), join(distDir, file));
  console.log(`built ${Object.keys(ENTRIES).map((name) => join(distDir, `${name}.js`)).join(' and ')}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
