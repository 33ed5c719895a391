/**
 * Default attribute values of common TensorFlow ops (from their REGISTER_OP definitions). Function bodies in a
 * SavedModel omit attributes left at their default, and `stripped_op_list` only covers the main graph, so the freezer
 * puts them back; tfjs reads e.g. `dilations` without a default of its own.
 */
const s = (text: string): { s: string } => ({ s: Buffer.from(text).toString('base64') });
const ints = (...values: number[]): { list: { i: string[] } } => ({ list: { i: values.map(String) } });
const b = (value: boolean): { b: boolean } => ({ b: value });
const i = (value: number): { i: string } => ({ i: String(value) });

const conv2d = { dilations: ints(1, 1, 1, 1), data_format: s('NHWC'), explicit_paddings: { list: {} } };
const conv3d = { dilations: ints(1, 1, 1, 1, 1), data_format: s('NDHWC') };
const nhwc = { data_format: s('NHWC') };
const batchNorm = { epsilon: { f: 0.0001 }, data_format: s('NHWC'), is_training: b(true), exponential_avg_factor: { f: 1 } };
const keepDims = { keep_dims: b(false) };
const resize = { align_corners: b(false), half_pixel_centers: b(false) };

export const OP_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  Conv2D: { ...conv2d, use_cudnn_on_gpu: b(true) },
  Conv2DBackpropInput: { ...conv2d, use_cudnn_on_gpu: b(true) },
  DepthwiseConv2dNative: conv2d,
  Conv3D: conv3d,
  MaxPool: nhwc,
  AvgPool: nhwc,
  MaxPool3D: { data_format: s('NDHWC') },
  AvgPool3D: { data_format: s('NDHWC') },
  BiasAdd: nhwc,
  DepthToSpace: nhwc,
  SpaceToDepth: nhwc,
  FusedBatchNorm: batchNorm,
  FusedBatchNormV2: batchNorm,
  FusedBatchNormV3: batchNorm,
  MatMul: { transpose_a: b(false), transpose_b: b(false) },
  BatchMatMul: { adj_x: b(false), adj_y: b(false) },
  BatchMatMulV2: { adj_x: b(false), adj_y: b(false) },
  Mean: keepDims,
  Sum: keepDims,
  Max: keepDims,
  Min: keepDims,
  Prod: keepDims,
  All: keepDims,
  Any: keepDims,
  ArgMax: { output_type: { type: 'DT_INT64' } },
  ArgMin: { output_type: { type: 'DT_INT64' } },
  Cast: { Truncate: b(false) },
  StridedSlice: { begin_mask: i(0), end_mask: i(0), ellipsis_mask: i(0), new_axis_mask: i(0), shrink_axis_mask: i(0) },
  Squeeze: { squeeze_dims: { list: {} } },
  Pack: { axis: i(0) },
  Unpack: { axis: i(0) },
  ResizeBilinear: resize,
  ResizeNearestNeighbor: resize,
  LeakyRelu: { alpha: { f: 0.2 } },
  Shape: { out_type: { type: 'DT_INT32' } },
  GatherV2: { batch_dims: i(0) },
  OneHot: { axis: i(-1) },
  TopKV2: { sorted: b(true) },
  Cumsum: { exclusive: b(false), reverse: b(false) },
  LRN: { depth_radius: i(5), bias: { f: 1 }, alpha: { f: 1 }, beta: { f: 0.5 } },
};

/** `attr` with the op's missing default attributes added (a new object). */
export function withDefaults(op: string, attr: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...(OP_DEFAULTS[op] ?? {}), ...attr };
}
