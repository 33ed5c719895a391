import { CompressError } from '../../errors.js';
import type { TfliteCalibration } from './calibrate.js';
import type { TfliteGraph } from './graph.js';
import { quantizeTfliteDynamicInt8 } from './quantize-dynamic.js';
import { quantizeTfliteInt8 } from './quantize-int8.js';
import { quantizeTfliteFloat16 } from './quantize.js';
import { writeTflite } from './write.js';

/** One precision mix the search considered. `error` is undefined for mixes it did not need to evaluate. */
export interface TflitePrecisionStep {
  readonly name: string;
  readonly bytes: number;
  readonly error: number | undefined;
}

/** The smallest mix within the budget, and every mix considered, smallest first (for the report). */
export interface TflitePrecisionResult {
  readonly name: string;
  readonly graph: TfliteGraph;
  readonly bytes: number;
  readonly error: number;
  readonly steps: readonly TflitePrecisionStep[];
}

interface Candidate {
  readonly name: string;
  readonly build: () => TfliteGraph;
}

/**
 * The smallest precision mix of a float32 graph whose error stays within `maxError`, for `compress: auto`. The
 * mixes, from smallest: full int8 (with `calibration`), then int8 with the last 1, 2, 4, … operators before the
 * outputs kept float (the head of a network is where int8 error shows most), up to half of them; dynamic-int8;
 * float16; float32 itself. Each mix is built and written to learn its size, then they are evaluated smallest first
 * until one is within the budget, so `evaluate` (the caller's accuracy check: the drift of the mix against the float
 * model on the caller's samples, in the caller's metric) runs as few times as possible. Mixes that cannot be built
 * (no float weights, nothing int8) are skipped. Returns undefined when not even float32 is within `maxError`.
 */
export async function searchTflitePrecision(
  float32: TfliteGraph,
  options: { readonly evaluate: (graph: TfliteGraph) => Promise<number>; readonly maxError: number; readonly calibration?: TfliteCalibration },
): Promise<TflitePrecisionResult | undefined> {
  const { calibration } = options;
  const candidates: Candidate[] = [];
  if (calibration) {
    const operators = float32.model.subgraphs[calibration.subgraph]?.operators.length ?? 0;
    candidates.push({ name: 'int8', build: () => quantizeTfliteInt8(float32, calibration).graph });
    for (let tail = 1; tail <= operators / 2; tail *= 2) {
      const keepFloat = new Set(Array.from({ length: tail }, (_, k) => operators - 1 - k));
      candidates.push({
        name: `int8, last ${tail} operator${tail === 1 ? '' : 's'} float`,
        build: () => quantizeTfliteInt8(float32, calibration, { keepFloat }).graph,
      });
    }
  }
  candidates.push(
    { name: 'dynamic-int8', build: () => quantizeTfliteDynamicInt8(float32).graph },
    { name: 'float16', build: () => quantizeTfliteFloat16(float32).graph },
    { name: 'float32', build: () => float32 },
  );
  const built: { name: string; graph: TfliteGraph; bytes: number }[] = [];
  for (const c of candidates) {
    let graph: TfliteGraph;
    try {
      graph = c.build();
    } catch (error) {
      if (error instanceof CompressError) continue; // this mix does not apply to the model (nothing to quantize)
      throw error;
    }
    built.push({ name: c.name, graph, bytes: writeTflite(graph).byteLength });
  }
  built.sort((a, b) => a.bytes - b.bytes);
  const errors = new Map<string, number>();
  let found: (typeof built)[number] | undefined;
  for (const b of built) {
    const error = await options.evaluate(b.graph);
    errors.set(b.name, error);
    if (error <= options.maxError) {
      found = b;
      break;
    }
  }
  const steps = built.map((b) => ({ name: b.name, bytes: b.bytes, error: errors.get(b.name) }));
  if (!found) return undefined;
  return { name: found.name, graph: found.graph, bytes: found.bytes, error: errors.get(found.name) ?? 0, steps };
}
