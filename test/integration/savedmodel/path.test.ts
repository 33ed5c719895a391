import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { detectFormat, folderFilesOf, formatOf, lfsModelSize, loadModel } from '../../../src/formats/index.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'savedmodel');
const timesThree = join(fixtures, 'times-three-float');
const DATA = join('variables', 'variables.data-00000-of-00001');
const pointer = (size: number): string => `version https://git-lfs.github.com/spec/v1\noid sha256:${'c'.repeat(64)}\nsize ${size}\n`;
const folderMessage = 'is a folder; point `path` at the model.json inside it (or a .h5 / .keras file, or a SavedModel folder holding saved_model.pb)';

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mb-savedmodel-path-'));
}

/** A copy of times-three-float to spoil. */
async function copy(): Promise<string> {
  const dir = join(await scratch(), 'sm');
  await cp(timesThree, dir, { recursive: true });
  return dir;
}

describe('a folder as a model path', () => {
  test.each([
    { what: 'an empty folder', files: [] as string[] },
    { what: 'a folder holding a model.json (name the file itself)', files: ['model.json'] },
    { what: 'a folder holding only variables/', files: ['variables/variables.index'] },
  ])('$what: no format claims it, and the message names what a path may be', async ({ files }) => {
    const dir = await scratch();
    for (const file of files) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), '{}');
    }
    await expect(detectFormat(dir)).rejects.toThrow(ModelLoadError);
    await expect(loadModel(dir)).rejects.toThrow(`${dir} ${folderMessage}`);
  });

  test('a folder holding saved_model.pb is a SavedModel, loaded as the TF.js graph model it converts to', async () => {
    expect((await detectFormat(timesThree)).name).toBe('savedmodel');
    const model = await loadModel(timesThree);
    expect(formatOf(model).name).toBe('savedmodel');
    expect(model).toMatchObject({ format: 'graph', path: timesThree, sourceKind: 'savedmodel' });
    expect(model.format === 'tflite' ? undefined : model.artifacts.format).toBe('graph-model');
    // A file named saved_model.pb is no folder: the file formats see it (and TF.js says it is not JSON).
    await expect(loadModel(join(timesThree, 'saved_model.pb'))).rejects.toThrow(/JSON/);
  });

  test('its files, with roles, are what it was read from; unchanged, it is served from disk byte for byte', async () => {
    const model = await loadModel(timesThree);
    const format = formatOf(model);
    const names = ['saved_model.pb', join('variables', 'variables.index'), DATA];
    const expected = [];
    for (const [i, name] of names.entries()) {
      expected.push({ path: join(timesThree, name), bytes: (await stat(join(timesThree, name))).size, role: i === 2 ? 'weights' : 'manifest' });
    }
    expect(format.files(model)).toEqual(expected);
    const served = await format.served(model, true);
    for (const [i, file] of expected.entries()) expect(Buffer.from(served[i]?.bytes ?? [])).toEqual(await readFile(file.path));
    // Changed, it is served as the TF.js graph model output: writes.
    const changed = await format.served(model, false);
    expect(changed.map((f) => f.role)).toEqual(['manifest', 'weights']);
    expect((JSON.parse(new TextDecoder().decode(changed[0]?.bytes)) as { format: string }).format).toBe('graph-model');
  });

  test('signature: applies to a SavedModel only; on another format it is refused, not ignored', async () => {
    const gender = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender', 'model.json');
    await expect(loadModel(gender, { signature: 'serving_default' })).rejects.toThrow(
      `${gender} is a tfjs model, which has no signatures: \`signature\` applies to a SavedModel folder; remove it`,
    );
    expect((await loadModel(join(fixtures, 'module_with_multiple_signatures'), { signature: 'timestwo' })).notes?.[0]).toContain('"timestwo"');
  });

  test('the files of a SavedModel folder in a commit: the graph and variables, nothing else', () => {
    const files = [
      'saved_model.pb',
      'variables/variables.index',
      'variables/variables.data-00000-of-00002',
      'variables/variables.data-00001-of-00002',
      'README.md',
      'assets/vocab.txt',
      'variables/other.bin',
    ];
    expect(folderFilesOf(files, 'models/sm')).toEqual([
      'models/sm/saved_model.pb',
      'models/sm/variables/variables.index',
      'models/sm/variables/variables.data-00000-of-00002',
      'models/sm/variables/variables.data-00001-of-00002',
    ]);
    // A folder no format claims has no files to copy.
    expect(folderFilesOf(['model.json', 'group1-shard1of1.bin'], 'models/net')).toEqual([]);
  });
});

describe('hostile and damaged SavedModel folders', () => {
  test('a variables file that is a symbolic link out of the folder is refused before it is read', async () => {
    const dir = await copy();
    const outside = join(dir, '..', 'secret.bin');
    await cp(join(timesThree, DATA), outside);
    await rm(join(dir, DATA));
    await symlink(outside, join(dir, DATA));
    await expect(loadModel(dir)).rejects.toThrow(`variables/variables.data-00000-of-00001 in the SavedModel ${dir} resolves outside its folder`);
  });

  test('a link inside the folder is followed', async () => {
    const dir = await copy();
    await rename(join(dir, DATA), join(dir, 'variables', 'real.data'));
    await symlink('real.data', join(dir, DATA));
    expect((await loadModel(dir)).sourceKind).toBe('savedmodel');
  });

  test('a FIFO in place of variables.index is refused, never opened for a blocking read', async () => {
    const dir = await copy();
    await rm(join(dir, 'variables', 'variables.index'));
    execFileSync('mkfifo', [join(dir, 'variables', 'variables.index')]);
    await expect(loadModel(dir)).rejects.toThrow(/variables\.index is a FIFO \(named pipe\), not a regular file; refused/);
  });

  test('variables kept in Git LFS and not fetched are named, and the size comes from the pointers', async () => {
    const dir = await copy();
    await writeFile(join(dir, DATA), pointer(5000));
    await expect(loadModel(dir)).rejects.toThrow(
      /variables\.data-00000-of-00001 \(listed in .*\) is a Git LFS pointer to a 5,000-byte file, not the file itself: .*lfs: true/,
    );
    const pb = (await stat(join(dir, 'saved_model.pb'))).size;
    const index = (await stat(join(dir, 'variables', 'variables.index'))).size;
    expect(await lfsModelSize(dir)).toBe(pb + index + 5000);
    expect(await lfsModelSize(timesThree)).toBeUndefined();
  });

  test('limits.model-size counts every file read, and refuses before reading the one that goes over', async () => {
    const pb = (await stat(join(timesThree, 'saved_model.pb'))).size;
    await expect(loadModel(timesThree, { maxBytes: pb + 10 })).rejects.toThrow(
      new RegExp(`needs more than ${(pb + 10).toLocaleString('en-US')} bytes with variables/variables\\.index .* over limits\\.model-size`),
    );
    await expect(loadModel(timesThree, { maxBytes: pb - 1 })).rejects.toThrow(/with saved_model\.pb/);
  });
});
