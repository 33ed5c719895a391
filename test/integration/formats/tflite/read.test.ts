import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../../../src/formats/tflite/read.js';
import { corpusModel } from '../../../helpers/corpus.js';
import { TFLITE_IDS } from '../../../helpers/tflite.js';


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
