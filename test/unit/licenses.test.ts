/**
 * dist/licenses.txt names every package bundled into dist/, with its licence: scripts/licenses.mjs reads the packages
 * from the module ids of rolldown's output chunks. The witness is the same bundle built again in memory: every module
 * it is made of (the minified files name no module paths to check against).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle, moduleIdsOf } from '../../scripts/build.mjs';
import { bundledPackages, renderLicenses } from '../../scripts/licenses.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const nm = (...parts: string[]): string => join(ROOT, 'node_modules', ...parts);

describe('bundledPackages', () => {
  it.each([
    { what: 'an absolute module id', ids: [nm('yaml', 'dist', 'index.js')], expected: ['yaml'] },
    { what: 'a relative module id', ids: ['./node_modules/zod/index.js'], expected: ['zod'] },
    { what: 'a virtual module (\\0) with a query', ids: [`\0${nm('@actions', 'core', 'lib', 'core.js')}?commonjs-exports`], expected: ['@actions/core'] },
    { what: 'a package nested in another', ids: [nm('cross-fetch', 'node_modules', 'node-fetch', 'lib', 'index.js')], expected: ['node-fetch'] },
    { what: 'our own code is not a package', ids: [join(ROOT, 'src', 'action.ts'), '\0rolldown/runtime.js'], expected: [] },
  ])('$what', ({ ids, expected }) => {
    expect(bundledPackages(ids, ROOT).map((p) => p.pkg.name)).toEqual(expected);
  });

  it('one entry per name@version, with the licence and its text', () => {
    const text = renderLicenses(bundledPackages([nm('yaml', 'dist', 'a.js'), nm('yaml', 'dist', 'b.js')], ROOT));
    expect(text.match(/^yaml@/gm)).toHaveLength(1);
    expect(text).toMatch(/^License: ISC$/m);
    expect(text).toContain('Permission to use, copy, modify');
  });
});

/** The `name` of every `name@version` heading in a licenses.txt. */
function listedNames(text: string): Set<string> {
  return new Set(text.split('\n').flatMap((line) => /^(@?[^@\s]+)@\d[^\s]*$/.exec(line)?.slice(1, 2) ?? []));
}

describe('dist/licenses.txt', () => {
  const text = readFileSync(join(DIST, 'licenses.txt'), 'utf8');
  const listed = listedNames(text);

  it('lists every package the bundle is built from', { timeout: 120_000 }, async () => {
    const built = bundledPackages(moduleIdsOf(await bundle()), ROOT).map((p) => `${p.pkg.name}@${p.pkg.version}`);
    expect(built.length).toBeGreaterThan(20);
    const headings = new Set(text.split('\n'));
    expect(built.filter((entry) => !headings.has(entry))).toEqual([]);
  });

  it('lists the runtime dependencies the bundle is built from', () => {
    expect([...listed]).toEqual(
      expect.arrayContaining(['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@actions/core', 'zod', 'yaml', 'fflate', 'h5wasm']),
    );
  });

  it('gives every package a licence', () => {
    expect(text).not.toContain('License: UNKNOWN');
    // One licence line per name@version entry (a package may be bundled in two versions).
    expect(text.match(/^License: /gm)?.length).toBe(text.match(/^@?[^@\s]+@\d[^\s]*$/gm)?.length);
  });
});
