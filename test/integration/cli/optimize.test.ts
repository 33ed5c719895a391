import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import { saveModel } from '../../../src/formats/tfjs/save.js';
import { convAttrs, graphArtifacts, op } from '../../helpers/graph-artifacts.js';

test('check with compress: { optimize: true } writes the fused graph and reports the rewrites', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-optimize-'));
  const artifacts = graphArtifacts(
    [1, 6, 6, 2],
    [
      op('conv', 'Conv2D', ['x', 'k'], convAttrs()),
      op('bn_mul', 'Mul', ['conv', 's']),
      op('bn_add', 'Add', ['bn_mul', 'b']),
      op('relu', 'Relu', ['bn_add']),
      op('clip_min', 'Minimum', ['relu', 'six']),
      op('y', 'Maximum', ['clip_min', 'zero']),
    ],
    {
      k: { shape: [3, 3, 2, 4], values: Array.from({ length: 72 }, (_, i) => Math.sin(i) / 3) },
      s: { shape: [4], values: [1.2, 0.8, -0.5, 2] },
      b: { shape: [4], values: [0.1, 0.2, -0.3, 0.4] },
      six: { shape: [], values: [6] },
      zero: { shape: [], values: [0] },
    },
    ['y'],
  );
  await saveModel({ artifacts, format: 'graph' }, join(dir, 'net'));
  await writeFile(
    join(dir, 'model-budget.yml'),
    'version: 1\nbenchmark: { runtime: cpu, runs: 8, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n' +
      '  - name: net\n    path: net/model.json\n    compress: { optimize: true }\n    output: out/net\n' +
      '    budget:\n      size: 10 KB\n      accuracy: { max-abs-error: 0.00001 }\n',
  );
  let stdout = '';
  let stderr = '';
  const code = await main(['check'], { cwd: dir, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  expect(stderr).not.toMatch(/left out/);
  expect(code).toBe(0);
  expect(stdout).toContain('optimize: graph nodes 12 → 4 (1 relu6, 1 fold-scale, 1 fuse, 3 dead-nodes)');
  const written = JSON.parse(await readFile(join(dir, 'out', 'net', 'model.json'), 'utf8')) as { modelTopology: { node: { op: string }[] } };
  expect(written.modelTopology.node.map((n) => n.op)).toEqual(['Placeholder', 'Const', 'Const', '_FusedConv2D']);
}, 120_000);
