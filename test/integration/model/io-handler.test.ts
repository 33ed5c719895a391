import * as tf from '@tensorflow/tfjs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { splitWeights } from '../../../src/compress/weights.js';
import { fileSystemIO } from '../../../src/formats/tfjs/io-handler.js';
import { loadAsTfjs } from '../../../src/formats/index.js';
import { weightBytes } from '../../../src/formats/tfjs/save.js';
import { corpusModel } from '../../helpers/corpus.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('stock tf.loadGraphModel reads a model from disk through our IOHandler', async () => {
  const model = await tf.loadGraphModel(fileSystemIO(join(import.meta.dirname, '..', '..', '..', 'examples', 'gender', 'model.json')));
  const out = model.predict(tf.zeros([1, 64, 64, 1])) as tf.Tensor;
  expect(out.shape).toEqual([1, 2]);
  tf.dispose(out);
  model.dispose();
});

test('a layers model saved through our IOHandler loads back exactly, with converter file names', async () => {
  const source = await tf.loadLayersModel(fileSystemIO(corpusModel('esrgan-slim-x2').path));
  const dir = await mkdtemp(join(tmpdir(), 'mb-iohandler-'));
  const result = await source.save(fileSystemIO(join(dir, 'model.json')));
  expect(result.modelArtifactsInfo.weightDataBytes).toBe(888_300);
  const again = await loadAsTfjs(join(dir, 'model.json'));
  expect(again.format).toBe('layers');
  expect(again.files.map((f) => f.path.split('/').pop())).toEqual(['model.json', 'group1-shard1of1.bin']);
  // tfjs-layers writes weights in its own variable order: compare them by name, byte for byte.
  const original = await loadAsTfjs(corpusModel('esrgan-slim-x2').path);
  const byName = (artifacts: tf.io.ModelArtifacts): Map<string, string> =>
    new Map(splitWeights(artifacts).map((w) => [w.spec.name, Buffer.from(w.bytes).toString('base64')]));
  expect(byName(again.artifacts)).toEqual(byName(original.artifacts));
  expect(weightBytes(again.artifacts.weightData).byteLength).toBe(888_300);
  source.dispose();
});
