import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countTfjsFlops as countFlops } from '../../../src/formats/tfjs/cost.js';
import { nodeCost } from '../../../src/formats/tfjs/flops-graph.js';
import { layerCost } from '../../../src/formats/tfjs/flops-layers.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

describe('countFlops on a layers model built in the test', () => {
  it('matches hand-computed MACs, FLOPs and params', async () => {
    const input = tf.input({ shape: [8, 8, 3], name: 'image' });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }).apply(input);
    const pool = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(conv);
    const flat = tf.layers.flatten({ name: 'flat' }).apply(pool);
    const dense = tf.layers.dense({ units: 10, name: 'dense' }).apply(flat) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: dense });
    const report = await countFlops({ format: 'layers', path: 'hand.json', artifacts: await layersModelArtifacts(model) });
    // conv: 8·8·4 = 256 outputs × 3·3·3 = 6912 MACs; + bias 256 + relu 256.
    // pool: 4·4·4 = 64 outputs × 2·2 = 256.  dense: 10 × 64 = 640 MACs; + bias 10.
    expect(report.ops.map((o) => [o.name, o.outputShape, o.macs, o.flops, o.params])).toEqual([
      ['conv', [1, 8, 8, 4], 6912, 2 * 6912 + 512, 3 * 3 * 3 * 4 + 4],
      ['pool', [1, 4, 4, 4], 0, 256, 0],
      ['dense', [1, 10], 640, 2 * 640 + 10, 64 * 10 + 10],
    ]);
    expect(report.macs).toBe(7552);
    expect(report.flops).toBe(14336 + 256 + 1290);
    expect(report.params).toBe(model.countParams());
    expect(report.inputShapes).toEqual({ image: [1, 8, 8, 3] });
    expect(report.uncounted).toEqual({});
    model.dispose();
  });

  it('takes configured input shapes and a batch for unknown dims', async () => {
    const input = tf.input({ shape: [null, null, 2], name: 'x' });
    const out = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'valid', useBias: false, name: 'dw' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const artifacts = await layersModelArtifacts(model);
    const byDefault = await countFlops({ format: 'layers', path: 'dw.json', artifacts }, { batch: 2 });
    // 2 × 62 × 62 × 2 outputs × 9 MACs.
    expect(byDefault.macs).toBe(2 * 62 * 62 * 2 * 9);
    const configured = await countFlops({ format: 'layers', path: 'dw.json', artifacts }, { inputShapes: { x: [1, 10, 12, 2] } });
    expect(configured.macs).toBe(8 * 10 * 2 * 9);
    model.dispose();
  });
});

describe('layerCost', () => {
  const table: { what: string; input: Parameters<typeof layerCost>; expected: { macs: number; flops: number; counted: boolean } }[] = [
    {
      what: 'separable conv = depthwise + pointwise',
      input: ['SeparableConv2D', { kernelSize: [3, 3], depthMultiplier: 1, useBias: false, activation: 'linear' }, [[1, 4, 4, 8]], [1, 4, 4, 16]],
      expected: { macs: 16 * 8 * 9 + 16 * 8 * 16, flops: 2 * (16 * 8 * 9 + 16 * 8 * 16), counted: true },
    },
    {
      what: 'Add of three inputs is two adds per element',
      input: [
        'Add',
        {},
        [
          [1, 5],
          [1, 5],
          [1, 5],
        ],
        [1, 5],
      ],
      expected: { macs: 0, flops: 10, counted: true },
    },
    { what: 'batch norm is scale + shift', input: ['BatchNormalization', {}, [[1, 3]], [1, 3]], expected: { macs: 0, flops: 6, counted: true } },
    {
      what: 'nearest upsampling is free',
      input: ['UpSampling2D', { interpolation: 'nearest' }, [[1, 2, 2, 1]], [1, 4, 4, 1]],
      expected: { macs: 0, flops: 0, counted: true },
    },
    {
      what: 'global average pooling reads every input',
      input: ['GlobalAveragePooling2D', {}, [[1, 4, 4, 2]], [1, 2]],
      expected: { macs: 0, flops: 32, counted: true },
    },
    { what: 'an unknown layer is flagged', input: ['MyLayer', {}, [[1]], [1]], expected: { macs: 0, flops: 0, counted: false } },
  ];
  it.each(table)('$what', ({ input, expected }) => {
    expect(layerCost(...input)).toEqual(expected);
  });
});

describe('nodeCost', () => {
  const relu = Buffer.from('Relu').toString('base64');
  const bias = Buffer.from('BiasAdd').toString('base64');
  const table: { what: string; input: Parameters<typeof nodeCost>; expected: { macs: number; flops: number; counted: boolean } }[] = [
    {
      what: '_FusedConv2D with bias and relu',
      input: [{ name: 'c', op: '_FusedConv2D', attr: { fused_ops: { list: { s: [bias, relu] } } } }, [[1, 8, 8, 3], [3, 3, 3, 4], [4]], [1, 8, 8, 4]],
      expected: { macs: 256 * 27, flops: 2 * 256 * 27 + 512, counted: true },
    },
    {
      what: 'depthwise conv',
      input: [
        { name: 'd', op: 'DepthwiseConv2dNative' },
        [
          [1, 8, 8, 4],
          [3, 3, 4, 1],
        ],
        [1, 4, 4, 4],
      ],
      expected: { macs: 64 * 9, flops: 2 * 64 * 9, counted: true },
    },
    {
      what: 'MatMul with transpose_a reads K from the first dim',
      input: [
        { name: 'm', op: 'MatMul', attr: { transpose_a: { b: true } } },
        [
          [7, 2],
          [7, 5],
        ],
        [2, 5],
      ],
      expected: { macs: 70, flops: 140, counted: true },
    },
    {
      what: '_FusedMatMul',
      input: [{ name: 'm', op: '_FusedMatMul', attr: { fused_ops: { list: { s: [bias] } } } }, [[1, 64], [64, 10], [10]], [1, 10]],
      expected: { macs: 640, flops: 1290, counted: true },
    },
    {
      what: 'MaxPool reads ksize',
      input: [{ name: 'p', op: 'MaxPool', attr: { ksize: { list: { i: ['1', '3', '3', '1'] } } } }, [[1, 4, 4, 2]], [1, 2, 2, 2]],
      expected: { macs: 0, flops: 72, counted: true },
    },
    { what: 'Mean reads every input', input: [{ name: 'r', op: 'Mean' }, [[1, 4, 4, 2], [2]], [1, 2]], expected: { macs: 0, flops: 32, counted: true } },
    { what: 'Reshape is free', input: [{ name: 'r', op: 'Reshape' }, [[4], [1]], [2, 2]], expected: { macs: 0, flops: 0, counted: true } },
    { what: 'unknown op is flagged', input: [{ name: 'x', op: 'Einsum' }, [[2]], [2]], expected: { macs: 0, flops: 0, counted: false } },
  ];
  it.each(table)('$what', ({ input, expected }) => {
    expect(nodeCost(...input)).toEqual(expected);
  });
});
