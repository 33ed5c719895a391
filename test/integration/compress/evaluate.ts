import * as tf from '@tensorflow/tfjs';

/** How far a candidate's outputs are from the original's. */
export interface SimpleDrift {
  readonly maxAbsError: number;
  readonly rmse: number;
  readonly cosine: number;
}

/** Loads artifacts with the stock TF.js loader for their format. */
export async function loadStock(artifacts: tf.io.ModelArtifacts): Promise<tf.GraphModel | tf.LayersModel> {
  const handler = tf.io.fromMemory(artifacts);
  return artifacts.format === 'graph-model' ? tf.loadGraphModel(handler) : tf.loadLayersModel(handler);
}

function seededInput(shape: number[], seed: number): tf.Tensor {
  let s = seed >>> 0;
  const size = shape.reduce((n, d) => n * d, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = s / 2 ** 32;
  }
  return tf.tensor(values, shape);
}

/** All outputs of one prediction, flattened into one array. */
export async function predictFlat(model: tf.GraphModel | tf.LayersModel, input: tf.Tensor): Promise<Float32Array> {
  const out = model.predict(input) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(out) ? out : [out];
  const parts = await Promise.all(list.map((t) => t.data()));
  tf.dispose(list);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const flat = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    flat.set(p, at);
    at += p.length;
  }
  return flat;
}

/**
 * A drift evaluator on the cpu backend: runs the original once on seeded [0, 1) inputs, then compares each
 * candidate's outputs (max abs error, RMSE, cosine).
 */
export async function makeEvaluator(
  original: tf.io.ModelArtifacts,
  inputShape: number[],
  samples = 1,
): Promise<(candidate: tf.io.ModelArtifacts) => Promise<SimpleDrift>> {
  await tf.setBackend('cpu');
  const inputs = Array.from({ length: samples }, (_, i) => seededInput(inputShape, 1234 + i));
  const base = await loadStock(original);
  const expected = await Promise.all(inputs.map((x) => predictFlat(base, x)));
  base.dispose();
  return async (candidate) => {
    const model = await loadStock(candidate);
    let maxAbsError = 0;
    let sumSq = 0;
    let dot = 0;
    let na = 0;
    let nb = 0;
    let count = 0;
    for (const [i, x] of inputs.entries()) {
      const got = await predictFlat(model, x);
      const want = expected[i] ?? new Float32Array(0);
      for (let j = 0; j < want.length; j++) {
        const a = want[j] ?? 0;
        const b = got[j] ?? NaN;
        const d = Math.abs(a - b);
        maxAbsError = Number.isNaN(d) ? Infinity : Math.max(maxAbsError, d);
        sumSq += d * d;
        dot += a * b;
        na += a * a;
        nb += b * b;
        count++;
      }
    }
    model.dispose();
    return { maxAbsError, rmse: Math.sqrt(sumSq / Math.max(1, count)), cosine: na === 0 || nb === 0 ? 1 : dot / Math.sqrt(na * nb) };
  };
}
