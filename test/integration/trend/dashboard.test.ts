/**
 * `model-budget trend --html` end to end: history files on disk → the command → one HTML file → headless
 * Chromium. Checks that the charts are parsed as SVG and actually paint pixels in the series and budget colours.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { trendCommand } from '../../../src/commands/trend.js';
import { appendHistory, historyFileName } from '../../../src/trend/jsonl.js';
import { ENV_A, ENV_B, record } from '../../unit/trend/records.js';

const run = promisify(execFile);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--hide-scrollbars',
];

function writeHistory(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const day = (i: number): string => new Date(Date.UTC(2025, 0, 1 + i)).toISOString();
  const gender = Array.from({ length: 30 }, (_, i) =>
    record({
      sha: `${i.toString(16).padStart(2, '0')}${'a'.repeat(38)}`,
      size: 1_900_000 + i * 9_000 + (i % 4) * 5_000,
      p50: 4 + Math.sin(i) * 0.4,
      env: i % 5 === 4 ? ENV_B : ENV_A,
      date: day(i),
      sizeLimit: 2_300_000,
      p50Limit: 5,
    }),
  );
  const mesh = Array.from({ length: 12 }, (_, i) => record({ model: 'Face <Mesh>', sha: `m${i}`, size: 3_000_000 - i * 20_000, date: day(i * 2) }));
  writeFileSync(join(dir, historyFileName('gender')), appendHistory('', gender));
  writeFileSync(join(dir, historyFileName('Face <Mesh>')), `${appendHistory('', mesh)}not json at all\n`);
}

async function dashboard(): Promise<{ dir: string; html: string; out: string[]; err: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'model-budget-dash-'));
  writeHistory(join(dir, 'history'));
  const out: string[] = [];
  const err: string[] = [];
  const code = await trendCommand(['--history', 'history', '--html', 'dash.html'], {
    cwd: dir,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
  });
  expect(code).toBe(0);
  return { dir, html: readFileSync(join(dir, 'dash.html'), 'utf8'), out, err };
}

describe('model-budget trend', () => {
  it('prints each model history newest first and notes skipped lines', async () => {
    const { out } = await dashboard();
    const text = out.join('');
    expect(text).toMatch(/^Face <Mesh> — 12 record\(s\); 1 corrupt line\(s\) skipped$/m);
    expect(text).toMatch(/^gender — 30 record\(s\)$/m);
    expect(text).toMatch(/^date\s+commit\s+size\s+gzip-size\s+latency\.p50\s+latency\.p90\s+environment$/m);
    const newest = text.split('\n').find((l) => l.startsWith('2025-01-30'));
    expect(newest?.split(/ {2,}/)).toEqual([
      '2025-01-30',
      '1daaaaa',
      '2.17 MB',
      '1.95 MB',
      '3.73 ms',
      '4.48 ms',
      'cpu 4.22.0, 1 thread(s), Intel(R) Xeon(R) Platinum 8370C',
    ]);
    expect(text.split('\n').filter((l) => l.startsWith('2025-')).length).toBe(12 + 20);
  });

  it('writes one self-contained file: no script, no external URL, escaped names', async () => {
    const { html } = await dashboard();
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('Face &lt;Mesh&gt;');
    expect(html).not.toContain('Face <Mesh>');
  });

  const title =
    CHROMIUM === undefined ? 'draws its charts in headless Chromium (skipped: no chromium; apt-get install chromium)' : 'draws its charts in headless Chromium';
  it.skipIf(CHROMIUM === undefined)(title, async () => {
    const { dir } = await dashboard();
    const page = `file://${join(dir, 'dash.html')}`;
    const profile = mkdtempSync(join(tmpdir(), 'model-budget-chromium-'));
    const chromium = CHROMIUM ?? 'chromium';
    const dom = await run(chromium, [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', page], { maxBuffer: 64 << 20 });
    // Parsed as SVG (not text): every chart has its series path with one segment per commit.
    const figures = dom.stdout.match(/<figure data-metric="[^"]+">/g) ?? [];
    expect(figures.length).toBe(4 + 2);
    const paths = [...dom.stdout.matchAll(/<path d="(M[^"]+)"[^>]*class="series"/g)].map((m) => m[1] ?? '');
    expect(paths.length).toBeGreaterThanOrEqual(6);
    expect(paths.every((d) => d.split('L').length >= 2)).toBe(true);
    expect(dom.stdout).toContain('class="limit"');

    const shot = join(dir, 'dash.png');
    await run(chromium, [...FLAGS, `--user-data-dir=${profile}`, `--screenshot=${shot}`, '--window-size=1400,1100', page]);
    const png = PNG.sync.read(readFileSync(shot));
    const count = (r: number, g: number, b: number): number => {
      let n = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        if (Math.abs((png.data[i] ?? 0) - r) < 24 && Math.abs((png.data[i + 1] ?? 0) - g) < 24 && Math.abs((png.data[i + 2] ?? 0) - b) < 24) n += 1;
      }
      return n;
    };
    // Painted lines, not just markup: the first series colour, the second (other environment) and the budget.
    expect(count(0x00, 0x72, 0xb2)).toBeGreaterThan(2000);
    expect(count(0xe6, 0x9f, 0x00)).toBeGreaterThan(100);
    expect(count(0xc0, 0x39, 0x2b)).toBeGreaterThan(300);
    if (process.env.MODEL_BUDGET_KEEP_SCREENSHOT) writeFileSync(process.env.MODEL_BUDGET_KEEP_SCREENSHOT, readFileSync(shot));
  });
});
