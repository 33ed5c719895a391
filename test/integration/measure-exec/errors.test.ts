import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { MeasureError } from '../../../src/errors.js';
import { measureDrift } from '../../../src/measure/drift.js';
import { makeInputs } from '../../../src/measure/inputs.js';
import { instantiate, selectRuntime, type HostTensor } from '../../../src/runtimes/index.js';
import { runOnHost } from '../../../src/runtimes/host.js';
import { loadAsTfjs } from '../../../src/formats/index.js';
import type { LoadedModel } from '../../../src/model/types.js';
import { corpusModel } from '../../helpers/corpus.js';

beforeAll(async () => {
  await selectRuntime('cpu');
});

/** The corpus pixelator (one UpSampling2D layer) with its layer class renamed to a custom one. */
async function pixelatorAs(className: string): Promise<LoadedModel> {
  const model = await loadAsTfjs(corpusModel('pixelator').path);
  const topology = structuredClone(model.artifacts.modelTopology) as { config: { layers: { class_name: string }[] } };
  const layer = topology.config.layers[0];
  if (!layer) throw new Error('pixelator has no layer');
  layer.class_name = className;
  return { ...model, artifacts: { ...model.artifacts, modelTopology: topology } };
}

test('an unknown custom layer class names the class and the config key', async () => {
  const failure = instantiate(await pixelatorAs('PixelShuffleUnregistered'));
  await expect(failure).rejects.toThrow(MeasureError);
  await expect(failure).rejects.toThrow(/unknown layer class "PixelShuffleUnregistered"\. Set custom-layers under this model/);
});

test('a custom-layers module registers the class with our tfjs and the model runs like the stock one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custom-layers-'));
  const module = join(dir, 'layers.mjs');
  writeFileSync(
    module,
    `export default function register(tf) {
  class PixelShuffleRegistered extends tf.layers.Layer {
    static className = 'PixelShuffleRegistered';
    constructor(config) { super(config); this.size = config.size; }
    computeOutputShape(s) { return [s[0], s[1] === null ? null : s[1] * this.size[0], s[2] === null ? null : s[2] * this.size[1], s[3]]; }
    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.image.resizeNearestNeighbor(x, [x.shape[1] * this.size[0], x.shape[2] * this.size[1]]);
    }
    getConfig() { return { ...super.getConfig(), size: this.size }; }
  }
  tf.serialization.registerClass(PixelShuffleRegistered);
}
`,
  );
  const custom = await instantiate(await pixelatorAs('PixelShuffleRegistered'), { customLayers: module });
  const stock = await instantiate(await loadAsTfjs(corpusModel('pixelator').path));
  const inputs = makeInputs(stock.inputs, { seed: 2, shapes: { up_sampling2d_UpSampling2D1_input: [1, 6, 6, 3] } });
  try {
    const drift = await measureDrift(stock, custom, [inputs]);
    expect(drift.maxAbsError).toBe(0);
  } finally {
    custom.dispose();
    stock.dispose();
  }
});

test('a custom-layers path that does not exist is refused', async () => {
  await expect(instantiate(await pixelatorAs('X'), { customLayers: '/nonexistent/layers.mjs' })).rejects.toThrow(
    /custom-layers module \/nonexistent\/layers\.mjs does not exist/,
  );
});

test('a model that throws during inference: the message names the node and its op', async () => {
  const model = await loadAsTfjs(corpusModel('human-gender').path);
  const topology = structuredClone(model.artifacts.modelTopology) as { node: { name: string; op: string; input?: string[] }[] };
  // Wire the 64×64×1 image into a residual AddV2 deep in the net, whose other operand is much smaller.
  const add = topology.node.filter((n) => n.op === 'AddV2')[1];
  if (!add?.input) throw new Error('human-gender has no second AddV2');
  add.input[1] = 'input_1';
  const broken = await instantiate({ ...model, artifacts: { ...model.artifacts, modelTopology: topology } });
  const inputs = makeInputs(broken.inputs, { seed: 1 });
  const start = tf.memory().numTensors;
  try {
    const failure = runOnHost(broken, inputs);
    await expect(failure).rejects.toThrow(MeasureError);
    await expect(failure).rejects.toThrow(new RegExp(`inference failed at node "${add.name}" \\(op AddV2\\): .*broadcast`));
    expect(tf.memory().numTensors).toBe(start);
  } finally {
    broken.dispose();
  }
});

test('inputs that do not fit the signature are refused with the expected shape', async () => {
  const exec = await instantiate(await loadAsTfjs(corpusModel('human-gender').path));
  const wrong: HostTensor = { dtype: 'float32', shape: [1, 32, 32, 1], data: new Float32Array(32 * 32) };
  try {
    await expect(runOnHost(exec, [wrong])).rejects.toThrow(/input "input_1:0" expects shape \[\?, 64, 64, 1\], got \[1, 32, 32, 1\]/);
    await expect(runOnHost(exec, [])).rejects.toThrow(/takes 1 input\(s\) \(input_1:0\), got 0/);
  } finally {
    exec.dispose();
  }
});

test('an unknown input dimension with strict inputs says which input and how to set it', async () => {
  const exec = await instantiate(await loadAsTfjs(corpusModel('esrgan-slim-x2').path));
  try {
    expect(() => makeInputs(exec.inputs, { seed: 1, strict: true })).toThrow(
      /input "LR" has unknown dimension 1 \(\[\?, \?, \?, 3\]\): set its shape .* LR: \[1, 224, 224, 3\]/,
    );
    expect(() => makeInputs(exec.inputs, { seed: 1, shapes: { input_1: [1, 8, 8, 3] } })).toThrow(
      /shapes names input "input_1", but the model's inputs are "LR"/,
    );
  } finally {
    exec.dispose();
  }
});
