/**
 * FLOPs of a tfjs graph model. Shapes come from running the graph once on seeded synthetic inputs and asking for
 * the outputs of the counted nodes (and their non-constant inputs): static shape inference would need a rule for
 * every TF op and `_output_shapes` attrs are usually stripped by the converter, while a run knows every shape,
 * control flow included. Weight shapes come from the manifest.
 */
import * as tf from '@tensorflow/tfjs';
import { errorMessage, MeasureError, problem } from '../../errors.js';
import type { TfjsLoadedModel } from '../../model/types.js';
import { toTensors } from '../../runtimes/tfjs/executable.js';
import { elements, floatParams, totalCosts, type FlopsOptions, type FlopsReport, type OpCost } from '../cost.js';
import { makeInputs } from '../../measure/inputs.js';

interface NodeDef {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Record<string, AttrValue>;
}
interface AttrValue {
  readonly b?: boolean;
  readonly list?: { readonly i?: readonly (string | number)[]; readonly s?: readonly string[] };
}
type Shape = readonly number[];

const CONV = new Set(['Conv2D', '_FusedConv2D', 'Conv3D']);
const DEPTHWISE = new Set(['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);
const MATMUL = new Set(['MatMul', '_FusedMatMul', 'BatchMatMul', 'BatchMatMulV2']);
const POOL = new Set(['MaxPool', 'AvgPool', 'MaxPool3D', 'AvgPool3D']);
const REDUCE = new Set(['Mean', 'Sum', 'Max', 'Min', 'Prod', 'All', 'Any']);
const ELEMENTWISE = new Set([
  'Add',
  'AddV2',
  'AddN',
  'BiasAdd',
  'Sub',
  'Mul',
  'RealDiv',
  'Div',
  'DivNoNan',
  'FloorDiv',
  'FloorMod',
  'Maximum',
  'Minimum',
  'SquaredDifference',
  'Pow',
  'Relu',
  'Relu6',
  'Elu',
  'Selu',
  'LeakyRelu',
  'Prelu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'LogSoftmax',
  'Softplus',
  'Exp',
  'Log',
  'Sqrt',
  'Rsqrt',
  'Square',
  'Neg',
  'Abs',
  'Reciprocal',
  'Erf',
  'ResizeBilinear',
  'ResizeNearestNeighbor',
  'Cos',
  'Sin',
  'Atan2',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Cast',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
  'LogicalAnd',
  'LogicalOr',
  'Select',
  'SelectV2',
]);
/** Counted as 0: data movement, shapes, constants and control flow. */
const FREE = new Set([
  'Const',
  'Placeholder',
  'Identity',
  'IdentityN',
  'NoOp',
  'Reshape',
  'Squeeze',
  'ExpandDims',
  'Pad',
  'PadV2',
  'MirrorPad',
  'ConcatV2',
  'Concat',
  'Pack',
  'Unpack',
  'Split',
  'SplitV',
  'Slice',
  'StridedSlice',
  'Transpose',
  'Shape',
  'ShapeN',
  'Size',
  'Rank',
  'Fill',
  'ZerosLike',
  'OnesLike',
  'Range',
  'Tile',
  'GatherV2',
  'GatherNd',
  'BroadcastTo',
  'SpaceToBatchND',
  'BatchToSpaceND',
  'DepthToSpace',
  'SpaceToDepth',
  'StopGradient',
  'Enter',
  'Exit',
  'Merge',
  'Switch',
  'NextIteration',
  'LoopCond',
  'TensorListReserve',
  'TensorListFromTensor',
  'TensorListStack',
  'TensorListSetItem',
  'TensorListGetItem',
  'ArgMax',
  'ArgMin',
  'TopKV2',
  'NonMaxSuppressionV5',
  'NonMaxSuppressionV3',
  'Where',
  'OneHot',
  'Snapshot',
  'PlaceholderWithDefault',
  'Assert',
]);

function ints(attr: AttrValue | undefined): number[] {
  return (attr?.list?.i ?? []).map(Number);
}

function fusedOps(node: NodeDef): string[] {
  return (node.attr?.fused_ops?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

/** Strips a control-dependency `^` and a `:0` output index. */
function tensorName(input: string): string {
  return input.replace(/^\^/, '').replace(/:0$/, '');
}

/** MACs and FLOPs of one node from its output shape, its inputs' shapes and its attrs. */
export function nodeCost(node: NodeDef, inputs: readonly (Shape | undefined)[], output: Shape): { macs: number; flops: number; counted: boolean } {
  const out = elements(output);
  const filter = inputs[1] ?? [];
  let macs = 0;
  let extra = 0;
  if (CONV.has(node.op)) {
    // Filter [kh, kw, cin, cout]: each output element sums kh·kw·cin products.
    macs = (out * elements(filter)) / (filter[filter.length - 1] ?? 1);
  } else if (DEPTHWISE.has(node.op)) {
    // Filter [kh, kw, cin, multiplier]: each output element sums kh·kw products.
    macs = out * (filter[0] ?? 1) * (filter[1] ?? 1);
  } else if (MATMUL.has(node.op)) {
    const a = inputs[0] ?? [];
    const transposed = node.attr?.transpose_a?.b === true || node.attr?.adj_x?.b === true;
    macs = out * ((transposed ? a[a.length - 2] : a[a.length - 1]) ?? 1);
  } else if (node.op === 'Conv2DBackpropInput') {
    const dy = inputs[2] ?? [];
    macs = elements(dy) * (filter[0] ?? 1) * (filter[1] ?? 1) * (filter[2] ?? 1);
  } else if (POOL.has(node.op)) {
    extra = out * elements(ints(node.attr?.ksize));
  } else if (REDUCE.has(node.op)) {
    extra = elements(inputs[0] ?? []);
  } else if (node.op === 'FusedBatchNorm' || node.op === 'FusedBatchNormV3') {
    extra = 2 * out;
  } else if (ELEMENTWISE.has(node.op)) {
    extra = out;
  } else if (!FREE.has(node.op)) {
    return { macs: 0, flops: 0, counted: false };
  }
  // Fused bias add and activation: one FLOP per output element each.
  extra += fusedOps(node).length * out;
  return { macs, flops: 2 * macs + extra, counted: true };
}

/** Configured shapes by input name; a key with or without the `:0` output index matches. */
function shapesFor(names: readonly string[], shapes: Readonly<Record<string, readonly number[]>>): Record<string, readonly number[]> {
  const out: Record<string, readonly number[]> = {};
  for (const name of names) {
    const bare = name.replace(/:0$/, '');
    const shape = shapes[name] ?? shapes[bare] ?? shapes[`${bare}:0`];
    if (shape) out[name] = shape;
  }
  return out;
}

/** See `countTfjsFlops`. */
export async function countGraphFlops(model: Pick<TfjsLoadedModel, 'artifacts' | 'path'>, options: FlopsOptions): Promise<FlopsReport> {
  const topology = model.artifacts.modelTopology as { node?: NodeDef[] } | undefined;
  const nodes = (topology?.node ?? []).filter((n) => !FREE.has(n.op) || n.op === 'Placeholder');
  const weightShapes = new Map<string, Shape>();
  const floatWeights = new Set<string>();
  for (const spec of model.artifacts.weightSpecs ?? []) {
    weightShapes.set(spec.name, spec.shape);
    if (spec.dtype === 'float32') floatWeights.add(spec.name);
  }
  let gm: tf.GraphModel;
  try {
    gm = await tf.loadGraphModel(tf.io.fromMemory(model.artifacts));
  } catch (error) {
    throw new MeasureError(problem('measure/flops-graph-load', { path: model.path, detail: errorMessage(error) }), { cause: error });
  }
  const specs = gm.inputs.map((t, i) => ({
    // The names the runner and `inputs.shapes` use (signature keys, e.g. `input_1:0`).
    name: gm.inputNodes[i] ?? t.name,
    shape: (t.shape ?? []).map((d) => (d < 0 ? null : d)),
    dtype: t.dtype === 'int32' || t.dtype === 'bool' || t.dtype === 'string' ? t.dtype : ('float32' as const),
  }));
  const feed = toTensors(
    makeInputs(specs, {
      seed: options.seed ?? 1,
      ...(options.batch === undefined ? {} : { batch: options.batch }),
      ...(options.inputShapes === undefined
        ? {}
        : {
            shapes: shapesFor(
              specs.map((x) => x.name),
              options.inputShapes,
            ),
          }),
    }),
  );
  const inputShapes = Object.fromEntries(specs.map((s, i) => [s.name, feed[i]?.shape ?? []]));
  const counted = nodes.filter((n) => n.op !== 'Placeholder');
  const wanted = new Set<string>();
  for (const n of counted) {
    wanted.add(n.name);
    for (const input of n.input ?? []) {
      const name = tensorName(input);
      if (!input.startsWith('^') && !weightShapes.has(name)) wanted.add(name);
    }
  }
  const names = [...wanted];
  const shapes = new Map<string, Shape>();
  try {
    const named = Object.fromEntries(specs.map((s, i) => [s.name, feed[i] as tf.Tensor]));
    let outs: tf.Tensor | tf.Tensor[];
    try {
      outs = gm.execute(named, names);
    } catch (error) {
      if (!/executeAsync/.test(errorMessage(error))) throw error;
      outs = await gm.executeAsync(named, names);
    }
    const list = Array.isArray(outs) ? outs : [outs];
    list.forEach((t, i) => {
      const name = names[i];
      if (name !== undefined) shapes.set(name, t.shape);
    });
    tf.dispose(list);
  } catch (error) {
    throw new MeasureError(
      problem('measure/flops-graph-run', {
        path: model.path,
        inputs: Object.entries(inputShapes)
          .map(([k, v]) => `${k} [${v.join(', ')}]`)
          .join(', '),
        detail: errorMessage(error),
      }),
      { cause: error },
    );
  } finally {
    tf.dispose(feed);
    gm.dispose();
  }
  for (const [name, shape] of Object.entries(inputShapes)) shapes.set(name.replace(/:0$/, ''), shape);

  const ops: OpCost[] = counted.map((node) => {
    const ins = (node.input ?? []).filter((i) => !i.startsWith('^')).map(tensorName);
    const inShapes = ins.map((name) => weightShapes.get(name) ?? shapes.get(name));
    const outputShape = shapes.get(node.name) ?? [];
    const params = ins.filter((n) => floatWeights.has(n)).reduce((s, n) => s + elements(weightShapes.get(n) ?? []), 0);
    return { name: node.name, op: node.op, outputShape, params, ...nodeCost(node, inShapes, outputShape) };
  });
  return totalCosts(ops, floatParams(model.artifacts.weightSpecs), inputShapes);
}
