/**
 * Output-argument layouts, used to turn a function body's `node:out_arg:i` into the flat output index the graph
 * model uses. `stripped_op_list` only lists the main graph's ops, so the ops with more than one output argument,
 * or list-valued outputs, are kept here; every other op has one output argument and `i` is the flat index.
 */
import { ModelLoadError, problem } from '../../errors.js';
import type { AttrValue, OpDef } from './proto.js';

interface OutputArg {
  readonly name: string;
  /** Attribute holding the count (number_attr) or the type list (type_list_attr); absent: one tensor. */
  readonly number?: string;
  readonly typeList?: string;
}

const batchNorm: readonly OutputArg[] = ['y', 'batch_mean', 'batch_variance', 'reserve_space_1', 'reserve_space_2', 'reserve_space_3'].map((name) => ({
  name,
}));
const call: readonly OutputArg[] = [{ name: 'output', typeList: 'Tout' }];

/** The common ops whose outputs are not a single argument. */
export const OUTPUT_ARGS: Readonly<Record<string, readonly OutputArg[]>> = {
  FusedBatchNorm: batchNorm.slice(0, 5),
  FusedBatchNormV2: batchNorm.slice(0, 5),
  FusedBatchNormV3: batchNorm,
  StatefulPartitionedCall: call,
  PartitionedCall: call,
  IdentityN: [{ name: 'output', typeList: 'T' }],
  Split: [{ name: 'output', number: 'num_split' }],
  SplitV: [{ name: 'output', number: 'num_split' }],
  Unpack: [{ name: 'output', number: 'num' }],
  Unique: [{ name: 'y' }, { name: 'idx' }],
  TopKV2: [{ name: 'values' }, { name: 'indices' }],
  Switch: [{ name: 'output_false' }, { name: 'output_true' }],
  Merge: [{ name: 'output' }, { name: 'value_index' }],
  NonMaxSuppressionV4: [{ name: 'selected_indices' }, { name: 'valid_outputs' }],
  NonMaxSuppressionV5: [{ name: 'selected_indices' }, { name: 'selected_scores' }, { name: 'valid_outputs' }],
  CombinedNonMaxSuppression: ['nmsed_boxes', 'nmsed_scores', 'nmsed_classes', 'valid_detections'].map((name) => ({ name })),
  SparseFillEmptyRows: ['output_indices', 'output_values', 'empty_row_indicator', 'reverse_index_map'].map((name) => ({ name })),
  SparseReshape: [{ name: 'output_indices' }, { name: 'output_shape' }],
  StringSplit: ['indices', 'values', 'shape'].map((name) => ({ name })),
  If: [{ name: 'output', typeList: 'Tout' }],
  StatelessIf: [{ name: 'output', typeList: 'Tout' }],
  While: [{ name: 'output', typeList: 'T' }],
  StatelessWhile: [{ name: 'output', typeList: 'T' }],
};

function fromOpDef(def: OpDef): OutputArg[] {
  return def.outputArg.map((arg) => ({
    name: arg.name,
    ...(arg.numberAttr ? { number: arg.numberAttr } : {}),
    ...(arg.typeListAttr ? { typeList: arg.typeListAttr } : {}),
  }));
}

function argCount(arg: OutputArg, attr: Readonly<Record<string, AttrValue>>, where: string): number {
  if (arg.number !== undefined) {
    const count = Number(attr[arg.number]?.i ?? Number.NaN);
    if (!Number.isInteger(count) || count < 0) throw new ModelLoadError(problem('savedmodel/output-count-attr', { where, attr: arg.number, name: arg.name }));
    return count;
  }
  if (arg.typeList !== undefined) {
    const types = attr[arg.typeList]?.list?.['type'];
    return Array.isArray(types) ? types.length : 0;
  }
  return 1;
}

/**
 * Flat output index of `outArg:index` on a node of `op` (`opDefs`: the SavedModel's stripped op list; `where`
 * names the node in errors).
 */
export function flatOutputIndex(
  op: string,
  attr: Readonly<Record<string, AttrValue>>,
  outArg: string,
  index: number,
  opDefs: ReadonlyMap<string, OpDef>,
  where: string,
): number {
  const def = opDefs.get(op);
  const args = OUTPUT_ARGS[op] ?? (def === undefined ? undefined : fromOpDef(def));
  if (args === undefined) return index;
  let flat = 0;
  for (const arg of args) {
    if (arg.name === outArg) return flat + index;
    flat += argCount(arg, attr, where);
  }
  throw new ModelLoadError(problem('savedmodel/op-output-missing', { where, op, outArg, args: args.map((a) => a.name).join(', ') }));
}
