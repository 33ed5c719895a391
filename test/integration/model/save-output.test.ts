import * as tf from '@tensorflow/tfjs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { OutputError } from '../../../src/errors.js';
import { OUTPUT_MARKER, saveModel } from '../../../src/formats/tfjs/save.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

let model: { artifacts: tf.io.ModelArtifacts; format: 'layers' };

beforeAll(async () => {
  await tf.setBackend('cpu');
  const net = tf.sequential({ layers: [tf.layers.dense({ units: 64, inputShape: [64] })] });
  model = { artifacts: await layersModelArtifacts(net), format: 'layers' };
  net.dispose();
});

const scratch = (): Promise<string> => mkdtemp(join(tmpdir(), 'mb-save-'));

describe('saveModel writes only into a folder it owns and removes only what it wrote', () => {
  test('a new folder is created and marked with the files written', async () => {
    const dir = join(await scratch(), 'out', 'net');
    await saveModel(model, dir, { shardBytes: 4096 });
    expect((await readdir(dir)).sort()).toEqual([
      OUTPUT_MARKER,
      'group1-shard1of5.bin',
      'group1-shard2of5.bin',
      'group1-shard3of5.bin',
      'group1-shard4of5.bin',
      'group1-shard5of5.bin',
      'model.json',
    ]);
    const marker = JSON.parse(await readFile(join(dir, OUTPUT_MARKER), 'utf8')) as { files: string[] };
    expect(marker.files).toHaveLength(6);
  });

  test('saving again with fewer shards removes the stale shards of the earlier save, and nothing else', async () => {
    const dir = join(await scratch(), 'out');
    await saveModel(model, dir, { shardBytes: 4096 });
    await writeFile(join(dir, 'README.md'), 'kept');
    await saveModel(model, dir);
    expect((await readdir(dir)).sort()).toEqual([OUTPUT_MARKER, 'README.md', 'group1-shard1of1.bin', 'model.json']);
  });

  test("a folder with files of its own (a source model's folder) is refused and left as it was", async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'model.json'), '{"source": true}');
    await writeFile(join(dir, 'group1-shard1of2.bin'), 'source shard');
    await writeFile(join(dir, 'group1-shard2of2.bin'), 'source shard');
    const error = await saveModel(model, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toMatch(/already holds files model-budget did not write \(.*model\.json.*\); point `output:` at a new folder/);
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
    expect(await readFile(join(dir, 'model.json'), 'utf8')).toBe('{"source": true}');
  });

  test('a forged marker cannot name a file outside the folder, nor one of another kind', async () => {
    const root = await scratch();
    const dir = join(root, 'out');
    await mkdir(dir);
    await writeFile(join(root, 'victim.bin'), 'keep me');
    await writeFile(join(dir, 'notes.txt'), 'keep me too');
    await writeFile(join(dir, OUTPUT_MARKER), JSON.stringify({ files: ['../victim.bin', 'notes.txt', '/etc/hostname'] }));
    await saveModel(model, dir);
    expect(await readFile(join(root, 'victim.bin'), 'utf8')).toBe('keep me');
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me too');
  });

  test('a shard name that is a symbolic link is replaced, never written through', async () => {
    const root = await scratch();
    const dir = join(root, 'out');
    await saveModel(model, dir);
    const victim = join(root, 'victim.txt');
    await writeFile(victim, 'keep me');
    await rm(join(dir, 'group1-shard1of1.bin'));
    await symlink(victim, join(dir, 'group1-shard1of1.bin'));
    await symlink(victim, join(dir, 'model.json.tmp'));
    await saveModel(model, dir);
    expect(await readFile(victim, 'utf8')).toBe('keep me');
    expect((await lstat(join(dir, 'group1-shard1of1.bin'))).isSymbolicLink()).toBe(false);
  });

  test('an output folder that is a symbolic link is refused', async () => {
    const root = await scratch();
    await mkdir(join(root, 'real'));
    await symlink(join(root, 'real'), join(root, 'link'));
    await expect(saveModel(model, join(root, 'link'))).rejects.toThrow(/is a symbolic link; model-budget writes only into a real folder/);
    expect(await readdir(join(root, 'real'))).toEqual([]);
  });

  test('`within`: a folder reached through a symbolic link out of the repository is refused before anything is created', async () => {
    const outside = await scratch();
    const repo = await scratch();
    await symlink(outside, join(repo, 'dist'));
    await expect(saveModel(model, join(repo, 'dist', 'net'), { within: repo })).rejects.toThrow(/leads outside the repository through a symbolic link/);
    expect(await readdir(outside)).toEqual([]);
    await saveModel(model, join(repo, 'models', 'net'), { within: repo });
    expect(await readdir(join(repo, 'models', 'net'))).toContain('model.json');
  });
});
