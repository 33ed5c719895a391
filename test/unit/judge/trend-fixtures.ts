/** Reports for the trend-budget tests: one metric, one model, one report, with only what a case sets. */
import type { MetricResult, ModelReport, Report } from '../../../src/report/types.js';
import { ENV_A } from '../trend/records.js';

export const metricOf = (key: string, unit: MetricResult['unit'], value: number, direction: 'max' | 'min' = 'max'): MetricResult => ({
  key,
  unit,
  value,
  direction,
  status: 'no-budget',
  message: '',
});

export const modelOf = (metrics: MetricResult[], extra: Partial<ModelReport> = {}): ModelReport => ({
  name: 'gender',
  path: 'p',
  format: 'graph',
  verdict: 'pass',
  metrics,
  weights: [],
  notes: [],
  ...extra,
});

export const reportOf = (models: ModelReport[], extra: Partial<Report> = {}): Report => ({
  schemaVersion: 1,
  verdict: 'pass',
  config: 'model-budget.yml',
  models,
  environment: ENV_A,
  tool: { name: 'model-budget', version: '0.1.0' },
  ...extra,
});
