/**
 * The artifact that carries a report from the `measure` job (which ran the PR's code with a read-only token) to
 * the `report` job (which holds a write token and never runs PR code). Everything in it is untrusted: the zip is
 * size-capped, only the one expected file is inflated, and only up to a byte budget (the sizes an archive declares
 * are not believed: inflating stops at the cap), and the report is validated against a bounded schema before
 * anything renders it. The PR number is never read from here.
 */
import { Inflate } from 'fflate';
import * as z from 'zod';
import { ModelBudgetError, problem } from '../errors.js';
import type { MetricUnit, Report } from '../report/types.js';

/** File inside the artifact that `report` mode reads; `measure` mode writes it next to report.json and comment.md. */
export const ARTIFACT_REPORT_FILE = 'model-budget-report.json';
/** Largest artifact zip accepted, in bytes. */
export const MAX_ARTIFACT_BYTES = 8 * 1024 * 1024;
/** Largest unpacked report file accepted, in bytes. */
export const MAX_REPORT_BYTES = 16 * 1024 * 1024;
/** Compressed bytes fed to the inflater at a time: one step inflates to at most ~1,000× this (deflate's limit). */
const INFLATE_CHUNK_BYTES = 16 * 1024;

const text = (max = 4000) => z.string().max(max);
const num = () => z.number().finite();
const opt = <T extends z.ZodType>(schema: T) => schema.exactOptional();
/** Every `MetricUnit`; keep in step with src/report/types.ts. */
const UNITS = ['bytes', 'ms', 'fraction', 'count', 'number'] as const satisfies readonly MetricUnit[];
const unit = z.enum(UNITS);
const location = z.object({ file: text(1000), line: z.number().int().min(1), column: z.number().int().min(1) });

const metricSchema = z.object({
  key: text(200),
  unit,
  // A metric that could not be measured is NaN in memory and null in JSON.
  value: num().nullable().transform((v) => v ?? Number.NaN),
  limit: opt(num()),
  warn: opt(num()),
  direction: z.enum(['max', 'min']),
  status: z.enum(['pass', 'warn', 'fail', 'no-budget']),
  message: text(),
  original: opt(num()),
  base: opt(num()),
  source: opt(location),
});

const modelSchema = z.object({
  name: text(500),
  path: text(1000),
  format: opt(z.enum(['layers', 'graph'])),
  verdict: z.enum(['pass', 'warn', 'fail', 'error']),
  metrics: z.array(metricSchema).max(200),
  weights: z
    .array(z.object({ name: text(1000), shape: z.array(z.number().int().min(0)).max(16), dtype: text(32), bytes: num(), share: num() }))
    .max(10_000),
  notes: z.array(text()).max(200),
  error: opt(text(20_000)),
  base: opt(
    z.discriminatedUnion('status', [
      z.object({
        status: z.literal('compared'),
        ref: text(200),
        kind: opt(z.enum(['merge-parent', 'merge-base'])),
        compressedWith: opt(z.enum(['base-config', 'head-config'])),
        compressChange: opt(z.object({ from: text(), to: text() })),
      }),
      z.object({ status: z.literal('new') }),
      z.object({ status: z.literal('unavailable'), reason: text() }),
    ]),
  ),
  weightChanges: opt(
    z.array(z.object({ name: text(1000), bytes: opt(num()), baseBytes: opt(num()), dtype: opt(text(32)), baseDtype: opt(text(32)) })).max(100),
  ),
  budgetChanges: opt(z.array(z.object({ key: text(200), unit, from: opt(num()), to: opt(num()) })).max(200)),
  latencyComparison: opt(
    z.object({
      against: z.enum(['base', 'original']),
      ratio: num(),
      ci: z.tuple([num(), num()]),
      confidence: num(),
      threshold: num(),
      verdict: z.enum(['faster', 'slower', 'same', 'inconclusive']),
    }),
  ),
});

/** The schema a `report` job validates the artifact's report against. */
export const reportSchema = z.object({
  schemaVersion: z.literal(1),
  verdict: z.enum(['pass', 'warn', 'fail', 'error']),
  config: text(1000),
  models: z.array(modelSchema).max(500),
  environment: opt(
    z.object({ runtime: text(100), runtimeVersion: text(100), threads: num(), cpu: text(300), cores: num(), node: text(100) }),
  ),
  leg: opt(z.string().regex(/^[a-z0-9._-]{1,100}$/)),
  tool: z.object({ name: z.literal('model-budget'), version: text(100) }),
});

/** What `measure` mode writes to `ARTIFACT_REPORT_FILE`. */
export interface ArtifactPayload {
  readonly report: Report;
}

// No comment key: `mode: report` takes it from its own inputs. (Older artifacts carry one; unknown keys are dropped.)
const payloadSchema = z.object({ report: reportSchema });

/** Serializes the payload `measure` mode uploads. */
export function serializeArtifact(payload: ArtifactPayload): string {
  return `${JSON.stringify(payload, null, 2)}\n`;
}

/**
 * Unpacks and validates an artifact zip; throws an Error saying what is wrong.
 * @param maxReportBytes most bytes `ARTIFACT_REPORT_FILE` may inflate to; default `MAX_REPORT_BYTES`.
 */
export function readArtifact(zip: Uint8Array, maxReportBytes = MAX_REPORT_BYTES): ArtifactPayload {
  return parseArtifactPayload(new TextDecoder().decode(inflateReportFile(zip, maxReportBytes)));
}

/**
 * The bytes of `ARTIFACT_REPORT_FILE` in `zip`: found through the central directory, its compressed bytes inflated
 * in small steps and abandoned as soon as the output passes the cap. The sizes the archive declares for the
 * unpacked file are not believed.
 */
function inflateReportFile(zip: Uint8Array, maxBytes: number): Uint8Array {
  const entry = findEntry(zip, ARTIFACT_REPORT_FILE);
  if (entry.method === 0) {
    if (entry.data.byteLength > maxBytes) throw new ModelBudgetError(problem('github/artifact-report-too-large', { file: ARTIFACT_REPORT_FILE, maxBytes }));
    return entry.data;
  }
  if (entry.method !== 8) throw new ModelBudgetError(problem('github/artifact-compression', { file: ARTIFACT_REPORT_FILE, method: entry.method }));
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  const inflate = new Inflate((data) => {
    size += data.byteLength;
    if (size > maxBytes) over = true;
    else chunks.push(data);
  });
  try {
    for (let offset = 0; offset < entry.data.byteLength && !over; offset += INFLATE_CHUNK_BYTES) {
      inflate.push(entry.data.subarray(offset, offset + INFLATE_CHUNK_BYTES), offset + INFLATE_CHUNK_BYTES >= entry.data.byteLength);
    }
  } catch (error) {
    throw new ModelBudgetError(problem('github/artifact-deflate', { file: ARTIFACT_REPORT_FILE, detail: error instanceof Error ? error.message : String(error) }), { cause: error });
  }
  if (over) throw new ModelBudgetError(problem('github/artifact-inflates-too-large', { file: ARTIFACT_REPORT_FILE, maxBytes }));
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** The one entry called `name`: its compression method and compressed bytes. Throws when absent, repeated or cut. */
function findEntry(zip: Uint8Array, name: string): { readonly method: number; readonly data: Uint8Array } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const unreadable = (why: string): Error => new ModelBudgetError(problem('github/artifact-not-zip', { why }));
  // End of central directory: 22 bytes plus a comment of at most 65,535.
  const lowest = Math.max(0, zip.byteLength - 22 - 0xffff);
  let end = zip.byteLength - 22;
  while (end >= lowest && u32(end) !== 0x06054b50) end--;
  if (end < lowest) throw unreadable('no end of central directory');
  const count = u16(end + 10);
  let at = u32(end + 16);
  const wanted = new TextEncoder().encode(name);
  let found: { method: number; size: number; offset: number } | undefined;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.byteLength || u32(at) !== 0x02014b50) throw unreadable('central directory entry out of place');
    const nameLength = u16(at + 28);
    const entryName = zip.subarray(at + 46, at + 46 + nameLength);
    if (entryName.byteLength === wanted.byteLength && entryName.every((b, k) => b === wanted[k])) {
      if (found) throw new ModelBudgetError(problem('github/artifact-duplicate-entry', { name }));
      found = { method: u16(at + 10), size: u32(at + 20), offset: u32(at + 42) };
    }
    at += 46 + nameLength + u16(at + 30) + u16(at + 32);
  }
  if (!found) throw new ModelBudgetError(problem('github/artifact-entry-missing', { name }));
  if (found.size === 0xffffffff || found.offset === 0xffffffff) throw unreadable('zip64 entries are not read (a report is far below 4 GiB)');
  const local = found.offset;
  if (local + 30 > zip.byteLength || u32(local) !== 0x04034b50) throw unreadable(`no local header for ${name}`);
  const start = local + 30 + u16(local + 26) + u16(local + 28);
  if (start + found.size > zip.byteLength) throw unreadable(`${name} is cut short`);
  return { method: found.method, data: zip.subarray(start, start + found.size) };
}

/** Validates the JSON text of `ARTIFACT_REPORT_FILE`. */
export function parseArtifactPayload(json: string): ArtifactPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ModelBudgetError(problem('github/artifact-not-json', { file: ARTIFACT_REPORT_FILE }), { cause: error });
  }
  const parsed = payloadSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ModelBudgetError(problem('github/artifact-schema', { file: ARTIFACT_REPORT_FILE, problems: first.join('; ') }));
  }
  return parsed.data;
}
