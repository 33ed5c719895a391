import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trendCommand } from '../../../src/commands/trend.js';
import { renderDashboard } from '../../../src/trend/dashboard.js';
import { appendHistory, historyFileName, parseHistory } from '../../../src/trend/jsonl.js';
import { record } from '../trend/records.js';

// Two legs measured at the same three commits: x64 around 1 MB, arm64 around 2 MB.
const RECORDS = [0, 1, 2].flatMap((i) => [
  record({ sha: `c${i}`, size: 1_000_000 + i, leg: 'linux-x64', date: `2025-01-0${i + 1}T00:00:00.000Z` }),
  record({ sha: `c${i}`, size: 2_000_000 + i, leg: 'linux-arm64', date: `2025-01-0${i + 1}T00:00:00.000Z` }),
]);

function historyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mb-legs-'));
  writeFileSync(join(dir, historyFileName('gender')), appendHistory('', RECORDS));
  return dir;
}

describe('trend --leg', () => {
  it("prints only that leg's records, with their leg; an unknown leg warns", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { cwd: historyDir(), stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {} };
    expect(await trendCommand(['--history', '.', '--leg', 'Linux ARM64'], io)).toBe(0);
    const text = out.join('');
    expect(text).toContain('3 record(s)');
    expect(text).toMatch(/2 MB\s.*linux-arm64/);
    expect(text).not.toContain('linux-x64');
    await trendCommand(['--history', '.', '--leg', 'windows-x64'], io);
    expect(err.join('')).toContain('no records of leg "windows-x64"');
  });
});

describe('the dashboard with several legs', () => {
  const history = parseHistory('gender', appendHistory('', RECORDS));
  const html = renderDashboard([history], { generatedAt: '2025-01-04T00:00:00Z' });
  const section = (i: number): string => html.split('<section').find((s) => s.startsWith(' data-model') && s.includes(`data-leg="${i}"`)) ?? '';

  it('has a leg selector and one section per leg, the first shown', () => {
    expect(html).toMatch(/<input type="radio" name="leg" id="leg-0" class="leg-input" checked>/);
    expect(html).toContain('<label for="leg-1">linux-arm64</label>');
    expect(html).toContain('#leg-1:checked~section[data-leg="1"]');
    expect(html).not.toContain('<script');
  });

  it("draws each leg's points only in its own section", () => {
    expect(section(0)).toContain('linux-x64');
    expect(section(0)).toMatch(/1(\.00)? MB/);
    expect(section(0)).not.toMatch(/2(\.00)? MB/);
    expect(section(1)).toMatch(/2(\.00)? MB/);
    expect(section(1)).not.toMatch(/· 1(\.00)? MB/);
  });

  it('one leg: no selector', () => {
    const one = parseHistory(
      'gender',
      appendHistory(
        '',
        RECORDS.filter((r) => r.leg === 'linux-x64'),
      ),
    );
    expect(renderDashboard([one], { generatedAt: 'x' })).not.toContain('name="leg"');
  });
});
