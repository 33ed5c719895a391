import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type ModelSpec } from '../../../src/config/load.js';
import { CompressError } from '../../../src/errors.js';
import { DEFAULT_INPUT_SEED } from '../../../src/config/defaults.js';
import {
  accuracyBudgetUse,
  driftValue,
  hasAccuracyBudget,
  openDriftSession,
  SYNTHETIC_INPUTS_NOTICE,
  withinAccuracyBudget,
} from '../../../src/measure/drift-session.js';
import type { DriftLike } from '../../../src/compress/auto.js';
import type { DriftResult } from '../../../src/measure/drift.js';
import type { TfjsLoadedModel } from '../../../src/model/types.js';
import { runtimeMemory, selectRuntime } from '../../../src/runtimes/index.js';
import { kernelWasmLacks } from '../../helpers/graph-artifacts.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

// The drift session on a real (tiny) layers model on the cpu runtime: which inputs it compares on, what it says
// about them, that it measures the candidate it is given, and that it leaves no tensor behind.

const dir = mkdtempSync(join(tmpdir(), 'drift-session-'));

function specOf(yaml: string): ModelSpec {
  const spec = parseConfig(`version: 1\nmodels:\n  - name: tiny\n    path: m.json\n${yaml}`, join(dir, 'model-budget.yml'), 'model-budget.yml').models[0];
  if (!spec) throw new Error('no model in the config');
  return spec;
}

async function tinyModel(): Promise<TfjsLoadedModel> {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 4, inputShape: [3], kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }), name: 'dense' })],
  });
  const saved = await layersModelArtifacts(model);
  model.dispose();
  return { format: 'layers', artifacts: saved, path: join(dir, 'm.json'), sourceKind: 'tfjs', files: [] };
}

/** The same model with every weight shifted by `delta`. */
function shifted(artifacts: tf.io.ModelArtifacts, delta: number): tf.io.ModelArtifacts {
  const data = artifacts.weightData;
  if (!(data instanceof ArrayBuffer)) throw new Error('expected one weight buffer');
  const out = new ArrayBuffer(data.byteLength);
  const weights = new Float32Array(out);
  weights.set(new Float32Array(data));
  for (let i = 0; i < weights.length; i += 1) weights[i] = (weights[i] ?? 0) + delta;
  return { ...artifacts, weightData: out };
}

/** A float32 `.npy` file (format 1.0) of `shape` holding `values`. */
function writeNpy(name: string, shape: readonly number[], values: readonly number[]): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(join(dir, name), Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(Float32Array.from(values).buffer)]));
}

describe('openDriftSession', () => {
  beforeAll(async () => {
    await selectRuntime('cpu');
  });

  it('compares on the configured number of seeded synthetic input sets, says so, and measures the candidate given', async () => {
    const original = await tinyModel();
    const before = runtimeMemory().numTensors;
    const session = await openDriftSession(original, specOf('    inputs: { samples: 3 }\n'));
    try {
      expect(session.inputsNote).toBe('3 seeded synthetic input set(s)');
      expect(session.synthetic).toBe(true);
      const same = await session.evaluate(original.artifacts);
      expect(same.maxAbsError).toBe(0);
      // Every weight +0.5: each of the 4 outputs moves by 0.5 · (1 + Σ inputs), never by 0.
      const moved = await session.evaluate(shifted(original.artifacts, 0.5));
      expect(moved.maxAbsError).toBeGreaterThan(0.1);
      const further = await session.evaluate(shifted(original.artifacts, 1));
      expect(further.maxAbsError).toBeCloseTo(2 * moved.maxAbsError, 4);
    } finally {
      session.dispose();
    }
    expect(runtimeMemory().numTensors).toBe(before);
  });

  it('the default is 8 synthetic sets; the seed decides the inputs', async () => {
    const original = await tinyModel();
    const candidate = shifted(original.artifacts, 0.25);
    const run = async (yaml: string): Promise<{ note: string; drift: DriftResult }> => {
      const session = await openDriftSession(original, specOf(yaml));
      try {
        return { note: session.inputsNote, drift: await session.evaluate(candidate) };
      } finally {
        session.dispose();
      }
    };
    const byDefault = await run('');
    expect(byDefault.note).toBe('8 seeded synthetic input set(s)');
    expect(byDefault.drift.samples).toBe(8);
    const again = (await run('')).drift;
    expect([again.maxAbsError, again.rmse]).toEqual([byDefault.drift.maxAbsError, byDefault.drift.rmse]);
    expect((await run('    inputs: { seed: 12345 }\n')).drift.maxAbsError).not.toBe(byDefault.drift.maxAbsError);
    // The default seed is DEFAULT_INPUT_SEED, named or not.
    expect((await run(`    inputs: { seed: ${DEFAULT_INPUT_SEED} }\n`)).drift.maxAbsError).toBe(byDefault.drift.maxAbsError);
  });

  it('user samples replace the synthetic inputs, and the report is told they are real', async () => {
    writeNpy('a.npy', [1, 3], [1, 2, 3]);
    writeNpy('b.npy', [1, 3], [0, 0, 0]);
    const original = await tinyModel();
    const session = await openDriftSession(original, specOf('    inputs: { npy: { dense_input: [a.npy, b.npy] } }\n'));
    try {
      expect(session.inputsNote).toBe('2 user sample(s)');
      expect(session.synthetic).toBe(false);
      // Every weight +1 on the input [1, 2, 3]: each output moves by 1 + 1 + 2 + 3 = 7; on zeros by 1.
      const drift = await session.evaluate(shifted(original.artifacts, 1));
      expect(drift.maxAbsError).toBeCloseTo(7, 4);
    } finally {
      session.dispose();
    }
  });

  it('a candidate that cannot be loaded fails the evaluation, and the session stays usable', async () => {
    const original = await tinyModel();
    const session = await openDriftSession(original, specOf(''));
    try {
      // The load's own error, not one from cleaning up after it.
      await expect(session.evaluate({ ...original.artifacts, weightData: new ArrayBuffer(4) })).rejects.toThrow();
      await expect(session.evaluate({ ...original.artifacts, weightData: new ArrayBuffer(4) })).rejects.not.toThrow(/dispose/);
      expect((await session.evaluate(original.artifacts)).maxAbsError).toBe(0);
    } finally {
      session.dispose();
    }
  });

  it('a configured output kind reaches the drift: an output name the model lacks fails the evaluation', async () => {
    const original = await tinyModel();
    const session = await openDriftSession(original, specOf('    outputs: { nope: image }\n'));
    try {
      await expect(session.evaluate(original.artifacts)).rejects.toThrow(/outputs: "nope" is not an output of the model; its outputs are "/);
    } finally {
      session.dispose();
    }
  });

  it('custom-layers: the module is loaded with the original', async () => {
    await expect(openDriftSession(await tinyModel(), specOf('    custom-layers: no-such-layers.js\n'))).rejects.toThrow(
      /custom-layers module .*no-such-layers\.js does not exist/,
    );
  });

  it('the synthetic inputs take inputs.shapes, and refuse shapes or values for an input the model lacks', async () => {
    const original = await tinyModel();
    const session = await openDriftSession(original, specOf('    inputs: { samples: 2, shapes: { dense_input: [5, 3] } }\n'));
    try {
      expect(session.inputs.map((set) => set.map((t) => t.shape))).toEqual([[[5, 3]], [[5, 3]]]);
    } finally {
      session.dispose();
    }
    await expect(openDriftSession(original, specOf('    inputs: { shapes: { nope: [1, 3] } }\n'))).rejects.toThrow(/shapes names input "nope"/);
    await expect(openDriftSession(original, specOf('    inputs: { values: { nope: 1 } }\n'))).rejects.toThrow(/values names input "nope"/);
  });

  it('user samples get inputs.shapes, inputs.values and limits.sample-size too', async () => {
    writeNpy('c.npy', [1, 3], [1, 2, 3]);
    const original = await tinyModel();
    const npy = 'npy: { dense_input: c.npy }';
    await expect(openDriftSession(original, specOf(`    inputs: { ${npy}, shapes: { nope: [1, 3] } }\n`))).rejects.toThrow(/shapes names input "nope"/);
    await expect(openDriftSession(original, specOf(`    inputs: { ${npy}, values: { nope: 1 } }\n`))).rejects.toThrow(/values names input "nope"/);
    // The file is 128 header bytes and 12 of data.
    await expect(openDriftSession(original, specOf(`    inputs: { ${npy} }\n    limits: { sample-size: 100 B }\n`))).rejects.toThrow(
      /c\.npy .*over the limit.*\(limits\.sample-size\)/,
    );
    const session = await openDriftSession(original, specOf(`    inputs: { ${npy} }\n    limits: { sample-size: 140 B }\n`));
    session.dispose();
  });

  it('inputs.images: the images feed the model (this one has no image input to feed)', async () => {
    await expect(openDriftSession(await tinyModel(), specOf('    inputs: { images: { dir: pictures } }\n'))).rejects.toThrow(
      /images: the model has no input of rank 4/,
    );
  });

  it('inputs that cannot be made free the loaded original again', async () => {
    const original = await tinyModel();
    const before = runtimeMemory().numTensors;
    await expect(openDriftSession(original, specOf('    inputs: { npy: { dense_input: missing.npy } }\n'))).rejects.toThrow(/missing\.npy/);
    expect(runtimeMemory().numTensors).toBe(before);
  });
});

describe('openDriftSession on a runtime that lacks a kernel', () => {
  beforeAll(async () => {
    await selectRuntime('wasm');
  });
  afterAll(async () => {
    await selectRuntime('cpu');
  });

  const model: TfjsLoadedModel = { format: 'graph', artifacts: kernelWasmLacks(), path: join(dir, 'einsum.json'), sourceKind: 'tfjs', files: [] };

  it('falls back to cpu unless benchmark.pin-runtime says the runtime is pinned', async () => {
    const free = await openDriftSession(model, specOf(''));
    try {
      expect((await free.evaluate(model.artifacts)).maxAbsError).toBe(0);
    } finally {
      free.dispose();
    }
    const pinned = await openDriftSession(model, specOf('    benchmark: { pin-runtime: true }\n'));
    try {
      await expect(pinned.evaluate(model.artifacts)).rejects.toThrow(/runtime "wasm" cannot run this model: Kernel 'Einsum' .*pinned/);
    } finally {
      pinned.dispose();
    }
  });
});

const drift: DriftLike = {
  maxAbsError: 0.2,
  rmse: 0.1,
  cosine: 0.97,
  top1Agreement: 0.9,
  psnr: 30,
  keypointError: 1.5,
};

describe('SYNTHETIC_INPUTS_NOTICE', () => {
  it('says the drift was measured on synthetic inputs and how to give real ones', () => {
    expect(SYNTHETIC_INPUTS_NOTICE).toMatch(
      /^accuracy was checked on seeded synthetic inputs only, .*hide drift.*`inputs\.images: \{ dir: … \}` \(or `inputs\.npy`\)/,
    );
  });
});

describe('driftValue', () => {
  it.each([
    ['accuracy.max-abs-error', 0.2],
    ['accuracy.rmse', 0.1],
    ['accuracy.cosine', 0.97],
    ['accuracy.top1-agreement', 0.9],
    ['accuracy.psnr', 30],
    ['accuracy.keypoint-error', 1.5],
    ['latency.p50', undefined],
  ])('%s → %s', (key, expected) => expect(driftValue(drift, key)).toBe(expected));
});

describe('withinAccuracyBudget', () => {
  it('without an accuracy budget it is a CompressError at the model', () => {
    const spec = specOf('    budget: { size: 1 MB }\n');
    expect(() => withinAccuracyBudget(spec)).toThrow(CompressError);
    expect(() => withinAccuracyBudget(spec)).toThrow(/"tiny"|tiny/);
    try {
      withinAccuracyBudget(spec);
    } catch (error) {
      expect(error).toMatchObject({ file: spec.source.file, line: spec.source.line, column: spec.source.column });
    }
  });

  it.each([
    { what: 'inside a ceiling', budget: 'max-abs-error: 0.3', value: { maxAbsError: 0.3 }, expected: true },
    { what: 'over a ceiling', budget: 'max-abs-error: 0.3', value: { maxAbsError: 0.31 }, expected: false },
    { what: 'at a floor', budget: 'cosine: 0.97', value: { cosine: 0.97 }, expected: true },
    { what: 'under a floor', budget: 'cosine: 0.97', value: { cosine: 0.969 }, expected: false },
    { what: 'NaN is never inside', budget: 'max-abs-error: 0.3', value: { maxAbsError: Number.NaN }, expected: false },
    { what: 'a metric that does not apply passes', budget: 'top1-agreement: 99%', value: { cosine: 0.5 }, expected: true },
    { what: 'a warn-only budget is the limit too', budget: '"max-abs-error": { warn: 0.1 }', value: { maxAbsError: 0.2 }, expected: false },
    { what: 'every budget must hold', budget: 'max-abs-error: 0.3, cosine: 0.99', value: { maxAbsError: 0.1, cosine: 0.98 }, expected: false },
  ])('$what → $expected', ({ budget, value, expected }) => {
    const within = withinAccuracyBudget(specOf(`    budget: { accuracy: { ${budget} } }\n`));
    // Only the metrics named in the case: one the budget names but the drift lacks does not apply to the model.
    const measured: DriftLike = { maxAbsError: 0, ...value };
    expect(within(measured)).toBe(expected);
  });
});

describe('accuracyBudgetUse: the share of the accuracy budget a drift uses, 1 at the limit', () => {
  it.each([
    { what: 'max-abs at half its ceiling', budget: 'max-abs-error: 0.01', value: { maxAbsError: 0.005 }, expected: 0.5 },
    { what: 'max-abs over its ceiling', budget: 'max-abs-error: 0.01', value: { maxAbsError: 0.02 }, expected: 2 },
    { what: 'RMSE', budget: 'rmse: 0.2', value: { rmse: 0.05 }, expected: 0.25 },
    { what: 'keypoint error', budget: 'keypoint-error: 2', value: { keypointError: 3 }, expected: 1.5 },
    { what: 'cosine from its ideal 1', budget: 'cosine: 0.999', value: { cosine: 0.9995 }, expected: 0.5 },
    { what: 'cosine at its floor', budget: 'cosine: 0.97', value: { cosine: 0.97 }, expected: 1 },
    { what: 'cosine well under its floor', budget: 'cosine: 0.999', value: { cosine: 0.99 }, expected: 10 },
    { what: 'top-1 agreement', budget: 'top1-agreement: 90%', value: { top1Agreement: 0.95 }, expected: 0.5 },
    { what: 'PSNR 10 dB above its floor: a tenth of the squared error', budget: 'psnr: 30', value: { psnr: 40 }, expected: 0.1 },
    { what: 'PSNR 3 dB under its floor', budget: 'psnr: 30', value: { psnr: 27 }, expected: 10 ** 0.3 },
    { what: 'an exact PSNR uses nothing', budget: 'psnr: 30', value: { psnr: Infinity }, expected: 0 },
    { what: 'the most used of several budgets', budget: 'max-abs-error: 0.01, cosine: 0.999', value: { maxAbsError: 0.002, cosine: 0.9993 }, expected: 0.7 },
    { what: 'NaN uses all of it and more', budget: 'max-abs-error: 0.01', value: { maxAbsError: Number.NaN }, expected: Infinity },
    { what: 'a metric the drift lacks does not apply', budget: 'top1-agreement: 99%', value: { cosine: 0.5 }, expected: 0 },
    { what: 'a warn-only budget counts', budget: '"max-abs-error": { warn: 0.1 }', value: { maxAbsError: 0.05 }, expected: 0.5 },
  ])('$what → $expected', ({ budget, value, expected }) => {
    const use = accuracyBudgetUse(specOf(`    budget: { accuracy: { ${budget} } }\n`));
    expect(use({ maxAbsError: 0, ...value })).toBeCloseTo(expected, 9);
  });

  it('says "within" exactly when withinAccuracyBudget does, on both sides of each limit', () => {
    const spec = specOf('    budget: { accuracy: { max-abs-error: 0.01, cosine: 0.999, psnr: 30 } }\n');
    const use = accuracyBudgetUse(spec);
    const within = withinAccuracyBudget(spec);
    for (const maxAbsError of [0, 0.005, 0.01, 0.0101, 0.5])
      for (const cosine of [1, 0.9995, 0.999, 0.998])
        for (const psnr of [Infinity, 45, 30, 29.9]) {
          const d = { maxAbsError, cosine, psnr };
          expect(use(d) <= 1).toBe(within(d));
        }
  });

  it('without an accuracy budget it is the same CompressError as withinAccuracyBudget', () => {
    expect(() => accuracyBudgetUse(specOf('    budget: { size: 1 MB }\n'))).toThrow(CompressError);
  });

  it.each([
    { what: 'no drift under a zero ceiling uses nothing', budget: 'max-abs-error: 0', value: { maxAbsError: 0 }, expected: 0 },
    { what: 'any drift over a zero ceiling is infinitely over', budget: 'max-abs-error: 0', value: { maxAbsError: 1e-9 }, expected: Infinity },
    { what: 'an exact cosine under a floor of 1 uses nothing', budget: 'cosine: 1', value: { cosine: 1 }, expected: 0 },
    { what: 'any loss under a floor of 1 is infinitely over', budget: 'cosine: 1', value: { cosine: 0.9999 }, expected: Infinity },
    { what: 'full top-1 agreement under 100% uses nothing', budget: 'top1-agreement: 100%', value: { top1Agreement: 1 }, expected: 0 },
  ])('at the strictest limits: $what', ({ budget, value, expected }) => {
    const spec = specOf(`    budget: { accuracy: { ${budget} } }\n`);
    expect(accuracyBudgetUse(spec)({ maxAbsError: 0, ...value })).toBe(expected);
    // The same edge as the acceptance test: within exactly when the share is at most 1.
    expect(withinAccuracyBudget(spec)({ maxAbsError: 0, ...value })).toBe(expected <= 1);
  });
});

describe('hasAccuracyBudget', () => {
  it.each([
    { budget: 'size: 1 MB', expected: false },
    { budget: 'size: 1 MB, latency: { p50: 5 ms }', expected: false },
    { budget: 'accuracy: { cosine: 0.99 }', expected: true },
    { budget: 'accuracy: { "max-abs-error": { warn: 0.1 } }', expected: true },
    { budget: 'size: 1 MB, accuracy: { rmse: 0.1 }', expected: true },
  ])('$budget → $expected', ({ budget, expected }) => {
    expect(hasAccuracyBudget(specOf(`    budget: { ${budget} }\n`))).toBe(expected);
  });
});
