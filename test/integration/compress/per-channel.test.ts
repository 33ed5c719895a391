import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rescaleChannels } from '../../../src/compress/per-channel.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { pruneWeights } from '../../../src/compress/prune.js';
import { compressModel } from '../../../src/compress/registry.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { measureDrift } from '../../../src/measure/drift.js';
import { makeInputs } from '../../../src/measure/inputs.js';
import { instantiate, selectRuntime } from '../../../src/runtimes/index.js';
import { loadAsTfjs } from '../../../src/formats/index.js';
import type { TfjsLoadedModel } from '../../../src/model/types.js';
import { saveModel } from '../../../src/formats/tfjs/save.js';
import { corpusModel } from '../../helpers/corpus.js';
import { scratchDir } from '../../unit/keras/fixtures.js';

async function driftOf(model: TfjsLoadedModel, candidate: tf.io.ModelArtifacts): Promise<number> {
  const a = await instantiate(model);
  const b = await instantiate({ ...model, artifacts: candidate });
  const inputs = [makeInputs(a.inputs, { seed: 1 }), makeInputs(a.inputs, { seed: 2 })];
  try {
    return (await measureDrift(a, b, inputs)).maxAbsError;
  } finally {
    a.dispose();
    b.dispose();
  }
}

/**
 * Float corpus graph models and what the rewrite does on each: faceres-deep has Conv2D → Mul (BatchNorm's scale)
 * chains, so those layers fold; gender and emotion ship fused convolutions and bare depthwise ones, which get a Mul.
 */
const CASES = [
  { id: 'human-faceres-deep', folded: 13, inserted: 16, split: 0 },
  { id: 'human-gender', folded: 0, inserted: 17, split: 0 },
  { id: 'human-emotion', folded: 0, inserted: 12, split: 0 },
] as const;

describe('per-channel scales on corpus graph models (cpu backend)', () => {
  for (const c of CASES) {
    it(`${c.id}: the rescaled float32 graph stays within 1e-5 of the original`, async () => {
      await selectRuntime('cpu');
      const model = await loadAsTfjs(corpusModel(c.id).path);
      const r = rescaleChannels(model.artifacts);
      expect({ folded: r.folded.length, inserted: r.inserted.length, split: r.split.length }).toEqual({
        folded: c.folded,
        inserted: c.inserted,
        split: c.split,
      });
      expect(await driftOf(model, r.artifacts)).toBeLessThanOrEqual(1e-5);
    }, 300_000);

    it(`${c.id}: per-channel uint8 drifts less than per-tensor uint8`, async () => {
      await selectRuntime('cpu');
      const model = await loadAsTfjs(corpusModel(c.id).path);
      const perTensor = quantizeWeights(model.artifacts, { dtypes: 'uint8', rounding: 'nearest' }).artifacts;
      const r = rescaleChannels(model.artifacts);
      const perChannel = quantizeWeights(r.artifacts, { dtypes: 'uint8', rounding: 'nearest', keepFloat: new Set(r.keepFloat) }).artifacts;
      const [a, b] = [await driftOf(model, perTensor), await driftOf(model, perChannel)];
      expect(b).toBeLessThan(a);
    }, 300_000);
  }

  it('blazepose-heavy (float16 weights, Relu6 fusions split): the rescaled float32 graph stays within 1e-5 of the original', async () => {
    await selectRuntime('cpu');
    const model = await loadAsTfjs(corpusModel('human-blazepose-heavy').path);
    const r = rescaleChannels(model.artifacts);
    expect({ folded: r.folded.length, inserted: r.inserted.length, split: r.split.length }).toEqual({ folded: 0, inserted: 75, split: 121 });
    expect(await driftOf(model, r.artifacts)).toBeLessThanOrEqual(1e-5);
  }, 300_000);

  it('emotion: prune 50 % then per-channel uint8 on 16 levels keeps every pruned weight exactly 0', async () => {
    const model = await loadAsTfjs(corpusModel('human-emotion').path);
    const pruned = new Map(decodeWeights(pruneWeights(model.artifacts, { sparsity: 0.5 }).artifacts).map((w) => [w.name, w.data as Float32Array]));
    const r = await compressModel(model, { prune: 0.5, quantize: { dtype: 'uint8', levels: 16, 'per-channel': true } });
    let zeros = 0;
    for (const w of decodeWeights(r.artifacts)) {
      const before = pruned.get(w.name);
      if (!before) continue;
      const after = w.data as Float32Array;
      before.forEach((v, i) => {
        if (v !== 0) return;
        zeros++;
        expect(after[i], w.name).toBe(0);
      });
    }
    expect(zeros).toBeGreaterThan(100_000);
    expect(r.steps.map((s) => s.technique)).toEqual(['prune', 'quantize']);
    expect(r.steps[1]?.summary).toMatch(/per-channel scales on \d+ layer\(s\)/);
  }, 300_000);

  it('faceres-deep: per-channel uint8, written as model.json and shards, loads in stock tf.loadGraphModel and yields every output', async () => {
    await selectRuntime('cpu');
    const model = await loadAsTfjs(corpusModel('human-faceres-deep').path);
    const r = rescaleChannels(model.artifacts);
    const quantized = quantizeWeights(r.artifacts, { dtypes: 'uint8', keepFloat: new Set(r.keepFloat) }).artifacts;
    const dir = scratchDir();
    await saveModel({ artifacts: quantized, format: 'graph' }, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: object;
      signature: { outputs: Record<string, unknown> };
      weightsManifest: tf.io.WeightsManifestConfig;
    };
    const specs = json.weightsManifest.flatMap((g) => g.weights);
    // One plain per-tensor uint8 block per kernel, as the converter writes it; the scale vectors stay float32.
    expect(specs.filter((w) => w.quantization?.dtype === 'uint8').length).toBeGreaterThan(0);
    for (const name of r.keepFloat) expect(specs.find((w) => w.name === name)?.quantization).toBeUndefined();
    const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
    const loaded = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
        signature: json.signature,
      }),
    );
    const x = tf.randomUniform([1, 224, 224, 3]);
    const outputs = loaded.outputs.map((o) => o.name);
    const y = loaded.execute(x, outputs) as tf.Tensor[];
    expect(y).toHaveLength(Object.keys(json.signature.outputs).length);
    for (const t of y) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, ...y]);
    loaded.dispose();
  }, 300_000);
});
