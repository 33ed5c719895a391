import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { ModelT, SignatureDefT, SubGraphT } from '../../../src/formats/tflite/generated/schema_generated.js';
import { selectTfliteEntry } from '../../../src/formats/tflite/select.js';

const graph = (subgraphs: number, signatures: [string, number][]) => ({
  model: new ModelT(
    3,
    [],
    Array.from({ length: subgraphs }, () => new SubGraphT()),
    null,
    [],
    [],
    [],
    signatures.map(([k, s]) => new SignatureDefT([], [], k, s)),
  ),
  buffers: [],
});

describe('selectTfliteEntry', () => {
  it.each([
    { what: 'one subgraph, no signature', subgraphs: 1, signatures: [], ask: undefined, expected: [0, undefined, 'subgraph 0, the only one'] },
    {
      what: 'control flow, no signature',
      subgraphs: 3,
      signatures: [],
      ask: undefined,
      expected: [0, undefined, 'subgraph 0 of 3 (no signatures; the others are control-flow bodies)'],
    },
    {
      what: 'one signature',
      subgraphs: 2,
      signatures: [['serving_default', 1]],
      ask: undefined,
      expected: [1, 'serving_default', 'signature "serving_default" (subgraph 1), the only one'],
    },
    {
      what: 'several, none asked',
      subgraphs: 2,
      signatures: [
        ['encode', 0],
        ['decode', 1],
      ],
      ask: undefined,
      expected: [0, 'encode', 'signature "encode" (subgraph 0), the first of "encode", "decode"; choose another with its key'],
    },
    {
      what: 'several, one asked',
      subgraphs: 2,
      signatures: [
        ['encode', 0],
        ['decode', 1],
      ],
      ask: 'decode',
      expected: [1, 'decode', 'signature "decode" (subgraph 1), as configured'],
    },
  ] as { what: string; subgraphs: number; signatures: [string, number][]; ask: string | undefined; expected: [number, string | undefined, string] }[])(
    '$what',
    ({ subgraphs, signatures, ask, expected }) => {
      const entry = selectTfliteEntry(graph(subgraphs, signatures), 'm.tflite', ask);
      expect([entry.subgraph, entry.signature, entry.note]).toEqual(expected);
    },
  );

  it('names the signatures there are when the asked one is missing', () => {
    expect(() =>
      selectTfliteEntry(
        graph(2, [
          ['encode', 0],
          ['decode', 1],
        ]),
        'm.tflite',
        'train',
      ),
    ).toThrow(
      // The error now carries its catalog code as well as the same message and file.
      expect.objectContaining({
        constructor: ModelLoadError,
        message: 'm.tflite: no signature "train"; the model has "encode", "decode"',
        file: 'm.tflite',
        code: 'tflite/signature-missing',
      }),
    );
    expect(() => selectTfliteEntry(graph(1, []), 'm.tflite', 'x')).toThrow(/no signatures \(subgraph 0 is its entry\)/);
  });
});
