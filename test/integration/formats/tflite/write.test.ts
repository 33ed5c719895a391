import { readFileSync } from 'node:fs';
import { ByteBuffer } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { BuiltinOperator, Model } from '../../../../src/formats/tflite/generated/schema_generated.js';
import { readTflite } from '../../../../src/formats/tflite/read.js';
import { BUFFER_ALIGNMENT_BYTES, writeTflite } from '../../../../src/formats/tflite/write.js';
import { corpusModel } from '../../../helpers/corpus.js';
import { TFLITE_IDS } from '../../../helpers/tflite.js';

describe('writeTflite', () => {
  it.each(TFLITE_IDS)('%s round-trips: same graph, same buffer bytes, aligned, no empty vectors', (id) => {
    const m = corpusModel(id);
    const original = readTflite(readFileSync(m.path), m.path);
    const bytes = writeTflite(original);
    const back = readTflite(bytes, 'written.tflite');

    const withoutBuffers = (g: typeof original): unknown => JSON.parse(JSON.stringify(g.model, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    // Buffer indices are renumbered (unused ones dropped): compare each tensor's bytes, then the rest verbatim.
    for (const [s, subgraph] of original.model.subgraphs.entries()) {
      for (const [t, tensor] of subgraph.tensors.entries()) {
        const written = back.model.subgraphs[s]?.tensors[t];
        expect(written).toBeDefined();
        const same = Buffer.from(back.buffers[written?.buffer ?? -1] ?? []).equals(original.buffers[tensor.buffer] ?? new Uint8Array(0));
        expect(same, `${String(subgraph.tensors[t]?.name)} bytes`).toBe(true);
      }
    }
    const strip = (g: typeof original): unknown => {
      const json = withoutBuffers(g) as {
        subgraphs: { tensors: { buffer: number }[] }[];
        buffers: unknown[];
        metadata: { buffer: number }[];
        metadataBuffer: number[];
      };
      for (const sg of json.subgraphs) for (const t of sg.tensors) t.buffer = 0;
      for (const entry of json.metadata) entry.buffer = 0;
      json.metadataBuffer = json.metadataBuffer.map(() => 0);
      json.buffers = [];
      return json;
    };
    expect(strip(back)).toEqual(strip(original));

    const root = Model.getRootAsModel(new ByteBuffer(bytes));
    for (let i = 0; i < root.buffersLength(); i++) {
      const data = root.buffers(i)?.dataArray();
      if (data && data.byteLength > 0) expect((data.byteOffset - bytes.byteOffset) % BUFFER_ALIGNMENT_BYTES).toBe(0);
    }
    // A builtin operator carries no custom_options vector at all (LiteRT rejects an empty one).
    const sg = root.subgraphs(0);
    for (let o = 0; o < (sg?.operatorsLength() ?? 0); o++) {
      const op = sg?.operators(o);
      const code = root.operatorCodes(op?.opcodeIndex() ?? 0);
      if (code?.builtinCode() !== BuiltinOperator.CUSTOM) expect(op?.customOptionsArray()).toBeNull();
    }
    expect(readTflite(writeTflite(back), 'again.tflite').buffers.length).toBe(back.buffers.length);
  });

  it('points tensors whose buffer is empty at buffer 0 and drops the unused buffers', () => {
    const m = corpusModel('mediapipe-face-short');
    const graph = readTflite(readFileSync(m.path), m.path);
    const tensor = graph.model.subgraphs[0]?.tensors.find((t) => (graph.buffers[t.buffer]?.byteLength ?? 0) > 0);
    if (!tensor) throw new Error('no constant tensor');
    const buffers = graph.buffers.map((b, i) => (i === tensor.buffer ? new Uint8Array(0) : b));
    const before = tensor.buffer;
    const back = readTflite(writeTflite({ model: graph.model, buffers }), 'emptied.tflite');
    expect(tensor.buffer).toBe(before); // the input is not modified
    const written = back.model.subgraphs[0]?.tensors[graph.model.subgraphs[0]?.tensors.indexOf(tensor) ?? -1];
    expect(written?.buffer).toBe(0);
    expect(back.buffers.length).toBeLessThan(graph.buffers.length);
    expect(back.buffers.filter((b) => b.byteLength > 0).length).toBe(buffers.filter((b) => b.byteLength > 0).length);
  });
});
