import { cpus } from 'node:os';
import type { ModelSpec } from '../config/load.js';
import type { Measured } from '../judge/judge.js';
import type { LoadedModel } from '../model/types.js';
import { note, noteText } from '../note.js';
import type { Environment, LatencyComparison } from '../report/types.js';
import type { DriftResult } from './drift.js';
import { selectRuntime } from '../runtimes/index.js';
import type { RuntimeInfo } from '../runtimes/types.js';
import { ModelDeadline } from './deadline.js';
import type { SizeNeeds } from './size.js';
import type { FlopsReport } from '../formats/cost.js';
import { countFlops } from '../formats/index.js';
import { benchmarkModel, compareModels, type BenchmarkOptions } from './latency/benchmark.js';
import { describeOps } from './latency/profile.js';

/** What a model's budgets ask to be run: latency, A/B, FLOPs. */
export interface ExecutionNeeds {
  readonly latency: boolean;
  readonly flops: boolean;
  /** `latency.increase` is set: an interleaved A/B against the baseline. */
  readonly ab: boolean;
}

/** The metric keys some budget of the model is about: its budgets and its `trend:` budgets alike. */
export function budgetedKeys(spec: Pick<ModelSpec, 'budgets' | 'trend'>): string[] {
  return [...spec.budgets.map((b) => b.key), ...Object.keys(spec.trend)];
}

/**
 * Which measurements a model needs. The latency loop always runs: p50…p99, first inference, load time and peak
 * memory are the numbers every report shows (the default set). FLOPs and params are counted when budgeted (or
 * trend-budgeted); the A/B runs when `latency.increase` is set.
 */
export function executionNeeds(spec: Pick<ModelSpec, 'budgets' | 'trend' | 'latencyIncrease'>): ExecutionNeeds {
  const keys = budgetedKeys(spec);
  return {
    latency: true,
    flops: keys.some((k) => k === 'flops' || k === 'params'),
    ab: spec.latencyIncrease !== undefined,
  };
}

/** Raw bytes are always reported; gzip and brotli sizes (the slow part) only when a budget or trend budget needs them. */
export function sizeNeeds(spec: Pick<ModelSpec, 'budgets' | 'trend'>): SizeNeeds {
  const keys = budgetedKeys(spec);
  return { gzip: keys.includes('gzip-size'), brotli: keys.includes('brotli-size') };
}

/** Makes the model's runtime active (once per model: a previous model may have pinned another). */
export async function activateRuntime(spec: ModelSpec, cwd: string): Promise<RuntimeInfo> {
  return selectRuntime(spec.benchmark.runtime, { cwd, ...(spec.benchmark.threads === undefined ? {} : { threads: spec.benchmark.threads }) });
}

export interface ExecutionResult {
  readonly measured: Record<string, Measured>;
  readonly notes: string[];
  readonly latencyComparison?: LatencyComparison;
  readonly environment: Environment;
}

/**
 * Runs what the budgets need on the active runtime: the latency loop (p50…p99, first inference, load time, peak
 * tensor memory), the interleaved A/B against the baseline (base branch, else the uncompressed original), FLOPs
 * and params. `original` is set when the model was compressed, so its numbers fill the "original" column.
 */
export async function measureExecution(args: {
  readonly spec: ModelSpec;
  readonly candidate: LoadedModel;
  readonly original?: LoadedModel;
  readonly base?: LoadedModel;
  readonly drift?: DriftResult;
  readonly runtime: RuntimeInfo;
  readonly step: (what: string) => void;
  /** The model's clock: each stage gets the time left of `benchmark.timeout`. */
  readonly deadline?: ModelDeadline;
}): Promise<ExecutionResult> {
  const { spec, candidate, original, base } = args;
  const needs = executionNeeds(spec);
  const measured: Record<string, Measured> = {};
  const notes: string[] = args.runtime.note === undefined ? [] : [args.runtime.note];
  let runtime = args.runtime;
  // Each stage starts with what is left of the model's timeout, and refuses to start when nothing is.
  const within = (stage: string): BenchmarkOptions => {
    args.deadline?.check(stage);
    const left = args.deadline ? Math.min(spec.benchmark.timeout, args.deadline.remainingMs()) : spec.benchmark.timeout;
    return { ...benchmarkOptions(spec), timeoutMs: left };
  };

  if (args.drift) {
    const d = args.drift;
    measured['accuracy.max-abs-error'] = { value: d.maxAbsError };
    measured['accuracy.rmse'] = { value: d.rmse };
    // Only the metrics that apply to some output: a budget on one that applies to none says "not measured".
    if (d.cosine !== undefined) measured['accuracy.cosine'] = { value: d.cosine };
    if (d.top1Agreement !== undefined) measured['accuracy.top1-agreement'] = { value: d.top1Agreement };
    if (d.psnr !== undefined) measured['accuracy.psnr'] = { value: d.psnr };
    if (d.keypointError !== undefined) measured['accuracy.keypoint-error'] = { value: d.keypointError };
  }

  if (needs.latency) {
    args.step(`timing on ${runtime.name}`);
    const head = await benchmarkModel(candidate, within('timing'));
    runtime = head.runtime;
    notes.push(...head.warnings);
    const before = original ? await benchmarkModel(original, { ...within('timing the original'), profileOps: 0 }) : undefined;
    const pair = (value: number, pick: (l: typeof head) => number): Measured => ({ value, ...(before ? { original: pick(before) } : {}) });
    const s = head.summary;
    measured['latency.p50'] = pair(s.p50, (l) => l.summary.p50);
    measured['latency.p90'] = pair(s.p90, (l) => l.summary.p90);
    measured['latency.p95'] = pair(s.p95, (l) => l.summary.p95);
    measured['latency.p99'] = pair(s.p99, (l) => l.summary.p99);
    measured['latency.mean'] = pair(s.mean, (l) => l.summary.mean);
    measured['latency.first-inference'] = pair(head.firstInferenceMs, (l) => l.firstInferenceMs);
    measured['load-time'] = pair(head.loadMs, (l) => l.loadMs);
    // LiteRT does not account its tensors: its memory is not measured (a budget on it says so) rather than shown as 0.
    if (runtime.name !== 'litert') measured['memory'] = pair(head.memory.peakTensorBytes, (l) => l.memory.peakTensorBytes);
    else notes.push(note`memory: not measured on LiteRT, which does not report the bytes its tensors use`);
    notes.push(
      `latency: ${s.n} timed runs after ${head.warmupRuns} warm-up, CV ${(s.cv * 100).toFixed(1)}%${head.stoppedBy === 'max-seconds' ? ' (stopped by max-seconds)' : ''}`,
    );
    if (head.memory.leakedTensors > 0) notes.push(`${head.memory.leakedTensors} tensor(s) leaked per benchmark: the model or runtime keeps tensors alive`);
    if (head.ops && head.ops.length > 0) {
      notes.push(describeOps(head.ops.slice(0, 5), s.p50));
    }
  }

  let latencyComparison: LatencyComparison | undefined;
  const baseline = base ?? original;
  if (needs.ab && baseline) {
    args.step(`A/B against the ${base ? 'base branch' : 'uncompressed original'}`);
    const ab = await compareModels(baseline, candidate, {
      ...within('the A/B comparison'),
      against: base ? 'base' : 'original',
      quantile: spec.benchmark['compare-quantile'],
      ...(spec.latencyIncrease === undefined ? {} : { threshold: spec.latencyIncrease }),
    });
    latencyComparison = ab.comparison;
    if (base && measured['latency.p50']) measured['latency.p50'] = { ...measured['latency.p50'], base: ab.baseline.p50 };
  }

  if (needs.flops) {
    args.step('counting FLOPs');
    const flopOptions = { batch: spec.benchmark.batch, seed: spec.benchmark.seed, ...(spec.inputs?.shapes ? { inputShapes: spec.inputs.shapes } : {}) };
    const clock = args.deadline ?? new ModelDeadline(spec.benchmark.timeout, spec.name);
    const count = (model: LoadedModel): Promise<FlopsReport> => clock.race(`counting FLOPs of ${model.path}`, () => countFlops(model, flopOptions));
    const head = await count(candidate);
    const before = original ? await count(original) : undefined;
    const old = base ? await count(base).catch(() => undefined) : undefined;
    measured['flops'] = { value: head.flops, ...(before ? { original: before.flops } : {}), ...(old ? { base: old.flops } : {}) };
    measured['params'] = { value: head.params, ...(before ? { original: before.params } : {}), ...(old ? { base: old.params } : {}) };
    // LiteRT has no per-op timer: where the arithmetic is stands in for "where the time goes", said as such.
    if (runtime.name === 'litert' && head.flops > 0) notes.push(flopsShares(head));
    const uncounted = Object.entries(head.uncounted);
    if (uncounted.length > 0) notes.push(`FLOPs leave out ops they cannot count: ${uncounted.map(([op, n]) => `${noteText(op)} ×${n}`).join(', ')}`);
  }

  return { measured, notes, ...(latencyComparison ? { latencyComparison } : {}), environment: environmentOf(runtime) };
}

function benchmarkOptions(spec: ModelSpec): BenchmarkOptions {
  const b = spec.benchmark;
  return {
    model: spec.name,
    warmupRuns: b.warmup,
    warmupMs: b['warmup-seconds'],
    minRuns: b.runs,
    minMs: b['min-seconds'],
    maxMs: b['max-seconds'],
    timeoutMs: b.timeout,
    seed: b.seed,
    batch: b.batch,
    pinned: b['pin-runtime'],
    ...(spec.customLayers === undefined ? {} : { customLayers: spec.customLayers }),
    ...(spec.inputs?.shapes ? { inputShapes: spec.inputs.shapes } : {}),
  };
}

/** The machine and runtime numbers come from. */
export function environmentOf(runtime: RuntimeInfo): Environment {
  const cpu = cpus();
  return {
    runtime: runtime.name,
    runtimeVersion: runtime.version,
    threads: runtime.threads,
    cpu: cpu[0]?.model.trim() ?? 'unknown CPU',
    cores: cpu.length,
    node: process.version,
  };
}

/** The operator types holding most of a model's FLOPs, largest first (top 5), as shares of the total. */
export function flopsShares(report: Pick<FlopsReport, 'flops' | 'ops'>): string {
  const byOp = new Map<string, number>();
  for (const op of report.ops) byOp.set(op.op, (byOp.get(op.op) ?? 0) + op.flops);
  const top = [...byOp]
    .filter(([, flops]) => flops > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([op, flops]) => `${noteText(op)} ${Math.floor((flops / report.flops) * 1000) / 10}%`);
  return `where the FLOPs are (LiteRT reports no per-op times): ${top.join(', ')}`;
}
