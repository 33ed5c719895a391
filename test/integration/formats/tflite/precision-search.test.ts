import { beforeAll, describe, expect, it } from 'vitest';
import { calibrateTflite, type TfliteCalibration } from '../../../../src/formats/tflite/calibrate.js';
import { TensorType } from '../../../../src/formats/tflite/generated/schema_generated.js';
import type { TfliteGraph } from '../../../../src/formats/tflite/graph.js';
import { searchTflitePrecision } from '../../../../src/formats/tflite/precision-search.js';
import { quantizeTfliteFloat32 } from '../../../../src/formats/tflite/quantize.js';
import { writeTflite } from '../../../../src/formats/tflite/write.js';
import { compileTflite } from '../../../../src/runtimes/litert/execute.js';
import { litertRuntime } from '../../../../src/runtimes/litert/index.js';
import { loadLiteRtNode } from '../../../../src/runtimes/litert/load.js';
import { faceAgreement } from '../../../helpers/agreement.js';
import { photoInputs } from '../../../helpers/photos.js';
import { readCorpusTflite } from '../../../helpers/tflite.js';

const xs = photoInputs(128, 128, { scale: 1 / 127.5, mean: 1 }, { mirror: true });
let f32: TfliteGraph;
let calibration: TfliteCalibration;
let reference: Float32Array[][];

async function outputsOf(graph: TfliteGraph): Promise<Float32Array[][]> {
  const exe = await compileTflite(await loadLiteRtNode('relaxed-simd'), writeTflite(graph), 'mix.tflite');
  try {
    const out: Float32Array[][] = [];
    for (const x of xs) out.push((await exe.run([x])).map((o) => o.values));
    return out;
  } finally {
    exe.dispose();
  }
}

/** The caller's accuracy check: the worst change of the best face's score over the photos. */
async function scoreDrift(graph: TfliteGraph): Promise<number> {
  const out = await outputsOf(graph);
  return Math.max(...reference.map((r, i) => faceAgreement(r, out[i] ?? []).scoreDelta));
}

beforeAll(async () => {
  f32 = quantizeTfliteFloat32(readCorpusTflite('mediapipe-face-short')).graph;
  const info = await litertRuntime.start({});
  calibration = await calibrateTflite(
    f32,
    xs.map((data) => [{ dtype: 'float32', shape: [1, 128, 128, 3], data }]),
    litertRuntime,
    info,
  );
  reference = await outputsOf(f32);
}, 120_000);

describe('searchTflitePrecision', () => {
  it('returns the smallest mix within the budget, having evaluated only the smaller ones before it', async () => {
    const evaluated: number[] = [];
    const result = await searchTflitePrecision(f32, {
      calibration,
      maxError: 0.005,
      evaluate: async (g) => {
        evaluated.push(writeTflite(g).byteLength);
        return scoreDrift(g);
      },
    });
    if (!result) throw new Error('nothing within budget');
    console.log(`chosen: ${result.name} (${result.bytes} bytes, score Δ ${result.error.toFixed(4)}); ${JSON.stringify(result.steps)}`);
    expect(result.error).toBeLessThanOrEqual(0.005);
    const sizes = result.steps.map((s) => s.bytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    const at = result.steps.findIndex((s) => s.name === result.name);
    // Every smaller mix was evaluated and found over budget; no larger one was evaluated.
    expect(result.steps.slice(0, at).every((s) => s.error !== undefined && s.error > 0.005)).toBe(true);
    expect(result.steps.slice(at + 1).every((s) => s.error === undefined)).toBe(true);
    expect(evaluated).toEqual(sizes.slice(0, at + 1));
    expect(at).toBeGreaterThan(0); // dynamic-int8, the smallest here, moves the score by more than 0.005
    expect(result.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['int8', 'int8, last 1 operator float', 'dynamic-int8', 'float16', 'float32']));
  }, 120_000);

  it('with no error allowed, picks float16 (bit-exact weights) over float32; with a negative budget, nothing', async () => {
    const int8Tensors = async (g: TfliteGraph): Promise<number> =>
      Promise.resolve(g.model.subgraphs[0]?.tensors.filter((t) => t.type === TensorType.INT8).length ?? 0);
    expect((await searchTflitePrecision(f32, { calibration, maxError: 0, evaluate: int8Tensors }))?.name).toBe('float16');
    expect(await searchTflitePrecision(f32, { calibration, maxError: -1, evaluate: int8Tensors })).toBeUndefined();
  });

  it('without calibration, the smallest is dynamic-int8', async () => {
    const result = await searchTflitePrecision(f32, { maxError: Infinity, evaluate: () => Promise.resolve(0) });
    expect(result?.name).toBe('dynamic-int8');
    expect(result?.steps.map((s) => s.name)).toEqual(['dynamic-int8', 'float16', 'float32']);
  });
});
