/**
 * Keras files predict what Keras would: each model's output is checked against a forward pass written here in plain
 * JavaScript (float64) from the weights read straight out of the file with h5wasm, by a path that shares no code
 * with model-budget's reader, its Keras 3 translation or tfjs-layers. The layer stacks are written out by hand from
 * test/fixtures/keras/SOURCES.md.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import h5wasm from 'h5wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKerasModel } from '../../../src/formats/keras/index.js';
import { fixture } from './fixtures.js';

type Activation = 'linear' | 'relu' | 'softmax' | 'sigmoid' | { leakyRelu: number };
interface DenseRef {
  /** Dataset paths of kernel [in, out] and bias [out] inside the HDF5 file. */
  readonly kernel: string;
  readonly bias: string;
  readonly activation: Activation;
}

/** Reads datasets by path with h5wasm's own API. */
async function readDatasets(h5: Uint8Array, paths: readonly string[]): Promise<Map<string, { shape: number[]; values: Float64Array }>> {
  const module = await h5wasm.ready;
  const name = `/reference-${Math.random().toString(36).slice(2)}.h5`;
  module.FS.writeFile(name, h5);
  const file = new h5wasm.File(name, 'r');
  try {
    const out = new Map<string, { shape: number[]; values: Float64Array }>();
    for (const path of paths) {
      const dataset = file.get(path);
      if (!(dataset instanceof h5wasm.Dataset)) throw new Error(`no dataset ${path}`);
      out.set(path, { shape: dataset.shape ?? [], values: Float64Array.from(dataset.value as Float32Array) });
    }
    return out;
  } finally {
    file.close();
    module.FS.unlink(name);
  }
}

function activate(row: Float64Array, activation: Activation): Float64Array {
  if (activation === 'linear') return row;
  if (activation === 'relu') return row.map((v) => Math.max(0, v));
  if (activation === 'sigmoid') return row.map((v) => 1 / (1 + Math.exp(-v)));
  if (activation === 'softmax') {
    const max = Math.max(...row);
    const exp = row.map((v) => Math.exp(v - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    return exp.map((v) => v / sum);
  }
  const slope = activation.leakyRelu;
  return row.map((v) => (v >= 0 ? v : v * slope));
}

/** y = act(x · W + b), layer after layer, for one sample. */
async function referenceForward(h5: Uint8Array, layers: readonly DenseRef[], sample: Float64Array): Promise<Float64Array> {
  const data = await readDatasets(
    h5,
    layers.flatMap((l) => [l.kernel, l.bias]),
  );
  let x = sample;
  for (const layer of layers) {
    const kernel = data.get(layer.kernel);
    const bias = data.get(layer.bias);
    if (!kernel || !bias) throw new Error('missing weights');
    const [inputs = 0, units = 0] = kernel.shape;
    expect(inputs).toBe(x.length);
    const y = new Float64Array(units);
    for (let j = 0; j < units; j++) {
      let sum = bias.values[j] ?? 0;
      for (let i = 0; i < inputs; i++) sum += (x[i] ?? 0) * (kernel.values[i * units + j] ?? 0);
      y[j] = sum;
    }
    x = activate(y, layer.activation);
  }
  return x;
}

/** Deterministic inputs in [-1, 1) (a small LCG, so nothing depends on a library's random generator). */
function samples(count: number, width: number, seed: number): Float64Array[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
  return Array.from({ length: count }, () => Float64Array.from({ length: width }, next));
}

const k2 = (layer: string, activation: Activation): DenseRef => ({
  kernel: `model_weights/${layer}/${layer}/kernel:0`,
  bias: `model_weights/${layer}/${layer}/bias:0`,
  activation,
});
const k3 = (layer: string, activation: Activation): DenseRef => ({ kernel: `layers/${layer}/vars/0`, bias: `layers/${layer}/vars/1`, activation });

describe('Keras models predict what a plain forward pass of their own weights gives', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    {
      file: 'k2-mlp-sequential.h5',
      width: 784,
      weights: (bytes: Uint8Array) => bytes,
      // Dense > Activation(relu) > Dropout > Dense > Activation(relu) > Dropout > Dense > Activation(softmax)
      layers: [k2('dense_1', 'relu'), k2('dense_2', 'relu'), k2('dense_3', 'softmax')],
    },
    {
      file: 'k3-mlp-leakyrelu-sequential.keras',
      width: 2,
      weights: (bytes: Uint8Array) => unzipSync(bytes)['model.weights.h5'] ?? new Uint8Array(),
      // Dense(relu) > Dropout > Dense > LeakyReLU(0.2) > Dense > LeakyReLU(0.2) > Dense
      layers: [k3('dense', 'relu'), k3('dense_1', { leakyRelu: 0.2 }), k3('dense_2', { leakyRelu: 0.2 }), k3('dense_3', 'linear')],
    },
    {
      file: 'k2.15-mlp-sequential.keras',
      width: 40,
      weights: (bytes: Uint8Array) => unzipSync(bytes)['model.weights.h5'] ?? new Uint8Array(),
      // Dense(relu) > Dropout > Dense(relu) > Dropout > Flatten (a no-op on rank 2) > Dense(sigmoid)
      layers: [k3('dense', 'relu'), k3('dense_1', 'relu'), k3('dense_2', 'sigmoid')],
    },
  ])('$file', async ({ file, width, weights, layers }) => {
    const inputs = samples(3, width, 7);
    const h5 = weights(readFileSync(fixture(file)));
    const expected = await Promise.all(inputs.map((x) => referenceForward(h5, layers, x)));

    const loaded = await loadKerasModel(fixture(file));
    const model = await tf.loadLayersModel(tf.io.fromMemory(loaded.artifacts));
    const batch = tf.tensor2d(inputs.map((x) => Array.from(x)));
    const out = model.predict(batch) as tf.Tensor;
    const actual = (await out.array()) as number[][];
    tf.dispose([batch, out]);
    model.dispose();

    expect(actual.length).toBe(expected.length);
    for (const [i, row] of actual.entries()) {
      const want = expected[i] ?? new Float64Array();
      expect(row.length).toBe(want.length);
      const worst = Math.max(...row.map((v, j) => Math.abs(v - (want[j] ?? Number.NaN))));
      expect(worst, `${file} sample ${i}`).toBeLessThan(1e-5);
    }
    // Not a constant: the samples give different outputs, so agreeing is not trivial.
    expect(new Set(actual.map((r) => r.map((v) => v.toFixed(6)).join())).size).toBe(actual.length);
  });
});
