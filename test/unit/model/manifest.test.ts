import type { io } from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import {
  checkShardPath,
  groupBytes,
  groupPathsOf,
  MAX_TENSOR_ELEMENTS,
  specBytes,
  storedWeights,
  validateModelJson,
  weightGroupsOf,
} from '../../../src/formats/tfjs/manifest.js';

const GRAPH = { node: [] };
const LAYERS = { class_name: 'Sequential', config: { layers: [] } };
const weight = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'w', shape: [2, 3], dtype: 'float32', ...extra });
const model = (weights: unknown[], paths: unknown = ['group1-shard1of1.bin'], topology: unknown = GRAPH): unknown => ({
  modelTopology: topology,
  weightsManifest: [{ paths, weights }],
});

function failure(json: unknown): string {
  try {
    validateModelJson(json, 'm/model.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).file).toBe('m/model.json');
    return (error as Error).message;
  }
  throw new Error('expected a ModelLoadError');
}

describe('validateModelJson', () => {
  test('a graph model: format from the topology, the rest of model.json kept', () => {
    const json = { ...(model([weight()]) as object), format: 'layers-model', signature: { x: 1 }, generatedBy: 'tfjs' };
    const parsed = validateModelJson(json, 'm/model.json');
    expect(parsed.format).toBe('graph');
    expect(parsed.extra).toEqual({ signature: { x: 1 }, generatedBy: 'tfjs' });
    expect(parsed.weightsManifest).toEqual([{ paths: ['group1-shard1of1.bin'], weights: [weight()] }]);
  });

  test.each([
    { what: 'class_name + config', topology: LAYERS },
    { what: 'model_config', topology: { model_config: LAYERS } },
  ])('a layers model by its $what', ({ topology }) => {
    expect(validateModelJson(model([], [], topology), 'm/model.json').format).toBe('layers');
  });

  test('no weightsManifest is no weights', () => {
    expect(validateModelJson({ modelTopology: GRAPH }, 'm/model.json').weightsManifest).toEqual([]);
  });

  test('valid specs: quantized float32 and int32, float16 without min/scale, empty and zero-size shapes, every dtype', () => {
    const specs = [
      weight({ name: 'a', quantization: { dtype: 'uint8', min: -1, scale: 0.01 } }),
      weight({ name: 'b', dtype: 'int32', quantization: { dtype: 'uint16', min: 0, scale: 1 } }),
      weight({ name: 'c', quantization: { dtype: 'float16' } }),
      weight({ name: 'd', shape: [] }),
      weight({ name: 'e', shape: [0, 5] }),
      ...['int32', 'bool', 'string', 'complex64'].map((dtype) => weight({ name: dtype, dtype })),
      weight({ name: 'rank12', shape: Array.from({ length: 12 }, () => 1) }),
      weight({ name: 'largest', shape: [MAX_TENSOR_ELEMENTS] }),
    ];
    expect(validateModelJson(model(specs), 'm/model.json').weightsManifest[0]?.weights).toHaveLength(specs.length);
  });

  test.each([
    {
      what: 'a weights manifest alone',
      json: [{ paths: ['a.bin'], weights: [] }],
      expected: 'is not a model, a weights manifest: it lists weight files but has no `modelTopology`. Point `path` at the model.json that references it',
    },
    { what: 'a list that is only partly groups', json: [{ paths: ['a.bin'], weights: [] }, 1], expected: 'is not a TF.js model.json (expected a JSON object)' },
    { what: 'a null group', json: { modelTopology: GRAPH, weightsManifest: [null] }, expected: 'weightsManifest[0] must be an object with paths and weights' },
    { what: 'not an object', json: 'x', expected: 'is not a TF.js model.json (expected a JSON object)' },
    { what: 'null', json: null, expected: 'is not a TF.js model.json (expected a JSON object)' },
    { what: 'a list', json: [1], expected: 'is not a TF.js model.json (expected a JSON object)' },
    {
      what: 'weights without topology',
      json: { weightsManifest: [] },
      expected: 'is not a model, a weights manifest: it has weights but no `modelTopology`. Point `path` at the model.json that references it',
    },
    {
      what: 'paths without topology',
      json: { paths: [] },
      expected: 'is not a model, a weights manifest: it has weights but no `modelTopology`. Point `path` at the model.json that references it',
    },
    { what: 'no topology', json: {}, expected: 'has no `modelTopology`: not a TF.js model.json' },
    { what: 'a null topology', json: { modelTopology: null }, expected: 'has no `modelTopology`: not a TF.js model.json' },
    { what: 'a topology that is a list', json: { modelTopology: [] }, expected: '`modelTopology` must be an object' },
    { what: 'a topology that is a string', json: { modelTopology: 'g' }, expected: '`modelTopology` must be an object' },
    {
      what: 'an unknown topology',
      json: { modelTopology: { class_name: 'X' } },
      expected: '`modelTopology` is neither a Keras model config (layers model) nor a GraphDef with `node` (graph model)',
    },
    {
      what: 'a manifest that is no list',
      json: { modelTopology: GRAPH, weightsManifest: {} },
      expected: '`weightsManifest` must be a list of { paths, weights } groups',
    },
    {
      what: 'a group that is no object',
      json: { modelTopology: GRAPH, weightsManifest: [1] },
      expected: 'weightsManifest[0] must be an object with paths and weights',
    },
    { what: 'paths that are no list', json: model([], 'a.bin'), expected: 'weightsManifest[0].paths must be a list of file names' },
    { what: 'a path that is no string', json: model([], [1]), expected: 'weightsManifest[0].paths must be a list of file names' },
    {
      what: 'weights that are no list',
      json: { modelTopology: GRAPH, weightsManifest: [{ paths: [], weights: {} }] },
      expected: 'weightsManifest[0].weights must be a list',
    },
    { what: 'a shard path outside', json: model([], ['../x.bin']), expected: 'shard path "../x.bin" leaves the model\'s folder ("..")' },
    { what: 'a duplicate weight', json: model([weight(), weight()]), expected: 'weight "w" appears twice in the manifest' },
    { what: 'a spec that is no object', json: model([null]), expected: 'weightsManifest[0].weights[0] must be an object with name, shape and dtype' },
    { what: 'a spec that is a number', json: model([3]), expected: 'weightsManifest[0].weights[0] must be an object with name, shape and dtype' },
    { what: 'an empty name', json: model([weight({ name: '' })]), expected: 'weightsManifest[0].weights[0].name must be a non-empty string' },
    { what: 'a name that is no string', json: model([weight({ name: 1 })]), expected: 'weightsManifest[0].weights[0].name must be a non-empty string' },
    {
      what: 'an unknown dtype',
      json: model([weight({ dtype: 'float64' })]),
      expected: 'weight "w" has unknown dtype "float64" (known: float32, int32, bool, string, complex64)',
    },
    {
      what: 'a dtype that is no string',
      json: model([weight({ dtype: 1 })]),
      expected: 'weight "w" has unknown dtype 1 (known: float32, int32, bool, string, complex64)',
    },
    { what: 'no shape', json: model([weight({ shape: undefined })]), expected: 'weight "w" has no valid shape (a list of at most 12 sizes)' },
    {
      what: 'rank 13',
      json: model([weight({ shape: Array.from({ length: 13 }, () => 1) })]),
      expected: 'weight "w" has no valid shape (a list of at most 12 sizes)',
    },
    {
      what: 'a negative dimension',
      json: model([weight({ shape: [2, -1] })]),
      expected: 'weight "w" has shape [2,-1]: every dimension must be a non-negative integer',
    },
    {
      what: 'a fractional dimension',
      json: model([weight({ shape: [1.5] })]),
      expected: 'weight "w" has shape [1.5]: every dimension must be a non-negative integer',
    },
    {
      what: 'a string dimension',
      json: model([weight({ shape: ['3'] })]),
      expected: 'weight "w" has shape ["3"]: every dimension must be a non-negative integer',
    },
    {
      what: 'too many elements',
      json: model([weight({ shape: [MAX_TENSOR_ELEMENTS, 2] })]),
      expected: `weight "w" has shape [${MAX_TENSOR_ELEMENTS},2]: over ${MAX_TENSOR_ELEMENTS} elements, refused`,
    },
    {
      what: 'one element too many',
      json: model([weight({ shape: [MAX_TENSOR_ELEMENTS + 1] })]),
      expected: `weight "w" has shape [${MAX_TENSOR_ELEMENTS + 1}]: over ${MAX_TENSOR_ELEMENTS} elements, refused`,
    },
    {
      what: 'an unknown quantization',
      json: model([weight({ quantization: { dtype: 'int4' } })]),
      expected: 'weight "w" has unknown quantization dtype "int4" (known: uint8, uint16, float16)',
    },
    {
      what: 'a null quantization',
      json: model([weight({ quantization: null })]),
      expected: 'weight "w" has unknown quantization dtype undefined (known: uint8, uint16, float16)',
    },
    {
      what: 'uint8 without scale',
      json: model([weight({ quantization: { dtype: 'uint8', min: 0 } })]),
      expected: 'weight "w" is uint8-quantized but its quantization has no finite min and scale',
    },
    {
      what: 'uint16 without min',
      json: model([weight({ quantization: { dtype: 'uint16', scale: 1 } })]),
      expected: 'weight "w" is uint16-quantized but its quantization has no finite min and scale',
    },
    {
      what: 'an infinite scale',
      json: model([weight({ quantization: { dtype: 'uint8', min: 0, scale: Infinity } })]),
      expected: 'weight "w" is uint8-quantized but its quantization has no finite min and scale',
    },
    {
      what: 'a quantized bool',
      json: model([weight({ dtype: 'bool', quantization: { dtype: 'float16' } })]),
      expected: 'weight "w": only float32/int32 weights can be quantized, not bool',
    },
  ])('refuses $what, naming the file and the fix', ({ json, expected }) => {
    expect(failure(json)).toBe(`m/model.json: ${expected}`);
  });
});

describe('checkShardPath', () => {
  const reason = (path: string): string | undefined => {
    try {
      checkShardPath(path, (m) => {
        throw new Error(m);
      });
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  const absolute = (p: string): string => `shard path "${p}" is absolute or a URL; shards must be relative paths inside the model's folder`;

  test.each([
    { path: 'group1-shard1of2.bin', expected: undefined },
    { path: 'sub/dir/shard.bin', expected: undefined },
    { path: 'a..b.bin', expected: undefined },
    { path: 'sub/C:name.bin', expected: undefined },
    { path: '1:x.bin', expected: undefined },
    { path: '', expected: absolute('') },
    { path: '/etc/passwd', expected: absolute('/etc/passwd') },
    { path: '\\\\server\\share', expected: absolute('\\\\server\\share') },
    { path: 'C:shard.bin', expected: absolute('C:shard.bin') },
    { path: 'https://x/y.bin', expected: absolute('https://x/y.bin') },
    { path: 'data:abc', expected: absolute('data:abc') },
    { path: '..', expected: 'shard path ".." leaves the model\'s folder ("..")' },
    { path: 'a/../../b', expected: 'shard path "a/../../b" leaves the model\'s folder ("..")' },
    { path: 'a\\..\\b', expected: 'shard path "a\\..\\b" leaves the model\'s folder ("..")' },
    { path: 'a\0b', expected: 'shard path "a\\u0000b" contains a NUL byte' },
  ])('$path', ({ path, expected }) => {
    expect(reason(path)).toBe(expected);
  });
});

describe('bytes of weights', () => {
  const spec = (dtype: io.WeightsManifestEntry['dtype'], shape: number[], q?: 'uint8' | 'uint16' | 'float16'): io.WeightsManifestEntry => ({
    name: 'w',
    dtype,
    shape,
    ...(q ? { quantization: { dtype: q, ...(q === 'float16' ? {} : { min: 0, scale: 1 }) } } : {}),
  });

  test.each([
    { what: 'float32', spec: spec('float32', [2, 3]), expected: 24 },
    { what: 'int32', spec: spec('int32', [5]), expected: 20 },
    { what: 'bool', spec: spec('bool', [7]), expected: 7 },
    { what: 'complex64', spec: spec('complex64', [3]), expected: 24 },
    { what: 'uint8-quantized', spec: spec('float32', [2, 3], 'uint8'), expected: 6 },
    { what: 'uint16-quantized', spec: spec('float32', [2, 3], 'uint16'), expected: 12 },
    { what: 'float16', spec: spec('float32', [4], 'float16'), expected: 8 },
    { what: 'a scalar', spec: spec('float32', []), expected: 4 },
    { what: 'an empty tensor', spec: spec('float32', [0, 4]), expected: 0 },
    { what: 'strings', spec: spec('string', [2]), expected: undefined },
  ])('specBytes: $what', ({ spec: s, expected }) => {
    expect(specBytes(s)).toBe(expected);
  });

  test('groupBytes walks string length prefixes and refuses data that is too short', () => {
    // A float32 [2] (8 bytes), then 2 strings of 3 and 1 bytes (4-byte little-endian length prefix each).
    const data = new Uint8Array([...new Array<number>(8).fill(0), 3, 0, 0, 0, 97, 98, 99, 1, 0, 0, 0, 100, 255]);
    const specs = [spec('float32', [2]), spec('string', [2])];
    expect(groupBytes(specs, data)).toBe(8 + 4 + 3 + 4 + 1);
    expect(groupBytes([spec('string', [1])], data, 8)).toBe(7);
    expect(groupBytes([spec('string', [2])], data.slice(0, 19), 8)).toBeUndefined();
    expect(groupBytes([spec('string', [1])], data.slice(0, 11), 8)).toBeUndefined();
    expect(groupBytes([spec('string', [1])], data.slice(0, 14), 8)).toBeUndefined();
    expect(groupBytes([spec('string', [1])], data.slice(0, 15), 8)).toBe(4 + 3);
    expect(groupBytes([spec('float32', [100])], data)).toBe(400);
    // An empty string whose length prefix ends exactly at the end of the data fits.
    expect(groupBytes([spec('string', [1])], new Uint8Array(4))).toBe(4);
  });

  test('storedWeights: the storage dtype and bytes of each weight; strings count 0', () => {
    const specs = [
      spec('float32', [2, 3]),
      { ...spec('float32', [4]), name: 'q', quantization: { dtype: 'uint8', min: 0, scale: 1 } },
      { ...spec('string', [2]), name: 's' },
    ] as io.WeightsManifestEntry[];
    expect(storedWeights(specs)).toEqual([
      { name: specs[0]?.name, shape: [2, 3], dtype: 'float32', bytes: 24 },
      { name: 'q', shape: [4], dtype: 'uint8', bytes: 4 },
      { name: 's', shape: [2], dtype: 'string', bytes: 0 },
    ]);
  });

  test('weightGroupsOf / groupPathsOf read what is written, and refuse nothing: null, arrays, strings, LFS pointers', () => {
    const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
    expect(weightGroupsOf(bytes(JSON.stringify(model([weight()]))))).toEqual([{ paths: ['group1-shard1of1.bin'], weights: [weight()] }]);
    expect(weightGroupsOf(bytes('null'))).toEqual([]);
    expect(weightGroupsOf(bytes('[1, 2]'))).toEqual([]);
    expect(weightGroupsOf(bytes('"text"'))).toEqual([]);
    expect(weightGroupsOf(bytes('{"weightsManifest": 3}'))).toEqual([]);
    expect(weightGroupsOf(bytes('not json'))).toBeUndefined();
    expect(weightGroupsOf(bytes('version https://git-lfs.github.com/spec/v1\noid sha256:' + 'a'.repeat(64) + '\nsize 12\n'))).toBeUndefined();
    expect(groupPathsOf({ paths: ['a.bin'] })).toEqual(['a.bin']);
    expect([groupPathsOf(null), groupPathsOf(['a.bin']), groupPathsOf({ paths: 'a.bin' })]).toEqual([[], [], []]);
  });

  test('a list that holds a null is no weights manifest, and no crash', () => {
    expect(failure([null])).toMatch(/expected a JSON object/);
  });
});
