import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { AutoProgress, DriftLike } from '../../../src/compress/auto.js';
import type { LevelsProgress } from '../../../src/compress/levels-auto.js';
import { quantizeWeights } from '../../../src/compress/quantize.js';
import { compressModel, TECHNIQUE_NAMES, TECHNIQUES, type AutoEvaluator, type CompressPlan } from '../../../src/compress/registry.js';
import { encodeWeights, splitWeights, weightBytes } from '../../../src/compress/weights.js';
import { CompressError } from '../../../src/errors.js';
import type { TfjsLoadedModel } from '../../../src/model/types.js';
import { graphArtifacts, op } from '../../helpers/graph-artifacts.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

const loaded = (artifacts: tf.io.ModelArtifacts, path = '/models/tiny/model.json'): TfjsLoadedModel => ({
  format: artifacts.format === 'graph-model' ? 'graph' : 'layers',
  artifacts,
  path,
  sourceKind: 'tfjs',
  files: [],
});

/**
 * conv 3×3×2→4 (no bias) → BatchNorm → ReLU → flatten → dense 64→3 → BatchNorm. 295 float32 values, 1,180 bytes:
 * kernel 72, BatchNorm 4×4, dense 192 + 3, BatchNorm 4×3.
 */
async function convBn(): Promise<tf.io.ModelArtifacts> {
  const m = tf.sequential();
  m.add(
    tf.layers.conv2d({
      name: 'conv',
      inputShape: [4, 4, 2],
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  m.add(tf.layers.batchNormalization({ name: 'bn1' }));
  m.add(tf.layers.reLU());
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ name: 'dense', units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  m.add(tf.layers.batchNormalization({ name: 'bn2' }));
  return layersModelArtifacts(m);
}

/** conv (no bias) → BatchNorm → ReLU → BatchNorm → flatten → dense: the second BatchNorm follows a ReLU and stays. */
async function bnAfterRelu(): Promise<tf.io.ModelArtifacts> {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ name: 'conv', inputShape: [4, 4, 2], filters: 4, kernelSize: 3, padding: 'same', useBias: false }));
  m.add(tf.layers.batchNormalization({ name: 'bn1' }));
  m.add(tf.layers.reLU({ name: 'relu' }));
  m.add(tf.layers.batchNormalization({ name: 'bn2' }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ name: 'dense', units: 3 }));
  return layersModelArtifacts(m);
}

/** Evenly spread values in [0, 1). */
const even = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => ((i + 1) * 0.6180339887) % 1);

/** Weights-only graph-model artifacts (auto and quantize never read the topology): big 512, mid 256, small 128 values. */
const searched = (): tf.io.ModelArtifacts => ({
  format: 'graph-model',
  ...encodeWeights([
    { name: 'big', shape: [512], dtype: 'float32', data: even(512) },
    { name: 'mid', shape: [256], dtype: 'float32', data: even(256) },
    { name: 'small', shape: [128], dtype: 'float32', data: even(128) },
  ]),
});

const storage = (candidate: tf.io.ModelArtifacts): Map<string, string> =>
  new Map((candidate.weightSpecs ?? []).map((s) => [s.name, s.quantization?.dtype ?? 'float32']));

const distinctCodes = (a: tf.io.ModelArtifacts, name: string): number => {
  const i = (a.weightSpecs ?? []).findIndex((s) => s.name === name);
  return new Set(splitWeights(a)[i]?.bytes).size;
};

/** The highest code of a uint16 weight: one less than the levels it was quantized on (its values span [0, 1)). */
const highestCode = (a: tf.io.ModelArtifacts, name: string): number => {
  const i = (a.weightSpecs ?? []).findIndex((s) => s.name === name);
  const bytes = splitWeights(a)[i]?.bytes ?? new Uint8Array();
  return Math.max(...new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));
};

/**
 * A known cost: a weight stored as uint8 adds `error[name]` (plus 1 when it has fewer distinct codes than
 * `codes[name]`), a 2-byte storage a thousandth of it (plus 1 for a uint16 one whose highest code is below
 * `codes[name] − 1`, i.e. on fewer levels). Budget 0.01: only `mid` (0.5 at uint8) must leave uint8.
 */
function evaluator(codes: Readonly<Record<string, number>> = {}, extra: Partial<AutoEvaluator> = {}) {
  const error: Record<string, number> = { big: 0.001, mid: 0.5, small: 0.001 };
  const calls: string[] = [];
  const evaluate = (candidate: tf.io.ModelArtifacts): Promise<DriftLike> => {
    let total = 0;
    for (const [name, dtype] of storage(candidate)) {
      const e = error[name] ?? 0;
      if (dtype === 'uint8') total += e + (distinctCodes(candidate, name) < (codes[name] ?? 0) ? 1 : 0);
      else if (dtype === 'uint16') total += e / 1000 + (highestCode(candidate, name) + 1 < (codes[name] ?? 0) ? 1 : 0);
      else if (dtype !== 'float32') total += e / 1000;
    }
    calls.push([...storage(candidate).values()].join(','));
    return Promise.resolve({ maxAbsError: total });
  };
  const auto: AutoEvaluator = {
    evaluate,
    withinBudget: (d) => d.maxAbsError <= 0.01,
    budgetUse: (d) => d.maxAbsError / 0.01,
    ...extra,
  };
  return { auto, calls };
}

describe('compressModel: the fixed order and what each step says', () => {
  it('runs optimize → fold-batchnorm → prune-channels → prune → quantize, whatever order the plan names them in', async () => {
    const model = loaded(await convBn());
    const plan: CompressPlan = { quantize: 'uint8', prune: 0.5, 'prune-channels': { params: 0.2 }, 'fold-batchnorm': true, optimize: true };
    const r = await compressModel(model, plan);
    expect(r.steps.map((s) => s.technique)).toEqual(['optimize', 'fold-batchnorm', 'prune-channels', 'prune', 'quantize']);
    const prune = r.steps[3]?.details ?? {};
    // Folding both BatchNorms: conv 72 + bias 4, dense 192 + 3 = 271 params. One filter of 4 goes: conv 54 + 3,
    // dense 48×3 + 3 = 204. MACs: 16 positions × 72 + 192 = 1,344 → 16 × 54 + 144 = 1,008. Half of the two kernels
    // (54 + 144 values) pruned; then 204 float32 values (816 bytes) become 204 uint8 bytes.
    expect(r.steps.map((s) => s.summary)).toEqual([
      'graph nodes 0 → 0',
      'folded 2 BatchNormalization layer(s)',
      'params 271 → 204, est. MACs 1,344 → 1,008',
      `sparsity 50.0 % of 2 kernel(s); raw size unchanged (dense storage), gzip ${String(prune.gzipBytesBefore)} → ${String(prune.gzipBytesAfter)} bytes`,
      'uint8 (sum-preserving rounding): 816 → 204 weight bytes',
    ]);
    expect(prune.gzipBytesAfter).toBeLessThan(Number(prune.gzipBytesBefore));
    const warnings = ['optimize: applies to TF.js graph models only; left the model as it is', 'prune-channels: kept "dense" is a model output'];
    expect(r.steps.map((s) => s.warnings)).toEqual([[warnings[0]], [], [warnings[1]], [], []]);
    expect(r.warnings).toEqual(warnings);
    expect([r.weightBytesBefore, r.weightBytesAfter]).toEqual([1180, 204]);
    // Each step's artifacts, in order; optimize left a layers model as it was; the last is the result.
    expect(r.stepArtifacts?.map((a) => weightBytes(a).byteLength)).toEqual([1180, 1084, 816, 816, 204]);
    expect(r.stepArtifacts?.[0]).toBe(model.artifacts);
    expect(r.stepArtifacts?.[4]).toBe(r.artifacts);
    // details are the technique's result without its artifacts.
    for (const s of r.steps) expect(Object.keys(s.details)).not.toContain('artifacts');
    expect(r.steps[2]?.details).toMatchObject({ paramsBefore: 271, paramsAfter: 204 });
  });

  it.each([
    { what: 'an empty plan', plan: {} },
    { what: 'every switch off', plan: { optimize: false, 'fold-batchnorm': false, auto: false } },
  ] as const)('$what runs nothing and warns of nothing', async ({ plan }) => {
    const model = loaded(await convBn());
    const r = await compressModel(model, plan);
    expect(r).toEqual({ artifacts: model.artifacts, steps: [], warnings: [], weightBytesBefore: 1180, weightBytesAfter: 1180, stepArtifacts: [] });
    expect(r.artifacts).toBe(model.artifacts);
  });

  it('names the techniques in run order, each wanted only by its own key', () => {
    expect(TECHNIQUE_NAMES).toEqual(['optimize', 'fold-batchnorm', 'prune-channels', 'prune', 'quantize', 'auto']);
    expect(TECHNIQUES.map((t) => t.name)).toEqual(TECHNIQUE_NAMES);
    const cases: readonly { plan: CompressPlan; wanted: readonly string[] }[] = [
      { plan: {}, wanted: [] },
      { plan: { optimize: true }, wanted: ['optimize'] },
      { plan: { optimize: false }, wanted: [] },
      { plan: { 'fold-batchnorm': true }, wanted: ['fold-batchnorm'] },
      { plan: { 'fold-batchnorm': false }, wanted: [] },
      { plan: { 'prune-channels': { flops: 0.1 } }, wanted: ['prune-channels'] },
      { plan: { prune: 0 }, wanted: ['prune'] },
      { plan: { quantize: 'float16' }, wanted: ['quantize'] },
      { plan: { 'min-elements': 10 }, wanted: [] },
      { plan: { auto: true }, wanted: ['auto'] },
      { plan: { auto: {} }, wanted: ['auto'] },
      { plan: { auto: false }, wanted: [] },
    ];
    for (const { plan, wanted } of cases) expect(TECHNIQUES.filter((t) => t.wanted(plan)).map((t) => t.name)).toEqual(wanted);
  });

  it('optimize on a graph model lists each kind of rewrite it made, and measures the drift when it has an evaluator', async () => {
    const graph = graphArtifacts(
      [1, 4],
      [op('i', 'Identity', ['x']), op('r', 'Relu', ['i']), op('mn', 'Minimum', ['r', 'six']), op('y', 'Maximum', ['mn', 'zero'])],
      { six: { shape: [], values: [6] }, zero: { shape: [], values: [0] } },
      ['y'],
    );
    // x, six, zero, i, r, mn, y → x and one Relu6 named y; the constants six and zero, orphaned, go as dead nodes.
    const plain = await compressModel(loaded(graph), { optimize: true });
    expect(plain.steps[0]?.summary).toBe('graph nodes 7 → 2 (1 identity, 1 relu6, 2 dead-nodes)');
    expect(plain.steps[0]?.details).toMatchObject({ refused: [], nodesBefore: 7, nodesAfter: 2 });
    expect(plain.steps[0]?.details).not.toHaveProperty('maxAbsDrift');
    const seen: tf.io.ModelArtifacts[] = [];
    const checked = await compressModel(
      loaded(graph),
      { optimize: true },
      {
        evaluate: (c) => {
          seen.push(c);
          return Promise.resolve({ maxAbsError: 0 });
        },
        withinBudget: () => true,
        budgetUse: () => 0,
      },
    );
    expect(seen).toHaveLength(1);
    expect(checked.steps[0]?.details).toMatchObject({ refused: [], maxAbsDrift: 0 });
  });

  it('fold-batchnorm says what it left and what widening a quantized kernel cost', async () => {
    const source = await bnAfterRelu();
    const quantized = quantizeWeights(source, { dtypes: { uint8: ['conv/kernel'] } }).artifacts;
    const r = await compressModel(loaded(quantized), { 'fold-batchnorm': true });
    // Before: conv kernel 72 uint8 bytes, two BatchNorms 2 × 16 × 4, dense (64×3 + 3) × 4 = 72 + 128 + 780 = 980.
    // After: the kernel at float32 (288) with a bias (16), one BatchNorm (64), dense 780 = 1,148.
    expect(r.steps[0]?.summary).toBe(
      'folded 1 BatchNormalization layer(s), left 1; 1 quantized kernel(s) stored unquantized to stay exact: weights 980 → 1,148 bytes',
    );
    expect(r.warnings).toEqual([
      'fold-batchnorm: kept bn2: its input "relu" is a ReLU',
      'fold-batchnorm: 1 folded kernel(s) were uint8; they are stored unquantized so the output stays within 0.00001 of the unfolded model (weights 980 → 1,148 bytes); add `quantize` to quantize them again and let the accuracy budget judge it',
    ]);
  });

  it('fold-batchnorm names each storage its widened kernels came from', async () => {
    const source = await convBn();
    const quantized = quantizeWeights(source, { dtypes: { uint8: ['conv/kernel'], uint16: ['dense/kernel'] } }).artifacts;
    const r = await compressModel(loaded(quantized), { 'fold-batchnorm': true });
    expect(r.warnings).toEqual([expect.stringMatching(/^fold-batchnorm: 2 folded kernel\(s\) were uint8\/uint16; they are stored unquantized /)]);
  });

  it('prune takes a sparsity or a block with scope and weights', async () => {
    const model = loaded(await convBn());
    const byNumber = await compressModel(model, { prune: 0.25 });
    const byBlock = await compressModel(model, { prune: { sparsity: 0.25, scope: 'global', weights: ['dense*'] } });
    // A quarter of the 72 + 192 kernel values; with the block, of what `dense*` names, kernel and bias alike:
    // ⌊0.25 × 195⌋ = 48 zeros of 195 values, 24.6 %.
    const gzip = (d: Readonly<Record<string, unknown>> | undefined): string =>
      `gzip ${Number(d?.gzipBytesBefore).toLocaleString('en-US')} → ${Number(d?.gzipBytesAfter).toLocaleString('en-US')} bytes`;
    expect(byNumber.steps[0]?.summary).toBe(`sparsity 25.0 % of 2 kernel(s); raw size unchanged (dense storage), ${gzip(byNumber.steps[0]?.details)}`);
    expect(byBlock.steps[0]?.summary).toBe(`sparsity 24.6 % of 2 kernel(s); raw size unchanged (dense storage), ${gzip(byBlock.steps[0]?.details)}`);
    // The weight bytes are over a thousand: the gzip sizes print with a thousands separator.
    expect(byNumber.steps[0]?.summary).toMatch(/gzip \d,\d{3} → \d{3} bytes$/);
    expect(byBlock.steps[0]?.details).toMatchObject({
      tensors: [expect.objectContaining({ name: 'dense/kernel' }), expect.objectContaining({ name: 'dense/bias' })],
    });
  });

  it.each([
    { what: 'every weight by default', plan: { quantize: 'uint8' }, expected: 'uint8 (sum-preserving rounding): 1,180 → 295 weight bytes' },
    // Only the dense kernel has ≥ 100 values: 1,180 − 192 × 3.
    { what: 'min-elements', plan: { quantize: 'uint8', 'min-elements': 100 }, expected: 'uint8 (sum-preserving rounding): 1,180 → 604 weight bytes' },
    { what: 'a block', plan: { quantize: { dtype: 'uint8', rounding: 'nearest' } }, expected: 'uint8 (nearest rounding): 1,180 → 295 weight bytes' },
  ] as const)('quantize: $what', async ({ plan, expected }) => {
    const r = await compressModel(loaded(await convBn()), plan);
    expect(r.steps.map((s) => [s.technique, s.summary])).toEqual([['quantize', expected]]);
  });
});

describe('compressModel: refusals and errors', () => {
  it('refuses quantize with auto, naming the model as folder/file, before running anything', async () => {
    const { auto, calls } = evaluator();
    const run = compressModel(loaded(searched(), '/repo/models/net/model.json'), { quantize: 'uint8', auto: true }, auto);
    await expect(run).rejects.toThrow(CompressError);
    await expect(run).rejects.toMatchObject({
      code: 'compress/quantize-and-auto',
      message: 'net/model.json: compress sets both quantize and auto; auto chooses the quantization itself; keep one',
    });
    expect(calls).toEqual([]);
  });

  it('quantize with auto switched off is only quantize', async () => {
    const r = await compressModel(loaded(searched()), { quantize: 'uint8', auto: false });
    expect(r.steps.map((s) => [s.technique, s.summary])).toEqual([['quantize', 'uint8 (sum-preserving rounding): 3,584 → 896 weight bytes']]);
  });

  it('auto without an evaluator fails, wrapped with the model path and the cause', async () => {
    const error: unknown = await compressModel(loaded(searched(), '/m/net/model.json'), { auto: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompressError);
    expect(error).toMatchObject({
      code: 'compress/failed',
      file: '/m/net/model.json',
      message: '/m/net/model.json: compress.auto needs an accuracy budget (e.g. `accuracy: { max-abs-error: 0.01 }`) to search within',
      cause: { code: 'compress/auto-no-accuracy' },
    });
    expect((error as Error).cause).toBeInstanceOf(CompressError);
  });

  it("a technique's own refusal is wrapped the same way", async () => {
    await expect(compressModel(loaded(await convBn(), '/a/b/model.json'), { prune: 1 })).rejects.toMatchObject({
      code: 'compress/failed',
      file: '/a/b/model.json',
      message: '/a/b/model.json: prune: sparsity must be in [0, 1) (e.g. 0.5 for 50 %), got 1',
      cause: { code: 'compress/prune-sparsity' },
    });
  });

  it('an error that is not a CompressError passes through unwrapped', async () => {
    const boom = new Error('the evaluator broke');
    const { auto } = evaluator({}, { evaluate: () => Promise.reject(boom) });
    await expect(compressModel(loaded(searched()), { auto: true }, auto)).rejects.toBe(boom);
  });

  it('a model with no float weights: nothing to compress, when something was asked', async () => {
    const ints: tf.io.ModelArtifacts = {
      format: 'graph-model',
      ...encodeWeights([{ name: 'table', shape: [5], dtype: 'int32', data: Int32Array.from([1, 2, 3, 4, 5]) }]),
    };
    const model = loaded(ints, '/x/pixels/model.json');
    expect(await compressModel(model, { quantize: 'uint8', prune: 0.5 })).toEqual({
      artifacts: ints,
      steps: [],
      warnings: ['pixels/model.json has no float weights: nothing to compress'],
      weightBytesBefore: 20,
      weightBytesAfter: 20,
    });
    // Nothing asked: no warning either.
    expect((await compressModel(model, {})).warnings).toEqual([]);
    // No weights at all is the same: nothing float.
    const empty = await compressModel(loaded({ format: 'graph-model' }, '/x/empty/model.json'), { quantize: 'uint8' });
    expect(empty.warnings).toEqual(['empty/model.json has no float weights: nothing to compress']);
  });
});

describe('compressModel: auto', () => {
  it('auto: true searches with the default cap of 48 and says the mix it chose', async () => {
    const progress: AutoProgress[] = [];
    const { auto, calls } = evaluator({}, { onEvaluation: (p) => progress.push(p) });
    const r = await compressModel(loaded(searched()), { auto: true }, auto);
    // big and small stay uint8, mid goes to 2 bytes: 512 + 512 + 128 = 1,152 of (512 + 256 + 128) × 4 = 3,584 bytes.
    expect(r.steps[0]?.summary).toBe(`2 uint8, 1 uint16: 3,584 → 1,152 weight bytes in ${calls.length} evaluations`);
    expect(progress.map((p) => p.cap)).toEqual(calls.map(() => 48));
    expect(progress.map((p) => p.evaluation)).toEqual(calls.map((_, i) => i + 1));
    expect(r.steps[0]?.details).toMatchObject({ bytesBefore: 3584, bytesAfter: 1152, capped: false, evaluations: calls.length });
    expect(r.steps[0]?.details).not.toHaveProperty('levels');
    expect(r.weightBytesAfter).toBe(1152);
  });

  it('max-evaluations caps the search, and the summary says it was capped', async () => {
    const progress: AutoProgress[] = [];
    const { auto, calls } = evaluator({}, { onEvaluation: (p) => progress.push(p) });
    const r = await compressModel(loaded(searched()), { auto: { 'max-evaluations': 2 } }, auto);
    // all uint8 fails (0.502), all 2-byte passes: the smallest passing is every weight at 2 bytes.
    expect(calls).toEqual(['uint8,uint8,uint8', 'uint16,uint16,uint16']);
    expect(progress.map((p) => [p.evaluation, p.cap])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(r.steps[0]?.summary).toBe('3 uint16: 3,584 → 1,792 weight bytes in 2 evaluations (capped)');
    expect(r.warnings).toEqual(['auto: stopped at the evaluation cap (2); the result is the smallest passing candidate found']);
  });

  it('a block without max-evaluations keeps the default cap', async () => {
    const progress: AutoProgress[] = [];
    const { auto } = evaluator({}, { onEvaluation: (p) => progress.push(p) });
    const r = await compressModel(loaded(searched()), { auto: { levels: false } }, auto);
    expect(new Set(progress.map((p) => p.cap))).toEqual(new Set([48]));
    expect(r.steps[0]?.summary).toMatch(/^2 uint8, 1 uint16: 3,584 → 1,152 weight bytes in \d+ evaluations$/);
  });

  it('min-elements keeps smaller weights out of the search', async () => {
    const { auto, calls } = evaluator();
    const r = await compressModel(loaded(searched()), { auto: { 'max-evaluations': 2 }, 'min-elements': 200 }, auto);
    // small (128 values) stays float32 in every candidate: 1,024 + 512 + 512 bytes at the 2-byte rung.
    expect(calls).toEqual(['uint8,uint8,float32', 'uint16,uint16,float32']);
    expect(r.steps[0]?.summary).toBe('2 uint16, 1 float32: 3,584 → 2,048 weight bytes in 2 evaluations (capped)');
  });

  it('levels: true then puts the uint8 and uint16 weights on the fewest codes the budget allows, lowest first in the note', async () => {
    // big needs at least 100 distinct codes: it lands on 128 levels (tried first: 512 bytes, as many as mid, and
    // first by name); mid (uint16) needs 1,500 levels: 2,048 (4,096 ✓, 1,024 ✗, 2,048 ✓); small lands on 16.
    const plain = evaluator();
    const base = await compressModel(loaded(searched()), { auto: true }, plain.auto);
    const levels: LevelsProgress[] = [];
    const { auto, calls } = evaluator({ big: 100, mid: 1500 }, { onLevels: (p) => levels.push(p) });
    const r = await compressModel(loaded(searched()), { auto: { levels: true } }, auto);
    const searchCalls = plain.calls.length;
    expect(levels.map((p) => p.evaluation)).toEqual(Array.from({ length: calls.length - searchCalls }, (_, i) => i + 1));
    expect(levels[0]).toMatchObject({ levels: 256, accepted: true });
    const last = r.steps[0]?.summary ?? '';
    expect(last.startsWith(`${base.steps[0]?.summary ?? ''}; levels: 3 of 3 uint8/uint16 weight(s) on fewer codes (16/128/2048), `)).toBe(true);
    expect(last).toMatch(/, 3 tried in 9 evaluations$/);
    expect(levels.filter((p) => p.weight !== undefined).map((p) => [p.weight, p.levels, p.accepted])).toEqual([
      ['big', 64, false],
      ['big', 128, true],
      ['mid', 4096, true],
      ['mid', 1024, false],
      ['mid', 2048, true],
      ['small', 64, true],
      ['small', 32, true],
      ['small', 16, true],
    ]);
    expect(r.steps[0]?.details).toMatchObject({ levels: { big: 128, mid: 2048, small: 16 }, bytesAfter: 1152 });
    expect(highestCode(r.artifacts, 'mid')).toBe(2047);
    expect(highestCode(base.artifacts, 'mid')).toBe(65535);
    expect(distinctCodes(r.artifacts, 'big')).toBeGreaterThanOrEqual(100);
    expect(distinctCodes(r.artifacts, 'big')).toBeLessThanOrEqual(128);
    expect(distinctCodes(r.artifacts, 'small')).toBeLessThanOrEqual(16);
    expect(distinctCodes(base.artifacts, 'small')).toBeGreaterThan(16);
  });

  it('levels: true when no weight can take fewer codes says none', async () => {
    const plain = evaluator();
    const base = await compressModel(loaded(searched()), { auto: true }, plain.auto);
    const need = { big: distinctCodes(base.artifacts, 'big'), mid: 65536, small: distinctCodes(base.artifacts, 'small') };
    const { auto } = evaluator(need);
    const r = await compressModel(loaded(searched()), { auto: { levels: true } }, auto);
    expect(r.steps[0]?.summary).toMatch(/; levels: 0 of 3 uint8\/uint16 weight\(s\) on fewer codes \(none\), 3 tried in \d+ evaluations$/);
    expect(r.steps[0]?.details).toMatchObject({ levels: {} });
    expect(splitWeights(r.artifacts).map((w) => [...w.bytes])).toEqual(splitWeights(base.artifacts).map((w) => [...w.bytes]));
  });

  it('levels: true keeps the search result when the re-measured 256-level model is over the budget', async () => {
    const plain = evaluator();
    const base = await compressModel(loaded(searched()), { auto: true }, plain.auto);
    // The same evaluator, but from the first evaluation after the search on, every drift is over the budget.
    const { auto, calls } = evaluator();
    const flaky: AutoEvaluator = {
      ...auto,
      evaluate: async (c) => {
        const d = await auto.evaluate(c);
        return calls.length > plain.calls.length ? { maxAbsError: 1 } : d;
      },
    };
    const r = await compressModel(loaded(searched()), { auto: { levels: true } }, flaky);
    expect(r.steps[0]?.summary).toBe(`${base.steps[0]?.summary ?? ''}; levels: the chosen model is over the budget on re-measurement; kept every code`);
    expect(splitWeights(r.artifacts).map((w) => [...w.bytes])).toEqual(splitWeights(base.artifacts).map((w) => [...w.bytes]));
  });

  it('levels: true has nothing to do when the search had nothing to search, even with a weight stored as uint8', async () => {
    // q is uint8 already, tiny is under min-elements: no unit, no evaluation; q stays as it is.
    const artifacts = quantizeWeights(
      {
        format: 'graph-model',
        ...encodeWeights([
          { name: 'q', shape: [64], dtype: 'float32', data: even(64) },
          { name: 'tiny', shape: [63], dtype: 'float32', data: even(63) },
        ]),
      },
      { dtypes: { uint8: ['q'] } },
    ).artifacts;
    const { auto, calls } = evaluator();
    const r = await compressModel(loaded(artifacts), { auto: { levels: true }, 'min-elements': 100 }, auto);
    expect(calls).toEqual([]);
    expect(r.steps[0]?.summary).toBe('1 uint8, 1 float32: 316 → 316 weight bytes in 0 evaluations');
    expect(r.artifacts).toBe(artifacts);
  });

  it('levels: true searches an all-uint16 result too, and leaves a model the search could not shrink alone', async () => {
    // big and small, at uint8 short of 10,000 codes, go to uint16; there they need 10,000 levels (16,384); mid none.
    const allTwoByte = evaluator({ big: 10_000, small: 10_000 });
    const r = await compressModel(loaded(searched()), { auto: { levels: true } }, allTwoByte.auto);
    expect(r.steps[0]?.summary).toMatch(
      /^3 uint16: 3,584 → 1,792 weight bytes in \d+ evaluations; levels: 3 of 3 uint16 weight\(s\) on fewer codes \(512\/16384\), 3 tried in 10 evaluations$/,
    );
    const never = evaluator({}, { withinBudget: () => false });
    const kept = await compressModel(loaded(searched()), { auto: { 'max-evaluations': 3, levels: true } }, never.auto);
    expect(never.calls).toHaveLength(3);
    expect(kept.steps[0]?.summary).toBe('3 float32: 3,584 → 3,584 weight bytes in 3 evaluations (capped)');
    expect(kept.warnings).toContain('auto: no candidate stayed inside the budget; the model is left as it was');
  });
});
