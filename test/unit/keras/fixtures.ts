import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm, { type File as H5File } from 'h5wasm';

/** The authentic Keras files of test/fixtures/keras (origin and licence in its SOURCES.md). */
export const fixtureDir = join(import.meta.dirname, '..', '..', 'fixtures', 'keras');
export const fixture = (name: string): string => join(fixtureDir, name);

/** A fresh temporary folder for one test file's outputs. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'model-budget-keras-'));
}

/** Copies a fixture to `dir`, edits the copy with h5wasm in read-write mode, and returns the copy's path. */
export async function editedH5(source: string, dir: string, name: string, edit: (file: H5File) => void): Promise<string> {
  const module = await h5wasm.ready;
  const fsName = `/edit-${name}`;
  module.FS.writeFile(fsName, readFileSync(source));
  const file = new h5wasm.File(fsName, 'a');
  try {
    edit(file);
  } finally {
    file.close();
  }
  const out = join(dir, name);
  writeFileSync(out, module.FS.readFile(fsName));
  module.FS.unlink(fsName);
  return out;
}

/** Copies a fixture unchanged (e.g. to give it another extension). */
export function copiedFixture(name: string, dir: string, as: string): string {
  const out = join(dir, as);
  copyFileSync(fixture(name), out);
  return out;
}
