import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { instantiate, runtimeMemory, selectRuntime, type TfjsModel } from '../../../src/runtimes/index.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

// A model that fails to load leaves nothing behind in the runtime: tfjs-layers builds the model's variables before
// it reads the weights, and a failed read used to leave them allocated for the rest of the process (2 tensors for
// one dense layer), which every later memory figure of the check then included.

async function dense(): Promise<tf.io.ModelArtifacts> {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 4, inputShape: [3], name: 'first' }), tf.layers.dense({ units: 2, name: 'second' })],
  });
  const saved = await layersModelArtifacts(model);
  model.dispose();
  return saved;
}

function truncated(artifacts: tf.io.ModelArtifacts, bytes: number): tf.io.ModelArtifacts {
  const data = artifacts.weightData;
  if (!(data instanceof ArrayBuffer)) throw new Error('expected one weight buffer');
  return { ...artifacts, weightData: data.slice(0, bytes) };
}

describe('a layers model whose weights do not load', () => {
  beforeAll(async () => {
    await selectRuntime('cpu');
  });

  it.each([
    ['the weights are short', (a: tf.io.ModelArtifacts) => truncated(a, 20)],
    ['the last weight is missing', (a: tf.io.ModelArtifacts) => ({ ...a, weightSpecs: (a.weightSpecs ?? []).slice(0, -1) })],
  ])('%s: the load fails and every tensor it made is released', async (_label, damage) => {
    const model: TfjsModel = { format: 'layers', artifacts: damage(await dense()), path: '/models/broken/model.json' };
    const before = runtimeMemory('layers');
    const variables = Object.keys(tf.engine().registeredVariables).length;
    const error = await instantiate(model).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MeasureError);
    expect((error as MeasureError).message).toContain('/models/broken/model.json');
    expect(runtimeMemory('layers').numTensors).toBe(before.numTensors);
    expect(runtimeMemory('layers').numBytes).toBe(before.numBytes);
    expect(Object.keys(tf.engine().registeredVariables)).toHaveLength(variables);
  });

  it('a model that loads keeps its variables until it is disposed', async () => {
    const before = runtimeMemory('layers').numTensors;
    const exec = await instantiate({ format: 'layers', artifacts: await dense(), path: '/models/ok/model.json' });
    expect(runtimeMemory('layers').numTensors).toBe(before + 4);
    exec.dispose();
    expect(runtimeMemory('layers').numTensors).toBe(before);
  });
});
