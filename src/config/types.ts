import type { MetricUnit } from '../metrics.js';

/** A place in model-budget.yml, 1-based. `file` is the path messages show. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One budget, flattened from the nested config: `latency: { p90: 30 ms }` → key `latency.p90`. */
export interface BudgetEntry {
  readonly key: string;
  readonly unit: MetricUnit;
  readonly direction: 'max' | 'min';
  /** Hard limit: breaking it fails the check. */
  readonly limit?: number;
  /** Soft limit: breaking it warns. */
  readonly warn?: number;
  readonly source: SourceLocation;
}

/** One input name written in the config (`inputs.shapes.<name>`, `inputs.images.input`, …) and where. */
export interface ConfiguredInput {
  readonly name: string;
  /** `models[0].inputs.shapes.input_1` */
  readonly path: string;
  readonly source: SourceLocation;
}
