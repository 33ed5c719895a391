/** "Where the time goes": kernel times of one profiled run, grouped by op. */

/** Time spent in one kind of op (kernel) during one inference. */
export interface OpTime {
  /** Kernel name, e.g. `FusedConv2D`, `FusedDepthwiseConv2D`, `Add`. */
  readonly op: string;
  readonly calls: number;
  /** Sum of kernel times in ms (the backend's timer; on CPU backends this includes reading the result). */
  readonly totalMs: number;
  /** Fraction of all kernel time in this profile. */
  readonly share: number;
}

/**
 * Groups kernels by name and returns the `top` slowest groups, slowest first. Skipped: kernels whose timer failed,
 * and op scopes (`fusedConv2d__op`), which tfjs records around the kernels they run — counting both would count
 * the same time twice.
 */
export function summarizeProfile(
  kernels: readonly { readonly name: string; readonly kernelTimeMs: unknown }[],
  top: number,
): OpTime[] {
  const byOp = new Map<string, { calls: number; totalMs: number }>();
  let total = 0;
  for (const k of kernels) {
    if (typeof k.kernelTimeMs !== 'number' || !Number.isFinite(k.kernelTimeMs) || k.name.endsWith('__op')) continue;
    const entry = byOp.get(k.name) ?? { calls: 0, totalMs: 0 };
    entry.calls += 1;
    entry.totalMs += k.kernelTimeMs;
    total += k.kernelTimeMs;
    byOp.set(k.name, entry);
  }
  return [...byOp.entries()]
    .map(([op, e]) => ({ op, calls: e.calls, totalMs: e.totalMs, share: total > 0 ? e.totalMs / total : 0 }))
    .sort((a, b) => b.totalMs - a.totalMs || a.op.localeCompare(b.op))
    .slice(0, top);
}
