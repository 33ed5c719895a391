import type { io } from '@tensorflow/tfjs';
import { encodeWeights } from '../../src/compress/weights.js';
import type { AttrValue, GraphNode } from '../../src/compress/graph-def.js';

/** One case of a table test of an optimizer pass: the graph, the rewrites the pass counts, what is left after it. */
export interface PassCase {
  readonly what: string;
  readonly nodes: readonly GraphNode[];
  readonly consts?: Readonly<Record<string, ConstSpec>>;
  readonly outputs?: readonly string[];
  readonly count: number;
  readonly after: readonly string[];
}

/** A constant of a hand-built graph: its values and shape. */
export interface ConstSpec {
  readonly shape: readonly number[];
  readonly values: readonly number[];
  /** Default float32. */
  readonly dtype?: 'float32' | 'int32';
}

const TF_DTYPE = { float32: 'DT_FLOAT', int32: 'DT_INT32' } as const;

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A node of a hand-built graph, `T: float` added. */
export function op(name: string, opName: string, input: readonly string[], attr: Record<string, AttrValue> = {}): GraphNode {
  return { name, op: opName, input, attr: { T: { type: 'DT_FLOAT' }, ...attr } };
}

/** NHWC convolution attributes as the converter writes them. */
export const convAttrs = (padding = 'SAME'): Record<string, AttrValue> => ({
  strides: { list: { i: ['1', '1', '1', '1'] } },
  padding: { s: b64(padding) },
  data_format: { s: b64('NHWC') },
  dilations: { list: { i: ['1', '1', '1', '1'] } },
  explicit_paddings: { list: {} },
});

/**
 * Graph-model artifacts from nodes and constants: one `Placeholder` named `x` of `inputShape`, `Const` nodes
 * for `consts` (float32 weights in the manifest unless a constant says int32), and a signature returning `outputs`.
 */
export function graphArtifacts(
  inputShape: readonly number[],
  nodes: readonly GraphNode[],
  consts: Readonly<Record<string, ConstSpec>>,
  outputs: readonly string[],
): io.ModelArtifacts {
  const placeholder: GraphNode = {
    name: 'x',
    op: 'Placeholder',
    attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: inputShape.map((d) => ({ size: String(d) })) } } },
  };
  const constNodes: GraphNode[] = Object.entries(consts).map(([name, c]) => ({
    name,
    op: 'Const',
    attr: {
      dtype: { type: TF_DTYPE[c.dtype ?? 'float32'] },
      value: { tensor: { dtype: TF_DTYPE[c.dtype ?? 'float32'], tensorShape: { dim: c.shape.map((d) => ({ size: String(d) })) } } },
    },
  }));
  const weights = encodeWeights(
    Object.entries(consts).map(([name, c]) =>
      c.dtype === 'int32'
        ? { name, shape: c.shape, dtype: 'int32' as const, data: Int32Array.from(c.values) }
        : { name, shape: c.shape, dtype: 'float32' as const, data: Float32Array.from(c.values) },
    ),
  );
  return {
    format: 'graph-model',
    modelTopology: { node: [placeholder, ...constNodes, ...nodes], library: {}, versions: {} },
    signature: {
      inputs: { 'x:0': { name: 'x:0', dtype: 'DT_FLOAT' } },
      outputs: Object.fromEntries(outputs.map((o) => [`${o}:0`, { name: `${o}:0`, dtype: 'DT_FLOAT' }])),
    },
    ...weights,
  };
}

/**
 * A graph whose one op has a cpu kernel but no wasm kernel (`Einsum`, here `ij,ij->i`: each row of `x` [n, 3]
 * dotted with itself): on wasm it falls back to cpu with a warning, or fails when the runtime is pinned.
 */
export function kernelWasmLacks(): io.ModelArtifacts {
  return graphArtifacts([-1, 3], [op('y', 'Einsum', ['x', 'x'], { equation: { s: b64('ij,ij->i') }, N: { i: '2' } })], {}, ['y']);
}
