import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../../../src/formats/tflite/read.js';
import { corpusModel } from '../../../helpers/corpus.js';
import { readCorpusTflite, TFLITE_IDS } from '../../../helpers/tflite.js';
import { costTflite } from '../../../../src/formats/tflite/cost.js';
import { graphOf, loadTfliteModel } from '../../../../src/formats/tflite/format.js';

describe('readTflite on the corpus', () => {
  it.each(TFLITE_IDS)('%s parses and validates', (id) => {
    const m = corpusModel(id);
    const graph = readTflite(readFileSync(m.path), m.path);
    const main = graph.model.subgraphs[0];
    expect(main?.operators.length).toBeGreaterThan(10);
    expect(graph.buffers.length).toBe(graph.model.buffers.length);
    expect(graph.buffers.reduce((n, b) => n + b.byteLength, 0)).toBeGreaterThan(100_000);
  });
});

describe('costTflite on the corpus', () => {
  it('pose_landmark_heavy has the 13.75 M parameters of BlazePose GHUM heavy and its MACs come from convolutions', () => {
    const cost = costTflite(readCorpusTflite('mediapipe-pose-heavy'));
    console.log(`pose heavy: ${cost.parameters} parameters, ${(cost.macs / 1e9).toFixed(3)} GMACs, ${(cost.flops / 1e9).toFixed(3)} GFLOPs`);
    expect(cost.parameters).toBeGreaterThan(13.7e6);
    expect(cost.parameters).toBeLessThan(13.8e6);
    const conv = cost.operators.filter((o) => o.op === 'CONV_2D' || o.op === 'DEPTHWISE_CONV_2D').reduce((n, o) => n + o.macs, 0);
    expect(conv / cost.macs).toBeGreaterThan(0.9);
  });
});

describe('graphOf', () => {
  it('parses a loaded model once: the load, the weights, the inputs and the cost share one graph', async () => {
    const m = corpusModel(TFLITE_IDS[0] ?? 'mediapipe-face-short');
    const model = await loadTfliteModel(m.path);
    const graph = graphOf(model);
    expect(graphOf(model)).toBe(graph);
    expect(graphOf({ bytes: model.bytes, path: 'other-name.tflite' })).toBe(graph);
    // Other bytes with the same content are another model: parsed on their own.
    const copy = graphOf({ bytes: model.bytes.slice(), path: model.path });
    expect(copy).not.toBe(graph);
    expect(copy.model.subgraphs[0]?.operators.length).toBe(graph.model.subgraphs[0]?.operators.length);
  });
});
