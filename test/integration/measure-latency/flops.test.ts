import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countFlops } from '../../../src/formats/index.js';
import { loadAsTfjs } from '../../../src/formats/index.js';
import { corpusModel } from '../../helpers/corpus.js';

/**
 * An independent MAC count: profile one real inference and take the shapes every convolution / matmul kernel saw
 * (input, filter, output) from tfjs's own profiler — no topology parsing involved.
 */
async function profiledMacs(run: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const info = await tf.profile(() => run());
  tf.dispose(info.result);
  let macs = 0;
  for (const k of info.kernels) {
    const out = (k.outputShapes[0] ?? []).reduce((a, b) => a * b, 1);
    const filter = k.inputShapes[1] ?? [];
    if (k.name === 'Conv2D' || k.name === 'FusedConv2D') macs += (out * filter.reduce((a, b) => a * b, 1)) / (filter[3] ?? 1);
    else if (k.name === 'DepthwiseConv2dNative' || k.name === 'FusedDepthwiseConv2D') macs += out * (filter[0] ?? 1) * (filter[1] ?? 1);
    else if (k.name === 'BatchMatMul' || k.name === '_FusedMatMul') {
      const a = k.inputShapes[0] ?? [];
      macs += out * (a[a.length - 1] ?? 1);
    }
  }
  return macs;
}

function weightElements(artifacts: tf.io.ModelArtifacts): number {
  return (artifacts.weightSpecs ?? []).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
}

describe('countFlops on corpus models', () => {
  it('human-gender (graph): MACs equal the profiler count, params equal the manifest', async () => {
    const model = await loadAsTfjs(corpusModel('human-gender').path);
    const report = await countFlops(model);
    expect(report.inputShapes).toEqual({ 'input_1:0': [1, 64, 64, 1] });
    const gm = await tf.loadGraphModel(tf.io.fromMemory(model.artifacts));
    const x = tf.randomUniform([1, 64, 64, 1]);
    const independent = await profiledMacs(() => gm.execute(x));
    x.dispose();
    gm.dispose();
    expect(independent).toBeGreaterThan(1e6);
    expect(report.macs).toBe(independent);
    expect(report.flops).toBeGreaterThan(2 * report.macs);
    expect(report.uncounted).toEqual({});
    const floats = (model.artifacts.weightSpecs ?? []).filter((w) => w.dtype === 'float32');
    expect(report.params).toBe(floats.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0));
    // Every conv weight is owned by exactly one counted node.
    const convParams = report.ops.filter((o) => /Conv/.test(o.op)).reduce((s, o) => s + o.params, 0);
    expect(convParams).toBeGreaterThan(0.9 * report.params);
  });

  it('esrgan-slim-x2 (layers) at 32×32: params equal countParams, MACs equal the profiler count', async () => {
    const model = await loadAsTfjs(corpusModel('esrgan-slim-x2').path);
    const report = await countFlops(model, { inputShapes: { LR: [1, 32, 32, 3] } });
    const lm = await tf.loadLayersModel(tf.io.fromMemory(model.artifacts));
    expect(report.params).toBe(lm.countParams());
    expect(report.params).toBe(weightElements(model.artifacts));
    expect(report.ops.reduce((s, o) => s + o.params, 0)).toBe(lm.countParams());
    const x = tf.randomUniform([1, 32, 32, 3]);
    const independent = await profiledMacs(() => lm.predict(x));
    x.dispose();
    lm.dispose();
    expect(report.macs).toBe(independent);
    // The x2 upscaler's output is 64×64×3.
    expect(report.ops.at(-1)?.outputShape).toEqual([1, 64, 64, 3]);
    expect(report.uncounted).toEqual({});
  });
});
