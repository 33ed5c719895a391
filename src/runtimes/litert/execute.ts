import { MeasureError, problem } from '../../errors.js';
import type { LiteRtNode } from './load.js';

/** LiteRT's ERROR lines, without the pointer to the custom-op guide. */
function errorLines(lines: readonly string[]): string[] {
  return lines.filter((l) => l.startsWith('ERROR')).map((l) => l.replace(/^ERROR: (\[[^\]]*\] )?/, '').trim());
}

/** One output of a run: name, shape and values as float32 (what drift compares). */
export interface LiteRtOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** A compiled .tflite model on LiteRT's wasm (XNNPACK) CPU path. Call `dispose` when done. */
export interface LiteRtExecutable {
  readonly inputs: readonly { readonly name: string; readonly dtype: string; readonly shape: readonly number[] }[];
  /** Output names, in the order `run` returns them. */
  readonly outputs: readonly string[];
  /** Runs once on float inputs (one per model input, in order) and reads every output back. */
  run(inputs: readonly Float32Array[]): Promise<LiteRtOutput[]>;
  dispose(): void;
}

/**
 * Compiles `.tflite` bytes on a started LiteRT. `file` names the model in errors.
 * @throws MeasureError when LiteRT refuses the model (unsupported op, malformed graph), with its message.
 */
export async function compileTflite(litert: LiteRtNode, bytes: Uint8Array, file: string, signature?: string): Promise<LiteRtExecutable> {
  const { core, threads } = litert;
  let model: Awaited<ReturnType<typeof core.loadAndCompile>>;
  litert.takeLog();
  try {
    model = await core.loadAndCompile(bytes, { accelerator: 'wasm', cpuOptions: { numThreads: threads } });
  } catch (error) {
    const logged = errorLines(litert.takeLog());
    const reason = [error instanceof Error ? error.message : String(error), ...logged].join('; ');
    throw new MeasureError(problem('runtime/litert-cannot-compile', { file, reason }), { file, cause: error });
  }
  // An unresolved custom op does not fail the compile: LiteRT logs "failed to prepare" and would run garbage.
  const logged = errorLines(litert.takeLog());
  if (logged.length > 0) {
    model.delete();
    throw new MeasureError(problem('runtime/litert-cannot-prepare', { file, logged: logged.join('; ') }), { file });
  }
  // The configured signature of a model with several (the load checked that it exists); else the default one.
  const runner = signature === undefined ? model : (model.signatures[signature] ?? model);
  const inputs = runner.getInputDetails().map((d) => ({ name: d.name, dtype: d.dtype, shape: [...d.shape] }));
  const outputs = runner.getOutputDetails().map((d) => d.name);
  return {
    inputs,
    outputs,
    async run(values) {
      if (values.length !== inputs.length) throw new MeasureError(problem('runtime/litert-input-count', { file, expected: inputs.length, got: values.length }));
      const tensors = values.map((v, i) => new core.Tensor(v, inputs[i]?.shape ?? [v.length]));
      try {
        litert.takeLog();
        const outputs = await runner.run(tensors);
        // LiteRT prepares the graph on the first run; a node that fails to prepare is logged, not thrown.
        const logged = errorLines(litert.takeLog());
        if (logged.length > 0) {
          for (const t of outputs) t.delete();
          throw new MeasureError(problem('runtime/litert-cannot-run', { file, logged: logged.join('; ') }), { file });
        }
        const details = runner.getOutputDetails();
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
