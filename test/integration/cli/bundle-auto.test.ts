import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { node24 } from '../../helpers/node-binary.js';

/**
 * The shipped CLI bundle, on the Node 24 the runner has, running `compress: auto` with `levels: true`: the search, its frontier in report.json and the
 * comment, then fewer codes for the uint8 and uint16 weights it chose, all inside the same accuracy budget.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const run = promisify(execFile);

test('the bundle: auto { levels: true } charts its frontier and puts the chosen uint8 and uint16 weights on fewer codes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mb-bundle-auto-'));
  await cp(join(root, 'examples', 'gender'), join(dir, 'models', 'gender'), { recursive: true });
  await writeFile(
    join(dir, 'model-budget.yml'),
    'version: 1\nbenchmark: { runtime: cpu }\nmodels:\n  - name: gender\n    path: models/gender/model.json\n' +
      '    compress: { auto: { max-evaluations: 24, levels: true } }\n    inputs: { samples: 2 }\n    budget:\n      accuracy: { max-abs-error: 0.004 }\n',
  );
  const { stdout, stderr } = await run(node24(), [cli, 'check', '--json', 'auto.json'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
  const json = JSON.parse(await readFile(join(dir, 'auto.json'), 'utf8')) as {
    models: { metrics: Record<string, { status: string }>; notes: string[]; frontier?: { points: { chosen: boolean; withinBudget: boolean }[] } }[];
  };
  const [model] = json.models;
  expect(model?.metrics['accuracy.max-abs-error']?.status).toBe('pass');
  expect(model?.frontier?.points.filter((p) => p.chosen)).toEqual([expect.objectContaining({ withinBudget: true })]);
  // At max-abs ≤ 0.004 the search keeps some weights at uint16; the levels pass moves some of those too (> 256 codes).
  const note = /auto: .* evaluations(?: \(capped\))?; levels: \d+ of \d+ uint8\/uint16 weight\(s\) on fewer codes \(([\d/]+)\)/.exec(
    model?.notes.join('\n') ?? '',
  );
  expect(note).not.toBeNull();
  const counts = (note?.[1] ?? '').split('/').map(Number);
  expect(counts.some((c) => c <= 128)).toBe(true);
  expect(counts.some((c) => c >= 512 && c < 65536)).toBe(true);
  expect(stderr).toMatch(/levels: \d+\/\d+ /); // progress lines
  expect(stdout).toMatch(/<summary><b>Smallest model within your budget<\/b>/);
});
