import { describe, expect, it } from 'vitest';
import { appendHistory, classifyLine, compactLines, historyFileName, parseHistory } from '../../../src/trend/jsonl.js';
import { record } from './records.js';

const line = (i: number): string => JSON.stringify(record({ sha: `s${i}`, size: i }));
const sizes = (lines: readonly string[]): (number | string)[] =>
  lines.map((l) => {
    const parsed = classifyLine(l);
    return parsed.kind === 'record' ? (parsed.record.metrics.size?.value ?? -1) : parsed.kind;
  });

describe('compactLines', () => {
  it.each([
    { what: 'under the bound: untouched', n: 4, max: 5, expected: [0, 1, 2, 3] },
    { what: 'at the bound: untouched', n: 5, max: 5, expected: [0, 1, 2, 3, 4] },
    { what: 'one over: older half keeps every second', n: 11, max: 10, expected: [0, 2, 4, 6, 7, 8, 9, 10] },
    { what: 'far over: thins until it fits, the first kept', n: 40, max: 10, expected: [0, 8, 16, 24, 32, 35, 36, 37, 38, 39] },
    { what: 'bound below 2 is raised to 2', n: 5, max: 0, expected: [0, 4] },
  ])('$what', ({ n, max, expected }) => {
    const kept = compactLines(
      Array.from({ length: n }, (_, i) => line(i)),
      max,
    );
    expect(sizes(kept)).toEqual(expected);
  });

  it('never drops corrupt or newer-schema lines', () => {
    const lines = [line(0), 'not json', line(1), '{"schemaVersion":9}', line(2), line(3), line(4)];
    expect(sizes(compactLines(lines, 4))).toEqual([0, 'corrupt', 'newer', 3, 4]);
  });
});

describe('appendHistory', () => {
  it('appends, marks a repeated sha as a re-run and keeps existing bytes', () => {
    const odd = '{ "schemaVersion": 1,   "broken": true }';
    const text = `${line(1)}\n${odd}\n`;
    const next = appendHistory(text, [record({ sha: 's1', size: 10 }), record({ sha: 'new', size: 11 }), record({ sha: 'new', size: 12 })]);
    const lines = next.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([line(1), odd]);
    expect(lines.slice(2).map((l) => (JSON.parse(l) as { rerun: boolean }).rerun)).toEqual([true, false, true]);
    expect(next.endsWith('\n')).toBe(true);
  });
});

describe('parseHistory', () => {
  it('counts corrupt and newer lines and drops the cut first line of a tail', () => {
    const text = `${line(0).slice(20)}\n${line(1)}\n{"schemaVersion":2}\n[1,2]\n\n${line(2)}\n`;
    expect(parseHistory('gender', text, true)).toMatchObject({ corrupt: 1, newer: 1, truncated: true });
    expect(parseHistory('gender', text, true).records.map((r) => r.sha)).toEqual(['s1', 's2']);
    expect(parseHistory('gender', text).corrupt).toBe(2);
  });

  it('rejects records with the wrong shape', () => {
    const good = JSON.parse(line(0)) as Record<string, unknown>;
    for (const bad of [
      { ...good, sha: 3 },
      { ...good, date: 'yesterday' },
      { ...good, metrics: { size: { value: '3', unit: 'bytes' } } },
      { ...good, rerun: 'no' },
    ]) {
      expect(classifyLine(JSON.stringify(bad)).kind).toBe('corrupt');
    }
  });
});

describe('historyFileName', () => {
  it.each([
    { name: 'gender', expected: 'gender.jsonl' },
    { name: 'face-mesh_v2.1', expected: 'face-mesh_v2.1.jsonl' },
    { name: 'Face Mesh', expected: /^face-mesh-[0-9a-f]{8}\.jsonl$/ },
    { name: '../../etc/passwd', expected: /^etc-passwd-[0-9a-f]{8}\.jsonl$/ },
    { name: '..', expected: /^model-[0-9a-f]{8}\.jsonl$/ },
    { name: 'モデル', expected: /^model-[0-9a-f]{8}\.jsonl$/ },
  ])('$name → $expected', ({ name, expected }) => {
    expect(historyFileName(name)).toMatch(expected);
  });

  it('gives models that differ only in case or punctuation different files', () => {
    const names = ['Gender', 'gender', 'gen der', 'gen-der', 'gen/der'];
    expect(new Set(names.map(historyFileName)).size).toBe(names.length);
  });
});
