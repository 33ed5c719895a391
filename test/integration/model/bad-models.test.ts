import { cp, mkdir, mkdtemp, readFile, symlink, truncate, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { loadModel } from '../../../src/formats/index.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');

/** A fresh copy of the example model whose model.json the test may rewrite. */
let dir: string;
let modelPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-bad-'));
  await cp(example, join(dir, 'net'), { recursive: true });
  modelPath = join(dir, 'net', 'model.json');
});

async function rewrite(
  edit: (json: Record<string, unknown> & { weightsManifest: { paths: string[]; weights: Record<string, unknown>[] }[] }) => void,
): Promise<void> {
  const json = JSON.parse(await readFile(modelPath, 'utf8')) as Parameters<typeof edit>[0];
  edit(json);
  await writeFile(modelPath, JSON.stringify(json));
}

async function loadError(): Promise<ModelLoadError> {
  try {
    await loadModel(modelPath);
  } catch (error) {
    if (error instanceof ModelLoadError) return error;
    throw error;
  }
  throw new Error('expected a ModelLoadError');
}

describe('bad models are refused with a message naming the file and the fix', () => {
  test('the example itself loads', async () => {
    const model = await loadModel(modelPath);
    expect(model.format).toBe('graph');
  });

  test('model path missing', async () => {
    modelPath = join(dir, 'nope', 'model.json');
    expect((await loadError()).message).toMatch(/nope\/model\.json not found\. Check `path` in model-budget\.yml/);
  });

  test('a folder instead of model.json', async () => {
    modelPath = join(dir, 'net');
    expect((await loadError()).message).toMatch(/is a folder; point `path` at the model\.json/);
  });

  test('model.json is not JSON', async () => {
    await writeFile(modelPath, '{ "modelTopology": ');
    expect((await loadError()).message).toMatch(/model\.json is not valid JSON/);
  });

  test('missing shard', async () => {
    await rewrite((j) => {
      j.weightsManifest[0]?.paths.push('group1-shard2of2.bin');
    });
    const error = await loadError();
    expect(error.message).toMatch(/shard "group1-shard2of2\.bin" listed in .*model\.json is missing/);
    expect(error.file).toBe(modelPath);
  });

  test('short shard', async () => {
    await truncate(join(dir, 'net', 'gender.bin'), 1000);
    expect((await loadError()).message).toMatch(
      /weight group 1 has 1,000 bytes in "gender\.bin" \(1,000 bytes\), 200,808 bytes short: the manifest needs 201,808/,
    );
  });

  test('long shard', async () => {
    await appendFile(join(dir, 'net', 'gender.bin'), Buffer.alloc(8));
    expect((await loadError()).message).toMatch(/8 bytes too long: the manifest needs 201,808/);
  });

  test.each([
    { what: 'parent path', path: '../outside.bin', expected: /leaves the model's folder/ },
    { what: 'absolute path', path: '/etc/passwd', expected: /is absolute or a URL/ },
    { what: 'URL', path: 'https://example.com/w.bin', expected: /is absolute or a URL/ },
  ])('shard path: $what', async ({ path, expected }) => {
    await rewrite((j) => {
      const group = j.weightsManifest[0];
      if (group) group.paths = [path];
    });
    expect((await loadError()).message).toMatch(expected);
  });

  test('a symlinked shard that leaves the folder', async () => {
    await mkdir(join(dir, 'elsewhere'));
    await cp(join(dir, 'net', 'gender.bin'), join(dir, 'elsewhere', 'real.bin'));
    await rewrite((j) => {
      const group = j.weightsManifest[0];
      if (group) group.paths = ['link.bin'];
    });
    await symlink(join(dir, 'elsewhere', 'real.bin'), join(dir, 'net', 'link.bin'));
    expect((await loadError()).message).toMatch(/shard "link\.bin" .* resolves outside the model's folder/);
  });

  test.each([
    { what: 'negative dimension', shape: [3, -1], expected: /every dimension must be a non-negative integer/ },
    { what: 'fractional dimension', shape: [1.5], expected: /every dimension must be a non-negative integer/ },
    { what: 'absurd element count', shape: [100000, 100000, 100000], expected: /over 268435456 elements, refused/ },
  ])('shape: $what', async ({ shape, expected }) => {
    await rewrite((j) => {
      const spec = j.weightsManifest[0]?.weights[0];
      if (spec) spec['shape'] = shape;
    });
    expect((await loadError()).message).toMatch(expected);
  });

  test('unknown dtype', async () => {
    await rewrite((j) => {
      const spec = j.weightsManifest[0]?.weights[0];
      if (spec) spec['dtype'] = 'float64';
    });
    expect((await loadError()).message).toMatch(/has unknown dtype "float64" \(known: float32, int32, bool, string, complex64\)/);
  });

  test('a weights-only manifest', async () => {
    const json = JSON.parse(await readFile(modelPath, 'utf8')) as { weightsManifest: unknown };
    await writeFile(modelPath, JSON.stringify(json.weightsManifest));
    expect((await loadError()).message).toMatch(/is not a model, a weights manifest/);
  });

  test('an unknown topology', async () => {
    await rewrite((j) => {
      j['modelTopology'] = { something: 'else' };
    });
    expect((await loadError()).message).toMatch(/neither a Keras model config .* nor a GraphDef/);
  });
});
