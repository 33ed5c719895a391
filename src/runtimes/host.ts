/** Host tensors: making them from plain values, running an `Executable` on them once. */
import type { Executable, HostDtype, HostTensor, OutputValue } from './types.js';

/**
 * A host tensor of `dtype` from typed values, converted as tfjs converts them (`new Int32Array(values)` truncates,
 * bool is `Math.round(v) !== 0`); values already of the dtype's array type are kept as they are.
 */
export function hostTensor(values: Float32Array | Int32Array | Uint8Array, shape: readonly number[], dtype: HostDtype): HostTensor {
  switch (dtype) {
    case 'float32':
      return { dtype, shape, data: values instanceof Float32Array ? values : new Float32Array(values) };
    case 'int32':
      return { dtype, shape, data: values instanceof Int32Array ? values : new Int32Array(values) };
    case 'bool': {
      if (values instanceof Uint8Array) return { dtype, shape, data: values };
      const data = new Uint8Array(values.length);
      for (let i = 0; i < data.length; i++) if (Math.round(values[i] ?? 0) !== 0) data[i] = 1;
      return { dtype, shape, data };
    }
    default: {
      const never: never = dtype;
      throw new TypeError(`unsupported dtype ${String(never)}`);
    }
  }
}

/** Runs `exec` once on host inputs: place, run, dispose the placed inputs. For one-off runs that are not timed. */
export async function runOnHost(exec: Pick<Executable, 'place' | 'run'>, inputs: readonly HostTensor[]): Promise<readonly OutputValue[]> {
  const placed = exec.place(inputs);
  try {
    return await exec.run(placed);
  } finally {
    placed.dispose();
  }
}
