/**
 * Turning records into one metric's series: one point per commit, default-branch points only, and — for metrics
 * that depend on the machine — only points from the same runtime, CPU model and thread count. Points from
 * elsewhere are counted, never silently mixed in.
 */
import type { Environment, MetricUnit } from '../report/types.js';
import type { TrendRecord } from './types.js';

export interface SeriesPoint {
  readonly sha: string;
  readonly date: string;
  readonly value: number;
  readonly limit?: number;
}

export interface Series {
  readonly key: string;
  readonly unit: MetricUnit | undefined;
  /** Oldest first, one per commit: a re-run replaces the first run's value in place. */
  readonly points: readonly SeriesPoint[];
  /** Points dropped because they come from another environment. */
  readonly excluded: number;
  /** The environment the points come from (for machine-dependent metrics). */
  readonly environment?: Environment;
}

export interface SeriesOptions {
  /** Keep only records of this ref (e.g. `refs/heads/main`). Default: every ref. */
  readonly ref?: string;
  /** The environment to compare with; default the newest record's. */
  readonly environment?: Environment;
  /** Keep the last this many points. Default: all. */
  readonly last?: number;
}

/**
 * The records of one leg, never another leg's. Records written before legs carry none: they count as the leg's own
 * while no other leg has been recorded (one runner, upgraded), and as a series of their own (`leg` undefined) once
 * several legs share the history.
 */
export function recordsOfLeg(records: readonly TrendRecord[], leg: string | undefined): TrendRecord[] {
  if (leg === undefined) return records.filter((r) => r.leg === undefined);
  const otherLegs = records.some((r) => r.leg !== undefined && r.leg !== leg);
  return records.filter((r) => r.leg === leg || (r.leg === undefined && !otherLegs));
}

/** Every leg the records hold, in the order first seen (`undefined` for records written before legs). */
export function legsOf(records: readonly TrendRecord[]): (string | undefined)[] {
  return [...new Set(records.map((r) => r.leg))];
}

/** Metrics whose value depends on the runtime and machine (times and memory); sizes and counts do not. */
export function dependsOnEnvironment(key: string, unit?: MetricUnit): boolean {
  return unit === 'ms' || /^(latency|load-time|memory)/.test(key);
}

/** Runtime, CPU model and threads: what must match for two timings to share a series. */
export function environmentLabel(env: Environment | undefined): string {
  if (env === undefined) return 'unknown environment';
  return `${env.runtime} ${env.runtimeVersion}, ${env.threads} thread(s), ${env.cpu}`;
}

export function sameEnvironment(a: Environment | undefined, b: Environment | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.runtime === b.runtime && a.cpu === b.cpu && a.threads === b.threads;
}

/** One metric's series from a model's records (oldest first). */
export function selectSeries(records: readonly TrendRecord[], key: string, options: SeriesOptions = {}): Series {
  const onRef = records.filter((r) => (options.ref === undefined || r.ref === options.ref) && r.metrics[key] !== undefined);
  const unit = onRef.at(-1)?.metrics[key]?.unit;
  const machineBound = dependsOnEnvironment(key, unit);
  const environment = options.environment ?? onRef.at(-1)?.environment;
  const kept = machineBound ? onRef.filter((r) => sameEnvironment(r.environment, environment)) : onRef;
  const bySha = new Map<string, SeriesPoint>();
  for (const record of kept) {
    const metric = record.metrics[key];
    if (metric === undefined) continue;
    // A re-run keeps its commit's place in the series and replaces its value (Map keeps first insertion order).
    bySha.set(record.sha, {
      sha: record.sha,
      date: record.date,
      value: metric.value,
      ...(metric.limit === undefined ? {} : { limit: metric.limit }),
    });
  }
  const points = [...bySha.values()];
  return {
    key,
    unit,
    points: options.last === undefined ? points : points.slice(-options.last),
    excluded: onRef.length - kept.length,
    ...(machineBound && environment !== undefined ? { environment } : {}),
  };
}

/** A display scale for a unit: sizes in KB/MB (1000-based, as src/format.ts writes them), times in ms, fractions and counts as they are. */
export function scaleFor(unit: MetricUnit | undefined, max: number): { readonly divisor: number; readonly label: string } {
  if (unit === 'bytes') {
    if (max >= 1e6) return { divisor: 1e6, label: 'MB' };
    if (max >= 1e3) return { divisor: 1e3, label: 'KB' };
    return { divisor: 1, label: 'B' };
  }
  if (unit === 'ms') return { divisor: 1, label: 'ms' };
  if (unit === 'count' && max >= 1e6) return { divisor: 1e6, label: 'M' };
  return { divisor: 1, label: '' };
}
