/**
 * The layout of dist/ (scripts/build.mjs): two entries over shared chunks in one folder, and the files bundled
 * packages load at run time copied there once, only for the packages the bundle contains.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { copyAssets } from '../../scripts/build.mjs';
import { bundledPackages } from '../../scripts/licenses.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const nm = (...parts: string[]): string => join(ROOT, 'node_modules', ...parts);

describe('copyAssets', () => {
  it.each([
    {
      what: 'the tfjs wasm binaries, next to the bundle',
      ids: [nm('@tensorflow', 'tfjs-backend-wasm', 'dist', 'index.js')],
      expected: ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm.wasm'],
    },
    { what: 'nothing for a package that loads no files', ids: [nm('yaml', 'dist', 'index.js')], expected: [] },
  ])('$what', async ({ ids, expected }) => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-assets-'));
    expect(copyAssets(bundledPackages(ids, ROOT), dir)).toEqual(expected);
    expect((await readdir(dir, { recursive: true })).filter((f) => f.includes('.')).sort()).toEqual(expected);
  });

  it("LiteRT's relaxed-SIMD build (the one the runtime starts) goes to litert-wasm/, where the runtime looks first; no other build", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-assets-'));
    const written = copyAssets(bundledPackages([nm('@litertjs', 'core', 'dist', 'index.js')], ROOT), dir);
    expect(written).toEqual([join('litert-wasm', 'litert_wasm_internal.js'), join('litert-wasm', 'litert_wasm_internal.wasm')]);
    expect(written.every((file) => file.startsWith(`litert-wasm${sep}`))).toBe(true);
  });
});

describe('dist/', () => {
  it('has both entries in one folder, and no file twice', async () => {
    const files = (await readdir(DIST, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(files.map((f) => f.slice(DIST.length + 1))).toEqual(expect.arrayContaining(['index.js', 'cli.js', 'licenses.txt', 'tfjs-backend-wasm-simd.wasm']));
    const byHash = new Map<string, string[]>();
    for (const file of files) {
      const hash = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      byHash.set(hash, [...(byHash.get(hash) ?? []), file.slice(DIST.length + 1)]);
    }
    expect([...byHash.values()].filter((names) => names.length > 1)).toEqual([]);
  });
});

describe('the entries point into dist/', () => {
  it('action.yml runs dist/index.js on Node 24, and the file is there', async () => {
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { runs?: { using?: string; main?: string } };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(existsSync(join(ROOT, action.runs?.main ?? ''))).toBe(true);
  });

  it('bin/model-budget.js runs the bundled CLI', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
    expect(pkg.bin).toEqual({ 'model-budget': 'bin/model-budget.js' });
    expect(execFileSync(process.execPath, [join(ROOT, 'bin', 'model-budget.js'), '--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
    expect(await readFile(join(ROOT, 'bin', 'model-budget.js'), 'utf8')).toContain("import('../dist/cli.js')");
  });
});
