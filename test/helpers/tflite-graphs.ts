import {
  BufferT,
  BuiltinOperator,
  BuiltinOptions,
  FullyConnectedOptionsT,
  ModelT,
  OperatorCodeT,
  OperatorT,
  SubGraphT,
  TensorT,
  TensorType,
} from '../../src/formats/tflite/generated/schema_generated.js';
import type { TfliteGraph } from '../../src/formats/tflite/graph.js';
import { seededInput } from './drift.js';

const bytes = (values: Float32Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/**
 * A one-operator model: FULLY_CONNECTED of a [1, inputs] float input with seeded [units, inputs] weights and a
 * [units] bias, then `tail` (e.g. a LOGISTIC) when given. Weights are float32 unless `weightType` says FLOAT16 (a
 * model with no float32 weight).
 */
export function fullyConnectedGraph(options: { inputs?: number; units?: number; tail?: BuiltinOperator; weightType?: TensorType } = {}): TfliteGraph {
  const inputs = options.inputs ?? 16;
  const units = options.units ?? 8;
  const weights = seededInput(units * inputs, 3, -0.5, 0.5);
  const bias = seededInput(units, 4, -0.1, 0.1);
  const weightBytes = options.weightType === TensorType.FLOAT16 ? new Uint8Array(weights.length * 2) : bytes(weights);
  const buffers = [new Uint8Array(0), weightBytes, bytes(bias)];
  const tensors = [
    new TensorT([1, inputs], TensorType.FLOAT32, 0, 'input'),
    new TensorT([units, inputs], options.weightType ?? TensorType.FLOAT32, 1, 'dense/kernel'),
    new TensorT([units], TensorType.FLOAT32, 2, 'dense/bias'),
    new TensorT([1, units], TensorType.FLOAT32, 0, 'dense'),
  ];
  const codes = [new OperatorCodeT(BuiltinOperator.FULLY_CONNECTED, null, 1, BuiltinOperator.FULLY_CONNECTED)];
  const operators = [new OperatorT(0, [0, 1, 2], [3], BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptionsT())];
  let output = 3;
  if (options.tail !== undefined) {
    codes.push(new OperatorCodeT(Math.min(options.tail, 127), null, 1, options.tail));
    tensors.push(new TensorT([1, units], TensorType.FLOAT32, 0, 'output'));
    operators.push(new OperatorT(1, [3], [4]));
    output = 4;
  }
  const subgraph = new SubGraphT(tensors, [0], [output], operators, 'main');
  return {
    model: new ModelT(
      3,
      codes,
      [subgraph],
      'fully connected',
      buffers.map(() => new BufferT()),
    ),
    buffers,
  };
}
