/**
 * The shared vocabulary of measurements, at the bottom layer: what every metric key means, in which unit, and which
 * way is good. Config, judge, report and trend all read it; it imports nothing of theirs.
 */

/** Every unit a metric is measured in: bytes (sizes, memory), ms (times), fraction (0.1 = 10%), count, number. */
export const METRIC_UNITS = ['bytes', 'ms', 'fraction', 'count', 'number'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

/** `max`: lower is better and budgets are ceilings; `min`: higher is better and budgets are floors. */
export const METRIC_DIRECTIONS = ['max', 'min'] as const;
export type MetricDirection = (typeof METRIC_DIRECTIONS)[number];

/** What every metric key means: its unit and which way is good. The judge and every renderer read this. */
export interface MetricInfo {
  readonly unit: MetricUnit;
  readonly direction: MetricDirection;
  readonly label: string;
}

export const METRICS = {
  size: { unit: 'bytes', direction: 'max', label: 'size on disk' },
  'gzip-size': { unit: 'bytes', direction: 'max', label: 'gzip size' },
  'brotli-size': { unit: 'bytes', direction: 'max', label: 'brotli size' },
  'latency.p50': { unit: 'ms', direction: 'max', label: 'latency p50' },
  'latency.p90': { unit: 'ms', direction: 'max', label: 'latency p90' },
  'latency.p95': { unit: 'ms', direction: 'max', label: 'latency p95' },
  'latency.p99': { unit: 'ms', direction: 'max', label: 'latency p99' },
  'latency.mean': { unit: 'ms', direction: 'max', label: 'latency mean' },
  'latency.first-inference': { unit: 'ms', direction: 'max', label: 'first inference' },
  'load-time': { unit: 'ms', direction: 'max', label: 'load time' },
  memory: { unit: 'bytes', direction: 'max', label: 'peak memory' },
  flops: { unit: 'count', direction: 'max', label: 'FLOPs' },
  params: { unit: 'count', direction: 'max', label: 'parameters' },
  'accuracy.top1-agreement': { unit: 'fraction', direction: 'min', label: 'top-1 agreement' },
  'accuracy.max-abs-error': { unit: 'number', direction: 'max', label: 'max abs error' },
  'accuracy.rmse': { unit: 'number', direction: 'max', label: 'RMSE' },
  'accuracy.cosine': { unit: 'number', direction: 'min', label: 'cosine similarity' },
  'accuracy.psnr': { unit: 'number', direction: 'min', label: 'PSNR (dB)' },
  'accuracy.keypoint-error': { unit: 'number', direction: 'max', label: 'keypoint error (px)' },
} as const satisfies Record<string, MetricInfo>;

export type MetricKey = keyof typeof METRICS;

export function isMetricKey(key: string): key is MetricKey {
  return Object.hasOwn(METRICS, key);
}

export function metricInfo(key: string): MetricInfo {
  return isMetricKey(key) ? METRICS[key] : { unit: 'number', direction: 'max', label: key };
}
