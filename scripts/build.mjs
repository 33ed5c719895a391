#!/usr/bin/env node
// Builds the self-contained bundles: dist/index.js (the Action) and dist/cli/index.js (the CLI), each with the
// tfjs wasm binaries next to it (the wasm runtime loads them from the bundle's folder).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { bundledPackages, renderLicenses } from './licenses.mjs';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// `--out DIR` builds elsewhere (the test that checks dist/ is up to date builds into a temporary folder).
const outIndex = process.argv.indexOf('--out');
const distDir = outIndex > 0 ? resolve(process.argv[outIndex + 1] ?? 'dist') : join(root, 'dist');
// tsc output sits inside the package (its "type": "module" makes ncc read it as ES modules), always at the same
// path: webpack's chunk names depend on module paths, and the dist check compares byte for byte.
const buildDir = join(root, 'build');
const require = createRequire(import.meta.url);
const ncc = join(dirname(require.resolve('@vercel/ncc/package.json')), 'dist', 'ncc', 'cli.js');
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

// tsc first (ESM JavaScript in build/), then ncc on the JavaScript: ncc's own TypeScript step emits CommonJS,
// which breaks top-level await and packages that only export an `import` condition.
const bundles = [
  { entry: join(buildDir, 'action.js'), out: distDir },
  { entry: join(buildDir, 'bin.js'), out: join(distDir, 'cli') },
];

rmSync(buildDir, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', buildDir], { cwd: root, stdio: 'inherit' });
rmSync(distDir, { recursive: true, force: true });
const statsDir = mkdtempSync(join(tmpdir(), 'mb-build-stats-'));
for (const [index, { entry, out }] of bundles.entries()) {
  // ncc's own --license lists only some packages; the webpack stats name every module in the bundle, and
  // licenses.txt is written from those (scripts/licenses.mjs).
  const stats = join(statsDir, `stats-${index}.json`);
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--stats-out', stats, '--quiet', '--target', 'es2022'], {
    cwd: root,
    stdio: 'inherit',
  });
  writeFileSync(join(out, 'licenses.txt'), renderLicenses(bundledPackages(JSON.parse(readFileSync(stats, 'utf8')), root)));
  patchNodeModuleImport(out);
  defineDirname(join(out, 'index.js'));
  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, file), join(out, file));
}
/**
 * h5wasm (the Keras reader) does `await import("module")` for `createRequire`; ncc turns that into an interop call
 * that loses the named export. Point it back at Node's own module, which every Node version resolves.
 */
function patchNodeModuleImport(out) {
  const pattern =
    /const\{createRequire\}=await Promise\.resolve\(\/\* import\(\) \*\/\)\.then\((__nccwpck_require__|__webpack_require__)\.t\.bind\(\1, \d+, \d+\)\)/g;
  for (const file of readdirSync(out).filter((f) => f.endsWith('.js'))) {
    const path = join(out, file);
    const code = readFileSync(path, 'utf8');
    const patched = code.replace(pattern, 'const{createRequire}=await import("node:module")');
    if (patched !== code) writeFileSync(path, patched);
    else if (code.includes('const{createRequire}=await Promise.resolve(')) throw new Error(`${path}: h5wasm's createRequire import changed shape; update patchNodeModuleImport`);
  }
}

/**
 * The tfjs wasm backend's emscripten glue reads `__dirname`, which ES modules do not have: define it (and
 * `__filename`) as the bundle's own folder, where the `.wasm` files are copied.
 */
function defineDirname(file) {
  const banner =
    "import { dirname as __mbDirname } from 'node:path';\nimport { fileURLToPath as __mbFileURLToPath } from 'node:url';\n" +
    'const __filename = __mbFileURLToPath(import.meta.url);\nconst __dirname = __mbDirname(__filename);\n';
  writeFileSync(file, banner + readFileSync(file, 'utf8'));
}

rmSync(statsDir, { recursive: true, force: true });
console.log(`built ${distDir}/index.js and ${distDir}/cli/index.js`);
