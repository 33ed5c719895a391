import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

function problems(text: string): string[] {
  try {
    parseConfig(text, '/repo/model-budget.yml', 'model-budget.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const VALID = `version: 1
benchmark:
  runtime: cpu
  runs: 80
models:
  - name: classifier
    path: models/classifier/model.json
    benchmark: { runs: 100 }
    budget:
      size: 5 MB
      gzip-size: { max: 4 MB, warn: 3.5 MiB }
      latency:
        p90: 30 ms
        increase: 10%
      flops: 600 M
      accuracy:
        cosine: 0.999
        top1-agreement: { min: 99%, warn: 99.5% }
      size-increase: 5%
`;

describe('parseConfig', () => {
  test('a valid config: units, defaults, merged benchmark, flattened budgets with lines', () => {
    const config = parseConfig(VALID, '/repo/model-budget.yml', 'model-budget.yml');
    const [model] = config.models;
    expect(model?.absPath).toBe('/repo/models/classifier/model.json');
    expect(model?.benchmark).toMatchObject({ runtime: 'cpu', runs: 100, warmup: 5, 'min-seconds': 1000, batch: 1 });
    expect(model?.latencyIncrease).toBeCloseTo(0.1);
    expect(model?.sizeIncrease).toBeCloseTo(0.05);
    expect(model?.budgets.map((b) => [b.key, b.limit, b.warn, b.direction, b.source.line])).toEqual([
      ['size', 5_000_000, undefined, 'max', 10],
      ['gzip-size', 4_000_000, 3.5 * 1024 * 1024, 'max', 11],
      ['latency.p90', 30, undefined, 'max', 13],
      ['flops', 600e6, undefined, 'max', 15],
      ['accuracy.top1-agreement', 0.99, 0.995, 'min', 18],
      ['accuracy.cosine', 0.999, undefined, 'min', 17],
    ]);
  });

  test.each([
    { what: 'default runtime (wasm): a missing kernel may fall back to cpu', top: '', model: '', runtime: 'wasm', pinned: false },
    { what: 'runtime written at the top: pinned', top: 'benchmark: { runtime: tensorflow }\n', model: '', runtime: 'tensorflow', pinned: true },
    { what: 'runtime written for the model: pinned', top: '', model: '    benchmark: { runtime: wasm }\n', runtime: 'wasm', pinned: true },
    { what: 'auto: not pinned', top: 'benchmark: { runtime: auto }\n', model: '', runtime: 'auto', pinned: false },
    {
      what: 'a model overriding auto by name: pinned',
      top: 'benchmark: { runtime: auto }\n',
      model: '    benchmark: { runtime: cpu }\n',
      runtime: 'cpu',
      pinned: true,
    },
    {
      what: 'pin-runtime: false allows the fallback',
      top: 'benchmark: { runtime: tensorflow, pin-runtime: false }\n',
      model: '',
      runtime: 'tensorflow',
      pinned: false,
    },
    { what: 'pin-runtime: true pins the default', top: '', model: '    benchmark: { pin-runtime: true }\n', runtime: 'wasm', pinned: true },
  ])('pin-runtime default: $what', ({ top, model, runtime, pinned }) => {
    const text = `version: 1\n${top}models:\n  - name: a\n    path: m.json\n${model}`;
    const [spec] = parseConfig(text, '/repo/model-budget.yml', 'model-budget.yml').models;
    expect(spec?.benchmark).toMatchObject({ runtime, 'pin-runtime': pinned });
  });

  test('every problem at once, as file:line:col path: message', () => {
    const text = `version: 1
models:
  - name: a
    path: m/model.json
    budgte: {}
    budget:
      size: 5 MX
      latency:
        p90: fast
  - name: a
    path: 3
`;
    expect(problems(text)).toEqual([
      'model-budget.yml:5:5 models[0].budgte: unknown key; did you mean "budget"?',
      'model-budget.yml:7:13 models[0].budget.size: expected a size like "5 MB", "512 KiB" or a number of bytes, got "5 MX"',
      'model-budget.yml:9:14 models[0].budget.latency.p90: expected a duration like "40 ms" or "1.5 s", got "fast"',
      'model-budget.yml:10:11 models[1].name: duplicate model name "a" (also models[0]); names must be unique',
      'model-budget.yml:11:11 models[1].path: expected string, got 3',
    ]);
  });

  test.each([
    { what: 'YAML syntax error with its line', text: 'version: 1\nmodels:\n  - name: [a\n', expected: /^model-budget\.yml:\d+:\d+ YAML syntax error/ },
    { what: 'wrong version', text: 'version: 2\nmodels: []\n', expected: /model-budget\.yml:1:10 version: expected 1, got 2/ },
    { what: 'no models', text: 'version: 1\nmodels: []\n', expected: /models: expected at least one model/ },
    { what: 'empty file', text: '', expected: /is empty/ },
    { what: 'unknown top-level key', text: 'version: 1\nmodel: []\n', expected: /model-budget\.yml:2:1 model: unknown key; did you mean "models"\?/ },
    { what: 'missing path', text: 'version: 1\nmodels:\n  - name: a\n', expected: /models\[0\]\.path: is required/ },
    {
      what: 'bad runtime',
      text: 'version: 1\nbenchmark: { runtime: gpu }\nmodels:\n  - { name: a, path: m.json }\n',
      expected: /benchmark\.runtime: expected one of "auto", "wasm"/,
    },
    {
      what: 'bad percent',
      text: 'version: 1\nmodels:\n  - name: a\n    path: m.json\n    budget: { latency: { increase: 10 } }\n',
      expected: /latency\.increase: expected a percentage like "10%"/,
    },
    { what: 'duplicate keys', text: 'version: 1\nversion: 1\nmodels: []\n', expected: /YAML syntax error: Map keys must be unique/ },
  ])('$what', ({ text, expected }) => {
    expect(problems(text).join('\n')).toMatch(expected);
  });

  test('a warning level beyond its hard limit is an error at the warn value', () => {
    const text = [
      'version: 1',
      'models:',
      '  - name: a',
      '    path: m.json',
      '    budget:',
      '      size: { max: 5 MB, warn: 6 MB }',
      '      accuracy:',
      '        top1-agreement: { min: 99%, warn: 98% }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      'model-budget.yml:6:32 models[0].budget.size.warn: warn 6 MB is beyond max 5 MB, so it could never show before the failure; the warning level comes first: did you mean { max: 6 MB, warn: 5 MB }?',
      'model-budget.yml:8:43 models[0].budget.accuracy.top1-agreement.warn: warn 98.0% is beyond min 99.0%, so it could never show before the failure; the warning level comes first: did you mean { min: 98.0%, warn: 99.0% }?',
    ]);
  });

  test('outputs: kinds by output name; an unknown kind is an error naming the kinds', () => {
    const base = 'version: 1\nmodels:\n  - name: a\n    path: m.json\n    outputs:\n';
    const [model] = parseConfig(`${base}      age: regression\n      logits: classification\n`, '/repo/model-budget.yml', 'model-budget.yml').models;
    expect(model?.outputs).toEqual({ age: 'regression', logits: 'classification' });
    expect(problems(`${base}      age: number\n`).join('\n')).toMatch(
      /model-budget\.yml:6:12 models\[0\]\.outputs\.age: expected one of "classification", "regression", "embedding", "image", "heatmap"/,
    );
  });

  test('a warning level equal to its hard limit, or on the near side, is accepted', () => {
    const text =
      'version: 1\nmodels:\n  - name: a\n    path: m.json\n    budget:\n      size: { max: 5 MB, warn: 5 MB }\n      accuracy: { cosine: { min: 0.99, warn: 0.995 } }\n';
    const [model] = parseConfig(text, '/repo/model-budget.yml', 'model-budget.yml').models;
    expect(model?.budgets.map((b) => [b.key, b.limit, b.warn])).toEqual([
      ['size', 5_000_000, 5_000_000],
      ['accuracy.cosine', 0.99, 0.995],
    ]);
  });

  test('an alias bomb is refused', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'version: 1',
    ].join('\n');
    expect(problems(bomb).join('\n')).toMatch(/model-budget\.yml:1:1 refused: .*alias/i);
  });
});

describe('loadConfig', () => {
  test('a missing config names the file and the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-config-'));
    await expect(loadConfig('model-budget.yml', dir)).rejects.toThrow(/^model-budget\.yml:1:1 not found\. Create it/);
  });

  test('relative model paths resolve against the config folder, not the working directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-config-'));
    await writeFile(join(dir, 'budget.yml'), 'version: 1\nmodels:\n  - { name: a, path: net/model.json }\n');
    const config = await loadConfig(join(dir, 'budget.yml'), '/');
    expect(config.models[0]?.absPath).toBe(join(dir, 'net/model.json'));
  });
});

describe('a TFLite file known by its first bytes', () => {
  // A flatbuffer's first 4 bytes are the root offset; bytes 4..8 are the file identifier.
  const tfliteHead = Uint8Array.from([0x1c, 0, 0, 0, ...Buffer.from('TFL3'), 0, 0, 0, 0]);

  test('a TFLite file under another name runs on LiteRT, and a TF.js dtype is refused at its line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-config-'));
    await writeFile(join(dir, 'detector.bin'), tfliteHead);
    await writeFile(join(dir, 'model.json'), '{}');
    await writeFile(
      join(dir, 'ok.yml'),
      'version: 1\nbenchmark: { runtime: wasm }\nmodels:\n  - { name: a, path: detector.bin }\n  - { name: b, path: model.json }\n',
    );
    const config = await loadConfig(join(dir, 'ok.yml'), '/');
    expect(config.models.map((m) => m.benchmark.runtime)).toEqual(['litert', 'wasm']);

    await writeFile(join(dir, 'bad.yml'), 'version: 1\nmodels:\n  - name: a\n    path: detector.bin\n    compress: { quantize: uint8 }\n');
    await expect(loadConfig(join(dir, 'bad.yml'), '/')).rejects.toThrow(
      'bad.yml:5:27 models[0].compress.quantize: quantize "uint8" does not apply to a .tflite model: it takes float16, float32, dynamic-int8, int8',
    );
  });

  test('a file that is absent or too short is judged by its name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-config-'));
    await writeFile(join(dir, 'short.bin'), tfliteHead.subarray(0, 7));
    await writeFile(
      join(dir, 'c.yml'),
      'version: 1\nmodels:\n  - { name: a, path: short.bin }\n  - { name: b, path: absent.bin }\n  - { name: c, path: absent.tflite }\n',
    );
    const config = await loadConfig(join(dir, 'c.yml'), '/');
    expect(config.models.map((m) => m.benchmark.runtime)).toEqual(['wasm', 'wasm', 'litert']);
  });
});

test('relative budgets keep where they are written', () => {
  const config = parseConfig(VALID, '/repo/model-budget.yml', 'model-budget.yml');
  expect(config.models[0]?.relativeSources).toEqual({
    'latency.increase': { file: 'model-budget.yml', line: 14, column: 19 },
    'size-increase': { file: 'model-budget.yml', line: 19, column: 22 },
  });
});

describe('errors at the line, found when the config is read', () => {
  const model = (extra: string): string => `version: 1\nmodels:\n  - name: a\n    path: m.json\n${extra}`;

  test.each([
    {
      what: 'a TFLite-only precision for a TF.js model names the ones it takes',
      text: model('    compress:\n      quantize: float32\n'),
      expected:
        'model-budget.yml:6:17 models[0].compress.quantize: quantize "float32" does not apply to a TF.js model: it takes uint8, uint16, float16; set quantize to one of them',
    },
    {
      what: 'a TF.js dtype for a .tflite model, written as dtype:',
      text: 'version: 1\nmodels:\n  - name: a\n    path: m.tflite\n    compress:\n      quantize: { dtype: uint16 }\n',
      expected:
        'model-budget.yml:6:26 models[0].compress.quantize.dtype: quantize "uint16" does not apply to a .tflite model: it takes float16, float32, dynamic-int8, int8; set quantize to one of them',
    },
    {
      what: 'weight patterns for a .tflite model',
      text: 'version: 1\nmodels:\n  - name: a\n    path: m.tflite\n    compress:\n      quantize: { float16: "*" }\n',
      expected:
        'model-budget.yml:6:17 models[0].compress.quantize: quantize by weight pattern does not apply to a .tflite model: it takes float16, float32, dynamic-int8, int8; set quantize to one of them',
    },
    {
      what: 'LiteRT for a TF.js model',
      text: model('    benchmark: { runtime: litert }\n'),
      expected:
        'model-budget.yml:5:27 models[0].benchmark.runtime: runtime "litert" runs .tflite models only; m.json is a TF.js model; use runtime: wasm for this model, or leave runtime out',
    },
    {
      what: 'a quantize dtype that does not exist names the values and the near miss',
      text: model('    compress:\n      quantize: unit8\n'),
      expected:
        'model-budget.yml:6:17 models[0].compress.quantize: expected one of "uint8", "uint16", "float16", "float32", "dynamic-int8", "int8" or a mapping, got "unit8"; did you mean "uint8"?',
    },
    {
      what: 'int8, a .tflite precision, for a TF.js model names the dtypes TF.js models take',
      text: model('    compress:\n      quantize: int8\n'),
      expected:
        'model-budget.yml:6:17 models[0].compress.quantize: quantize "int8" does not apply to a TF.js model: it takes uint8, uint16, float16; set quantize to one of them',
    },
    {
      what: 'quantize levels take a number or auto',
      text: model('    compress:\n      quantize: { dtype: uint8, levels: fewest, per-channel: true }\n'),
      expected: 'model-budget.yml:6:41 models[0].compress.quantize.levels: expected "auto" or a number, got "fewest"',
    },
    {
      what: 'a compress technique as the whole block says how to write it',
      text: model('    compress: uint8\n'),
      expected: 'model-budget.yml:5:15 models[0].compress: expected "auto" or a mapping, got "uint8"; to quantize, write `compress: { quantize: uint8 }`',
    },
    {
      what: 'prune above 100% at its line',
      text: model('    compress: { prune: 1.5 }\n'),
      expected: 'model-budget.yml:5:24 models[0].compress.prune: expected a sparsity below 100% like "50%" (or a fraction below 1), got 1.5',
    },
    {
      what: 'prune sparsity of 100% inside the mapping',
      text: model('    compress:\n      prune: { sparsity: 100% }\n'),
      expected: 'model-budget.yml:6:26 models[0].compress.prune.sparsity: expected a sparsity below 100% like "50%" (or a fraction below 1), got "100%"',
    },
    {
      what: 'a bad scope names the values',
      text: model('    compress:\n      prune: { sparsity: 50%, scope: globl }\n'),
      expected: 'model-budget.yml:6:38 models[0].compress.prune.scope: expected one of "global", "per-layer", got "globl"; did you mean "global"?',
    },
    {
      what: 'an enum near miss outside compress',
      text: 'version: 1\nbenchmark: { runtime: wams }\nmodels:\n  - { name: a, path: m.json }\n',
      expected:
        'model-budget.yml:2:23 benchmark.runtime: expected one of "auto", "wasm", "cpu", "tensorflow", "tensorflow-gpu", "webgpu", "litert", got "wams"; did you mean "wasm"?',
    },
    {
      what: 'max-seconds below min-seconds, at the model line that sets it',
      text: 'version: 1\nbenchmark: { min-seconds: 5 s }\nmodels:\n  - name: a\n    path: m.json\n    benchmark:\n      max-seconds: 2 s\n',
      expected: 'model-budget.yml:7:20 models[0].benchmark.max-seconds: is 2 s, below min-seconds (5 s); raise max-seconds or lower min-seconds',
    },
    {
      what: 'a timeout that every model would hit',
      text: 'version: 1\nbenchmark: { min-seconds: 5 s, timeout: 5 s }\nmodels:\n  - { name: a, path: m.json }\n  - { name: b, path: n.json }\n',
      expected: 'model-budget.yml:2:41 benchmark.timeout: is 5 s, not above min-seconds (5 s): every model would time out; raise timeout',
    },
    {
      what: 'a benchmark phase over an hour',
      text: 'version: 1\nbenchmark: { max-seconds: 2 h }\nmodels:\n  - { name: a, path: m.json }\n',
      expected: 'model-budget.yml:2:27 benchmark.max-seconds: expected a duration like "40 ms" or "1.5 s", got "2 h"',
    },
    {
      what: 'a trend key that is no metric',
      text: model('    budget:\n      trend: { latncy-p50: 10% }\n'),
      expected: 'model-budget.yml:6:16 models[0].budget.trend.latncy-p50: unknown key; did you mean "latency-p50"?',
    },
  ])('$what', ({ text, expected }) => {
    expect(problems(text)).toEqual([expected]);
  });

  test.each([
    { what: 'a percentage', prune: '50%', expected: 0.5 },
    { what: 'a fraction', prune: '0.25', expected: 0.25 },
    { what: 'a mapping', prune: '{ sparsity: 30%, scope: global }', expected: { sparsity: 0.3, scope: 'global' } },
  ])('prune as $what', ({ prune, expected }) => {
    const config = parseConfig(`version: 1\nmodels:\n  - name: a\n    path: m.json\n    compress: { prune: ${prune} }\n`, '/r/c.yml', 'c.yml');
    const compress = config.models[0]?.compress;
    expect(typeof compress === 'object' ? compress.prune : undefined).toEqual(expected);
  });

  test('trend keys are normalized to metric keys', () => {
    const config = parseConfig(
      `version: 1\nmodels:\n  - name: a\n    path: m.json\n    budget:\n      trend: { latency-p50: 15%, size: 5%, accuracy.cosine: 1% }\n`,
      '/r/c.yml',
      'c.yml',
    );
    expect(config.models[0]?.trend).toEqual({ 'latency.p50': 0.15, size: 0.05, 'accuracy.cosine': 0.01 });
  });

  test('settings that hold together pass', () => {
    const config = parseConfig(
      'version: 1\nbenchmark: { min-seconds: 0 s, max-seconds: 1 s, timeout: 1 s }\nmodels:\n  - { name: a, path: m.json }\n',
      '/r/c.yml',
      'c.yml',
    );
    expect(config.models[0]?.benchmark).toMatchObject({ 'min-seconds': 0, 'max-seconds': 1000, timeout: 1000 });
  });
});

test('a value no branch of a union takes lists what each takes', () => {
  expect(problems('version: 1\nmodels:\n  - name: a\n    path: m.json\n    compress: { prune: true }\n')).toEqual([
    'model-budget.yml:5:24 models[0].compress.prune: expected a sparsity below 100% like "50%" (or a fraction below 1) or a mapping, got true',
  ]);
});
