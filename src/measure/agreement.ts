/**
 * How closely two models' outputs agree on the same inputs, when the models are not one compressed from the other
 * (a TF.js model and its TFLite conversion, say): outputs are paired by name, else by their element count when that
 * is unique, and each pair gets the worst absolute difference and the cosine similarity.
 */
import type { OutputValue } from '../runtimes/types.js';

/** One output pair. */
export interface OutputAgreement {
  readonly baseline: string;
  readonly candidate: string;
  readonly elements: number;
  readonly maxAbsDiff: number;
  /** Over the whole output; undefined when either side is all zeros. */
  readonly cosine?: number;
}

/** The pairs that could be matched, and the outputs of either side left without a partner. */
export interface AgreementResult {
  readonly pairs: readonly OutputAgreement[];
  readonly unmatched: readonly string[];
}

const size = (o: OutputValue): number => o.data.length;

/** Pairs outputs (same name, else the only one of the same element count) and compares each pair. */
export function outputAgreement(baseline: readonly OutputValue[], candidate: readonly OutputValue[]): AgreementResult {
  const left = [...candidate];
  const pairs: OutputAgreement[] = [];
  const unmatched: string[] = [];
  const take = (o: OutputValue): OutputValue | undefined => {
    const sameSize = left.filter((c) => size(c) === size(o));
    const unique = sameSize.length === 1 && baseline.filter((b) => size(b) === size(o)).length === 1 ? sameSize[0] : undefined;
    const match = sameSize.find((c) => c.name === o.name) ?? unique;
    if (match) left.splice(left.indexOf(match), 1);
    return match;
  };
  for (const b of baseline) {
    const c = take(b);
    if (!c) {
      unmatched.push(`baseline ${b.name} [${b.shape.join('×')}]`);
      continue;
    }
    let maxAbsDiff = 0;
    let dot = 0;
    let nb = 0;
    let nc = 0;
    for (let i = 0; i < b.data.length; i++) {
      const x = Number(b.data[i]);
      const y = Number(c.data[i]);
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - y));
      dot += x * y;
      nb += x * x;
      nc += y * y;
    }
    const cosine = nb > 0 && nc > 0 ? dot / Math.sqrt(nb * nc) : undefined;
    pairs.push({ baseline: b.name, candidate: c.name, elements: b.data.length, maxAbsDiff, ...(cosine === undefined ? {} : { cosine }) });
  }
  for (const c of left) unmatched.push(`candidate ${c.name} [${c.shape.join('×')}]`);
  return { pairs, unmatched };
}
