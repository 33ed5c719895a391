/**
 * The one value formatter: every renderer (job summary, PR comment, matrix comment, annotations, trend charts and
 * messages, the CLI) and every message that quotes a measured value writes numbers through here, so a size reads
 * `4.2 MB` wherever it appears. Sizes are 1000-based (KB = 1000 bytes, as `model-budget.yml` reads them).
 */
import type { MetricUnit } from './metrics.js';

/** `999 B`, `4.61 KB`, `83.8 KB`, `1.25 MB`, `2 GB`: three significant digits below 10 of a unit, else one decimal. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < 1000) return `${bytes} B`;
  if (abs < 1e6) return `${trim((bytes / 1e3).toFixed(abs < 1e4 ? 2 : 1))} KB`;
  if (abs < 1e9) return `${trim((bytes / 1e6).toFixed(abs < 1e7 ? 2 : 1))} MB`;
  return `${trim((bytes / 1e9).toFixed(2))} GB`;
}

/** `300.0` → `300`, `1.50` → `1.5`. */
function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** `810 µs`, `1.24 ms`, `560 ms`, `12.5 s`. */
export function formatMs(ms: number): string {
  if (Math.abs(ms) < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (Math.abs(ms) < 100) return `${trim(ms.toFixed(2))} ms`;
  if (Math.abs(ms) < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A fraction as a percentage: `0.105` → `10.5%` (`digits` decimals, default 1). */
export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** `50.5 k`, `20.89 M`, `1.2 G`. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim((n / 1e9).toFixed(2))} G`;
  if (abs >= 1e6) return `${trim((n / 1e6).toFixed(2))} M`;
  if (abs >= 1e3) return `${trim((n / 1e3).toFixed(1))} k`;
  return String(n);
}

/**
 * Formats a value in its metric unit; no unit (a trend series whose records do not say) formats a plain number.
 * `NaN` and `Infinity` stay as they are: tables say `not measured` themselves (src/report/cells.ts).
 */
export function formatValue(unit: MetricUnit | undefined, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit ?? 'number') {
    case 'bytes':
      return formatBytes(value);
    case 'ms':
      return formatMs(value);
    case 'fraction':
      return formatPercent(value, value > 0.99 && value < 1 ? 2 : 1);
    case 'count':
      return formatCount(value);
    case 'number':
      if (value === 0) return '0';
      if (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6) return value.toExponential(2);
      // Near 1 (cosine similarity) the interesting digits are the nines: 0.999943, not 1.
      if (Math.abs(value) > 0.99 && Math.abs(value) < 1) return trim(value.toFixed(6));
      return String(Number(value.toPrecision(4)));
  }
}

/** A ratio of two times, as the latency A/B reports it: `1.08×` (two decimals). */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}
