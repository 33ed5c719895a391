/**
 * The artifact that carries a report from the `measure` job (which ran the PR's code with a read-only token) to
 * the `report` job (which holds a write token and never runs PR code). Everything in it is untrusted: the zip is
 * size-capped, only the one expected file is inflated, and only up to a byte budget (the sizes an archive declares
 * are not believed: inflating stops at the cap), and the report is validated against the bounded schema that
 * `Report` itself is derived from (src/report/schema.ts) before anything renders it. The PR number is never read
 * from here.
 */
import { Inflate } from 'fflate';
import * as z from 'zod';
import { ModelBudgetError, problem } from '../errors.js';
import { reportSchema } from '../report/schema.js';
import type { Report } from '../report/types.js';

/** File inside the artifact that `report` mode reads; `measure` mode writes it next to report.json and comment.md. */
export const ARTIFACT_REPORT_FILE = 'model-budget-report.json';
/** Largest artifact zip accepted, in bytes. */
export const MAX_ARTIFACT_BYTES = 8 * 1024 * 1024;
/** Largest unpacked report file accepted, in bytes. */
export const MAX_REPORT_BYTES = 16 * 1024 * 1024;
/** Compressed bytes fed to the inflater at a time: one step inflates to at most ~1,000× this (deflate's limit). */
const INFLATE_CHUNK_BYTES = 16 * 1024;

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
    throw new ModelBudgetError(
      problem('github/artifact-deflate', { file: ARTIFACT_REPORT_FILE, detail: error instanceof Error ? error.message : String(error) }),
      { cause: error },
    );
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
