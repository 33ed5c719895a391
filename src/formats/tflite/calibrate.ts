import { CompressError, problem } from '../../errors.js';
import type { TfliteModel } from '../../runtimes/litert/index.js';
import type { HostTensor, Runtime, RuntimeInfo } from '../../runtimes/types.js';
import { AddOptionsT, BuiltinOperator, BuiltinOptions, OperatorT, TensorT, TensorType } from './generated/schema_generated.js';
import { opcodeFor } from './quantize.js';
import type { TfliteGraph } from './graph.js';
import { copyTflite, writeTflite } from './write.js';

/** The smallest and largest value one tensor held over the calibration samples. */
export interface TfliteTensorRange {
  readonly min: number;
  readonly max: number;
}

/** Activation ranges of one subgraph, by tensor index, as {@link calibrateTflite} recorded them. */
export interface TfliteCalibration {
  readonly subgraph: number;
  readonly ranges: ReadonlyMap<number, TfliteTensorRange>;
  /** How many samples ran. */
  readonly samples: number;
}

/** The float32 tensors of a subgraph that are computed at run time: its inputs and every operator output. */
export function activationTensors(graph: TfliteGraph, subgraph: number): number[] {
  const sg = graph.model.subgraphs[subgraph];
  if (!sg) return [];
  const out = new Set<number>(sg.inputs);
  for (const op of sg.operators) for (const o of op.outputs) if (o >= 0) out.add(o);
  return [...out].filter((i) => {
    const t = sg.tensors[i];
    return t !== undefined && t.type === TensorType.FLOAT32 && (graph.buffers[t.buffer]?.byteLength ?? 0) === 0;
  });
}

/** The output name an exposed tensor gets, unique whatever the model's own names are. */
const exposedName = (index: number): string => `model-budget/calibrate/${index}`;

/**
 * A copy of `graph` whose subgraph `subgraph` returns every activation tensor after its own outputs. Each one goes
 * out through a copy of its own (an ADD of 0 placed right after the tensor is computed), named so that a runtime's
 * outputs can be matched to tensors by name: XNNPACK computes some operators in place, and an intermediate exposed
 * directly can be overwritten by a later operator before it is read back (measured on LiteRT.js 2.5.3: with every
 * intermediate of a face detector exposed, 58 of 89 read back wrong). Signatures are dropped: a runtime would return
 * the signature's outputs instead of the subgraph's. A pure function.
 */
export function exposeActivations(graph: TfliteGraph, subgraph = 0): { graph: TfliteGraph; tensors: readonly number[] } {
  const copy = copyTflite(graph, 'calibration');
  const sg = copy.model.subgraphs[subgraph];
  if (!sg) return { graph: copy, tensors: [] };
  const tensors = activationTensors(copy, subgraph);
  const buffers = [...copy.buffers, new Uint8Array(4)]; // one float32 zero
  sg.tensors.push(new TensorT([1], TensorType.FLOAT32, buffers.length - 1, 'model-budget/calibrate/zero'));
  const zero = sg.tensors.length - 1;
  const add = opcodeFor(copy.model.operatorCodes, BuiltinOperator.ADD, 1);
  const exposedOf = new Map<number, number>();
  const copyOf = (i: number): OperatorT => {
    const t = sg.tensors[i];
    sg.tensors.push(new TensorT([...(t?.shape ?? [])], TensorType.FLOAT32, 0, exposedName(i)));
    exposedOf.set(i, sg.tensors.length - 1);
    return new OperatorT(add, [i, zero], [sg.tensors.length - 1], BuiltinOptions.AddOptions, new AddOptionsT());
  };
  const wanted = new Set(tensors);
  const operators = sg.inputs.filter((i) => wanted.has(i)).map(copyOf);
  for (const op of sg.operators) {
    operators.push(op);
    for (const o of op.outputs) if (wanted.has(o) && !exposedOf.has(o)) operators.push(copyOf(o));
  }
  sg.operators = operators;
  sg.outputs = [...sg.outputs, ...tensors.flatMap((i) => exposedOf.get(i) ?? [])];
  copy.model.signatureDefs = [];
  return { graph: { model: copy.model, buffers }, tensors };
}

/**
 * Records the range of every activation of `graph` (subgraph `options.subgraph`, default 0) over `samples`, as the
 * TFLite converter's `representative_dataset` does: the float model runs once per sample, on `runtime` (LiteRT,
 * started: `info` is what its `start` returned), with every intermediate exposed as an output
 * ({@link exposeActivations}), and each tensor keeps the smallest and largest value it held.
 * @param samples one array of host tensors per sample, one tensor per model input, in input order.
 * @throws CompressError when there are no samples or a sample holds a value that is not finite.
 */
export async function calibrateTflite(
  graph: TfliteGraph,
  samples: readonly (readonly HostTensor[])[],
  runtime: Runtime<TfliteModel>,
  info: RuntimeInfo,
  options: { readonly subgraph?: number } = {},
): Promise<TfliteCalibration> {
  const subgraph = options.subgraph ?? 0;
  if (samples.length === 0) throw new CompressError(problem('tflite/calibrate-no-samples'));
  const exposed = exposeActivations(graph, subgraph);
  const exe = await runtime.instantiate({ bytes: writeTflite(exposed.graph), path: 'calibration.tflite' }, info, {});
  const lo = new Map<number, number>();
  const hi = new Map<number, number>();
  try {
    for (const [s, sample] of samples.entries()) {
      const placed = exe.place(sample);
      let outputs: Awaited<ReturnType<typeof exe.run>>;
      try {
        outputs = await exe.run(placed);
      } finally {
        placed.dispose();
      }
      for (const o of outputs) {
        const index = exposed.tensors.find((i) => exposedName(i) === o.name);
        if (index === undefined) continue;
        let min = lo.get(index) ?? Infinity;
        let max = hi.get(index) ?? -Infinity;
        for (const v of o.data) {
          if (!Number.isFinite(v)) throw new CompressError(problem('tflite/calibrate-not-finite', { sample: s, tensor: index, value: String(v) }));
          if (v < min) min = v;
          if (v > max) max = v;
        }
        lo.set(index, min);
        hi.set(index, max);
      }
    }
  } finally {
    exe.dispose();
  }
  const ranges = new Map<number, TfliteTensorRange>();
  for (const [i, min] of lo) ranges.set(i, { min, max: hi.get(i) ?? min });
  return { subgraph, ranges, samples: samples.length };
}
