import type { OutputKind } from '../config/schema.js';
import { MeasureError, problem } from '../errors.js';
import { argmax, cosineOf, inferOutputKind, keypointDistances, psnrOf } from './drift-kinds.js';
import { runOnHost } from '../runtimes/host.js';
import type { Executable, HostTensor } from '../runtimes/types.js';
import { percentileSorted } from './stats.js';
import { note, type Note } from '../note.js';

/**
 * Drift of one output over every sample. `maxAbsError` and `rmse` apply to every kind; the others only where they
 * mean something, so a budget on them can fail: top-1 for `classification`, cosine for `classification` and
 * `embedding` (vectors), PSNR for `image`, keypoint distance for `heatmap`.
 */
export interface OutputDrift {
  readonly name: string;
  readonly kind: OutputKind;
  /** `config`: from `outputs:`; `inferred`: from the output's shape and the original's values. */
  readonly kindFrom: 'config' | 'inferred';
  readonly maxAbsError: number;
  readonly rmse: number;
  /** Worst per-sample cosine similarity (1 = same direction). */
  readonly cosine?: number;
  /** Median per-sample cosine similarity. */
  readonly cosineMedian?: number;
  /** Fraction in [0, 1] of rows (over the last dimension) whose argmax agrees. */
  readonly top1Agreement?: number;
  /** Worst per-sample PSNR in dB (Infinity when equal). */
  readonly psnr?: number;
  /** Largest distance in pixels between the spatial argmax of a keypoint's heatmap in the two models. */
  readonly keypointError?: number;
  /** Mean of those distances over every keypoint of every sample. */
  readonly keypointErrorMean?: number;
}

/** How far a candidate's outputs are from the original's on the same inputs. */
export interface DriftResult {
  /** Largest |candidate − original| over every output element of every sample; Infinity when one side is NaN/Inf and the other is not. */
  maxAbsError: number;
  /** Root mean square of the differences over every element. */
  rmse: number;
  /** Worst per-sample cosine similarity over the vector outputs; absent when no output is a vector. */
  cosine?: number;
  /** Median per-sample cosine similarity over the vector outputs. */
  cosineMedian?: number;
  /** Fraction in [0, 1] of rows of the classification outputs whose argmax agrees. */
  top1Agreement?: number;
  /** Worst per-sample PSNR in dB over the image outputs. */
  psnr?: number;
  /** Largest keypoint distance in pixels over the heatmap outputs. */
  keypointError?: number;
  /** Number of input sets compared. */
  samples: number;
  /** The metrics per output, with the output's kind. */
  outputs?: OutputDrift[];
}

/** Both models' values of one output, every sample. */
interface Collected {
  readonly shape: readonly number[];
  readonly a: (Float32Array | Int32Array | Uint8Array)[];
  readonly b: (Float32Array | Int32Array | Uint8Array)[];
}

/** Elementwise errors of one output, every kind. */
function errors(c: Collected): { maxAbsError: number; sumSq: number; count: number } {
  let maxAbsError = 0;
  let sumSq = 0;
  let count = 0;
  c.a.forEach((a, s) => {
    const b = c.b[s] ?? a;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] ?? 0;
      const y = b[i] ?? 0;
      count++;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        // Both NaN or the same infinity is agreement; anything else is an unbounded error.
        if (!(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)))) maxAbsError = Infinity;
        continue;
      }
      const d = Math.abs(y - x);
      if (d > maxAbsError) maxAbsError = d;
      sumSq += d * d;
    }
  });
  return { maxAbsError, sumSq, count };
}

/** The metrics that apply to `kind`, computed per sample (one row of the batch) where they are per sample. */
function kindMetrics(c: Collected, kind: OutputKind): Omit<OutputDrift, 'name' | 'kind' | 'kindFrom' | 'maxAbsError' | 'rmse'> {
  const batch = c.shape.length > 0 ? (c.shape[0] ?? 1) : 1;
  const perSample = (data: ArrayLike<number>): number => Math.max(1, Math.floor(data.length / Math.max(1, batch)));
  if (kind === 'classification' || kind === 'embedding') {
    const cosines: number[] = [];
    let rows = 0;
    let agree = 0;
    const width = c.shape[c.shape.length - 1] ?? 0;
    c.a.forEach((a, s) => {
      const b = c.b[s] ?? a;
      const n = perSample(a);
      for (let start = 0; start + n <= a.length; start += n) cosines.push(cosineOf(a, b, start, n));
      if (kind === 'classification' && width >= 2) {
        for (let start = 0; start + width <= a.length; start += width) {
          rows++;
          if (argmax(a, start, width) === argmax(b, start, width)) agree++;
        }
      }
    });
    if (cosines.length === 0) return {};
    return {
      cosine: Math.min(...cosines),
      // Nearest rank (the median latency uses); not `median`, which refuses the NaN a broken output gives.
      cosineMedian: percentileSorted(
        [...cosines].sort((x, y) => x - y),
        50,
      ),
      ...(kind === 'classification' && rows > 0 ? { top1Agreement: agree / rows } : {}),
    };
  }
  if (kind === 'image') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const a of c.a) for (const v of a) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const psnrs: number[] = [];
    c.a.forEach((a, s) => {
      const n = perSample(a);
      for (let start = 0; start + n <= a.length; start += n) psnrs.push(psnrOf(a, c.b[s] ?? a, start, n, hi - lo));
    });
    return psnrs.length === 0 ? {} : { psnr: Math.min(...psnrs) };
  }
  if (kind === 'heatmap' && c.shape.length === 4) {
    const [, h = 1, w = 1, k = 1] = c.shape;
    const distances: number[] = [];
    c.a.forEach((a, s) => {
      for (let start = 0; start + h * w * k <= a.length; start += h * w * k) distances.push(...keypointDistances(a, c.b[s] ?? a, start, h, w, k));
    });
    return {
      keypointError: Math.max(0, ...distances),
      keypointErrorMean: distances.length === 0 ? 0 : distances.reduce((n, d) => n + d, 0) / distances.length,
    };
  }
  return {};
}

function worst(values: readonly (number | undefined)[], pick: 'min' | 'max'): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  if (present.length === 0) return undefined;
  return pick === 'min' ? Math.min(...present) : Math.max(...present);
}

/**
 * Runs `original` and `candidate` on every input set and compares each output by what it holds (`kinds` by output
 * name, else inferred: see `inferOutputKind`). Model-level figures are the worst over the outputs they apply to —
 * the max of max-abs errors, the lowest cosine and PSNR, the largest keypoint distance — and are absent when no
 * output has them. Throws MeasureError when the two models' outputs differ in number or size, or a configured
 * output name does not exist.
 */
export async function measureDrift(
  original: Pick<Executable, 'place' | 'run'>,
  candidate: Pick<Executable, 'place' | 'run'>,
  inputs: readonly (readonly HostTensor[])[],
  kinds: Readonly<Record<string, OutputKind>> = {},
): Promise<DriftResult> {
  if (inputs.length === 0) throw new MeasureError(problem('measure/drift-no-samples'));
  const collected = new Map<string, Collected>();
  for (const sample of inputs) {
    const a = await runOnHost(original, sample);
    const b = await runOnHost(candidate, sample);
    if (a.length !== b.length) {
      throw new MeasureError(problem('measure/drift-output-count', { first: a.length, second: b.length }));
    }
    a.forEach((out, i) => {
      const other = b[i];
      if (!other || other.data.length !== out.data.length) {
        throw new MeasureError(problem('measure/drift-output-size', { name: out.name, original: out.data.length, candidate: other?.data.length ?? 0 }));
      }
      let c = collected.get(out.name);
      if (!c) collected.set(out.name, (c = { shape: out.shape, a: [], b: [] }));
      c.a.push(out.data);
      c.b.push(other.data);
    });
  }
  const unknown = Object.keys(kinds).filter((name) => !collected.has(name));
  if (unknown.length > 0) {
    throw new MeasureError(
      problem('measure/drift-unknown-outputs', {
        unknown: unknown.map((n) => `"${n}"`).join(', '),
        verb: unknown.length === 1 ? 'is not an output' : 'are not outputs',
        outputs: [...collected.keys()].map((n) => `"${n}"`).join(', '),
      }),
    );
  }

  let sumSq = 0;
  let count = 0;
  const outputs: OutputDrift[] = [...collected].map(([name, c]) => {
    const configured = kinds[name];
    const kind = configured ?? inferOutputKind(c.shape, c.a[0] ?? []);
    const e = errors(c);
    sumSq += e.sumSq;
    count += e.count;
    return {
      name,
      kind,
      kindFrom: configured ? 'config' : 'inferred',
      maxAbsError: e.maxAbsError,
      rmse: e.count === 0 ? 0 : Math.sqrt(e.sumSq / e.count),
      ...kindMetrics(c, kind),
    };
  });
  const top1 = outputs.filter((o) => o.top1Agreement !== undefined);
  const cosine = worst(
    outputs.map((o) => o.cosine),
    'min',
  );
  const cosineMedian = worst(
    outputs.map((o) => o.cosineMedian),
    'min',
  );
  const psnr = worst(
    outputs.map((o) => o.psnr),
    'min',
  );
  const keypointError = worst(
    outputs.map((o) => o.keypointError),
    'max',
  );
  return {
    maxAbsError:
      worst(
        outputs.map((o) => o.maxAbsError),
        'max',
      ) ?? 0,
    rmse: count === 0 ? 0 : Math.sqrt(sumSq / count),
    ...(cosine === undefined ? {} : { cosine }),
    ...(cosineMedian === undefined ? {} : { cosineMedian }),
    // The worst classification output: one output that disagrees is not averaged away by another.
    ...(top1.length > 0 ? { top1Agreement: Math.min(...top1.map((o) => o.top1Agreement ?? 1)) } : {}),
    ...(psnr === undefined ? {} : { psnr }),
    ...(keypointError === undefined ? {} : { keypointError }),
    samples: inputs.length,
    outputs,
  };
}

/** One line per output for the report: its kind and the metrics that apply to it. */
export function describeOutputs(drift: DriftResult): Note[] {
  const n = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));
  return (drift.outputs ?? []).map((o) => {
    const parts = [`max abs error ${n(o.maxAbsError)}`, `RMSE ${n(o.rmse)}`];
    if (o.top1Agreement !== undefined) parts.push(`top-1 ${(o.top1Agreement * 100).toFixed(1)}%`);
    if (o.cosine !== undefined) parts.push(`cosine worst ${n(o.cosine)} / median ${n(o.cosineMedian ?? o.cosine)}`);
    if (o.psnr !== undefined) parts.push(`PSNR worst ${Number.isFinite(o.psnr) ? `${o.psnr.toFixed(1)} dB` : '∞ (identical)'}`);
    if (o.keypointError !== undefined) parts.push(`keypoints worst ${o.keypointError.toFixed(1)} px / mean ${(o.keypointErrorMean ?? 0).toFixed(2)} px`);
    const inferred = o.kindFrom === 'inferred' ? ', inferred; set `outputs:` to change' : '';
    return `${note`accuracy of output "${o.name}" (${o.kind}`}${inferred}): ${parts.join(', ')}`;
  });
}
