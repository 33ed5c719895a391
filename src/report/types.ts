/**
 * The values the judge produces and every renderer (markdown, PR comment, report.json, trend record) consumes.
 * Plain, readonly data, derived from the schema in src/report/schema.ts (which also validates report artifacts):
 * a field is added there, never here. Units: bytes for sizes and memory, milliseconds for times, fractions
 * (0.1 = 10%) for ratios and agreement, plain counts for flops and params, plain numbers for errors and cosine.
 */
import type * as z from 'zod';
import type {
  baseComparisonSchema,
  baseKindSchema,
  budgetChangeSchema,
  environmentSchema,
  frontierSchema,
  latencyComparisonSchema,
  metricResultSchema,
  metricStatusSchema,
  modelReportSchema,
  precisionChoiceSchema,
  reportSchema,
  verdictSchema,
  weightChangeSchema,
  weightShareSchema,
} from './schema.js';

export type { MetricUnit } from '../metrics.js';

export type MetricStatus = z.infer<typeof metricStatusSchema>;
/** Overall verdict. `error`: the check could not run (config/model error). */
export type Verdict = z.infer<typeof verdictSchema>;
export type MetricResult = z.infer<typeof metricResultSchema>;
/** One weight tensor in the "what takes the space" table. */
export type WeightShare = z.infer<typeof weightShareSchema>;
/** One weight's storage dtype as chosen by the mixed-precision search. */
export type PrecisionChoice = z.infer<typeof precisionChoiceSchema>;
/** The candidates the mixed-precision search evaluated, with its Pareto points. */
export type SearchFrontier = z.infer<typeof frontierSchema>;
/** One weight whose bytes changed against the base: added (no `baseBytes`), removed (no `bytes`), or resized. */
export type WeightChange = z.infer<typeof weightChangeSchema>;
export type ModelReport = z.infer<typeof modelReportSchema>;
/** How the base commit was found (see `baseKindSchema`). */
export type BaseKind = z.infer<typeof baseKindSchema>;
export type BaseComparison = z.infer<typeof baseComparisonSchema>;
export type BudgetChange = z.infer<typeof budgetChangeSchema>;
export type LatencyComparison = z.infer<typeof latencyComparisonSchema>;
export type Report = z.infer<typeof reportSchema>;
export type Environment = z.infer<typeof environmentSchema>;
