/** LiteRT (TFLite's runtime) as a {@link Runtime}: `.tflite` bytes compiled on its wasm XNNPACK CPU path. */
import litertPackage from '@litertjs/core/package.json' with { type: 'json' };
import { MeasureError, problem } from '../../errors.js';
import type { Executable, HostTensor, InputSpec, PlacedInputs, Runtime, RuntimeInfo, StartOptions, TfliteModel as RunnableTflite } from '../types.js';
import { compileTflite } from './execute.js';
import { loadLiteRtNode, type LiteRtBuild, type LiteRtNode } from './load.js';

/** A `.tflite` model as LiteRT takes it: the flatbuffer's bytes and its path (for messages). */
export type TfliteModel = Pick<RunnableTflite, 'bytes' | 'path' | 'signature'>;

/** The build LiteRT starts with: relaxed SIMD, on by default from Node 22 (see load.ts). */
export const DEFAULT_LITERT_BUILD: LiteRtBuild = 'relaxed-simd';

/** The @litertjs/core version (read from its package.json at build time: the bundle runs without node_modules). */
function litertVersion(): string {
  return typeof litertPackage.version === 'string' ? litertPackage.version : 'unknown';
}

/** The float32 inputs behind inputs placed on LiteRT. */
const placedValues = new WeakMap<PlacedInputs, readonly Float32Array[]>();

function toInputSpec(d: { readonly name: string; readonly dtype: string; readonly shape: readonly number[] }): InputSpec {
  const dtype = d.dtype === 'int32' || d.dtype === 'bool' || d.dtype === 'string' ? d.dtype : 'float32';
  return { name: d.name, dtype, shape: d.shape.map((x) => (x < 0 ? null : x)) };
}

function place(specs: readonly InputSpec[], host: readonly HostTensor[], file: string): PlacedInputs {
  if (host.length !== specs.length) throw new MeasureError(problem('runtime/input-count', { where: file, count: specs.length, names: '', got: host.length }));
  // LiteRT.js takes float32 tensors; the conversion happens here, once, not inside a timed run.
  const values = host.map((h) => (h.data instanceof Float32Array ? h.data : Float32Array.from(h.data)));
  const placed: PlacedInputs = { host, dispose: () => placedValues.delete(placed) };
  placedValues.set(placed, values);
  return placed;
}

/** Starts LiteRT: one build per process (LiteRT.js keeps a global instance). Threads apply to the `threads` build. */
export function litertRuntimeOf(build: LiteRtBuild = DEFAULT_LITERT_BUILD): Runtime<TfliteModel> {
  let started: LiteRtNode | undefined;
  const start = async (options: StartOptions): Promise<RuntimeInfo> => {
    started = await loadLiteRtNode(build, options.threads === undefined ? {} : { threads: options.threads });
    return { name: 'litert', backend: started.build, version: litertVersion(), threads: started.threads, detail: `${started.build} build` };
  };
  return {
    name: 'litert',
    start,
    async instantiate(model, info): Promise<Executable> {
      const litert = started ?? (await loadLiteRtNode(build));
      const exe = await compileTflite(litert, model.bytes, model.path, model.signature);
      const inputs = exe.inputs.map(toInputSpec);
      return {
        inputs,
        outputs: exe.outputs,
        runtime: info,
        warnings: [],
        async: false,
        place: (host) => place(inputs, host, model.path),
        async run(placed) {
          const values = placedValues.get(placed);
          if (values === undefined) throw new MeasureError(problem('runtime/inputs-not-placed', { where: model.path, by: 'on LiteRT' }));
          const out = await exe.run(values);
          return out.map((o) => ({ name: o.name, shape: o.shape, data: o.values }));
        },
        // LiteRT.js does not account its tensors; the loop reports no tensor memory for it.
        memory: () => ({ numTensors: 0, numBytes: 0 }),
        async profile(work) {
          await work();
          return { peakBytes: 0, kernels: [] };
        },
        dispose: () => exe.dispose(),
      };
    },
  };
}

export const litertRuntime: Runtime<TfliteModel> = litertRuntimeOf();
