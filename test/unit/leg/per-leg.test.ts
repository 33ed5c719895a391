import { describe, expect, it } from 'vitest';
import { configForLeg, parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { defaultLegId, legMatches, normalizeLegId } from '../../../src/leg.js';
import { appendHistory } from '../../../src/trend/jsonl.js';
import { recordsOfLeg } from '../../../src/trend/series.js';
import { record } from '../trend/records.js';

const CONFIG = `version: 1
models:
  - name: net
    path: m.json
    budget:
      size: 5 MB
      latency: { p90: 20 ms }
      per-leg:
        "linux-arm64*":
          latency: { p90: 40 ms }
        "*-webgpu":
          latency: { p90: 5 ms, increase: 10% }
`;

const budgetsOn = (leg: string) =>
  configForLeg(parseConfig(CONFIG, '/r/model-budget.yml', 'model-budget.yml'), leg).models[0]?.budgets.map((b) => [b.key, b.limit, b.source.line]);

describe('leg ids', () => {
  it.each([
    {
      what: 'runner fields, CPU without decorations, runtime',
      parts: { os: 'Linux', arch: 'X64', cpu: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', runtime: 'wasm' },
      expected: 'linux-x64-intel-xeon-platinum-8370c-wasm',
    },
    {
      what: 'a GPU adapter last',
      parts: { os: 'Linux', arch: 'X64', cpu: 'AMD EPYC 7763 64-Core Processor', runtime: 'webgpu', gpu: 'NVIDIA L4' },
      expected: 'linux-x64-amd-epyc-7763-webgpu-nvidia-l4',
    },
    { what: 'Apple silicon', parts: { os: 'macOS', arch: 'ARM64', cpu: 'Apple M1 (Virtual)', runtime: 'wasm' }, expected: 'macos-arm64-apple-m1-virtual-wasm' },
    { what: 'nothing known', parts: {}, expected: 'default' },
  ])('$what', ({ parts, expected }) => expect(defaultLegId(parts)).toBe(expected));

  it('a written id keeps letters, digits, . _ -; anything else becomes one -', () => {
    expect(normalizeLegId(' Linux ARM64 / GPU ')).toBe('linux-arm64-gpu');
    expect(() => normalizeLegId('***')).toThrow(/no letters or digits/);
  });

  it.each([
    { pattern: 'linux-arm64*', leg: 'linux-arm64-neoverse-n2-wasm', expected: true },
    { pattern: 'linux-arm64*', leg: 'linux-x64-arm64', expected: false },
    { pattern: '*-webgpu', leg: 'linux-x64-amd-webgpu', expected: true },
    { pattern: 'Linux-X64', leg: 'linux-x64', expected: true },
    { pattern: 'linux.x64', leg: 'linux-x64', expected: false },
  ])('pattern $pattern on $leg: $expected', ({ pattern, leg, expected }) => expect(legMatches(pattern, leg)).toBe(expected));
});

describe('budget.per-leg', () => {
  it("a matching leg's budget replaces the model's own, and names the line it is written on", () => {
    expect(budgetsOn('linux-x64-amd-epyc-wasm')).toEqual([
      ['size', 5_000_000, 6],
      ['latency.p90', 20, 7],
    ]);
    expect(budgetsOn('linux-arm64-neoverse-wasm')).toEqual([
      ['size', 5_000_000, 6],
      ['latency.p90', 40, 10],
    ]);
    const webgpu = configForLeg(parseConfig(CONFIG, '/r/model-budget.yml', 'model-budget.yml'), 'linux-x64-webgpu').models[0];
    expect(webgpu?.budgets.find((b) => b.key === 'latency.p90')?.limit).toBe(5);
    expect(webgpu?.latencyIncrease).toBeCloseTo(0.1);
  });

  it('a wrong budget inside per-leg is a config error at its line, like any other', () => {
    const text = CONFIG.replace('latency: { p90: 40 ms }', 'latency: { p90: fast }').replace('increase: 10%', 'increse: 10%');
    let message = '';
    try {
      parseConfig(text, '/r/model-budget.yml', 'model-budget.yml');
    } catch (error) {
      if (error instanceof ConfigError) message = error.message;
    }
    expect(message).toMatch(/model-budget\.yml:10:\d+ models\[0\]\.budget\.per-leg\.linux-arm64\*\.latency\.p90: .*"fast"/);
    expect(message).toMatch(/model-budget\.yml:12:\d+ .*increse/);
  });
});

describe('trend series per leg', () => {
  it('two legs at one commit are not re-runs of each other; the same leg again is', () => {
    const next = appendHistory('', [
      record({ sha: 'a', size: 1, leg: 'x64' }),
      record({ sha: 'a', size: 2, leg: 'arm64' }),
      record({ sha: 'a', size: 3, leg: 'x64' }),
    ]);
    expect(
      next
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { rerun: boolean }).rerun),
    ).toEqual([false, false, true]);
  });

  it("a leg sees only its own records, never another leg's; older legless ones only while it is the only leg", () => {
    const records = [record({ sha: 'a', size: 1, leg: 'x64' }), record({ sha: 'a', size: 2, leg: 'arm64' }), record({ sha: 'b', size: 3 })];
    expect(recordsOfLeg(records, 'arm64').map((r) => r.metrics['size']?.value)).toEqual([2]);
    expect(recordsOfLeg(records, undefined).map((r) => r.metrics['size']?.value)).toEqual([3]);
    const upgraded = [record({ sha: 'a', size: 4 }), record({ sha: 'b', size: 5, leg: 'x64' })];
    expect(recordsOfLeg(upgraded, 'x64').map((r) => r.metrics['size']?.value)).toEqual([4, 5]);
    expect(recordsOfLeg(upgraded, 'arm64').map((r) => r.metrics['size']?.value)).toEqual([]);
  });
});
