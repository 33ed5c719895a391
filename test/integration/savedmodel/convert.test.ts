/**
 * SavedModel → TF.js graph model, loaded by stock tf.loadGraphModel and compared with references computed without
 * the converter: 3·x for the tfjs-node test object, and the Keras model rebuilt as a TF.js layers model from the
 * config embedded in saved_model.pb (with the same variables) for the DS-CNN keyword spotter.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertSavedModelDir } from '../../../src/formats/savedmodel/load.js';
import { kerasRebuild } from '../../helpers/keras-rebuild.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'savedmodel');

interface GraphNode {
  readonly name: string;
  readonly op: string;
  readonly input: readonly string[];
}

const nodesOf = (artifacts: tf.io.ModelArtifacts): GraphNode[] => (artifacts.modelTopology as { node: GraphNode[] }).node;

describe('convertSavedModel', () => {
  it('times-three-float: the variable is frozen and the graph computes exactly 3·x', async () => {
    const converted = await convertSavedModelDir(join(FIXTURES, 'times-three-float'));
    expect(converted.signatures).toEqual(['serving_default']);
    const ops = nodesOf(converted.artifacts).map((n) => n.op);
    expect(ops).not.toContain('ReadVariableOp');
    expect(ops).not.toContain('StatefulPartitionedCall');
    expect(converted.artifacts.weightSpecs).toEqual([expect.objectContaining({ dtype: 'float32', shape: [] })]);
    const model = await tf.loadGraphModel(tf.io.fromMemory(converted.artifacts));
    for (const x of [1.5, -2, 0, 1e6, 0.1]) {
      const y = model.execute(tf.scalar(x)) as tf.Tensor;
      expect(y.dataSync()[0]).toBe(Math.fround(Math.fround(x) * 3));
    }
  });

  const KWS_OPS = {
    frozen: [
      'Placeholder',
      'Const',
      'Conv2D',
      'BiasAdd',
      'FusedBatchNormV3',
      'Relu',
      'Identity',
      'DepthwiseConv2dNative',
      'AvgPool',
      'Reshape',
      'MatMul',
      'Softmax',
    ],
    // As tensorflowjs_converter writes it: BatchNorm folded, bias and ReLU fused, the dropout Identity nodes gone.
    optimized: ['Placeholder', 'Const', '_FusedConv2D', 'FusedDepthwiseConv2dNative', 'AvgPool', 'Reshape', '_FusedMatMul', 'Softmax', 'Identity'],
  };
  for (const [what, optimize, nodeCount, tolerance] of [
    ['frozen only', false, 104, 1e-6],
    ['frozen and optimized', true, 36, 1e-5],
  ] as const) {
    it(`kws-dscnn, ${what}: equals the Keras network rebuilt from its own config and variables (${tolerance})`, async () => {
      const dir = join(FIXTURES, 'kws-dscnn');
      const converted = await convertSavedModelDir(dir, { optimize });
      const nodes = nodesOf(converted.artifacts);
      expect(new Set(nodes.map((n) => n.op))).toEqual(new Set(optimize ? KWS_OPS.optimized : KWS_OPS.frozen));
      expect(nodes).toHaveLength(nodeCount);
      // No node may refer to one that is not in the graph (every call fully inlined).
      const names = new Set(nodes.map((n) => n.name));
      for (const node of nodes) for (const input of node.input) expect(names, `${node.name} ← ${input}`).toContain(input.split(':')[0]);
      // Every weight is a Const node of the graph.
      for (const spec of converted.artifacts.weightSpecs ?? []) expect(names).toContain(spec.name);

      const graph = await tf.loadGraphModel(tf.io.fromMemory(converted.artifacts));
      const layers = await kerasRebuild(dir);
      const x = tf.randomNormal([8, 49, 10, 1], 0, 1, 'float32', 7);
      const got = graph.execute(x) as tf.Tensor;
      const want = layers.predict(x) as tf.Tensor;
      expect(got.shape).toEqual([8, 12]);
      const diff = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] ?? Number.NaN;
      expect(diff).toBeLessThan(tolerance);
      // The rebuild is a real reference: the network is not constant in its input.
      const spread = tf.max(tf.abs(tf.sub(want.slice([0, 0], [1, 12]), want.slice([1, 0], [1, 12])))).dataSync()[0] ?? 0;
      expect(spread).toBeGreaterThan(1e-3);
    });
  }
});

/** Runs a converted graph with inputs and outputs named as in its signature. */
async function runSignature(artifacts: tf.io.ModelArtifacts, inputs: Record<string, tf.Tensor>): Promise<Record<string, { dtype: string; values: number[] }>> {
  const signature = artifacts.signature as { inputs: Record<string, { name: string }>; outputs: Record<string, { name: string }> };
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  const feed: tf.NamedTensorMap = {};
  for (const [key, tensor] of Object.entries(inputs)) {
    const name = signature.inputs[key]?.name;
    if (name === undefined) throw new Error(`signature has no input ${key}`);
    feed[name.replace(/:0$/, '')] = tensor;
  }
  const keys = Object.keys(signature.outputs).sort();
  const outputs = model.execute(
    feed,
    keys.map((k) => signature.outputs[k]?.name.replace(/:0$/, '') ?? k),
  );
  const list = Array.isArray(outputs) ? outputs : [outputs];
  return Object.fromEntries(keys.map((k, i) => [k, { dtype: list[i]?.dtype ?? '', values: Array.from(list[i]?.dataSync() ?? []) }]));
}

// These objects declare scalar placeholders; tfjs-node feeds them vectors because a TensorFlow session does not check
// placeholder shapes, but tfjs does, and the converted graph keeps the declared shape. The math is elementwise, so
// the expected vectors from tfjs-node's saved_model_test.ts are checked one element at a time.
async function elementwise(
  artifacts: tf.io.ModelArtifacts,
  inputs: Record<string, number[]>,
  dtype: 'float32' | 'int32',
): Promise<Record<string, { dtype: string; values: number[] }>> {
  const length = Object.values(inputs)[0]?.length ?? 0;
  const merged: Record<string, { dtype: string; values: number[] }> = {};
  for (let i = 0; i < length; i++) {
    const feed = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.scalar(v[i] ?? 0, dtype)]));
    for (const [key, result] of Object.entries(await runSignature(artifacts, feed))) {
      merged[key] = { dtype: result.dtype, values: [...(merged[key]?.values ?? []), ...result.values] };
    }
  }
  return merged;
}

const inputKey = (artifacts: tf.io.ModelArtifacts): string => Object.keys((artifacts.signature as { inputs: object }).inputs)[0] ?? '';

describe('convertSavedModel on tfjs-node test objects (expected values from tfjs-node saved_model_test.ts)', () => {
  it('module_with_multiple_signatures: serving_default is 3·x, timestwo is 2·x', async () => {
    const dir = join(FIXTURES, 'module_with_multiple_signatures');
    const three = await convertSavedModelDir(dir);
    expect([...three.signatures].sort()).toEqual(['serving_default', 'timestwo']);
    const two = await convertSavedModelDir(dir, { signature: 'timestwo' });
    expect(Object.values(await elementwise(three.artifacts, { [inputKey(three.artifacts)]: [1, 2, 3] }, 'float32'))).toEqual([
      { dtype: 'float32', values: [3, 6, 9] },
    ]);
    expect(Object.values(await elementwise(two.artifacts, { [inputKey(two.artifacts)]: [1, 2, 3] }, 'float32'))).toEqual([
      { dtype: 'float32', values: [2, 4, 6] },
    ]);
  });

  it('int64_multiply: int64 values become int32 weights', async () => {
    const converted = await convertSavedModelDir(join(FIXTURES, 'int64_multiply'));
    expect(new Set(converted.artifacts.weightSpecs?.map((w) => w.dtype))).toEqual(new Set(['int32']));
    // This one declares its input as [2], so it takes the vector tfjs-node feeds.
    expect(Object.values(await runSignature(converted.artifacts, { [inputKey(converted.artifacts)]: tf.tensor1d([3, 4], 'int32') }))).toEqual([
      { dtype: 'int32', values: [18, 24] },
    ]);
  });

  it('model_multi_output: two inputs, two outputs in signature order', async () => {
    const converted = await convertSavedModelDir(join(FIXTURES, 'model_multi_output'));
    expect(await elementwise(converted.artifacts, { x: [1, 2, 3], y: [1, 2, 3] }, 'int32')).toEqual({
      output_0: { dtype: 'int32', values: [2, 4, 6] },
      output_1: { dtype: 'int32', values: [1, 2, 3] },
    });
  });
});
