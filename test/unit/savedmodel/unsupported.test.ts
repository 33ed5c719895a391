import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { adviceFor, isSupportedOp, throwUnsupported } from '../../../src/formats/savedmodel/unsupported.js';

describe('unsupported ops', () => {
  it.each([
    { op: 'EagerPyFunc', expected: /runs Python code/ },
    { op: 'TPUReplicatedInput', expected: /TPU\/XLA op/ },
    { op: 'XlaConv', expected: /TPU\/XLA op/ },
    { op: 'NextIteration', expected: /TensorFlow 1 control flow/ },
    { op: 'Switch', expected: /TensorFlow 1 control flow: re-export from TensorFlow 2/ },
    { op: 'StatelessCase', expected: /no kernel for tf.switch_case: write the branches as nested tf.cond/ },
    { op: 'RegexReplace', expected: /works on strings/ },
    { op: 'AssignAddVariableOp', expected: /uses a variable other than by reading it/ },
    { op: 'Betainc', expected: /TF.js has no kernel for it/ },
  ])('$op: $expected', ({ op, expected }) => {
    expect(adviceFor(op)).toMatch(expected);
  });

  it.each([
    { op: 'Conv2D', expected: true },
    { op: 'FusedBatchNormV3', expected: true },
    { op: 'Placeholder', expected: true },
    { op: 'StringSplit', expected: false },
    { op: 'While', expected: true },
    { op: 'StatelessIf', expected: true },
    { op: 'TensorListReserve', expected: true },
    { op: 'Case', expected: false },
    { op: 'Switch', expected: false },
    { op: 'Merge', expected: false },
    { op: 'LoopCond', expected: false },
    { op: 'PyFunc', expected: false },
  ])('$op supported: $expected', ({ op, expected }) => {
    expect(isSupportedOp(op)).toBe(expected);
  });

  it('lists at most five places per op and counts the rest', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({ op: 'PyFunc', node: `n${i}`, where: 'function f' }));
    expect(() => throwUnsupported(issues, 's')).toThrow(ModelLoadError);
    expect(() => throwUnsupported(issues, 's')).toThrow(/PyFunc × 7: n0 \(in function f\), n1 .*n4 \(in function f\) and 2 more/);
    expect(() => throwUnsupported([], 's')).not.toThrow();
  });
});
