import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { costTflite, sizeTflite } from '../../../src/formats/tflite/cost.js';
import {
  BufferT,
  BuiltinOperator,
  ModelT,
  OperatorCodeT,
  OperatorT,
  SubGraphT,
  TensorT,
  TensorType,
} from '../../../src/formats/tflite/generated/schema_generated.js';
import type { TfliteGraph } from '../../../src/formats/tflite/graph.js';

const f32 = (shape: number[], buffer = 0): TensorT => new TensorT(shape, TensorType.FLOAT32, buffer);
const bytes = (shape: number[]): Uint8Array => new Uint8Array(4 * shape.reduce((a, b) => a * b, 1));

/** conv 3×3 (3→16) → depthwise 3×3 → relu → reshape → fully connected 1024→10, all shapes static. */
function tinyNet(): TfliteGraph {
  const tensors = [
    f32([1, 8, 8, 3]),
    f32([16, 3, 3, 3], 1),
    f32([16], 2),
    f32([1, 8, 8, 16]),
    f32([1, 3, 3, 16], 3),
    f32([16], 4),
    f32([1, 8, 8, 16]),
    f32([1, 8, 8, 16]),
    new TensorT([2], TensorType.INT32, 5),
    f32([1, 1024]),
    f32([10, 1024], 6),
    f32([10], 7),
    f32([1, 10]),
  ];
  const code = (op: BuiltinOperator): OperatorCodeT => new OperatorCodeT(op, null, 1, op);
  const model = new ModelT(
    3,
    [
      code(BuiltinOperator.CONV_2D),
      code(BuiltinOperator.DEPTHWISE_CONV_2D),
      code(BuiltinOperator.RELU),
      code(BuiltinOperator.RESHAPE),
      code(BuiltinOperator.FULLY_CONNECTED),
    ],
    [
      new SubGraphT(
        tensors,
        [0],
        [12],
        [
          new OperatorT(0, [0, 1, 2], [3]),
          new OperatorT(1, [3, 4, 5], [6]),
          new OperatorT(2, [6], [7]),
          new OperatorT(3, [7, 8], [9]),
          new OperatorT(4, [9, 10, 11], [12]),
        ],
      ),
    ],
    null,
    Array.from({ length: 8 }, () => new BufferT()),
  );
  const buffers = [new Uint8Array(0), bytes([16, 3, 3, 3]), bytes([16]), bytes([1, 3, 3, 16]), bytes([16]), new Uint8Array(8), bytes([10, 1024]), bytes([10])];
  return { model, buffers };
}

describe('costTflite', () => {
  it('counts MACs per op from the shapes, FLOPs as 2 per MAC or 1 per element, parameters once per buffer', () => {
    const cost = costTflite(tinyNet());
    expect(cost.operators.map((o) => [o.op, o.macs, o.flops])).toEqual([
      ['CONV_2D', 8 * 8 * 16 * 3 * 3 * 3, 2 * 8 * 8 * 16 * 27],
      ['DEPTHWISE_CONV_2D', 8 * 8 * 16 * 9, 2 * 8 * 8 * 16 * 9],
      ['RELU', 0, 8 * 8 * 16],
      ['RESHAPE', 0, 0],
      ['FULLY_CONNECTED', 10 * 1024, 2 * 10 * 1024],
    ]);
    expect(cost.macs).toBe(27_648 + 9_216 + 10_240);
    expect(cost.parameters).toBe(16 * 27 + 16 + 9 * 16 + 16 + 2 + 10 * 1024 + 10);
  });

  it('counts a buffer shared by two tensors once', () => {
    const net = tinyNet();
    const t = net.model.subgraphs[0]?.tensors[5];
    if (t) t.buffer = 2; // the depthwise bias now reuses the conv bias
    expect(costTflite(net).parameters).toBe(16 * 27 + 16 + 9 * 16 + 2 + 10 * 1024 + 10);
  });

  it('says which subgraph is missing', () => {
    expect(() => costTflite(tinyNet(), 3)).toThrow('subgraph 3 does not exist; the model has 1');
  });
});

describe('sizeTflite', () => {
  it('reports raw, gzip and brotli bytes; zeros compress, noise does not', () => {
    const zeros = sizeTflite(new Uint8Array(100_000));
    expect(zeros.rawBytes).toBe(100_000);
    expect(zeros.gzipBytes).toBeLessThan(1_000);
    expect(zeros.brotliBytes).toBeLessThan(zeros.gzipBytes);
    const noise = new Uint8Array(randomBytes(100_000));
    expect(sizeTflite(noise).gzipBytes).toBeGreaterThan(50_000);
  });
});
