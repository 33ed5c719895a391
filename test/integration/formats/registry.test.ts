import { copyFile, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compressSchema } from '../../../src/config/schema.js';
import { ModelLoadError } from '../../../src/errors.js';
import { companionsOf, detectFormat, FORMATS, formatOf, lfsModelSize, loadAsTfjs, loadModel } from '../../../src/formats/index.js';
import { COMPRESSIONS, type ModelFormat } from '../../../src/formats/types.js';
import { inapplicableCompressions } from '../../../src/stages.js';
import { corpusModel } from '../../helpers/corpus.js';
import { fixture } from '../../unit/keras/fixtures.js';

const gender = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender', 'model.json');
const pointer = (size: number): string => `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize ${size}\n`;

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'model-budget-formats-'));
}

describe('detection, once, by content', () => {
  test.each([
    { what: 'HDF5 signature', head: [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], name: 'model.json', expected: 'keras' },
    { what: 'zip local header', head: [0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0], name: 'model.json', expected: 'keras' },
    { what: 'JSON text', head: [...new TextEncoder().encode('{"format":')], name: 'net.h5', expected: 'tfjs' },
    { what: 'a Git LFS pointer (goes to the loader that names it)', head: [...new TextEncoder().encode(pointer(10))], name: 'net.h5', expected: 'tfjs' },
    { what: 'an empty file', head: [], name: 'model.keras', expected: 'tfjs' },
  ])('$what → $expected, whatever the file is called', async ({ head, name, expected }) => {
    const dir = await scratch();
    const file = join(dir, name);
    await writeFile(file, Uint8Array.from(head));
    expect((await detectFormat(file)).name).toBe(expected);
  });

  test('a folder no format claims and a missing file are refused', async () => {
    const dir = await scratch();
    await expect(detectFormat(dir)).rejects.toThrow(ModelLoadError);
    await expect(detectFormat(dir)).rejects.toThrow(
      `${dir} is a folder; point \`path\` at the model.json inside it (or a .h5 / .keras file, or a SavedModel folder holding saved_model.pb)`,
    );
    await expect(detectFormat(join(dir, 'absent.json'))).rejects.toThrow(/absent\.json not found\. Check `path` in model-budget\.yml/);
  });

  test('a loaded model finds the format that loaded it again by its source kind', async () => {
    const tfjs = await loadModel(gender);
    const keras = await loadModel(fixture('k2-mlp-sequential.h5'));
    expect([formatOf(tfjs).name, formatOf(keras).name]).toEqual(['tfjs', 'keras']);
    expect(FORMATS.map((f) => f.name)).toEqual(['savedmodel', 'keras', 'tflite', 'tfjs']);
    // Every source kind belongs to exactly one format.
    const kinds = FORMATS.flatMap((f) => f.sourceKinds);
    expect(new Set(kinds).size).toBe(kinds.length);
  });
});

describe('the files a model is made of, with their roles', () => {
  test('TF.js: model.json is the manifest, each shard weights; unchanged, it is served from disk byte for byte', async () => {
    const model = await loadModel(gender);
    const format = formatOf(model);
    const files = format.files(model);
    expect(files.map((f) => f.role)).toEqual(['manifest', ...files.slice(1).map(() => 'weights')]);
    const served = await format.served(model, true);
    expect(served.map((f) => f.role)).toEqual(files.map((f) => f.role));
    for (const [i, file] of files.entries()) expect(Buffer.from(served[i]?.bytes ?? [])).toEqual(await readFile(file.path));
    // Changed, it is served as it would be written.
    const serialized = await format.served(model, false);
    expect(serialized.map((f) => ({ bytes: f.bytes, role: f.role }))).toEqual(format.serialize(model).files.map((f) => ({ bytes: f.bytes, role: f.role })));
  });

  test('Keras: the one file is an archive; it is served as the TF.js layers model it converts to', async () => {
    const path = fixture('k2-mlp-sequential.h5');
    const model = await loadModel(path);
    const format = formatOf(model);
    expect(format.files(model)).toEqual([{ path, bytes: (await stat(path)).size, role: 'archive' }]);
    const served = await format.served(model, true);
    expect(served.map((f) => f.role)).toEqual(['manifest', 'weights']);
    const json = JSON.parse(new TextDecoder().decode(served[0]?.bytes)) as { format: string };
    expect(json.format).toBe('layers-model');
  });

  test('companions: the shards a model.json lists, as repository paths; unsafe entries and pointers give none', () => {
    const manifest = (paths: unknown[]): Uint8Array =>
      new TextEncoder().encode(JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths, weights: [] }, null, { paths: 'x' }] }));
    expect(
      companionsOf(manifest(['group1-shard1of2.bin', 'sub/group1-shard2of2.bin', '../up.bin', '/abs.bin', 'a\\b.bin', '', 7]), 'models/net/model.json'),
    ).toEqual(['models/net/group1-shard1of2.bin', 'models/net/sub/group1-shard2of2.bin']);
    expect(companionsOf(manifest(['a/../../b.bin', 'c.bin']), 'model.json')).toEqual(['c.bin']);
    expect(companionsOf(new TextEncoder().encode(pointer(4096)), 'models/net/model.json')).toEqual([]);
    expect(companionsOf(new TextEncoder().encode('{not json'), 'models/net/model.json')).toEqual([]);
    expect(companionsOf(Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), 'models/net.h5')).toEqual([]);
  });

  test('companions read a model.json that starts with a byte-order mark, as the loader does', () => {
    const bom = new TextEncoder().encode(`\uFEFF${JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights: [] }] })}`);
    expect(companionsOf(bom, 'm/model.json')).toEqual(['m/w.bin']);
  });

  test('LFS size: what the pointers say, for a model.json whose shards are pointers; none for a Keras file', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'net'));
    const json = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights: [] }] });
    await writeFile(join(dir, 'net', 'model.json'), json);
    await writeFile(join(dir, 'net', 'a.bin'), pointer(1000));
    await writeFile(join(dir, 'net', 'b.bin'), new Uint8Array(24));
    const tfjs = await detectFormat(join(dir, 'net', 'model.json'));
    expect(await tfjs.lfsSize(join(dir, 'net', 'model.json'))).toBe(json.length + 1000 + 24);
    await writeFile(join(dir, 'net', 'a.bin'), new Uint8Array(8));
    expect(await tfjs.lfsSize(join(dir, 'net', 'model.json'))).toBeUndefined();
    const keras = await detectFormat(fixture('k2-mlp-sequential.h5'));
    expect(await keras.lfsSize(fixture('k2-mlp-sequential.h5'))).toBeUndefined();
  });
});

describe('which compressions apply', () => {
  test('every registered format says which techniques it takes, by their names', () => {
    for (const format of FORMATS) for (const name of format.compressions) expect(COMPRESSIONS).toContain(name);
  });

  test('the techniques of a compress: setting that a format does not take are named, in run order', () => {
    const graphOnly: Pick<ModelFormat, 'compressions'> = { compressions: ['optimize', 'quantize'] };
    const setting = compressSchema.parse({ quantize: 'uint8', prune: 0.5, 'fold-batchnorm': true, 'min-elements': 1024 });
    expect(inapplicableCompressions(graphOnly, setting)).toEqual(['fold-batchnorm', 'prune']);
    expect(inapplicableCompressions(graphOnly, 'auto')).toEqual(['auto']);
    expect(inapplicableCompressions({ compressions: COMPRESSIONS }, setting)).toEqual([]);
  });
});

describe('TFLite: one flatbuffer, claimed by its identifier or its name', () => {
  const face = corpusModel('mediapipe-face-short').path;

  test('found by the "TFL3" identifier under any name, loaded as a .tflite model whose one file is the download', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-registry-tflite-'));
    const renamed = join(dir, 'detector.bin');
    await copyFile(face, renamed);
    expect((await detectFormat(renamed)).name).toBe('tflite');
    const model = await loadModel(renamed);
    expect(model).toMatchObject({ format: 'tflite', sourceKind: 'tflite', files: [{ path: renamed, role: 'archive' }] });
    const format = formatOf(model);
    const served = await format.served(model, true);
    expect(served).toHaveLength(1);
    expect(Buffer.from(served[0]?.bytes ?? []).equals(await readFile(face))).toBe(true);
    expect(format.inputNames(model)).toContain('input');
    const weights = format.weights(model);
    expect(weights.length).toBeGreaterThan(50);
    expect(weights.reduce((n, w) => n + w.bytes, 0)).toBeLessThan((await readFile(face)).byteLength);
  });

  test('a damaged or pointer file named .tflite is told what is wrong with it as a .tflite file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-registry-tflite-'));
    const damaged = join(dir, 'damaged.tflite');
    await writeFile(damaged, (await readFile(face)).subarray(0, 1000));
    await expect(loadModel(damaged)).rejects.toThrow(ModelLoadError);
    await expect(loadModel(damaged)).rejects.toThrow(damaged);
    const pointer = join(dir, 'pointer.tflite');
    await writeFile(pointer, `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 229032\n`);
    await expect(loadModel(pointer)).rejects.toThrow(/Git LFS pointer/);
    expect(await lfsModelSize(pointer)).toBe(229_032);
    expect(await lfsModelSize(face)).toBeUndefined();
    // TF.js artifacts are asked for: refused with the fix.
    await expect(loadAsTfjs(face)).rejects.toThrow(`${face} is a .tflite model, which TF.js cannot load`);
  });
});
