import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { loadModel } from '../../../src/formats/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const example = join(root, 'examples', 'gender');
const kerasFixtures = join(root, 'test', 'fixtures', 'keras');

/** Replaces `file` by the pointer `git lfs` would have committed for it, as a checkout without `lfs: true` leaves it. */
async function replaceByPointer(file: string): Promise<number> {
  const bytes = await readFile(file);
  const oid = createHash('sha256').update(bytes).digest('hex');
  await writeFile(file, `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${bytes.byteLength}\n`);
  return bytes.byteLength;
}

async function loadError(path: string): Promise<ModelLoadError> {
  const error: unknown = await loadModel(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof ModelLoadError) return error;
  throw new Error(`expected a ModelLoadError, got ${String(error)}`);
}

const FIX = /checked out without LFS: add `lfs: true` to actions\/checkout \(locally: `git lfs pull`\)$/;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-lfs-'));
  await cp(example, join(dir, 'net'), { recursive: true });
});

describe('a model checked out without Git LFS is named as such', () => {
  test('model.json is a pointer', async () => {
    const modelPath = join(dir, 'net', 'model.json');
    const size = await replaceByPointer(modelPath);
    const error = await loadError(modelPath);
    expect(error.message).toMatch(new RegExp(`^${modelPath.replace(/[.]/g, '\\.')} is a Git LFS pointer to a ${size.toLocaleString('en-US')}-byte file`));
    expect(error.message).toMatch(FIX);
  });

  test('a shard is a pointer: the shard and its model.json are named', async () => {
    const modelPath = join(dir, 'net', 'model.json');
    const json = JSON.parse(await readFile(modelPath, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    const shard = json.weightsManifest[0]?.paths[0] ?? '';
    await replaceByPointer(join(dir, 'net', shard));
    const error = await loadError(modelPath);
    expect(error.message).toContain(`${join(dir, 'net', shard)} (listed in ${modelPath}) is a Git LFS pointer`);
    expect(error.message).toMatch(FIX);
    expect(error.file).toBe(modelPath);
  });

  test.each(['k2-mlp-sequential.h5', 'k3-cnn-sequential.keras'])('a Keras file (%s) is a pointer', async (name) => {
    const file = join(dir, name);
    await cp(join(kerasFixtures, name), file);
    await replaceByPointer(file);
    const error = await loadError(file);
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')} is a Git LFS pointer`));
    expect(error.message).toMatch(FIX);
  });

  test('a small real file that only starts like a pointer still loads as what it is', async () => {
    const modelPath = join(dir, 'net', 'model.json');
    await writeFile(modelPath, 'version https://git-lfs.github.com/spec/v1\nnot a pointer\n');
    expect((await loadError(modelPath)).message).toMatch(/is not valid JSON/);
  });
});
