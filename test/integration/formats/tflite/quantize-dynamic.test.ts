import { describe, expect, it } from 'vitest';
import { CompressError } from '../../../../src/errors.js';
import { BuiltinOperator, TensorType } from '../../../../src/formats/tflite/generated/schema_generated.js';
import { builtinOf, type TfliteGraph } from '../../../../src/formats/tflite/graph.js';
import { floatValuesOf } from '../../../../src/formats/tflite/int8.js';
import { quantizeTfliteDynamicInt8 } from '../../../../src/formats/tflite/quantize-dynamic.js';
import { quantizeTfliteFloat32 } from '../../../../src/formats/tflite/quantize.js';
import { readTflite } from '../../../../src/formats/tflite/read.js';
import { writeTflite } from '../../../../src/formats/tflite/write.js';
import { compileTflite } from '../../../../src/runtimes/litert/execute.js';
import { loadLiteRtNode } from '../../../../src/runtimes/litert/load.js';
import { maxAbsDiff, seededInput } from '../../../helpers/drift.js';
import { readCorpusTflite } from '../../../helpers/tflite.js';
import { fullyConnectedGraph } from '../../../helpers/tflite-graphs.js';

async function outputsOf(bytes: Uint8Array, file: string, input: Float32Array[]): Promise<Float32Array[]> {
  const exe = await compileTflite(await loadLiteRtNode('relaxed-simd'), bytes, file);
  try {
    return (await exe.run(input)).map((o) => o.values);
  } finally {
    exe.dispose();
  }
}

const opsOf = (g: TfliteGraph, op: BuiltinOperator): { weights: number; version: number }[] => {
  const sg = g.model.subgraphs[0];
  if (!sg) return [];
  return sg.operators
    .filter((o) => {
      const code = g.model.operatorCodes[o.opcodeIndex];
      return code !== undefined && builtinOf(code) === op;
    })
    .map((o) => ({ weights: o.inputs[1] ?? -1, version: g.model.operatorCodes[o.opcodeIndex]?.version ?? 0 }));
};

describe('quantize dynamic-int8 on .tflite', () => {
  it('mediapipe-face-short: every CONV_2D reads per-channel int8 weights, depthwise stays float, runs in LiteRT close to float', async () => {
    const f32 = quantizeTfliteFloat32(readCorpusTflite('mediapipe-face-short')).graph;
    const result = quantizeTfliteDynamicInt8(f32);
    const bytes = writeTflite(result.graph);
    const g = readTflite(bytes, 'dynamic.tflite');
    const sg = g.model.subgraphs[0];
    if (!sg) throw new Error('no subgraph');
    const convs = opsOf(g, BuiltinOperator.CONV_2D);
    expect(result.rewritten).toEqual([{ op: 'CONV_2D', count: convs.length }]);
    expect(result.left).toContainEqual(expect.objectContaining({ op: 'DEPTHWISE_CONV_2D', count: opsOf(g, BuiltinOperator.DEPTHWISE_CONV_2D).length }));
    for (const conv of convs) {
      const w = sg.tensors[conv.weights];
      if (!w?.quantization) throw new Error('unquantized conv weights');
      expect(conv.version).toBe(5); // hybrid per-channel CONV_2D, as the converter writes it
      expect(w.type).toBe(TensorType.INT8);
      expect(w.quantization.quantizedDimension).toBe(0);
      expect(w.quantization.scale).toHaveLength(w.shape[0] ?? -1);
      expect(w.quantization.zeroPoint.every((z) => z === 0n)).toBe(true);
      expect(w.quantization.scale.every((s) => s > 0 && Number.isFinite(s))).toBe(true);
    }
    for (const dw of opsOf(g, BuiltinOperator.DEPTHWISE_CONV_2D)) expect(sg.tensors[dw.weights]?.type).toBe(TensorType.FLOAT32);
    // 4 bytes per conv weight became 1.
    expect(result.weightBytes.after * 4).toBe(result.weightBytes.before);
    expect(bytes.byteLength).toBeLessThan(writeTflite(f32).byteLength - 0.7 * result.weightBytes.before);

    const x = [seededInput(128 * 128 * 3, 7)];
    const [float, hybrid] = [await outputsOf(writeTflite(f32), 'float32', x), await outputsOf(bytes, 'dynamic', x)];
    const scale = Math.max(...float.map((o) => o.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
    const drift = Math.max(...float.map((o, i) => maxAbsDiff(o, hybrid[i] ?? new Float32Array(0))));
    console.log(`face-short dynamic-int8: max|Δ| ${drift.toExponential(2)} of output scale ${scale.toFixed(2)}`);
    expect(drift).toBeGreaterThan(0);
    // Seeded noise is far outside what the detector saw in training: 8-bit weights plus the kernel's 8-bit view of
    // each input move its box regressors by ~10 % of their range there (bench/results/tflite.md has real images).
    expect(drift / scale).toBeLessThan(0.15);
  }, 60_000);

  it('DEPTHWISE_CONV_2D when asked: per-channel along dimension 3, version 6, runs in LiteRT', async () => {
    const f32 = quantizeTfliteFloat32(readCorpusTflite('mediapipe-face-short')).graph;
    const result = quantizeTfliteDynamicInt8(f32, { ops: ['DEPTHWISE_CONV_2D'] });
    const g = result.graph;
    const sg = g.model.subgraphs[0];
    const dws = opsOf(g, BuiltinOperator.DEPTHWISE_CONV_2D);
    expect(result.rewritten).toEqual([{ op: 'DEPTHWISE_CONV_2D', count: dws.length }]);
    for (const dw of dws) {
      const w = sg?.tensors[dw.weights];
      expect(dw.version).toBe(6);
      expect(w?.quantization?.quantizedDimension).toBe(3);
      expect(w?.quantization?.scale).toHaveLength(w?.shape[3] ?? -1);
    }
    expect(result.left).toContainEqual(expect.objectContaining({ op: 'CONV_2D', reason: expect.stringContaining('slower') as unknown }));
    const out = await outputsOf(writeTflite(g), 'dynamic-dw', [seededInput(128 * 128 * 3, 7)]);
    expect(out.every((o) => o.every(Number.isFinite))).toBe(true);
  }, 60_000);

  it('FULLY_CONNECTED: per-channel int8 weights that dequantize back within half a step, version 12, runs in LiteRT', async () => {
    const graph = fullyConnectedGraph({ inputs: 16, units: 8 });
    const result = quantizeTfliteDynamicInt8(graph);
    const sg = result.graph.model.subgraphs[0];
    const [fc] = opsOf(result.graph, BuiltinOperator.FULLY_CONNECTED);
    const w = sg?.tensors[fc?.weights ?? -1];
    const q = w?.quantization;
    if (!w || !q || !fc) throw new Error('no quantized weights');
    expect(fc.version).toBe(12);
    const original = floatValuesOf(graph.buffers[1] ?? new Uint8Array(0));
    const int8 = new Int8Array((result.graph.buffers[w.buffer] ?? new Uint8Array(0)).slice().buffer);
    for (let c = 0; c < 8; c++) {
      const row = original.subarray(c * 16, c * 16 + 16);
      const scale = q.scale[c] ?? 0;
      // The largest weight of each channel lands on ±127 exactly; every weight is within half a step.
      expect(scale).toBe(Math.fround(Math.max(...row.map(Math.abs)) / 127));
      expect(Math.max(...int8.subarray(c * 16, c * 16 + 16).map(Math.abs))).toBe(127);
      for (let i = 0; i < 16; i++) expect(Math.abs((int8[c * 16 + i] ?? 0) * scale - (row[i] ?? 0))).toBeLessThanOrEqual(scale / 2 + 1e-9);
    }
    const x = [seededInput(16, 9)];
    const [float, hybrid] = [await outputsOf(writeTflite(graph), 'fc', x), await outputsOf(writeTflite(result.graph), 'fc-int8', x)];
    expect(maxAbsDiff(float[0] ?? new Float32Array(0), hybrid[0] ?? new Float32Array(0))).toBeLessThan(0.02);
  }, 60_000);

  it('refuses a graph with no float32 weights (a float16 model as shipped), naming the fix', () => {
    expect(() => quantizeTfliteDynamicInt8(readCorpusTflite('mediapipe-face-short'))).toThrow(CompressError);
    expect(() => quantizeTfliteDynamicInt8(fullyConnectedGraph({ weightType: TensorType.FLOAT16 }))).toThrow(/weights are FLOAT16.*quantize: float32 first/);
  });

  it('does not modify its input', () => {
    const graph = fullyConnectedGraph();
    const before = writeTflite(graph);
    quantizeTfliteDynamicInt8(graph);
    expect(Buffer.from(writeTflite(graph)).equals(before)).toBe(true);
  });
});
