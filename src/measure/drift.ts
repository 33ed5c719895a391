import type * as tf from '@tensorflow/tfjs';
import { MeasureError } from '../errors.js';
import type { Executable, OutputValue } from './execute.js';

/** Drift of one output, accumulated over every sample. */
export interface OutputDrift {
  readonly name: string;
  readonly maxAbsError: number;
  readonly rmse: number;
  readonly cosine: number;
  /** Fraction in [0, 1] of rows whose argmax over the last dimension agrees; only when that dimension is ≥ 2. */
  readonly top1Agreement?: number;
}

/** How far a candidate's outputs are from the original's on the same inputs. */
export interface DriftResult {
  /** Largest |candidate − original| over every output element of every sample; Infinity when one side is NaN/Inf and the other is not. */
  maxAbsError: number;
  /** Root mean square of the differences over every element. */
  rmse: number;
  /** Cosine similarity of all outputs of all samples flattened into one vector; 1 = same direction. */
  cosine: number;
  /** Fraction in [0, 1] of rows (over outputs whose last dimension is ≥ 2) whose argmax agrees. */
  top1Agreement?: number;
  /** Number of input sets compared. */
  samples: number;
  /** The same metrics per output. */
  outputs?: OutputDrift[];
}

/** Running sums for one group of values (the whole model, or one output). */
class Accumulator {
  maxAbs = 0;
  sumSq = 0;
  dot = 0;
  normA = 0;
  normB = 0;
  count = 0;
  rows = 0;
  agree = 0;

  add(a: ArrayLike<number>, b: ArrayLike<number>): void {
    for (let i = 0; i < a.length; i++) {
      const x = a[i] ?? 0;
      const y = b[i] ?? 0;
      this.count++;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        // Both NaN or the same infinity is agreement; anything else is an unbounded error.
        if (!(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)))) this.maxAbs = Infinity;
        continue;
      }
      const d = y - x;
      const abs = Math.abs(d);
      if (abs > this.maxAbs) this.maxAbs = abs;
      this.sumSq += d * d;
      this.dot += x * y;
      this.normA += x * x;
      this.normB += y * y;
    }
  }

  addTop1(a: ArrayLike<number>, b: ArrayLike<number>, width: number): void {
    for (let start = 0; start + width <= a.length; start += width) {
      this.rows++;
      if (argmax(a, start, width) === argmax(b, start, width)) this.agree++;
    }
  }

  merge(other: Accumulator): void {
    this.maxAbs = Math.max(this.maxAbs, other.maxAbs);
    this.sumSq += other.sumSq;
    this.dot += other.dot;
    this.normA += other.normA;
    this.normB += other.normB;
    this.count += other.count;
    this.rows += other.rows;
    this.agree += other.agree;
  }

  result(): Omit<OutputDrift, 'name'> {
    const rmse = this.count === 0 ? 0 : Math.sqrt(this.sumSq / this.count);
    let cosine: number;
    if (this.normA === 0 && this.normB === 0) cosine = 1;
    else if (this.normA === 0 || this.normB === 0) cosine = 0;
    else cosine = Math.min(1, this.dot / Math.sqrt(this.normA * this.normB));
    return {
      maxAbsError: this.maxAbs,
      rmse,
      cosine,
      ...(this.rows > 0 ? { top1Agreement: this.agree / this.rows } : {}),
    };
  }
}

function argmax(values: ArrayLike<number>, start: number, width: number): number {
  let best = start;
  for (let i = start + 1; i < start + width; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best - start;
}

async function outputsOf(model: Executable, inputs: readonly tf.Tensor[]): Promise<readonly OutputValue[]> {
  if (model.runShaped) return model.runShaped(inputs);
  const data = await model.run(inputs);
  return data.map((d, i) => ({ name: model.outputs[i] ?? String(i), shape: [], data: d }));
}

/**
 * Runs `original` and `candidate` on every input set and compares all outputs element by element. Top-1 agreement
 * covers outputs whose last dimension is ≥ 2 (classifier-like); it is absent when no output qualifies.
 * Throws MeasureError when the two models' outputs differ in number or size.
 */
export async function measureDrift(
  original: Executable,
  candidate: Executable,
  inputs: readonly (readonly tf.Tensor[])[],
): Promise<DriftResult> {
  if (inputs.length === 0) throw new MeasureError('accuracy drift needs at least one input sample');
  const perOutput = new Map<string, Accumulator>();
  for (const sample of inputs) {
    const a = await outputsOf(original, sample);
    const b = await outputsOf(candidate, sample);
    if (a.length !== b.length) {
      throw new MeasureError(`the compared models have ${a.length} and ${b.length} outputs: drift needs the same outputs`);
    }
    a.forEach((out, i) => {
      const other = b[i];
      if (!other || other.data.length !== out.data.length) {
        throw new MeasureError(
          `output "${out.name}" has ${out.data.length} values in the original and ${other?.data.length ?? 0} in the ` +
            'candidate: drift needs outputs of the same shape',
        );
      }
      let acc = perOutput.get(out.name);
      if (!acc) perOutput.set(out.name, (acc = new Accumulator()));
      acc.add(out.data, other.data);
      const width = out.shape[out.shape.length - 1] ?? 0;
      if (width >= 2) acc.addTop1(out.data, other.data, width);
    });
  }
  const total = new Accumulator();
  for (const acc of perOutput.values()) total.merge(acc);
  return {
    ...total.result(),
    samples: inputs.length,
    outputs: [...perOutput].map(([name, acc]) => ({ name, ...acc.result() })),
  };
}
