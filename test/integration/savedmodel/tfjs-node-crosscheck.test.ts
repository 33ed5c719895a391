/**
 * Where `@tensorflow/tfjs-node` is installed, every SavedModel fixture is run twice on the same input: by TensorFlow
 * itself (`tf.node.loadSavedModel`, the C library tfjs-node links) and as the graph model the converter makes (on
 * the same backend). Their outputs must agree. Where tfjs-node is not installed (it downloads a native library at
 * install time, which many machines cannot), each case is skipped with that reason.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorMessage } from '../../../src/errors.js';
import { convertSavedModelDir } from '../../../src/formats/savedmodel/load.js';
import { importOptional } from '../../../src/runtimes/optional.js';
import { provideLegacyUtil } from '../../../src/runtimes/tfjs-node/legacy-util.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'savedmodel');

/** The part of tfjs-node's API used here (its types are not installed where the package is not). */
interface TfjsNode {
  readonly node: {
    loadSavedModel(path: string, tags: string[], signature: string): Promise<{ predict(inputs: tf.NamedTensorMap): tf.NamedTensorMap; dispose(): void }>;
  };
}

let tfjsNode: TfjsNode | undefined;
let missing = '';

beforeAll(async () => {
  try {
    // tfjs-node 4.22.0 calls util helpers that Node 23+ removed; the runtime provides them the same way.
    provideLegacyUtil();
    tfjsNode = (await importOptional('@tensorflow/tfjs-node', ROOT)) as unknown as TfjsNode;
    await tf.setBackend('tensorflow');
  } catch (error) {
    missing = `@tensorflow/tfjs-node is not installed or does not load here (${errorMessage(error).split('\n')[0] ?? ''}); install it to cross-check against TensorFlow`;
  }
});

const cases = [
  { fixture: 'times-three-float', signature: 'serving_default', input: () => tf.scalar(1.75) },
  { fixture: 'module_with_multiple_signatures', signature: 'timestwo', input: () => tf.scalar(-4.5) },
  { fixture: 'kws-dscnn', signature: 'serving_default', input: () => tf.randomNormal([4, 49, 10, 1], 0, 1, 'float32', 5) },
  { fixture: 'rnn-lstm', signature: 'serving_default', input: () => tf.randomUniform([4, 5, 1], 0, 1, 'float32', 5) },
  { fixture: 'rnn-gru', signature: 'serving_default', input: () => tf.randomUniform([4, 5, 1], 0, 1, 'float32', 5) },
];

describe('converted SavedModel vs tf.node.loadSavedModel', () => {
  it.for(cases)('$fixture ($signature): the same outputs as TensorFlow (1e-5)', async ({ fixture, signature, input }, ctx) => {
    if (tfjsNode === undefined) return ctx.skip(missing);
    const dir = join(FIXTURES, fixture);
    const converted = await convertSavedModelDir(dir, { signature });
    const sig = converted.artifacts.signature as { inputs: Record<string, { name: string }>; outputs: Record<string, { name: string }> };
    const [inputKey] = Object.keys(sig.inputs);
    if (inputKey === undefined) throw new Error(`${fixture} has no input`);
    const x = input();
    const saved = await tfjsNode.node.loadSavedModel(dir, ['serve'], signature);
    const want = saved.predict({ [inputKey]: x });
    const graph = await tf.loadGraphModel(tf.io.fromMemory(converted.artifacts));
    const keys = Object.keys(sig.outputs).sort();
    const got = await graph.executeAsync(
      { [sig.inputs[inputKey]?.name.replace(/:0$/, '') ?? inputKey]: x },
      keys.map((k) => sig.outputs[k]?.name.replace(/:0$/, '') ?? k),
    );
    const list = Array.isArray(got) ? got : [got];
    keys.forEach((key, i) => {
      const expected = want[key];
      const actual = list[i];
      if (expected === undefined || actual === undefined) throw new Error(`${fixture}: no output ${key}`);
      expect(actual.shape).toEqual(expected.shape);
      expect(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]).toBeLessThan(1e-5);
    });
    saved.dispose();
  });
});
