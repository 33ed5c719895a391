/**
 * Ops the converted graph cannot run, grouped into one error that says, for each op, where it sits and what to do.
 */
import { ModelLoadError, problem } from '../../errors.js';
import { TFJS_OPS } from './tfjs-ops.generated.js';

export interface OpIssue {
  readonly op: string;
  /** The node's name in the converted graph (its call path). */
  readonly node: string;
  /** The function whose body holds the node, or "the main graph". */
  readonly where: string;
}

const V1_CONTROL_FLOW = new Set(['Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond', 'RefSwitch', 'RefMerge', 'RefEnter', 'RefExit']);
/** Functional control flow tfjs has no kernel for (If and While are converted with a function library). */
const CASE = new Set(['Case', 'StatelessCase']);
const PYTHON = new Set(['PyFunc', 'PyFuncStateless', 'EagerPyFunc']);

/** What to do about `op`. */
export function adviceFor(op: string): string {
  if (PYTHON.has(op)) return 'it runs Python code that is not in the SavedModel: rewrite that part with TensorFlow ops (no tf.py_function / tf.numpy_function)';
  if (op.startsWith('TPU') || op.startsWith('_TPU') || op.startsWith('Xla'))
    return 'it is a TPU/XLA op: export the model for CPU (without TPUStrategy or jit_compile)';
  if (V1_CONTROL_FLOW.has(op))
    return 'it is TensorFlow 1 control flow: re-export from TensorFlow 2 (tf.function with tf.cond / tf.while_loop) or remove the branch';
  if (CASE.has(op)) return 'TF.js has no kernel for tf.switch_case: write the branches as nested tf.cond (If), which is converted';
  if (op.startsWith('String') || op.startsWith('Regex') || op.startsWith('Substr') || op === 'AsString' || op === 'DecodeJpeg' || op === 'DecodePng') {
    return 'it works on strings or encoded images, which the converted graph cannot run: do that preprocessing outside the model';
  }
  if (op.startsWith('Resource') || op.startsWith('Assign') || op.endsWith('VariableOp') || op === 'VarIsInitializedOp') {
    return 'it uses a variable other than by reading it: export an inference-only function (training=False, no variable updates)';
  }
  return 'TF.js has no kernel for it: replace it in the model, or register a custom op with tf.registerOp before loading';
}

/** True when a node of `op` can stay in the converted graph. */
export function isSupportedOp(op: string): boolean {
  return TFJS_OPS.has(op);
}

/** Throws one ModelLoadError listing every unsupported op (at most 5 places each); does nothing when there are none. */
export function throwUnsupported(issues: readonly OpIssue[], signature: string): void {
  if (issues.length === 0) return;
  const byOp = new Map<string, OpIssue[]>();
  for (const issue of issues) byOp.set(issue.op, [...(byOp.get(issue.op) ?? []), issue]);
  const lines = [...byOp].map(([op, list]) => {
    const places = list
      .slice(0, 5)
      .map((i) => `${i.node} (in ${i.where})`)
      .join(', ');
    const more = list.length > 5 ? ` and ${list.length - 5} more` : '';
    return `  - ${op} × ${list.length}: ${places}${more}\n    ${adviceFor(op)}`;
  });
  throw new ModelLoadError(problem('savedmodel/unsupported-ops', { signature, count: byOp.size, lines: lines.join('\n') }));
}
