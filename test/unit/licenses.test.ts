/**
 * dist/licenses.txt and dist/cli/licenses.txt name every package bundled into dist/, with its licence:
 * scripts/licenses.mjs reads the packages from ncc's webpack stats, and the bundle itself is the witness here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledPackages, renderLicenses } from '../../scripts/licenses.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const nm = (...parts: string[]): string => join(ROOT, 'node_modules', ...parts);

describe('bundledPackages', () => {
  it.each([
    { what: 'a relative module name', stats: { modules: [{ name: './node_modules/yaml/dist/index.js' }] }, expected: ['yaml'] },
    { what: 'a typed identifier (json|…)', stats: { modules: [{ identifier: `json|${nm('zod', 'package.json')}` }] }, expected: ['zod'] },
    { what: 'a scoped package behind a loader', stats: { modules: [{ identifier: `loader.js!${nm('@actions', 'core', 'lib', 'core.js')}?x` }] }, expected: ['@actions/core'] },
    { what: 'concatenated modules', stats: { modules: [{ name: 'x', modules: [{ name: './node_modules/fflate/esm/index.mjs' }] }] }, expected: ['fflate'] },
    { what: 'chunks and children', stats: { chunks: [{ modules: [{ name: './node_modules/pngjs/lib/png.js' }] }], children: [{ modules: [{ name: './node_modules/jpeg-js/index.js' }] }] }, expected: ['jpeg-js', 'pngjs'] },
    { what: 'our own code is not a package', stats: { modules: [{ name: './build/action.js' }] }, expected: [] },
  ])('$what', ({ stats, expected }) => {
    expect(bundledPackages(stats, ROOT).map((p) => p.pkg.name)).toEqual(expected);
  });

  it('one entry per name@version, with the licence and its text', () => {
    const stats = { modules: [{ name: './node_modules/yaml/dist/a.js' }, { name: './node_modules/yaml/dist/b.js' }] };
    const text = renderLicenses(bundledPackages(stats, ROOT));
    expect(text.match(/^yaml@/gm)).toHaveLength(1);
    expect(text).toMatch(/^License: ISC$/m);
    expect(text).toContain('Permission to use, copy, modify');
  });
});

describe.each(['dist', 'dist/cli'])('%s/licenses.txt', (folder) => {
  const listed = new Set(
    readFileSync(join(ROOT, folder, 'licenses.txt'), 'utf8')
      .split('\n')
      .flatMap((line) => /^(@?[^@\s]+)@\d[^\s]*$/.exec(line)?.slice(1, 2) ?? []),
  );
  const bundle = readFileSync(join(ROOT, folder, 'index.js'), 'utf8');

  it('lists every package whose path the bundle mentions', () => {
    const mentioned = new Set([...bundle.matchAll(/node_modules\/((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)/g)].map((m) => m[1] ?? ''));
    mentioned.delete('');
    expect(mentioned.size).toBeGreaterThan(5);
    expect([...mentioned].filter((name) => !listed.has(name))).toEqual([]);
  });

  it('lists the runtime dependencies the bundle is built from', () => {
    expect([...listed]).toEqual(expect.arrayContaining(['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'zod', 'yaml', 'fflate', 'h5wasm']));
  });

  it('gives every package a licence', () => {
    const text = readFileSync(join(ROOT, folder, 'licenses.txt'), 'utf8');
    expect(text).not.toContain('License: UNKNOWN');
    // One licence line per name@version entry (a package may be bundled in two versions).
    expect(text.match(/^License: /gm)?.length).toBe(text.match(/^@?[^@\s]+@\d[^\s]*$/gm)?.length);
  });
});
