/** "Where the time goes": kernel times of one profiled run, grouped by op. */
import { formatValue } from '../../format.js';
import { noteText } from '../../note.js';

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
export function summarizeProfile(kernels: readonly { readonly name: string; readonly kernelTimeMs: unknown }[], top: number): OpTime[] {
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

/** The precision `formatValue('ms', …)` shows `ms` with. */
function shownStep(ms: number): number {
  return ms < 1 ? 0.001 : ms < 100 ? 0.01 : ms < 10_000 ? 1 : 100;
}

/** Rounds down to `step` (the epsilon absorbs float noise like 0.29 / 0.01 = 28.999…). */
function floorTo(value: number, step: number): number {
  return Math.floor(value / step + 1e-12) * step;
}

/**
 * "Where the time goes" as shares of kernel time, each with its part of one inference (share × `inferenceMs`, the
 * p50): the parts add up to at most the inference. Profiled kernel times themselves are not shown — on the CPU
 * runtimes they include reading each kernel's result back and add up to more than an inference.
 */
export function describeOps(ops: readonly OpTime[], inferenceMs: number): string {
  // Every part is rounded down to a multiple of the whole's shown step (or coarser), so the shown parts add up to at
  // most the shown whole.
  const whole = floorTo(inferenceMs, shownStep(inferenceMs));
  const part = (ms: number): number => floorTo(ms, Math.max(shownStep(ms), shownStep(whole)));
  const parts = ops.map((o) => `${noteText(o.op)} ${Math.floor(o.share * 100 + 1e-9)}% (${formatValue('ms', part(o.share * inferenceMs))})`);
  return `where the time goes (share of kernel time; its part of the ${formatValue('ms', whole)} p50): ${parts.join(', ')}`;
}
