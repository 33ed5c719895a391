import { describe, expect, it } from 'vitest';
import { runLatencyLoop, type LoopPorts, type Runnable } from '../../../src/measure/latency/loop.js';

// The loop's memory high-water mark is sampled after the first run, after each warm-up run and after each timed
// run; a spike at any one of them must reach the result. The clock starts at 1000 ms, not 0, so that a time is
// always a difference of two readings.
function spikyWorld(spikeAfterRun: number) {
  let clock = 1000;
  let runs = 0;
  const runnable: Runnable = {
    run: () => {
      clock += 10;
      runs += 1;
      return Promise.resolve([]);
    },
  };
  const ports: LoopPorts = {
    now: () => clock,
    memory: () => ({ numTensors: 3, numBytes: runs === spikeAfterRun ? 9000 : 100 }),
    maxRssBytes: () => 1,
    profile: async (f) => {
      await f();
      return { peakBytes: 0, kernels: [] };
    },
  };
  return { runnable, ports };
}

const options = { warmupRuns: 3, warmupMs: 0, minRuns: 4, minMs: 0, profileOps: 0 };

describe('runLatencyLoop memory', () => {
  it.each([
    { what: 'after the first inference', spikeAfterRun: 1 },
    { what: 'after a warm-up run', spikeAfterRun: 2 },
    { what: 'after a timed run', spikeAfterRun: 5 },
  ])('a spike $what is the peak', async ({ spikeAfterRun }) => {
    const w = spikyWorld(spikeAfterRun);
    const stats = await runLatencyLoop(w.runnable, [], options, w.ports);
    expect(stats.memory.peakTensorBytes).toBe(9000);
  });

  it('without a spike the peak is the largest sample', async () => {
    const w = spikyWorld(-1);
    expect((await runLatencyLoop(w.runnable, [], options, w.ports)).memory.peakTensorBytes).toBe(100);
  });

  it('times are differences of the clock, wherever it starts', async () => {
    const w = spikyWorld(-1);
    const stats = await runLatencyLoop(w.runnable, [], { ...options, warmupRuns: 1, warmupMs: 25 }, w.ports);
    expect(stats.firstInferenceMs).toBe(10);
    // 25 ms of warm-up from the first run's start: 3 runs of 10 ms.
    expect(stats.warmupRuns).toBe(3);
    expect(stats.samplesMs).toEqual([10, 10, 10, 10]);
  });

  it('a runnable without memory or profile counts nothing and leaks nothing', async () => {
    const runnable: Runnable = { run: () => Promise.resolve([]) };
    const stats = await runLatencyLoop(runnable, [], { ...options, profileOps: 5 }, { now: () => 0, maxRssBytes: () => 1 });
    expect(stats.memory).toEqual({ peakTensorBytes: 0, peakRssBytes: 1, leakedTensors: 0 });
    expect(stats.ops).toEqual([]);
  });

  it("the default RSS probe is the process's peak in bytes", async () => {
    const rss = process.memoryUsage().rss;
    const runnable: Runnable = { run: () => Promise.resolve([]) };
    const stats = await runLatencyLoop(runnable, [], options, { now: () => 0 });
    expect(stats.memory.peakRssBytes).toBeGreaterThanOrEqual(rss);
  });
});
