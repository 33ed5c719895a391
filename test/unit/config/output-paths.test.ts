import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import * as fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { outputProblems, type OutputCheckModel } from '../../../src/config/output-paths.js';
import { ConfigError } from '../../../src/errors.js';

/** The problems of a config at /repo/ml/model-budget.yml in the repository /repo, as printed. */
function problems(text: string): string[] {
  try {
    parseConfig(text, '/repo/ml/model-budget.yml', 'ml/model-budget.yml', { root: '/repo' });
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  return [];
}

const twoModels = (aOutput: string, bOutput = 'out/b'): string => `version: 1
models:
  - name: a
    path: models/a/model.json
    compress: { quantize: uint8 }
    output: ${aOutput}
  - name: b
    path: models/net.h5
    compress: { quantize: float16 }
    output: ${bOutput}
`;

describe('output: refused at its line when it could overwrite a source or leave the repository', () => {
  test.each([
    {
      what: "the model's own folder",
      output: 'models/a',
      expected:
        /^ml\/model-budget\.yml:6:13 models\[0\]\.output: is the folder of this model's files \(models\/a\/model\.json\): the compressed model would overwrite a source model/,
    },
    {
      what: "the model's own folder, spelt differently",
      output: './models/x/../a/',
      expected: /:6:13 models\[0\]\.output: is the folder of this model's files/,
    },
    { what: 'an ancestor of every model', output: 'models', expected: /:6:13 models\[0\]\.output: contains this model's files \(models\/a\/model\.json\)/ },
    { what: 'the config folder (holds every model)', output: '.', expected: /:6:13 models\[0\]\.output: contains this model's files/ },
    {
      what: "a subfolder of the model's folder (shards may live there)",
      output: 'models/a/weights',
      expected: /:6:13 models\[0\]\.output: is inside the folder of this model's files/,
    },
    { what: "another model's Keras file", output: 'models/net.h5', expected: /:6:13 models\[0\]\.output: is model "b"'s file \(models\/net\.h5\)/ },
    {
      what: "below another model's Keras file",
      output: 'models/net.h5/x',
      expected: /:6:13 models\[0\]\.output: is below model "b"'s file \(models\/net\.h5\)/,
    },
    {
      what: 'outside the repository',
      output: '../../elsewhere',
      expected: /:6:13 models\[0\]\.output: resolves outside the repository \(\/elsewhere\); write the compressed model inside it \(e\.g\. `output: dist\/a`\)/,
    },
    { what: 'the repository root', output: '..', expected: /:6:13 models\[0\]\.output: is the repository's root folder/ },
    {
      what: 'an absolute path',
      output: '/tmp/out',
      expected: /:6:13 models\[0\]\.output: must be a folder relative to the config's folder, not an absolute path/,
    },
    {
      what: 'a Windows absolute path',
      output: 'C:\\out',
      expected: /:6:13 models\[0\]\.output: must be a folder relative to the config's folder, not an absolute path/,
    },
    {
      what: "another model's output",
      output: 'out/b',
      expected: /:10:13 models\[1\]\.output: is also models\[0\]\.output; each compressed model needs a folder of its own/,
    },
  ])('$what', ({ output, expected }) => {
    const found = problems(twoModels(output));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  test("a model's output containing another model's folder names that model", () => {
    expect(problems(twoModels('out/a', 'models'))).toEqual([
      expect.stringMatching(/^ml\/model-budget\.yml:10:13 models\[1\]\.output: contains model "a"'s files \(models\/a\/model\.json\)/),
    ]);
  });

  test('new folders next to the models, or elsewhere in the repository, are fine', () => {
    for (const [a, b] of [
      ['out/a', 'out/b'],
      ['models/a-uint8', 'models/net-tfjs'],
      ['../web/public/a', '../web/public/b'],
    ] as const) {
      expect(problems(twoModels(a, b)), `${a} ${b}`).toEqual([]);
    }
  });

  test('reported together with the schema problems, in line order', () => {
    const text = twoModels('models/a').replace('quantize: float16', 'quantize: int3');
    expect(problems(text).map((p) => p.split(' ')[0])).toEqual(['ml/model-budget.yml:6:13', expect.stringMatching(/^ml\/model-budget\.yml:9:\d+$/)]);
  });
});

describe('loadConfig: the repository is the folder above the config that holds .git', () => {
  test('an output above the config folder is fine inside the repository, refused past it', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'mb-output-root-'));
    await mkdir(join(repo, '.git'));
    await mkdir(join(repo, 'ml'));
    const config = (output: string): string => `version: 1\nmodels:\n  - name: a\n    path: a/model.json\n    output: ${output}\n`;
    await writeFile(join(repo, 'ml', 'model-budget.yml'), config('../web/a'));
    expect((await loadConfig('ml/model-budget.yml', repo)).root).toBe(repo);
    await writeFile(join(repo, 'ml', 'model-budget.yml'), config('../../a'));
    await expect(loadConfig('ml/model-budget.yml', repo)).rejects.toThrow(/^ml\/model-budget\.yml:5:13 models\[0\]\.output: resolves outside the repository/);
  });

  test('without .git above it, the config folder is the repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-output-nogit-'));
    await writeFile(join(dir, 'model-budget.yml'), 'version: 1\nmodels:\n  - name: a\n    path: a/model.json\n    output: ../a\n');
    await expect(loadConfig('model-budget.yml', dir)).rejects.toThrow(/models\[0\]\.output: resolves outside the repository/);
  });
});

describe('outputProblems: a property over generated paths', () => {
  /** posix-only reference: `a` is `b` or below it, on normalized absolute paths. */
  const within = (a: string, b: string): boolean => a === b || a.startsWith(b === '/' ? '/' : `${b}/`);
  const segment = fc.constantFrom('a', 'b', 'm', '..', '.');
  const relPath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));

  test('an accepted output is inside the repository, not its root, and shares no folder line with any model', () => {
    fc.assert(
      fc.property(relPath, fc.array(relPath, { minLength: 1, maxLength: 3 }), (output, modelDirs) => {
        const configDir = '/repo/ml';
        const models = modelDirs.map((dir, i) => ({ name: `m${i}`, path: `${dir}/model.json`, absPath: posix.resolve(configDir, dir, 'model.json') }));
        const entries = [{ ...models[0], output } as OutputCheckModel, ...models.slice(1)];
        const accepted = outputProblems(entries, configDir, '/repo').length === 0;
        const out = posix.resolve(configDir, output);
        const clashes = models.some((m) => {
          const home = posix.dirname(m.absPath);
          return within(out, home) || within(home, out);
        });
        expect(accepted).toBe(within(out, '/repo') && out !== '/repo' && !clashes);
      }),
    );
  });
});
