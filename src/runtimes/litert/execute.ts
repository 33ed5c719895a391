import { MeasureError } from '../../errors.js';
import type { LiteRtNode } from './load.js';

/** One output of a run: name, shape and values as float32 (what drift compares). */
export interface LiteRtOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** A compiled .tflite model on LiteRT's wasm (XNNPACK) CPU path. Call `dispose` when done. */
export interface LiteRtExecutable {
  readonly inputs: readonly { readonly name: string; readonly dtype: string; readonly shape: readonly number[] }[];
  /** Runs once on float inputs (one per model input, in order) and reads every output back. */
  run(inputs: readonly Float32Array[]): Promise<LiteRtOutput[]>;
  dispose(): void;
}

/**
 * Compiles `.tflite` bytes on a started LiteRT. `file` names the model in errors.
 * @throws MeasureError when LiteRT refuses the model (unsupported op, malformed graph), with its message.
 */
export async function compileTflite(litert: LiteRtNode, bytes: Uint8Array, file: string): Promise<LiteRtExecutable> {
  const { core, threads } = litert;
  let model: Awaited<ReturnType<typeof core.loadAndCompile>>;
  try {
    model = await core.loadAndCompile(bytes, { accelerator: 'wasm', cpuOptions: { numThreads: threads } });
  } catch (error) {
    throw new MeasureError(`${file}: LiteRT cannot compile the model: ${error instanceof Error ? error.message : String(error)}`, { file, cause: error });
  }
  const inputs = model.getInputDetails().map((d) => ({ name: d.name, dtype: d.dtype, shape: [...d.shape] }));
  return {
    inputs,
    async run(values) {
      if (values.length !== inputs.length) throw new MeasureError(`${file}: the model takes ${inputs.length} inputs, got ${values.length}`);
      const tensors = values.map((v, i) => new core.Tensor(v, inputs[i]?.shape ?? [v.length]));
      try {
        const outputs = await model.run(tensors);
        const details = model.getOutputDetails();
        try {
          return outputs.map((t, i) => ({
            name: details[i]?.name ?? String(i),
            shape: [...(details[i]?.shape ?? [])],
            values: Float32Array.from(t.toTypedArray() as ArrayLike<number>),
          }));
        } finally {
          for (const t of outputs) t.delete();
        }
      } finally {
        for (const t of tensors) t.delete();
      }
    },
    dispose() {
      model.delete();
    },
  };
}
