import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { measureFiles } from '../../../src/measure/size.js';
import { loadAsTfjs } from '../../../src/formats/index.js';
import { saveModel, serializeModel, weightBytes } from '../../../src/formats/tfjs/save.js';
import { corpus, corpusModel } from '../../helpers/corpus.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Every model of the real corpus (TF.js layers and graph models, float32 / float16 / uint8 weights).
const tfjsModels = corpus.filter((m) => m.path.endsWith('.json'));

describe.each(tfjsModels.map((m) => ({ id: m.id })))('corpus model $id', ({ id }) => {
  test('loads, validates, and its sizes match the files on disk', async () => {
    const entry = corpusModel(id);
    const model = await loadAsTfjs(entry.path);
    const json = JSON.parse(await readFile(entry.path, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    const shardPaths = json.weightsManifest.flatMap((g) => g.paths.map((p) => join(entry.dir, p)));
    const onDisk = [entry.path, ...shardPaths];
    let total = 0;
    for (const p of onDisk) total += (await stat(p)).size;
    expect(model.files.map((f) => f.path)).toEqual(onDisk);
    expect(model.files.reduce((a, f) => a + f.bytes, 0)).toBe(total);
    expect(model.files.slice(1).reduce((a, f) => a + f.bytes, 0)).toBe(weightBytes(model.artifacts.weightData).byteLength);
    // Brotli at quality 11 runs at about 0.5 MB/s a core: compressed sizes are checked on the models under 5 MB.
    if (total < 5e6) {
      const sizes = await measureFiles(model.files);
      expect(sizes.bytes).toBe(total);
      expect(sizes.gzipBytes).toBeGreaterThan(0);
      expect(sizes.gzipBytes).toBeLessThan(total);
      expect(sizes.brotliBytes).toBeGreaterThan(0);
      expect(sizes.brotliBytes).toBeLessThan(total);
    }
    expect(model.format).toBe(id.startsWith('human-') ? 'graph' : 'layers');
  });

  test('save → load round trip is exact, and stock TF.js loads what we save', async () => {
    const model = await loadAsTfjs(corpusModel(id).path);
    const dir = await mkdtemp(join(tmpdir(), `mb-roundtrip-${id}-`));
    await saveModel(model, dir, { shardBytes: 1024 * 1024 });
    const again = await loadAsTfjs(join(dir, 'model.json'));
    expect(again.format).toBe(model.format);
    expect(again.artifacts.weightSpecs).toEqual(model.artifacts.weightSpecs);
    expect(again.artifacts.modelTopology).toEqual(model.artifacts.modelTopology);
    expect(Buffer.from(weightBytes(again.artifacts.weightData)).equals(Buffer.from(weightBytes(model.artifacts.weightData)))).toBe(true);
    // Converter naming and 1 MiB shards.
    const weights = weightBytes(model.artifacts.weightData).byteLength;
    const expected = weights === 0 ? 0 : Math.ceil(weights / (1024 * 1024));
    expect(again.files.slice(1).map((f) => f.path.split('/').pop())).toEqual(
      Array.from({ length: expected }, (_, i) => `group1-shard${i + 1}of${expected}.bin`),
    );

    // Stock loaders, through tf.io.fromMemory, on what we serialized.
    const serialized = serializeModel(again);
    const modelJson = JSON.parse(new TextDecoder().decode(serialized.files[0]?.bytes)) as tf.io.ModelJSON;
    const artifacts: tf.io.ModelArtifacts = {
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
      weightData: weightBytes(again.artifacts.weightData).slice().buffer,
      ...(modelJson.signature ? { signature: modelJson.signature } : {}),
      ...(modelJson.userDefinedMetadata ? { userDefinedMetadata: modelJson.userDefinedMetadata } : {}),
    };
    if (model.format === 'graph') {
      const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
      expect(graph.inputs.length).toBeGreaterThan(0);
      graph.dispose();
    } else {
      const layers = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      expect(layers.countParams()).toBe((model.artifacts.weightSpecs ?? []).reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0));
      layers.dispose();
    }
  });
});
