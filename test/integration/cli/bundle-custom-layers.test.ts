import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { bundleNodes, runActionOnPush } from '../../helpers/node-binary.js';
import { editedH5, fixture } from '../../unit/keras/fixtures.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');

/**
 * A workspace as a user's repository holds it: a Keras model with a custom layer class, the module that registers
 * it, and a config naming both; the bundles sit elsewhere with no node_modules anywhere above either.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-bundle-custom-'));
  await cp(join(root, 'dist'), join(dir, 'tool', 'dist'), { recursive: true });
  const work = join(dir, 'work');
  await cp(fixture('custom-layers.mjs'), join(work, 'tools', 'layers.mjs'), { recursive: true });
  await editedH5(fixture('k2-mlp-sequential.h5'), join(work), 'custom.h5', (file) => {
    const config = String(file.attrs.model_config?.json_value);
    file.delete_attribute('model_config');
    file.create_attribute('model_config', config.replaceAll('"class_name": "Activation"', '"class_name": "ScaledActivation"'));
  });
  await writeFile(
    join(work, 'model-budget.yml'),
    'version: 1\nbenchmark: { runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n' +
      '  - name: custom\n    path: custom.h5\n    custom-layers: tools/layers.mjs\n    compress: { quantize: float16 }\n' +
      '    budget:\n      size: 1 MB\n      latency: { p50: 10 s }\n      accuracy: { cosine: 0.999 }\n',
  );
}, 60_000);

describe('custom-layers with a Keras file, in the shipped bundles', () => {
  test.each(bundleNodes())('the CLI bundle on $name', async ({ binary }) => {
    const { stdout } = await run(binary, [join(dir, 'tool', 'dist', 'cli.js'), 'check', '--json', 'r.json'], {
      cwd: join(dir, 'work'),
      env: { PATH: process.env['PATH'] ?? '' },
    });
    expect(stdout).toContain('## ✅ model-budget: pass');
    const report = JSON.parse(await readFile(join(dir, 'work', 'r.json'), 'utf8')) as { environment?: { node: string } };
    const version = (await run(binary, ['--version'])).stdout.trim();
    expect(report.environment?.node).toBe(version);
  });

  test('the Action bundle, as the runner starts it', async () => {
    const { stdout, summary, output } = await runActionOnPush(join(dir, 'tool', 'dist', 'index.js'), join(dir, 'work'), dir);
    expect(stdout).toMatch(/custom: done/);
    expect(summary).toContain('## ✅ model-budget: pass');
    // The report says which Node measured: the runner's Node 24.
    const reportPath = /^report-json<<(.+)\n(.+)\n\1$/m.exec(output)?.[2] ?? '';
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as { environment?: { node: string } };
    expect(report.environment?.node).toMatch(/^v24\./);
  });
});
