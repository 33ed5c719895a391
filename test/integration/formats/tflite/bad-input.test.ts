import { readFileSync } from 'node:fs';
import { Builder } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../../src/errors.js';
import {
  BufferT,
  BuiltinOperator,
  ModelT,
  OperatorCodeT,
  OperatorT,
  SubGraphT,
  TensorT,
  TensorType,
} from '../../../../src/formats/tflite/generated/schema_generated.js';
import { readTflite } from '../../../../src/formats/tflite/read.js';
import { compileTflite } from '../../../../src/runtimes/litert/execute.js';
import { loadLiteRtNode } from '../../../../src/runtimes/litert/load.js';
import { corpusModel } from '../../../helpers/corpus.js';

/** out = in + w, w a 4-float constant: the smallest valid model, damaged one way per test. */
function tinyModel(damage: (m: ModelT) => void = () => {}): Uint8Array {
  const w = [...new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer)];
  const model = new ModelT(
    3,
    [new OperatorCodeT(BuiltinOperator.ADD, null, 1, BuiltinOperator.ADD)],
    [
      new SubGraphT(
        [new TensorT([1, 4], TensorType.FLOAT32, 0, 'in'), new TensorT([4], TensorType.FLOAT32, 1, 'w'), new TensorT([1, 4], TensorType.FLOAT32, 0, 'out')],
        [0],
        [2],
        [new OperatorT(0, [0, 1], [2])],
        'main',
      ),
    ],
    'tiny',
    [new BufferT(), new BufferT(w)],
  );
  damage(model);
  const builder = new Builder(256);
  builder.finish(model.pack(builder), 'TFL3');
  return builder.asUint8Array();
}

const read = (bytes: Uint8Array): unknown => readTflite(bytes, 'models/bad.tflite');

describe('readTflite refuses damaged files with a message naming the file', () => {
  const cases: { what: string; bytes: () => Uint8Array; message: RegExp }[] = [
    { what: 'too short', bytes: () => new Uint8Array(5), message: /5 bytes is too short/ },
    {
      what: 'not a flatbuffer',
      bytes: () => new TextEncoder().encode('{"format": "graph-model", "modelTopology": {}}'),
      message: /not a \.tflite model: bytes 4-8 are "rmat"/,
    },
    {
      what: 'wrong file identifier',
      bytes: () => {
        const b = tinyModel();
        b.set([84, 70, 76, 50], 4);
        return b;
      },
      message: /bytes 4-8 are "TFL2", a TFLite flatbuffer has "TFL3"/,
    },
    {
      what: 'truncated corpus file',
      bytes: () => readFileSync(corpusModel('mediapipe-face-short').path).subarray(0, 100_000),
      message: /(outside|runs past).*file/,
    },
    {
      what: 'root offset outside the file',
      bytes: () => {
        const b = tinyModel();
        new DataView(b.buffer, b.byteOffset).setUint32(0, 1 << 30, true);
        return b;
      },
      message: /not a valid TFLite flatbuffer: offset \d+ .* outside the \d+-byte file/,
    },
    {
      what: 'buffer offset/size outside the file',
      bytes: () => tinyModel((m) => m.buffers.push(new BufferT([], 1_000_000n, 64n))),
      message: /buffer 2 is at bytes 1000000\.\.1000064, outside the \d+-byte file/,
    },
    {
      what: 'tensor shape disagrees with its buffer',
      bytes: () =>
        tinyModel((m) => {
          const t = m.subgraphs[0]?.tensors[1];
          if (t) t.shape = [5];
        }),
      message: /subgraph 0 tensor 1 \("w"\) is FLOAT32 \[5\], which needs 20 bytes, but buffer 1 holds 16/,
    },
    {
      what: 'dtype disagrees with its buffer',
      bytes: () =>
        tinyModel((m) => {
          const t = m.subgraphs[0]?.tensors[1];
          if (t) t.type = TensorType.FLOAT16;
        }),
      message: /FLOAT16 \[4\], which needs 8 bytes, but buffer 1 holds 16/,
    },
    {
      what: 'tensor buffer index out of range',
      bytes: () =>
        tinyModel((m) => {
          const t = m.subgraphs[0]?.tensors[1];
          if (t) t.buffer = 9;
        }),
      message: /tensor 1 \("w"\) uses buffer 9; the model has 2/,
    },
    {
      what: 'operator tensor index out of range',
      bytes: () =>
        tinyModel((m) => {
          const op = m.subgraphs[0]?.operators[0];
          if (op) op.inputs = [0, 7];
        }),
      message: /subgraph 0 operator 0 refers to tensor 7; the subgraph has 3 tensors/,
    },
    {
      what: 'operator code index out of range',
      bytes: () =>
        tinyModel((m) => {
          const op = m.subgraphs[0]?.operators[0];
          if (op) op.opcodeIndex = 4;
        }),
      message: /operator 0 uses operator code 4; the model has 1/,
    },
    {
      what: 'unknown builtin',
      bytes: () =>
        tinyModel((m) => {
          const c = m.operatorCodes[0];
          if (c) c.builtinCode = 9999 as BuiltinOperator;
        }),
      message: /builtin operator 9999, which this schema does not know/,
    },
    {
      what: 'subgraph input out of range',
      bytes: () =>
        tinyModel((m) => {
          const sg = m.subgraphs[0];
          if (sg) sg.inputs = [3];
        }),
      message: /subgraph 0 input is tensor 3/,
    },
    {
      what: '10^12-element shape',
      bytes: () =>
        tinyModel((m) => {
          const t = m.subgraphs[0]?.tensors[2];
          if (t) t.shape = [1_000_000, 1_000_000];
        }),
      message: /tensor 2 \("out"\) has shape \[1000000, 1000000\], 1\.00e\+12 elements, more than the 2147483648/,
    },
    {
      what: 'negative dimension',
      bytes: () =>
        tinyModel((m) => {
          const t = m.subgraphs[0]?.tensors[0];
          if (t) t.shape = [-1, 4];
        }),
      message: /shape \[-1, 4\]: a stored dimension cannot be negative/,
    },
    {
      what: 'no subgraph',
      bytes: () =>
        tinyModel((m) => {
          m.subgraphs = [];
        }),
      message: /the model has no subgraph/,
    },
    {
      what: 'too many subgraphs',
      bytes: () =>
        tinyModel((m) => {
          const sg = m.subgraphs[0];
          if (sg) m.subgraphs = Array.from({ length: 1025 }, () => sg);
        }),
      message: /1025 subgraphs, more than the 1024/,
    },
  ];
  it.each(cases)('$what', ({ bytes, message }) => {
    let error: unknown;
    try {
      read(bytes());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).message).toMatch(/^models\/bad\.tflite: /);
    expect((error as ModelLoadError).message).toMatch(message);
    expect((error as ModelLoadError).file).toBe('models/bad.tflite');
  });

  it('accepts the undamaged tiny model, and LiteRT runs it', async () => {
    expect(() => read(tinyModel())).not.toThrow();
    const exe = await compileTflite(await loadLiteRtNode('relaxed-simd'), tinyModel(), 'tiny.tflite');
    try {
      const [out] = await exe.run([new Float32Array([10, 20, 30, 40])]);
      expect([...(out?.values ?? [])]).toEqual([11, 22, 33, 44]);
    } finally {
      exe.dispose();
    }
  });

  it('a custom op LiteRT lacks: the message names it', async () => {
    const bytes = tinyModel((m) => {
      m.operatorCodes = [new OperatorCodeT(BuiltinOperator.CUSTOM, 'NotARealOp', 1, BuiltinOperator.CUSTOM)];
    });
    expect(() => read(bytes)).not.toThrow();
    const run = async (): Promise<unknown> => {
      const exe = await compileTflite(await loadLiteRtNode('relaxed-simd'), bytes, 'custom.tflite');
      try {
        return await exe.run([new Float32Array(4)]);
      } finally {
        exe.dispose();
      }
    };
    await expect(run()).rejects.toThrow(/^custom\.tflite: LiteRT cannot (prepare|run) the model: Encountered unresolved custom op: NotARealOp\./);
  });
});
