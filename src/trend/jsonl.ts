/**
 * The history file format: JSON Lines, one record per line, oldest first. Everything here is pure text in, text
 * out; `store.ts` does the git I/O. Lines this version cannot read (corrupt, or written by a newer schema) are
 * skipped on read and kept verbatim on write: a history is never rewritten away by a tool that does not
 * understand it.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_HISTORY_ENTRIES } from '../config/defaults.js';
import { TREND_SCHEMA_VERSION, type ModelHistory, type TrendRecord } from './types.js';

type LineKind = { kind: 'record'; record: TrendRecord } | { kind: 'newer' } | { kind: 'corrupt' };

/** Classifies one line: a record this version understands, a newer-schema record, or corrupt. */
export function classifyLine(line: string): LineKind {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'corrupt' };
  }
  if (!isObject(value) || typeof value.schemaVersion !== 'number') return { kind: 'corrupt' };
  if (value.schemaVersion > TREND_SCHEMA_VERSION) return { kind: 'newer' };
  return isRecord(value) ? { kind: 'record', record: value } : { kind: 'corrupt' };
}

/**
 * Parses a history file's text. `truncated`: the text is the tail of a larger file, so its first line may be
 * cut and is dropped rather than counted as corrupt.
 */
export function parseHistory(model: string, text: string, truncated = false): ModelHistory {
  const lines = splitLines(text);
  if (truncated) lines.shift();
  const records: TrendRecord[] = [];
  let corrupt = 0;
  let newer = 0;
  for (const line of lines) {
    const parsed = classifyLine(line);
    if (parsed.kind === 'record') records.push(parsed.record);
    else if (parsed.kind === 'newer') newer += 1;
    else corrupt += 1;
  }
  return { model, records, corrupt, newer, truncated };
}

/**
 * Appends records to a history file's text and compacts it to `maxEntries` lines (see `compactLines`). A record
 * whose sha is already in the file (or earlier in `records`) is written with `rerun: true`. Existing lines, valid
 * or not, are kept byte for byte unless compaction thins them.
 */
export function appendHistory(text: string, records: readonly TrendRecord[], maxEntries = DEFAULT_HISTORY_ENTRIES): string {
  return new TextDecoder().decode(appendHistoryBytes(new TextEncoder().encode(text), records, maxEntries));
}

/** Longest line kept on append: a record is well under 4 KiB, so a longer line was not written by a tool. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * {@link appendHistory} on the file's bytes: a line that is not valid UTF-8 is kept byte for byte (decoding it to
 * text would replace its bytes with U+FFFD for good), and counts as unreadable.
 */
export function appendHistoryBytes(bytes: Uint8Array, records: readonly TrendRecord[], maxEntries = DEFAULT_HISTORY_ENTRIES): Uint8Array {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const raw = new Map<string, Uint8Array>();
  const lines: string[] = [];
  for (const line of splitByteLines(bytes)) {
    if (line.length > MAX_LINE_BYTES) continue;
    try {
      lines.push(decoder.decode(line));
    } catch {
      // A stand-in no JSON parser accepts (so it classifies as corrupt), unique per line, mapped back on output.
      const key = `\u0000raw:${raw.size}`;
      raw.set(key, line);
      lines.push(key);
    }
  }
  const text = lines.filter((line) => line.trim().length > 0);
  const seen = new Set<string>();
  for (const line of text) {
    const parsed = classifyLine(line);
    if (parsed.kind === 'record') seen.add(runKey(parsed.record));
  }
  for (const record of records) {
    // Legs of a matrix record the same sha side by side; only the same leg again is a re-run.
    const rerun = seen.has(runKey(record));
    seen.add(runKey(record));
    text.push(JSON.stringify({ ...record, rerun }));
  }
  const encoder = new TextEncoder();
  const out = compactLines(text, maxEntries).map((line) => raw.get(line) ?? encoder.encode(line));
  const total = out.reduce((n, line) => n + line.length + 1, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const line of out) {
    joined.set(line, at);
    joined[at + line.length] = 0x0a;
    at += line.length + 1;
  }
  return joined;
}

function splitByteLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (i > start) lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return lines;
}

/**
 * Bounds a history to `maxEntries` lines (at least 2). While it is over the bound, the newest ⌈maxEntries/2⌉ lines
 * stay untouched and the older lines keep every second one, starting with the oldest. The file shrinks to about
 * ¾·maxEntries, recent history stays dense and older history gets sparser each time, and the first record ever
 * written survives. Lines this version cannot read are kept while they fit: past twice the bound, the oldest lines
 * are dropped whatever they hold, so a file of unreadable lines is bounded too.
 */
export function compactLines(lines: readonly string[], maxEntries: number): string[] {
  const bound = Math.max(2, Math.floor(maxEntries));
  let current = [...lines];
  while (current.length > bound) {
    const keepNewest = Math.ceil(bound / 2);
    const older = current.slice(0, current.length - keepNewest);
    let index = 0;
    const thinned = older.filter((line) => {
      // Only records we understand count towards the every-second rule; the rest are kept verbatim.
      if (classifyLine(line).kind !== 'record') return true;
      index += 1;
      return index % 2 === 1;
    });
    if (thinned.length === older.length) break;
    current = [...thinned, ...current.slice(current.length - keepNewest)];
  }
  return current.length > 2 * bound ? current.slice(current.length - 2 * bound) : current;
}

/**
 * A file name for a model's history that is safe on every file system and in a git tree: lower-case letters,
 * digits, `.`, `_` and `-`; when that changes the name (or the name is long), a hash of the original keeps two
 * models from sharing a file (`Face Mesh` → `face-mesh-37fb644d.jsonl`).
 */
export function historyFileName(model: string): string {
  const slug = model
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 64);
  if (slug === model && slug.length > 0) return `${slug}.jsonl`;
  const hash = createHash('sha256').update(model, 'utf8').digest('hex').slice(0, 8);
  return `${slug.length > 0 ? `${slug}-` : 'model-'}${hash}.jsonl`;
}

/** The commit and leg of a record: what a re-run repeats. */
function runKey(record: Pick<TrendRecord, 'sha' | 'leg'>): string {
  return `${record.sha}\u0000${record.leg ?? ''}`;
}

function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim().length > 0);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecord(value: Record<string, unknown>): value is Record<string, unknown> & TrendRecord {
  if (value.schemaVersion !== TREND_SCHEMA_VERSION) return false;
  for (const key of ['model', 'sha', 'ref', 'date', 'configHash', 'tool'] as const) {
    if (typeof value[key] !== 'string') return false;
  }
  if (Number.isNaN(Date.parse(String(value.date)))) return false;
  if (!isObject(value.metrics)) return false;
  for (const metric of Object.values(value.metrics)) {
    if (!isObject(metric) || typeof metric.value !== 'number' || typeof metric.unit !== 'string') return false;
  }
  if (value.environment !== undefined && !isObject(value.environment)) return false;
  if (value.leg !== undefined && typeof value.leg !== 'string') return false;
  return typeof value.rerun === 'boolean';
}
