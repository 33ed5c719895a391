import { beforeAll, describe, expect, it } from 'vitest';
import { CompressError } from '../../../../src/errors.js';
import { calibrateTflite, exposeActivations, type TfliteCalibration } from '../../../../src/formats/tflite/calibrate.js';
import { BuiltinOperator, TensorType, type OperatorT } from '../../../../src/formats/tflite/generated/schema_generated.js';
import { builtinOf, type TfliteGraph } from '../../../../src/formats/tflite/graph.js';
import { quantizeTfliteInt8 } from '../../../../src/formats/tflite/quantize-int8.js';
import { quantizeTfliteFloat32 } from '../../../../src/formats/tflite/quantize.js';
import { readTflite } from '../../../../src/formats/tflite/read.js';
import { copyTflite, writeTflite } from '../../../../src/formats/tflite/write.js';
import { compileTflite } from '../../../../src/runtimes/litert/execute.js';
import { litertRuntime } from '../../../../src/runtimes/litert/index.js';
import { loadLiteRtNode } from '../../../../src/runtimes/litert/load.js';
import type { HostTensor, RuntimeInfo } from '../../../../src/runtimes/types.js';
import { faceAgreement, maskAgreement } from '../../../helpers/agreement.js';
import { photoInputs } from '../../../helpers/photos.js';
import { readCorpusTflite } from '../../../helpers/tflite.js';
import { fullyConnectedGraph } from '../../../helpers/tflite-graphs.js';

const FACE = { scale: 1 / 127.5, mean: 1 }; // MediaPipe's face detector reads pixels in [-1, 1]
const asSamples = (xs: Float32Array[], shape: number[]): HostTensor[][] => xs.map((data) => [{ dtype: 'float32', shape, data }]);

async function outputsOf(bytes: Uint8Array, file: string, xs: Float32Array[]): Promise<Float32Array[][]> {
  const exe = await compileTflite(await loadLiteRtNode('relaxed-simd'), bytes, file);
  try {
    const out: Float32Array[][] = [];
    for (const x of xs) out.push((await exe.run([x])).map((o) => o.values));
    return out;
  } finally {
    exe.dispose();
  }
}

/** The builtin an operator runs, undefined for a bad opcode index. */
const builtinAt = (g: TfliteGraph, o: OperatorT): BuiltinOperator | undefined => {
  const code = g.model.operatorCodes[o.opcodeIndex];
  return code ? builtinOf(code) : undefined;
};

const bufferBytes = (g: TfliteGraph, types: readonly TensorType[]): number =>
  (g.model.subgraphs[0]?.tensors ?? []).filter((t) => types.includes(t.type)).reduce((n, t) => n + (g.buffers[t.buffer]?.byteLength ?? 0), 0);

let info: RuntimeInfo;
beforeAll(async () => {
  info = await litertRuntime.start({});
});

describe('calibrateTflite', () => {
  it('records each activation as it is when exposed alone (XNNPACK in-place reuse cannot corrupt it)', async () => {
    const f32 = quantizeTfliteFloat32(readCorpusTflite('mediapipe-face-short')).graph;
    const xs = photoInputs(128, 128, FACE);
    const calibration = await calibrateTflite(f32, asSamples(xs, [1, 128, 128, 3]), litertRuntime, info);
    const { tensors } = exposeActivations(f32);
    expect(calibration.ranges.size).toBe(tensors.length);
    expect(calibration.samples).toBe(2);
    // A few intermediates, each the only extra output of its own model: the truth the full calibration must match.
    for (const index of [tensors[1], tensors[2], tensors[20], tensors[40]]) {
      if (index === undefined) throw new Error('too few activations');
      const alone = copyTflite(f32, 'alone');
      const sg = alone.model.subgraphs[0];
      if (!sg) throw new Error('no subgraph');
      sg.outputs = [index];
      const values = (await outputsOf(writeTflite(alone), 'alone', xs)).map((o) => o[0] ?? new Float32Array(0));
      const min = Math.min(...values.map((v) => v.reduce((m, x) => Math.min(m, x), Infinity)));
      const max = Math.max(...values.map((v) => v.reduce((m, x) => Math.max(m, x), -Infinity)));
      expect(calibration.ranges.get(index)).toEqual({ min, max });
    }
  }, 120_000);

  it('refuses an empty sample list', async () => {
    await expect(calibrateTflite(fullyConnectedGraph(), [], litertRuntime, info)).rejects.toThrow(/needs calibration samples/);
  });
});

describe('quantize int8 on .tflite', () => {
  let f32: TfliteGraph;
  let calibration: TfliteCalibration;
  const xs = photoInputs(128, 128, FACE, { mirror: true });
  beforeAll(async () => {
    f32 = quantizeTfliteFloat32(readCorpusTflite('mediapipe-face-short')).graph;
    calibration = await calibrateTflite(f32, asSamples(xs, [1, 128, 128, 3]), litertRuntime, info);
  }, 120_000);

  it('mediapipe-face-short: every operator int8, float32 interface, valid parameters, bias scale = input × weight scale', () => {
    const result = quantizeTfliteInt8(f32, calibration);
    expect(result.left).toEqual([]);
    expect(result.quantizeOps).toBe(1);
    expect(result.dequantizeOps).toBe(2);
    const g = readTflite(writeTflite(result.graph), 'int8.tflite');
    const sg = g.model.subgraphs[0];
    if (!sg) throw new Error('no subgraph');
    const float = f32.model.subgraphs[0];
    // The interface: float32 tensors with the float model's names and shapes.
    for (const [list, orig] of [
      [sg.inputs, float?.inputs ?? []],
      [sg.outputs, float?.outputs ?? []],
    ] as const) {
      expect(list.map((i) => [sg.tensors[i]?.type, sg.tensors[i]?.name, sg.tensors[i]?.shape])).toEqual(
        orig.map((i) => [TensorType.FLOAT32, float?.tensors[i]?.name, float?.tensors[i]?.shape]),
      );
    }
    const opOf = (o: OperatorT): { op: BuiltinOperator | undefined; version: number } => ({
      op: builtinAt(g, o),
      version: g.model.operatorCodes[o.opcodeIndex]?.version ?? 0,
    });
    const first = sg.operators[0];
    if (!first) throw new Error('no operators');
    expect(opOf(first)).toEqual({
      op: BuiltinOperator.QUANTIZE,
      version: 1,
    });
    const versions = new Map<BuiltinOperator, Set<number>>();
    for (const o of sg.operators) {
      const { op, version } = opOf(o);
      if (op === undefined) throw new Error('bad opcode');
      versions.set(op, (versions.get(op) ?? new Set()).add(version));
      if (op === BuiltinOperator.QUANTIZE || op === BuiltinOperator.DEQUANTIZE) continue;
      for (const i of [...o.inputs, ...o.outputs]) {
        const t = sg.tensors[i];
        if (!t || t.type !== TensorType.INT8) {
          expect([TensorType.INT32], `${BuiltinOperator[op]} tensor ${String(t?.name)}`).toContain(t?.type);
          continue;
        }
        const q = t.quantization;
        expect(q?.scale.length).toBeGreaterThan(0);
        expect(q?.scale.every((s) => s > 0 && Number.isFinite(s))).toBe(true);
        expect(q?.zeroPoint.every((z) => z >= -128n && z <= 127n)).toBe(true);
      }
      if (op === BuiltinOperator.CONV_2D || op === BuiltinOperator.DEPTHWISE_CONV_2D) {
        const [input, weights, bias] = [sg.tensors[o.inputs[0] ?? -1], sg.tensors[o.inputs[1] ?? -1], sg.tensors[o.inputs[2] ?? -1]];
        const axis = op === BuiltinOperator.CONV_2D ? 0 : 3;
        const wq = weights?.quantization;
        expect(wq?.quantizedDimension).toBe(axis);
        expect(wq?.scale).toHaveLength(weights?.shape[axis] ?? -1);
        expect(wq?.zeroPoint.every((z) => z === 0n)).toBe(true);
        expect(bias?.type).toBe(TensorType.INT32);
        const inputScale = input?.quantization?.scale[0] ?? NaN;
        // Stored as float32: compare after the same rounding.
        expect(bias?.quantization?.scale).toEqual(wq?.scale.map((s) => Math.fround(inputScale * s)));
        expect(bias?.quantization?.zeroPoint.every((z) => z === 0n)).toBe(true);
      }
    }
    // Op versions as the converter writes them for int8 (op_version.cc).
    expect(versions.get(BuiltinOperator.CONV_2D)).toEqual(new Set([3]));
    expect(versions.get(BuiltinOperator.DEPTHWISE_CONV_2D)).toEqual(new Set([3]));
    expect(versions.get(BuiltinOperator.ADD)).toEqual(new Set([2]));
    expect(versions.get(BuiltinOperator.DEQUANTIZE)).toEqual(new Set([2]));
    // Weights: a quarter of their float32 bytes (int32 biases stay 4 bytes each).
    expect(bufferBytes(g, [TensorType.INT8, TensorType.INT32]) / bufferBytes(f32, [TensorType.FLOAT32])).toBeLessThan(0.27);
    expect(bufferBytes(g, [TensorType.FLOAT32])).toBe(0);
  });

  it('mediapipe-face-short: runs in stock LiteRT and finds the same face on real photos', async () => {
    const int8 = writeTflite(quantizeTfliteInt8(f32, calibration).graph);
    const [float, quantized] = [await outputsOf(writeTflite(f32), 'float32', xs), await outputsOf(int8, 'int8', xs)];
    for (const [i, out] of float.entries()) {
      const agreement = faceAgreement(out, quantized[i] ?? []);
      console.log(`face-short int8, photo ${i}: ${JSON.stringify(agreement)}`);
      expect(agreement.score).toBeGreaterThan(0.5); // a face is there
      expect(agreement.scoreDelta).toBeLessThan(0.1);
      expect(agreement.centreDeltaPx).toBeLessThan(4); // of a 128-pixel input
    }
  }, 60_000);

  it('mediapipe-selfie: the custom transposed convolution stays float behind DEQUANTIZE / QUANTIZE; the mask agrees', async () => {
    const selfie = quantizeTfliteFloat32(readCorpusTflite('mediapipe-selfie')).graph;
    const photos = photoInputs(256, 256, {});
    const result = quantizeTfliteInt8(selfie, await calibrateTflite(selfie, asSamples(photos, [1, 256, 256, 3]), litertRuntime, info));
    expect(result.left).toEqual([{ op: 'CUSTOM Convolution2DTransposeBias', count: 1, reason: expect.stringContaining('no int8 kernel') as unknown }]);
    const sg = result.graph.model.subgraphs[0];
    const custom = sg?.operators.find((o) => result.graph.model.operatorCodes[o.opcodeIndex]?.customCode !== null);
    expect(custom?.inputs.map((i) => sg?.tensors[i]?.type)).toEqual([TensorType.FLOAT32, TensorType.FLOAT32, TensorType.FLOAT32]);
    const producers = (custom?.inputs ?? []).flatMap((i) => sg?.operators.filter((o) => o.outputs.includes(i)) ?? []);
    expect(producers.map((o) => builtinAt(result.graph, o))).toEqual([BuiltinOperator.DEQUANTIZE]);
    const [float, quantized] = [await outputsOf(writeTflite(selfie), 'float32', photos), await outputsOf(writeTflite(result.graph), 'int8', photos)];
    for (const [i, out] of float.entries()) {
      const agreement = maskAgreement(out, quantized[i] ?? []);
      console.log(`selfie int8, photo ${i}: ${JSON.stringify(agreement)}`);
      expect(agreement.iou).toBeGreaterThan(0.75);
    }
  }, 120_000);

  it('refuses a float16 graph (weights behind DEQUANTIZE), naming the fix', () => {
    expect(() => quantizeTfliteInt8(readCorpusTflite('mediapipe-face-short'), calibration)).toThrow(/FLOAT16.*quantize: float32 first/);
  });

  it('refuses when no operator can be made int8 (no calibrated ranges), saying why for each', () => {
    expect(() => quantizeTfliteInt8(fullyConnectedGraph(), { subgraph: 0, ranges: new Map(), samples: 0 })).toThrow(CompressError);
    expect(() => quantizeTfliteInt8(fullyConnectedGraph(), { subgraph: 0, ranges: new Map(), samples: 0 })).toThrow(
      /1 × FULLY_CONNECTED \(tensor "input" has no calibrated range\)/,
    );
  });

  it('FULLY_CONNECTED: per-tensor int8 weights, version 4, runs in LiteRT close to float', async () => {
    const graph = fullyConnectedGraph({ inputs: 32, units: 8, tail: BuiltinOperator.LOGISTIC });
    const samples = [1, 2, 3, 4].map((s) => Float32Array.from({ length: 32 }, (_, i) => Math.sin(i * s)));
    const result = quantizeTfliteInt8(graph, await calibrateTflite(graph, asSamples(samples, [1, 32]), litertRuntime, info));
    expect(result.rewritten).toEqual([
      { op: 'FULLY_CONNECTED', count: 1 },
      { op: 'LOGISTIC', count: 1 },
    ]);
    const sg = result.graph.model.subgraphs[0];
    const fc = sg?.operators.find((o) => builtinAt(result.graph, o) === BuiltinOperator.FULLY_CONNECTED);
    expect(result.graph.model.operatorCodes[fc?.opcodeIndex ?? -1]?.version).toBe(4);
    expect(sg?.tensors[fc?.inputs[1] ?? -1]?.quantization?.scale).toHaveLength(1);
    // LOGISTIC writes [0, 1) at the fixed scale 1/256, zero point -128.
    const logisticOut = sg?.tensors[fc?.outputs[0] ?? -1];
    expect(logisticOut?.type).toBe(TensorType.INT8);
    const [float, quantized] = [await outputsOf(writeTflite(graph), 'fc', samples), await outputsOf(writeTflite(result.graph), 'fc-int8', samples)];
    for (const [i, out] of float.entries()) {
      const a = out[0] ?? new Float32Array(0);
      const b = quantized[i]?.[0] ?? new Float32Array(0);
      for (let k = 0; k < a.length; k++) expect(Math.abs((a[k] ?? 0) - (b[k] ?? 0))).toBeLessThan(0.03);
    }
  }, 60_000);
});
