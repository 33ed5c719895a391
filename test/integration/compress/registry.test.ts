import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressModel, TECHNIQUE_NAMES } from '../../../src/compress/registry.js';
import { CompressError } from '../../../src/errors.js';
import type { TfjsLoadedModel } from '../../../src/model/types.js';
import { corpusModel } from '../../helpers/corpus.js';
import { corpusArtifacts } from './corpus-artifacts.js';
import { loadStock, makeEvaluator, predictFlat } from './evaluate.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

function loaded(id: string): TfjsLoadedModel {
  const artifacts = corpusArtifacts(id);
  return { format: artifacts.format === 'graph-model' ? 'graph' : 'layers', artifacts, path: corpusModel(id).path, sourceKind: 'tfjs', files: [] };
}

describe('compressModel', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('says pixelator has no float weights: nothing to compress', async () => {
    const model = loaded('pixelator');
    const result = await compressModel(model, { quantize: 'uint8', prune: 0.5 });
    expect(result.warnings).toEqual(['pixelator/model.json has no float weights: nothing to compress']);
    expect(result.artifacts).toBe(model.artifacts);
    expect(result.steps).toEqual([]);
  });

  it('runs every configured technique in the fixed order and the result loads in stock TF.js', async () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 16, kernelSize: 3, useBias: false }));
    m.add(tf.layers.batchNormalization({}));
    m.add(tf.layers.reLU());
    m.add(tf.layers.conv2d({ filters: 8, kernelSize: 3 }));
    m.add(tf.layers.globalAveragePooling2d({}));
    m.add(tf.layers.dense({ units: 4 }));
    const artifacts = await layersModelArtifacts(m);
    const model: TfjsLoadedModel = { format: 'layers', artifacts, path: '/models/tiny/model.json', sourceKind: 'tfjs', files: [] };
    const result = await compressModel(model, {
      quantize: 'uint8',
      prune: 0.3,
      'fold-batchnorm': true,
      'prune-channels': { params: 0.2 },
    });
    expect(result.steps.map((s) => s.technique)).toEqual(['fold-batchnorm', 'prune-channels', 'prune', 'quantize']);
    expect(result.weightBytesAfter).toBeLessThan(result.weightBytesBefore * 0.25);
    const stock = (await loadStock(result.artifacts)) as tf.LayersModel;
    expect(stock.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(await predictFlat(stock, tf.ones([1, 12, 12, 3]))).toHaveLength(4);
    expect(TECHNIQUE_NAMES).toContain('auto');
  });

  it('quantizes a real graph model with a readable summary', async () => {
    const result = await compressModel(loaded('human-gender'), { quantize: 'float16', 'min-elements': 100 });
    expect(result.steps[0]?.summary).toMatch(/^float16: 201,808 → \d{3},\d{3} weight bytes$/);
  });

  it('runs auto with the injected evaluator', async () => {
    const model = loaded('human-gender');
    const evaluate = await makeEvaluator(model.artifacts, [1, 64, 64, 1]);
    const result = await compressModel(
      model,
      { auto: { 'max-evaluations': 3 } },
      { evaluate, withinBudget: (d) => d.maxAbsError < 0.5, budgetUse: (d) => d.maxAbsError / 0.5 },
    );
    expect(result.steps[0]?.summary).toMatch(/uint8: 201,808 → .* in 1 evaluations/);
  });

  it.each([
    { what: 'quantize with auto', plan: { quantize: 'uint8' as const, auto: true }, message: /both quantize and auto/ },
    { what: 'auto without a budget', plan: { auto: true }, message: /needs an accuracy budget/ },
    { what: 'bad sparsity', plan: { prune: 1 }, message: /sparsity must be in \[0, 1\)/ },
    { what: 'channel pruning of a graph model', plan: { 'prune-channels': { flops: 0.2 } }, message: /layers models only/ },
  ])('refuses $what', async ({ plan, message }) => {
    await expect(compressModel(loaded('human-gender'), plan)).rejects.toThrow(CompressError);
    await expect(compressModel(loaded('human-gender'), plan)).rejects.toThrow(message);
  });
});
