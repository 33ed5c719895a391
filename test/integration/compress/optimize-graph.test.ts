import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compressModel } from '../../../src/compress/registry.js';
import { optimizeChecked } from '../../../src/compress/optimize-check.js';
import { optimizeGraph, type OptimizePattern } from '../../../src/compress/optimize-graph.js';
import type { GraphNode } from '../../../src/compress/graph-def.js';
import { decodeWeights } from '../../../src/compress/weights.js';
import { measureDrift } from '../../../src/measure/drift.js';
import { instantiate } from '../../../src/runtimes/index.js';
import { makeInputs } from '../../../src/measure/inputs.js';
import { selectRuntime } from '../../../src/runtimes/index.js';
import { loadAsTfjs } from '../../../src/formats/index.js';
import type { TfjsLoadedModel } from '../../../src/model/types.js';
import { saveModel } from '../../../src/formats/tfjs/save.js';
import { corpusModel } from '../../helpers/corpus.js';
import { scratchDir } from '../../unit/keras/fixtures.js';
import { convAttrs, graphArtifacts, op, type ConstSpec } from '../../helpers/graph-artifacts.js';

/**
 * Corpus graph models and the rewrites the optimizer finds in each. Only faceres-deep was converted without the
 * converter's fusing passes; blazepose and rvm keep Keras' ZeroPadding2D as a Pad before a VALID convolution, and
 * rvm its dilated depthwise convolutions as SpaceToBatchND → conv → BatchToSpaceND with paddings computed from the
 * input's shape; on the others every rewrite it could make is already made.
 */
const CASES: readonly { id: string; rewrites: Partial<Record<OptimizePattern, number>> }[] = [
  { id: 'human-faceres-deep', rewrites: { relu6: 27, 'fold-scale': 13, fuse: 27 } },
  { id: 'human-emotion', rewrites: { fuse: 0 } },
  { id: 'human-gender', rewrites: { fuse: 0 } },
  { id: 'human-movenet-lightning', rewrites: { fuse: 0 } },
  { id: 'human-blazepose-heavy', rewrites: { fuse: 0, pad: 5 } },
  { id: 'human-facemesh-attention', rewrites: { fuse: 0 } },
  { id: 'human-rvm', rewrites: { fuse: 0, identity: 0, 'space-to-batch': 3, pad: 16 } },
  { id: 'human-handtrack', rewrites: { fuse: 0, identity: 0 } },
];

async function driftOf(model: TfjsLoadedModel, candidate: tf.io.ModelArtifacts): Promise<number> {
  const a = await instantiate(model);
  const b = await instantiate({ ...model, artifacts: candidate });
  const inputs = [makeInputs(a.inputs, { seed: 1 })];
  try {
    return (await measureDrift(a, b, inputs)).maxAbsError;
  } finally {
    a.dispose();
    b.dispose();
  }
}

describe('optimizeGraph on the corpus graph models (cpu backend, stock tf.loadGraphModel)', () => {
  for (const c of CASES) {
    it(`${c.id}: the optimized model loads and its outputs move by at most 1e-5`, async () => {
      await selectRuntime('cpu');
      const model = await loadAsTfjs(corpusModel(c.id).path);
      const result = optimizeGraph(model.artifacts);
      for (const [p, n] of Object.entries(c.rewrites)) expect(result.rewrites[p as OptimizePattern], p).toBe(n);
      // A model with nothing to rewrite comes back as the same artifacts (served byte for byte as before).
      if (Object.values(result.rewrites).every((n) => n === 0)) expect(result.artifacts).toBe(model.artifacts);
      expect(await driftOf(model, result.artifacts)).toBeLessThanOrEqual(1e-5);
    }, 300_000);
  }

  it('faceres-deep: the optimized model, written to disk as model.json and shards, loads in stock tf.loadGraphModel', async () => {
    await selectRuntime('cpu');
    const model = await loadAsTfjs(corpusModel('human-faceres-deep').path);
    const dir = scratchDir();
    await saveModel({ artifacts: optimizeGraph(model.artifacts).artifacts, format: 'graph' }, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: object;
      signature: object;
      weightsManifest: tf.io.WeightsManifestConfig;
    };
    const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
    const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const loaded = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData,
        signature: json.signature,
      }),
    );
    const x = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 3);
    const outputs = loaded.execute(x) as tf.Tensor[];
    const original = await tf.loadGraphModel(tf.io.fromMemory(model.artifacts));
    const expected = original.execute(x) as tf.Tensor[];
    expect(outputs.map((t) => t.shape)).toEqual(expected.map((t) => t.shape));
    for (const [i, t] of outputs.entries()) expect(tf.max(tf.abs(tf.sub(t, expected[i] ?? t))).dataSync()[0]).toBeLessThanOrEqual(1e-5);
    expect(json.modelTopology).toMatchObject({ node: expect.arrayContaining([expect.objectContaining({ op: '_FusedConv2D' })]) as unknown });
    tf.dispose([x, ...outputs, ...expected]);
    loaded.dispose();
    original.dispose();
  }, 120_000);

  it('faceres-deep: from 283 graph nodes to 95, weights the same size', async () => {
    const model = await loadAsTfjs(corpusModel('human-faceres-deep').path);
    const result = optimizeGraph(model.artifacts);
    expect([result.nodesBefore, result.nodesAfter]).toEqual([283, 95]);
    const bytes = (a: tf.io.ModelArtifacts): number => (a.weightSpecs ?? []).reduce((n, s) => n + 4 * s.shape.reduce((m, d) => m * d, 1), 0);
    // The BatchNorm scale vectors are gone (folded into the kernels); every kernel keeps its size.
    expect(bytes(result.artifacts)).toBeLessThan(bytes(model.artifacts));
  }, 120_000);
});

describe('optimizeGraph on hand-built graphs, run by stock TF.js', () => {
  const ch = 4;
  const ramp = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
  const nodes: GraphNode[] = [
    op('dw', 'DepthwiseConv2dNative', ['x', 'dk'], convAttrs()),
    op('bn_mul', 'Mul', ['dw', 'scale']),
    op('bn_add', 'AddV2', ['bn_mul', 'shift']),
    op('pre', 'Prelu', ['bn_add', 'alpha']),
    op('id', 'Identity', ['pre']),
    op('pw', 'Conv2D', ['id', 'pk'], convAttrs('VALID')),
    op('pw_bias', 'BiasAdd', ['pw', 'pb']),
    op('leak_mul', 'Mul', ['pw_bias', 'slope']),
    op('leak', 'Maximum', ['pw_bias', 'leak_mul']),
    op('r', 'Relu', ['leak']),
    op('mn', 'Minimum', ['r', 'six']),
    op('y', 'Maximum', ['mn', 'zero']),
  ];
  const artifacts = graphArtifacts(
    [1, 5, 5, 2],
    nodes,
    {
      dk: { shape: [3, 3, 2, 2], values: ramp(36, (i) => Math.sin(i) * 0.7) },
      scale: { shape: [ch], values: [1.5, -0.5, 0.25, 2] },
      shift: { shape: [ch], values: [0.1, -0.2, 0.3, 0] },
      alpha: { shape: [ch], values: [0.1, 0.2, 0.3, 0.4] },
      pk: { shape: [1, 1, ch, 3], values: ramp(12, (i) => Math.cos(i)) },
      pb: { shape: [3], values: [0.5, -0.5, 1] },
      slope: { shape: [], values: [0.1] },
      six: { shape: [], values: [6] },
      zero: { shape: [], values: [0] },
    },
    ['y'],
  );

  it('every pattern fires once and the outputs stay within 1e-6', async () => {
    await tf.setBackend('cpu');
    const result = optimizeGraph(artifacts);
    expect(result.rewrites).toMatchObject({ identity: 1, relu6: 1, 'leaky-relu': 1, 'fold-scale': 1, fuse: 2 });
    const x = tf.randomUniform([1, 5, 5, 2], -3, 3, 'float32', 7);
    const run = async (a: tf.io.ModelArtifacts): Promise<Float32Array> => {
      const m = await tf.loadGraphModel(tf.io.fromMemory(a));
      const out = m.predict(x) as tf.Tensor;
      const data = (await out.data()) as Float32Array;
      out.dispose();
      m.dispose();
      return data;
    };
    const [want, got] = [await run(artifacts), await run(result.artifacts)];
    expect(got.length).toBe(want.length);
    let max = 0;
    for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs((want[i] ?? 0) - (got[i] ?? NaN)));
    expect(max).toBeLessThanOrEqual(1e-6);
    x.dispose();
  });

  it('a pattern that moves the outputs by more than 1e-5 is refused and named', async () => {
    // An evaluator that sees drift whenever the kernel was scaled: fold-scale is left out, the rest applies.
    const original = decodeWeights(artifacts).find((w) => w.name === 'dk')?.data;
    const evaluate = (a: tf.io.ModelArtifacts): Promise<{ maxAbsError: number }> => {
      const dk = decodeWeights(a).find((w) => w.name === 'dk')?.data;
      return Promise.resolve({ maxAbsError: dk?.[1] === original?.[1] ? 0 : 1e-3 });
    };
    const result = await optimizeChecked(artifacts, evaluate);
    expect(result.refused).toEqual(['fold-scale']);
    expect(result.rewrites['fold-scale']).toBe(0);
    expect(result.rewrites.relu6).toBe(1);
    expect(result.warnings).toEqual(["optimize: left out fold-scale: the rewritten model's outputs moved by more than 0.00001 (max abs) from the original's"]);
  });
});

describe('the folding, padding and constant passes on a hand-built graph, run by stock TF.js on cpu and wasm', () => {
  const ramp = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
  const nodes: GraphNode[] = [
    op('pad', 'Pad', ['x', 'pads']),
    op('conv', 'Conv2D', ['pad', 'k'], { ...convAttrs('VALID'), strides: { list: { i: ['1', '2', '2', '1'] } } }),
    op('bias', 'BiasAdd', ['conv', 'cb']),
    op('bn', 'FusedBatchNormV3', ['bias', 'g', 'be', 'mu', 'var'], { epsilon: { f: 0.001 } }),
    op('relu', 'Relu', ['bn']),
    op('one_mul', 'Mul', ['relu', 'one']),
    op('dw', 'DepthwiseConv2dNative', ['one_mul', 'dk'], convAttrs()),
    op('sub', 'Sub', ['dw', 't']),
    op('add', 'AddV2', ['sub', 'u']),
    op('mul', 'Mul', ['add', 'v']),
    op('stop', 'StopGradient', ['mul']),
    op('c1', 'Mul', ['w', 'two']),
    op('c2', 'Sqrt', ['c1']),
    op('add2', 'Add', ['stop', 'c2']),
    op('y', 'Relu6', ['add2']),
  ];
  const artifacts = graphArtifacts(
    [1, 7, 7, 2],
    nodes,
    {
      pads: { shape: [4, 2], values: [0, 0, 1, 1, 0, 1, 0, 0], dtype: 'int32' },
      k: { shape: [3, 3, 2, 4], values: ramp(72, (i) => Math.sin(i * 1.3) * 0.5) },
      cb: { shape: [4], values: [0.1, -0.2, 0.3, 0] },
      g: { shape: [4], values: [1.5, 0.5, 2, 1] },
      be: { shape: [4], values: [0, 0.5, -0.5, 1] },
      mu: { shape: [4], values: [0.2, -0.1, 0, 0.3] },
      var: { shape: [4], values: [1, 0.25, 4, 0.5] },
      one: { shape: [], values: [1] },
      dk: { shape: [3, 3, 4, 1], values: ramp(36, (i) => Math.cos(i * 0.7) * 0.6) },
      t: { shape: [4], values: [0.5, 0, -0.5, 1] },
      u: { shape: [1, 1, 1, 4], values: [0.1, 0.2, 0.3, 0.4] },
      v: { shape: [4], values: [2, -1, 0.5, 3] },
      w: { shape: [4], values: [2, 8, 0.5, 4.5] },
      two: { shape: [], values: [2] },
    },
    ['y'],
  );

  const run = async (a: tf.io.ModelArtifacts, x: tf.Tensor): Promise<Float32Array> => {
    const m = await tf.loadGraphModel(tf.io.fromMemory(a));
    const out = m.predict(x) as tf.Tensor;
    const data = (await out.data()) as Float32Array;
    out.dispose();
    m.dispose();
    return data;
  };

  it('every pass fires and leaves two fused convolutions', () => {
    const result = optimizeGraph(artifacts);
    expect(result.rewrites).toMatchObject({ identity: 2, 'fold-constants': 2, pad: 1, batchnorm: 1, 'fold-scale': 1, 'fold-bias': 3, fuse: 2 });
    const ops = (result.artifacts.modelTopology as { node: GraphNode[] }).node.filter((n) => n.op !== 'Const').map((n) => n.op);
    expect(ops).toEqual(['Placeholder', '_FusedConv2D', 'FusedDepthwiseConv2dNative']);
  });

  for (const runtime of ['cpu', 'wasm'] as const) {
    it(`${runtime}: the outputs stay within 1e-5 of the original's`, async () => {
      await selectRuntime(runtime);
      const result = optimizeGraph(artifacts);
      const x = tf.randomUniform([1, 7, 7, 2], -2, 2, 'float32', 11);
      const [want, got] = [await run(artifacts, x), await run(result.artifacts, x)];
      x.dispose();
      expect(got.length).toBe(want.length);
      let max = 0;
      for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs((want[i] ?? 0) - (got[i] ?? NaN)));
      expect(max).toBeLessThanOrEqual(1e-5);
      // The graph computes something: not every output is clipped to the same value.
      expect(new Set(want).size).toBeGreaterThan(10);
    }, 60_000);
  }
});

describe('space-to-batch: a dilated convolution as SpaceToBatchND → conv → BatchToSpaceND, run by stock TF.js', () => {
  const int = (values: number[], shape: number[]): ConstSpec => ({ shape, values, dtype: 'int32' });
  const graph = (crops: number[]): tf.io.ModelArtifacts =>
    graphArtifacts(
      [1, 9, 9, 2],
      [
        op('s2b', 'SpaceToBatchND', ['x', 'block', 'paddings']),
        op('dw', 'DepthwiseConv2dNative', ['s2b', 'k'], convAttrs('VALID')),
        op('y', 'BatchToSpaceND', ['dw', 'block', 'crops']),
      ],
      {
        block: int([2, 2], [2]),
        paddings: int([0, 1, 0, 1], [2, 2]),
        crops: int(crops, [2, 2]),
        k: { shape: [3, 3, 2, 1], values: Array.from({ length: 18 }, (_, i) => Math.sin(i + 1)) },
      },
      ['y'],
    );

  for (const runtime of ['cpu', 'wasm'] as const) {
    it(`${runtime}: becomes one DepthwiseConv2dNative with dilations [1, 2, 2, 1] and the same outputs`, async () => {
      await selectRuntime(runtime);
      const artifacts = graph([0, 1, 0, 1]);
      const result = optimizeGraph(artifacts);
      expect(result.rewrites['space-to-batch']).toBe(1);
      const y = (result.artifacts.modelTopology as { node: GraphNode[] }).node.find((n) => n.name === 'y');
      expect([y?.op, y?.input, y?.attr?.['dilations']]).toEqual(['DepthwiseConv2dNative', ['x', 'k'], { list: { i: ['1', '2', '2', '1'] } }]);
      const x = tf.randomUniform([1, 9, 9, 2], -1, 1, 'float32', 5);
      const run = async (a: tf.io.ModelArtifacts): Promise<{ shape: number[]; data: Float32Array }> => {
        const m = await tf.loadGraphModel(tf.io.fromMemory(a));
        const out = m.predict(x) as tf.Tensor;
        const r = { shape: out.shape, data: (await out.data()) as Float32Array };
        out.dispose();
        m.dispose();
        return r;
      };
      const [want, got] = [await run(artifacts), await run(result.artifacts)];
      x.dispose();
      expect(got.shape).toEqual(want.shape);
      expect(want.shape).toEqual([1, 5, 5, 2]);
      let max = 0;
      for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs((want.data[i] ?? 0) - (got.data[i] ?? NaN)));
      expect(max).toBeLessThanOrEqual(1e-6);
    });
  }

  it('crops that differ from the paddings are not a dilated convolution: left as they are', () => {
    expect(optimizeGraph(graph([0, 1, 1, 0])).rewrites['space-to-batch']).toBe(0);
  });
});

describe('compress: { optimize: true }', () => {
  it('runs first and reports the node counts and rewrites per pattern', async () => {
    const model = await loadAsTfjs(corpusModel('human-faceres-deep').path);
    const result = await compressModel(model, { optimize: true, quantize: 'uint8' });
    expect(result.steps.map((s) => [s.technique, s.summary])).toEqual([
      ['optimize', 'graph nodes 283 → 95 (27 relu6, 13 fold-scale, 27 fuse, 67 dead-nodes)'],
      ['quantize', expect.stringMatching(/^uint8 \(sum-preserving rounding\): /) as unknown as string],
    ]);
  }, 120_000);
});
