/**
 * The artifact that carries a report from the `measure` job (which ran the PR's code with a read-only token) to
 * the `report` job (which holds a write token and never runs PR code). Everything in it is untrusted: the zip is
 * size-capped, only the one expected file is read, and the report is validated against a bounded schema before
 * anything renders it. The PR number is never read from here.
 */
import { unzipSync } from 'fflate';
import * as z from 'zod';
import type { MetricUnit, Report } from '../report/types.js';

/** File inside the artifact that `report` mode reads; `measure` mode writes it next to report.json and comment.md. */
export const ARTIFACT_REPORT_FILE = 'model-budget-report.json';
/** Largest artifact zip accepted, in bytes. */
export const MAX_ARTIFACT_BYTES = 8 * 1024 * 1024;
/** Largest unpacked report file accepted, in bytes. */
const MAX_REPORT_BYTES = 16 * 1024 * 1024;

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
      z.object({ status: z.literal('compared'), ref: text(200) }),
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

/** Unpacks and validates an artifact zip; throws an Error saying what is wrong. */
export function readArtifact(zip: Uint8Array): ArtifactPayload {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (file) => file.name === ARTIFACT_REPORT_FILE && file.originalSize <= MAX_REPORT_BYTES,
    });
  } catch (error) {
    throw new Error(`the artifact is not a readable zip archive: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const bytes = files[ARTIFACT_REPORT_FILE];
  if (!bytes) throw new Error(`the artifact holds no ${ARTIFACT_REPORT_FILE} (or it is larger than ${MAX_REPORT_BYTES} bytes)`);
  if (bytes.byteLength > MAX_REPORT_BYTES) throw new Error(`${ARTIFACT_REPORT_FILE} is larger than ${MAX_REPORT_BYTES} bytes`);
  return parseArtifactPayload(new TextDecoder().decode(bytes));
}

/** Validates the JSON text of `ARTIFACT_REPORT_FILE`. */
export function parseArtifactPayload(json: string): ArtifactPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`${ARTIFACT_REPORT_FILE} is not JSON`, { cause: error });
  }
  const parsed = payloadSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${ARTIFACT_REPORT_FILE} does not match the report schema: ${first.join('; ')}`);
  }
  return parsed.data;
}
