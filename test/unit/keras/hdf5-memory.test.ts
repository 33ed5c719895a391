import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { childNames, withHdf5 } from '../../../src/formats/keras/hdf5.js';
import { ModelLoadError } from '../../../src/errors.js';
import { fixture } from './fixtures.js';

/**
 * Files on the real disk that a reader could have left: anything new at the root, and HDF5 copies in the temp
 * folder (other test files create folders of their own there meanwhile).
 */
function diskEntries(): string[] {
  const copies = readdirSync(tmpdir()).filter((f) => /\.(h5|hdf5|keras)$|^model-budget-[0-9a-f]{8}-/.test(f));
  return [...readdirSync('/').map((f) => `/${f}`), ...copies.map((f) => `${tmpdir()}/${f}`)];
}

describe('withHdf5 reads from memory', () => {
  it('writes nothing to the real file system while the file is open, and nothing is left after', async () => {
    const before = new Set(diskEntries());
    const during = await withHdf5(readFileSync(fixture('k2-mlp-sequential.h5')), 'model.h5', (root) => ({
      keys: childNames(root),
      created: diskEntries().filter((f) => !before.has(f)),
    }));
    expect(during.keys).toEqual(['model_weights']);
    expect(during.created).toEqual([]);
    expect(diskEntries().filter((f) => !before.has(f))).toEqual([]);
  });

  it('cleans up when the reader throws, so the next file opens', async () => {
    const bytes = readFileSync(fixture('k2-mlp-sequential.h5'));
    await expect(
      withHdf5(bytes, 'model.h5', () => {
        throw new ModelLoadError('model.h5: stop');
      }),
    ).rejects.toThrow('model.h5: stop');
    expect(await withHdf5(bytes, 'model.h5', (root) => childNames(root))).toEqual(['model_weights']);
  });
});
