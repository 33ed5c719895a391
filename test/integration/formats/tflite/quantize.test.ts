import { describe, expect, it } from 'vitest';
import { TensorType } from '../../../../src/formats/tflite/generated/schema_generated.js';
import { quantizeTfliteFloat16, quantizeTfliteFloat32 } from '../../../../src/formats/tflite/quantize.js';
import { readTflite } from '../../../../src/formats/tflite/read.js';
import { writeTflite } from '../../../../src/formats/tflite/write.js';
import { compileTflite } from '../../../../src/runtimes/litert/execute.js';
import { loadLiteRtNode } from '../../../../src/runtimes/litert/load.js';
import { maxAbsDiff, seededInput } from '../../../helpers/drift.js';
import { readCorpusTflite } from '../../../helpers/tflite.js';

const constantsOf = (bytes: Uint8Array, type: TensorType): string[] => {
  const g = readTflite(bytes, 'x.tflite');
  return (g.model.subgraphs[0]?.tensors ?? [])
    .filter((t) => t.type === type && (g.buffers[t.buffer]?.byteLength ?? 0) > 0)
    .map((t) => Buffer.from(g.buffers[t.buffer] ?? []).toString('base64'))
    .sort();
};

async function outputsOf(bytes: Uint8Array, file: string, input: Float32Array[]): Promise<Float32Array[]> {
  const exe = await compileTflite(await loadLiteRtNode('relaxed-simd'), bytes, file);
  try {
    return (await exe.run(input)).map((o) => o.values);
  } finally {
    exe.dispose();
  }
}

// Each model: its input size and a tolerance on outputs (raw logits/coordinates, not normalised).
const MODELS = [
  { id: 'mediapipe-face-short', input: 128 * 128 * 3 },
  { id: 'mediapipe-selfie', input: 256 * 256 * 3 },
  { id: 'mediapipe-pose-lite', input: 256 * 256 * 3 },
] as const;

describe('quantize float32 / float16 on .tflite', () => {
  it.each(MODELS)(
    '$id: float32 expands every fp16 weight, float16 brings back the same bytes, both run in LiteRT',
    async ({ id, input }) => {
      const shipped = readCorpusTflite(id);
      const shippedBytes = writeTflite(shipped);
      const f32 = quantizeTfliteFloat32(shipped);
      const f32Bytes = writeTflite(f32.graph);
      expect(f32.tensors).toBeGreaterThan(50);
      expect(constantsOf(f32Bytes, TensorType.FLOAT16)).toEqual([]);
      expect(readTflite(f32Bytes, 'f32').model.subgraphs[0]?.operators.some((op) => op.opcodeIndex === -1)).toBe(false);

      const f16 = quantizeTfliteFloat16(f32.graph);
      const f16Bytes = writeTflite(f16.graph);
      expect(f16.tensors).toBe(f32.tensors);
      // Bit-exact round trip: the fp16 weights are the shipped ones.
      expect(constantsOf(f16Bytes, TensorType.FLOAT16)).toEqual(constantsOf(shippedBytes, TensorType.FLOAT16));
      expect(constantsOf(f16Bytes, TensorType.FLOAT32)).toEqual([]);
      // Weights halve exactly; the file carries the graph on top (one DEQUANTIZE and one tensor per weight), which is
      // why the shipped converter output is the same size as ours.
      const floatBytes = (bytes: Uint8Array, type: TensorType): number => constantsOf(bytes, type).reduce((n, b) => n + Buffer.from(b, 'base64').byteLength, 0);
      expect(floatBytes(f16Bytes, TensorType.FLOAT16) / floatBytes(f32Bytes, TensorType.FLOAT32)).toBe(0.5);
      expect(Math.abs(f16Bytes.byteLength / shippedBytes.byteLength - 1)).toBeLessThan(0.02);

      const x = [seededInput(input, 7)];
      const [base, wide, half] = [
        await outputsOf(shippedBytes, 'shipped', x),
        await outputsOf(f32Bytes, 'float32', x),
        await outputsOf(f16Bytes, 'float16', x),
      ];
      const drift = (a: Float32Array[], b: Float32Array[]): number => Math.max(...a.map((o, i) => maxAbsDiff(o, b[i] ?? new Float32Array(0))));
      const scale = Math.max(...base.map((o) => o.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
      console.log(
        `${id}: ${f32.tensors} tensors; bytes shipped ${shippedBytes.byteLength} float32 ${f32Bytes.byteLength} float16 ${f16Bytes.byteLength}; max|Δ| float32 vs shipped ${drift(wide, base).toExponential(2)}, float16 vs shipped ${drift(half, base).toExponential(2)} (output scale ${scale.toFixed(2)})`,
      );
      expect(drift(half, base)).toBe(0);
      expect(drift(wide, base) / scale).toBeLessThan(1e-3);
    },
    60_000,
  );

  it('does not modify its input', () => {
    const shipped = readCorpusTflite('mediapipe-face-short');
    const before = writeTflite(shipped);
    quantizeTfliteFloat16(quantizeTfliteFloat32(shipped).graph);
    expect(Buffer.from(writeTflite(shipped)).equals(before)).toBe(true);
  });
});
