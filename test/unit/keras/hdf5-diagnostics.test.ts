import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { hdf5Reason } from '../../../src/formats/keras/hdf5.js';
import { loadKerasModel } from '../../../src/formats/keras/index.js';
import { fixture, scratchDir } from './fixtures.js';

const dir = scratchDir();

/** The MLP fixture with 64 bytes at `offset` overwritten: libhdf5 fails on it with a page of diagnostics. */
function damaged(name: string, offset: number): string {
  const bytes = new Uint8Array(readFileSync(fixture('k2-mlp-sequential.h5')));
  bytes.fill(0xff, offset, offset + 64);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function loadError(path: string): Promise<ModelLoadError> {
  const error = await loadKerasModel(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ModelLoadError)) throw new Error(`expected a ModelLoadError, got ${String(error)}`);
  return error;
}

describe("libhdf5's diagnostics become one catalog line", () => {
  it.each([
    { what: 'a damaged superblock: the file does not open', offset: 800, message: /not a readable HDF5 file \(.+\); re-save the model with Keras$/ },
    {
      what: 'a damaged group: the file opens, reading fails',
      offset: 1750,
      message: /the HDF5 file is damaged \(message not aligned\); re-save the model with Keras$/,
    },
  ])('$what', async ({ offset, message }) => {
    const path = damaged(`damaged-${offset}.h5`, offset);
    const error = await loadError(path);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/HDF5-DIAG|#000|\n/);
    expect(error.file).toBe(path);
    // The diagnostics are handed to us instead of being printed to stderr, and kept for --verbose.
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toMatch(/^HDF5-DIAG: Error detected in HDF5/);
  });

  // Last, in case an abort leaves libhdf5 in a state the other cases should not depend on.
  it('a damaged string attribute (the Node build of libhdf5 aborted on it) is a catalog message too, not a RuntimeError', async () => {
    const error = await loadError(damaged('damaged-2000.h5', 2000));
    expect(error.message).toMatch(/the HDF5 file is damaged \(bad global heap collection signature\); re-save the model with Keras$/);
  });

  it.each([
    {
      what: 'the innermost reason of an error stack',
      text: 'HDF5-DIAG: Error detected in HDF5 (2.0.0):\n  #000: H5F.c line 821 in H5Fopen(): unable to open file\n    major: File accessibility\n  #001: H5Fsuper.c line 5 in H5F__super_read(): truncated file: eof = 1\n    minor: x',
      expected: 'truncated file: eof = 1',
    },
    { what: 'the first line otherwise', text: '\nsomething odd\nmore', expected: 'something odd' },
    { what: 'something when there is nothing', text: '', expected: 'libhdf5 gave no reason' },
  ])('hdf5Reason: $what', ({ text, expected }) => {
    expect(hdf5Reason(new Error(text))).toBe(expected);
  });
});
