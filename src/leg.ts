/**
 * Leg ids: which kind of machine a report was measured on, when one workflow measures on several (a job matrix of
 * x64, arm64, macOS, Windows, a GPU runner). A leg id names the comment key, the artifact and the trend series, so
 * that legs never overwrite each other, and `budget.per-leg` patterns match it.
 */

/** Longest leg id kept; artifact names and comment markers stay short. */
export const MAX_LEG_CHARS = 100;

/** What the default leg id is made of. Every field is optional: a missing one is left out of the id. */
export interface LegFingerprint {
  /** `RUNNER_OS` (Linux, macOS, Windows), else the Node platform. */
  readonly os?: string | undefined;
  /** `RUNNER_ARCH` (X64, ARM64), else the Node architecture. */
  readonly arch?: string | undefined;
  /** CPU model as the OS reports it (`os.cpus()[0].model`). */
  readonly cpu?: string | undefined;
  /** Runtime(s) the config asks for (`wasm`, `webgpu`, …). */
  readonly runtime?: string | undefined;
  /** GPU adapter, when the leg has one (`MODEL_BUDGET_GPU`, e.g. `nvidia-l4`). */
  readonly gpu?: string | undefined;
}

/**
 * A leg id as written (the `leg` input, `--leg`), reduced to what artifact names and markers accept: lower case
 * letters, digits, `.`, `_` and `-`; every other run of characters becomes one `-`. Throws on an id that is empty
 * after that.
 */
export function normalizeLegId(written: string): string {
  const id = slug(written);
  if (!id) throw new Error(`leg "${written}" has no letters or digits; write it like "linux-x64"`);
  return id;
}

/** The default leg id: os-arch-cpu-runtime[-gpu], e.g. `linux-x64-amd-epyc-7763-wasm`. */
export function defaultLegId(parts: LegFingerprint): string {
  const cpu = parts.cpu ? shortCpu(parts.cpu) : undefined;
  const id = slug([parts.os, parts.arch, cpu, parts.runtime, parts.gpu].filter((p): p is string => Boolean(p?.trim())).join('-'));
  return id || 'default';
}

/** True when the `budget.per-leg` pattern matches the leg: `*` matches any run of characters, case ignored. */
export function legMatches(pattern: string, leg: string): boolean {
  const source = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(leg.toLowerCase());
}

/** The CPU model without the vendor's decorations: "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz" → "intel-xeon-platinum-8370c". */
function shortCpu(model: string): string {
  return model
    .replace(/\((R|TM|C)\)/gi, ' ')
    .replace(/@.*$/, ' ')
    .replace(/\b(CPU|Processor|\d+-Core)\b/gi, ' ');
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, MAX_LEG_CHARS)
    .replace(/[-.]+$/, '');
}
