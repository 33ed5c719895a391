import { describe, expect, it } from 'vitest';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { corpusArtifacts } from './corpus-artifacts.js';
import { makeEvaluator } from './evaluate.js';

describe('stock TF.js loads quantized corpus models', () => {
  it.each(['uint8', 'uint16', 'float16'] as const)('esrgan-slim-x2 (layers) as %s', async (dtype) => {
    const original = corpusArtifacts('esrgan-slim-x2');
    const evaluate = await makeEvaluator(original, [1, 12, 12, 3]);
    const result = quantizeWeights(original, { dtypes: dtype });
    const ratio = result.bytesAfter / result.bytesBefore;
    expect(ratio).toBeLessThanOrEqual(dtype === 'uint8' ? 0.2502 : 0.5001);
    const drift = await evaluate(result.artifacts);
    expect(drift.cosine).toBeGreaterThan(0.999);
    expect(drift.maxAbsError).toBeLessThan(dtype === 'uint8' ? 0.1 : 1e-2);
    expect(drift.maxAbsError).toBeGreaterThan(0);
  });

  it.each(['uint8', 'float16'] as const)('human-gender (graph) as %s', async (dtype) => {
    const original = corpusArtifacts('human-gender');
    const evaluate = await makeEvaluator(original, [1, 64, 64, 1], 2);
    const result = quantizeWeights(original, { dtypes: dtype });
    expect(result.artifacts.weightSpecs?.filter((s) => s.quantization).length).toBe(38);
    const drift = await evaluate(result.artifacts);
    expect(drift.maxAbsError).toBeLessThan(0.05);
    expect(drift.cosine).toBeGreaterThan(0.999);
  });

  it('keeps human-handtrack (uint8 source) at uint8 when float16 is asked: never bigger', () => {
    const original = corpusArtifacts('human-handtrack');
    const result = quantizeWeights(original, { dtypes: 'float16' });
    expect(result.bytesAfter).toBe(result.bytesBefore);
    expect(result.sourceQuantized).toBe(true);
  });
});
