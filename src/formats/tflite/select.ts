import { ModelLoadError, problem } from '../../errors.js';
import type { TfliteGraph } from './graph.js';

/** Which subgraph a measurement runs, and a sentence saying how it was chosen (for the report). */
export interface TfliteEntry {
  readonly subgraph: number;
  /** The signature key, when the model has signatures. */
  readonly signature: string | undefined;
  readonly note: string;
}

/**
 * Picks the entry point of a model with several subgraphs or signatures. With `signature` given, that signature
 * (an error lists the ones there are); without, the only signature, else the first signature, else subgraph 0 —
 * saying so when there was a choice. Subgraphs other than the entry are control-flow bodies (WHILE, IF) run by it.
 * @throws ModelLoadError naming `file` when the asked signature does not exist.
 */
export function selectTfliteEntry(graph: TfliteGraph, file: string, signature?: string): TfliteEntry {
  const signatures = graph.model.signatureDefs.map((s) => ({ key: String(s.signatureKey ?? ''), subgraph: s.subgraphIndex }));
  const keys = signatures.map((s) => JSON.stringify(s.key)).join(', ');
  if (signature !== undefined) {
    const found = signatures.find((s) => s.key === signature);
    if (!found) {
      throw new ModelLoadError(
        signatures.length === 0 ? problem('tflite/no-signatures', { file, signature }) : problem('tflite/signature-missing', { file, signature, keys }),
        { file },
      );
    }
    return { subgraph: found.subgraph, signature: found.key, note: `signature "${found.key}" (subgraph ${found.subgraph}), as configured` };
  }
  const first = signatures[0];
  if (first) {
    const note =
      signatures.length === 1
        ? `signature "${first.key}" (subgraph ${first.subgraph}), the only one`
        : `signature "${first.key}" (subgraph ${first.subgraph}), the first of ${keys}; choose another with its key`;
    return { subgraph: first.subgraph, signature: first.key, note };
  }
  const count = graph.model.subgraphs.length;
  return {
    subgraph: 0,
    signature: undefined,
    note: count === 1 ? 'subgraph 0, the only one' : `subgraph 0 of ${count} (no signatures; the others are control-flow bodies)`,
  };
}
