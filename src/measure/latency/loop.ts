/**
 * The benchmark loop, after TFLite's `benchmark_model`: warm up (runs AND seconds), then timed runs until both
 * `minRuns` and `minMs` are reached, capped by `maxMs`, the whole thing bounded by a per-model timeout.
 * One run is whatever `Runnable.run` does — for an `Executable`: predict / execute, read every output back, dispose.
 * The clock, tensor-memory probe, RSS probe, profiler and timers are injected so the control flow is testable; the
 * memory probe and profiler default to the runnable's own (an `Executable` has both).
 */
import type { RunProfile, RuntimeMemory } from '../../runtimes/types.js';
import { summarize, type LatencySummary } from '../stats.js';
import { summarizeProfile, type OpTime } from './profile.js';
import { ModelDeadline, realTimer, type SetTimer } from '../deadline.js';
import { createRunOnce } from './run-once.js';
import { resolveLatencyOptions, type LatencyOptions, type ResolvedLatencyOptions } from './options.js';

/**
 * What the loop times: one inference per call on inputs of type `I`. An `Executable` (src/runtimes/types.ts) fits,
 * with its placed inputs; its `memory` and `profile` are the loop's defaults.
 */
export interface Runnable<I = unknown> {
  run(inputs: I): Promise<unknown>;
  memory?(): RuntimeMemory;
  profile?(work: () => Promise<void>): Promise<RunProfile>;
}

/** The world the loop touches; every member defaults to the real thing. */
export interface LoopPorts {
  /** Monotonic clock in ms. Default `performance.now()`. */
  readonly now?: () => number;
  /** Live tensors and their bytes. Default the runnable's `memory()`, else none counted. */
  readonly memory?: () => RuntimeMemory;
  /** Peak resident set size of the process so far, in bytes. Default `process.resourceUsage().maxRSS` × 1024. */
  readonly maxRssBytes?: () => number;
  /** Profiles one call. Default the runnable's `profile`, else the call runs unprofiled (peak 0, no kernels). */
  readonly profile?: (f: () => Promise<void>) => Promise<ProfileLike>;
  /** Real-time timer for the timeout race (a hung promise never advances a fake clock). Default `setTimeout`. */
  readonly setTimer?: SetTimer;
}

/** The part of a runtime's profile the loop reads. */
export type ProfileLike = RunProfile;

/** Tensor and process memory seen while benchmarking. */
export interface MemoryStats {
  /**
   * High-water mark of live tensor bytes: sampled after every run, and inside one profiled run (the runtime's
   * `peakBytes`, `tf.profile`'s for tfjs: weights, inputs and every intermediate activation alive at once). Every
   * model gets that run.
   */
  readonly peakTensorBytes: number;
  /** Peak resident set size of the whole process (includes the runtime, Node itself and other models). */
  readonly peakRssBytes: number;
  /** Live tensors after the loop minus before it; > 0 means the model or runtime leaks tensors per run. */
  readonly leakedTensors: number;
}

/** Result of {@link runLatencyLoop}. Times in ms. */
export interface LatencyStats {
  /** The first inference after loading (kernel compilation, lazy weight upload, …); not in `samplesMs`. */
  readonly firstInferenceMs: number;
  /** Warm-up runs done, the first inference included. */
  readonly warmupRuns: number;
  /** Every timed run, in order. */
  readonly samplesMs: readonly number[];
  readonly summary: LatencySummary;
  /** Wall time of the timed phase, in seconds. */
  readonly timedMs: number;
  /** `max-seconds`: the cap stopped the loop before `minRuns` were reached (fewer samples than asked). */
  readonly stoppedBy: 'min-runs-and-seconds' | 'max-seconds';
  readonly memory: MemoryStats;
  /** Top ops by kernel time of one profiled run (absent when profiling is off). */
  readonly ops?: readonly OpTime[];
  /** The options the loop ran with, defaults filled in. */
  readonly options: ResolvedLatencyOptions;
}

const NO_MEMORY: RuntimeMemory = { numTensors: 0, numBytes: 0 };

async function unprofiled(f: () => Promise<void>): Promise<ProfileLike> {
  await f();
  return { peakBytes: 0, kernels: [] };
}

/**
 * Benchmarks `runnable` on `inputs` (the caller owns and disposes them). Throws `MeasureError` naming `options.model`
 * when a run throws or the per-model timeout passes; a timed-out run is abandoned (its promise cannot be cancelled),
 * but the loop returns control. A run that blocks the event loop synchronously cannot be interrupted by a timer.
 */
export async function runLatencyLoop<I>(runnable: Runnable<I>, inputs: I, options: LatencyOptions = {}, ports: LoopPorts = {}): Promise<LatencyStats> {
  const o = resolveLatencyOptions(options);
  const now = ports.now ?? (() => performance.now());
  const memory = ports.memory ?? (() => runnable.memory?.() ?? NO_MEMORY);
  const maxRssBytes = ports.maxRssBytes ?? (() => process.resourceUsage().maxRSS * 1024);
  const profile = ports.profile ?? ((f: () => Promise<void>) => (runnable.profile ? runnable.profile(f) : unprofiled(f)));
  const setTimer = ports.setTimer ?? realTimer;

  const deadline = new ModelDeadline(o.timeoutMs, o.model, { now, setTimer });
  const startTensors = memory().numTensors;
  let peakTensorBytes = memory().numBytes;

  const runOnce = createRunOnce(runnable, inputs, { model: o.model, timeoutMs: o.timeoutMs, deadline });
  const sampleMemory = (): void => {
    peakTensorBytes = Math.max(peakTensorBytes, memory().numBytes);
  };

  // Warm-up: the first run alone (its time is reported), then until warmupRuns AND warmupMs.
  const firstStart = now();
  await runOnce();
  const firstInferenceMs = now() - firstStart;
  sampleMemory();
  let warmupRuns = 1;
  while (warmupRuns < o.warmupRuns || now() - firstStart < o.warmupMs) {
    await runOnce();
    sampleMemory();
    warmupRuns += 1;
  }

  const samplesMs: number[] = [];
  const timedStart = now();
  let stoppedBy: LatencyStats['stoppedBy'] = 'min-runs-and-seconds';
  for (;;) {
    const elapsed = now() - timedStart;
    if (samplesMs.length >= o.minRuns && elapsed >= o.minMs) break;
    if (samplesMs.length >= 1 && elapsed >= o.maxMs) {
      stoppedBy = 'max-seconds';
      break;
    }
    const t0 = now();
    await runOnce();
    samplesMs.push(now() - t0);
    sampleMemory();
  }
  const timedMs = now() - timedStart;

  // Always one profiled run: its peakBytes is the only view of the activations alive inside an inference, so every
  // model's peak memory is measured the same way whether or not its ops are listed.
  const info = await profile(runOnce);
  peakTensorBytes = Math.max(peakTensorBytes, info.peakBytes);
  const ops: readonly OpTime[] | undefined = o.profileOps > 0 ? summarizeProfile(info.kernels, o.profileOps) : undefined;

  return {
    firstInferenceMs,
    warmupRuns,
    samplesMs,
    summary: summarize(samplesMs),
    timedMs,
    stoppedBy,
    memory: { peakTensorBytes, peakRssBytes: maxRssBytes(), leakedTensors: memory().numTensors - startTensors },
    ...(ops ? { ops } : {}),
    options: o,
  };
}
