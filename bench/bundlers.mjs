#!/usr/bin/env node
// Compares bundlers for dist/: @vercel/ncc (the dist/ of NCC_REV, the last tree built with it: two bundles), rolldown
// (scripts/build.mjs), esbuild and rollup (both entries into one folder, configured here as close to the rolldown
// build as each allows). For each: the size of the folder, the start time of `cli --version` and of the Action up to
// its first line of output (Node 24, interleaved, as ratios to rolldown), and whether the bundle really works: a
// `check` of the example (wasm runtime) and of a Keras 3 file (h5wasm), and an Action push check.
//
// esbuild and rollup are not dependencies of the project: install them into a folder of their own first, e.g.
//   B=$(mktemp -d) && (cd $B && npm init -y >/dev/null && npm i --save-exact esbuild@0.28.2 rollup@4.68.8 \
//     @rollup/plugin-node-resolve@16.0.3 @rollup/plugin-commonjs@29.0.3 @rollup/plugin-json@6.1.0 @rollup/plugin-terser@1.0.2)
//   BUNDLERS_DIR=$B node bench/bundlers.mjs [runs]        (default 7 runs)
//
// Writes bench/results/bundlers.json; bench/results/bundlers.md quotes it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 7);
const NCC_REV = process.env.NCC_REV ?? '62937d9';
const bundlersDir = process.env.BUNDLERS_DIR;
if (!bundlersDir) throw new Error('set BUNDLERS_DIR to a folder with esbuild and rollup installed (see the header of this file)');
const node24 = join(root, '.cache', 'node24', 'bin', 'node');
if (!existsSync(node24)) throw new Error(`no Node 24 at ${node24}: run node scripts/fetch-node.mjs`);
const fromBundlers = createRequire(join(resolve(bundlersDir), 'package.json'));
const importFrom = async (name) => import(pathToFileURL(fromBundlers.resolve(name)).href);
const work = mkdtempSync(join(tmpdir(), 'mb-bundlers-'));
const wasmDir = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
const copyWasm = (dir) => {
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join(dir, f));
  writeFileSync(join(dir, 'package.json'), '{\n  "type": "module"\n}\n');
};
// What rolldown's `inject` does in scripts/build.mjs, for esbuild's `inject` (a module whose exports replace globals).
const dirnameShim = join(root, 'scripts', 'bundle-dirname.mjs');
// ES modules have no `require`; bundled CommonJS that requires Node built-ins needs one (rolldown adds it itself).
const requireBanner = "import { createRequire as __mbCreateRequire } from 'node:module';\nconst require = __mbCreateRequire(import.meta.url);";

async function buildNcc() {
  const dir = join(work, 'ncc');
  mkdirSync(dir);
  execFileSync('sh', ['-c', `git -C "${root}" archive ${NCC_REV} dist | tar -x -C "${dir}"`]);
  return { dir: join(dir, 'dist'), cli: join(dir, 'dist', 'cli', 'index.js'), action: join(dir, 'dist', 'index.js') };
}

async function buildRolldown() {
  const dir = join(work, 'rolldown');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--out', dir], { cwd: root, stdio: 'ignore' });
  return { dir, cli: join(dir, 'cli.js'), action: join(dir, 'index.js') };
}

async function buildEsbuild() {
  const { build } = await importFrom('esbuild');
  const dir = join(work, 'esbuild');
  await build({
    entryPoints: { index: join(root, 'src', 'action.ts'), cli: join(root, 'src', 'bin.ts') },
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: dir,
    chunkNames: 'chunk-[hash]',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    inject: [dirnameShim],
    banner: { js: requireBanner },
    logLevel: 'error',
  });
  copyWasm(dir);
  return { dir, cli: join(dir, 'cli.js'), action: join(dir, 'index.js') };
}

async function buildRollup() {
  // rollup reads no TypeScript: tsc first, as the ncc build did, inside the project so that node_modules resolves.
  mkdirSync(join(root, 'build'), { recursive: true });
  const js = mkdtempSync(join(root, 'build', 'bench-rollup-'));
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', js], {
    cwd: root,
  });
  const { rollup } = await importFrom('rollup');
  const { nodeResolve } = await importFrom('@rollup/plugin-node-resolve');
  const commonjs = (await importFrom('@rollup/plugin-commonjs')).default;
  const json = (await importFrom('@rollup/plugin-json')).default;
  const terser = (await importFrom('@rollup/plugin-terser')).default;
  const dir = join(work, 'rollup');
  const bundle = await rollup({
    input: { index: join(js, 'action.js'), cli: join(js, 'bin.js') },
    plugins: [nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }), commonjs({ ignoreDynamicRequires: true }), json()],
    onwarn: () => {},
  });
  await bundle.write({
    dir,
    format: 'esm',
    chunkFileNames: 'chunk-[hash].js',
    // rollup's commonjs plugin leaves `__dirname` to the code: define it per file, like the banner of the ncc build.
    banner: `${requireBanner}\nimport { dirname as __mbDirname } from 'node:path';\nimport { fileURLToPath as __mbFileURLToPath } from 'node:url';\nconst __filename = __mbFileURLToPath(import.meta.url);\nconst __dirname = __mbDirname(__filename);`,
    plugins: [terser({ keep_classnames: true, keep_fnames: true })],
  });
  await bundle.close();
  rmSync(js, { recursive: true, force: true });
  copyWasm(dir);
  return { dir, cli: join(dir, 'cli.js'), action: join(dir, 'index.js') };
}

function sizeOf(dir) {
  let bytes = 0;
  let files = 0;
  let wasmFiles = 0;
  for (const entry of readdirSync(dir, { recursive: true })) {
    const s = statSync(join(dir, entry));
    if (!s.isFile()) continue;
    bytes += s.size;
    files += 1;
    if (entry.endsWith('.wasm')) wasmFiles += 1;
  }
  return { bytes, files, wasmFiles };
}

/** A workspace with the example model (and a Keras 3 file) and a config for it. */
function workspace(name) {
  const dir = join(work, `ws-${name}`);
  cpSync(join(root, 'examples', 'gender'), join(dir, 'gender'), { recursive: true });
  cpSync(join(root, 'test', 'fixtures', 'keras', 'k3-cnn-sequential.keras'), join(dir, 'mnist.keras'));
  writeFileSync(
    join(dir, 'model-budget.yml'),
    'version: 1\nmodels:\n  - name: gender\n    path: gender/model.json\n    compress: { quantize: uint8 }\n    budget: { size: 150 KB, latency: { p50: 1 s } }\n' +
      '  - name: mnist\n    path: mnist.keras\n    budget: { size: 1 MB }\n',
  );
  return dir;
}

function pushEnv(dir, ws) {
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ ref: 'refs/heads/feature', repository: { default_branch: 'main' } }));
  writeFileSync(join(dir, 'summary.md'), '');
  writeFileSync(join(dir, 'output.txt'), '');
  return {
    PATH: process.env.PATH ?? '',
    'INPUT_GITHUB-TOKEN': '',
    INPUT_CONFIG: 'model-budget.yml',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: event,
    GITHUB_REF: 'refs/heads/feature',
    GITHUB_REPOSITORY: 'octo/models',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_WORKSPACE: ws,
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_OUTPUT: join(dir, 'output.txt'),
    RUNNER_TEMP: dir,
  };
}

/** Does the bundle work: CLI check (wasm + Keras), Action push check. */
function works(name, b) {
  const ws = workspace(name);
  const cli = spawnSync(node24, [b.cli, 'check', '--json', 'r.json'], { cwd: ws, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  const report = existsSync(join(ws, 'r.json')) ? JSON.parse(readFileSync(join(ws, 'r.json'), 'utf8')) : undefined;
  const action = spawnSync(node24, [b.action], { cwd: ws, encoding: 'utf8', env: pushEnv(mkdtempSync(join(work, `action-${name}-`)), ws) });
  const firstError = (text) =>
    text
      .split('\n')
      .find((l) => /error|Error/.test(l))
      ?.slice(0, 200);
  return {
    cliCheck: cli.status === 0 && cli.stdout.includes('model-budget: pass') ? 'pass' : `exit ${cli.status}: ${firstError(cli.stdout + cli.stderr) ?? ''}`,
    runtime: report?.environment?.runtime ?? null,
    action: action.status === 0 && /gender: done/.test(action.stdout) ? 'pass' : `exit ${action.status}: ${firstError(action.stdout + action.stderr) ?? ''}`,
  };
}

/** Milliseconds from spawn to exit of `node <cli> --version`. */
function timeVersion(cli) {
  const start = performance.now();
  const r = spawnSync(node24, [cli, '--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cli} --version: ${r.stderr}`);
  return performance.now() - start;
}

/** Milliseconds from spawn to the Action's first line of output (the child is then stopped). */
function timeActionFirstLine(action, ws, dir) {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(node24, [action], { cwd: ws, env: pushEnv(dir, ws), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      if (out.includes('\n')) {
        const ms = performance.now() - start;
        child.kill();
        done(ms);
      }
    });
    child.on('exit', (code) => (out.includes('\n') ? undefined : fail(new Error(`${action} exited ${code} before a line`))));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const ratio = (xs, base) => (xs.length && base.length === xs.length ? Number(median(xs.map((x, i) => x / base[i])).toFixed(2)) : null);

const builders = { ncc: buildNcc, rolldown: buildRolldown, esbuild: buildEsbuild, rollup: buildRollup };
const results = {};
for (const [name, build] of Object.entries(builders)) {
  const t = performance.now();
  try {
    const b = await build();
    results[name] = { ...b, buildMs: Math.round(performance.now() - t), size: sizeOf(b.dir), works: works(name, b), version: [], actionFirstLine: [] };
  } catch (error) {
    results[name] = { error: String(error).slice(0, 300) };
  }
  console.error(name, JSON.stringify({ ...results[name], dir: undefined }));
}
const timed = Object.keys(results).filter((n) => results[n].works?.action === 'pass');
for (let i = 0; i < runs; i += 1) {
  // Interleaved: every round runs each bundle once, so the machine's load falls on all of them alike.
  for (const name of timed) results[name].version.push(timeVersion(results[name].cli));
  for (const name of timed) {
    const ws = join(work, `ws-${name}`);
    results[name].actionFirstLine.push(await timeActionFirstLine(results[name].action, ws, mkdtempSync(join(work, `t-${name}-`))));
  }
}
const summary = {
  date: new Date().toISOString(),
  node: execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim(),
  cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
  loadavg: loadavg().map((l) => Number(l.toFixed(2))),
  runs,
  nccRev: NCC_REV,
  bundlers: Object.fromEntries(
    Object.entries(results).map(([name, r]) => [
      name,
      r.error
        ? { error: r.error }
        : {
            buildMs: r.buildMs,
            ...r.size,
            works: r.works,
            versionMedianMs: r.version.length ? Number(median(r.version).toFixed(1)) : null,
            actionFirstLineMedianMs: r.actionFirstLine.length ? Number(median(r.actionFirstLine).toFixed(1)) : null,
            // The median of the round-by-round ratios (each round ran both within moments of each other).
            versionRatioToRolldown: ratio(r.version, results.rolldown.version),
            actionRatioToRolldown: ratio(r.actionFirstLine, results.rolldown.actionFirstLine),
            versionMs: r.version.map((ms) => Number(ms.toFixed(1))),
            actionFirstLineMs: r.actionFirstLine.map((ms) => Number(ms.toFixed(1))),
          },
    ]),
  ),
};
writeFileSync(join(root, 'bench', 'results', 'bundlers.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary, null, 2));
