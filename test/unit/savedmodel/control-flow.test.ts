import { describe, expect, it } from 'vitest';
import { argType, CONTROL_FLOW, isControlFlowOp, retypeList } from '../../../src/formats/savedmodel/control-flow.js';

describe('control-flow tables', () => {
  it.each([
    { op: 'If', expected: true },
    { op: 'StatelessIf', expected: true },
    { op: 'While', expected: true },
    { op: 'StatelessWhile', expected: true },
    { op: 'Case', expected: false },
    { op: 'Switch', expected: false },
    { op: 'toString', expected: false },
  ])('$op is functional control flow: $expected', ({ op, expected }) => {
    expect(isControlFlowOp(op)).toBe(expected);
  });

  it('If passes every input but the condition to its branches; While passes all of them to cond and body', () => {
    expect(CONTROL_FLOW.If).toEqual({ functions: ['then_branch', 'else_branch'], firstArg: 1, argTypes: 'Tin' });
    expect(CONTROL_FLOW.StatelessWhile).toEqual({ functions: ['cond', 'body'], firstArg: 0, argTypes: 'T' });
  });
});

describe('retypeList', () => {
  it.each([
    {
      what: 'frozen positions take the variable dtype, others stay',
      attr: { list: { type: ['DT_INT32', 'DT_RESOURCE', 'DT_RESOURCE'] } },
      replace: new Map([
        [1, 'DT_FLOAT'],
        [2, 'DT_INT32'],
      ]),
      expected: { list: { type: ['DT_INT32', 'DT_FLOAT', 'DT_INT32'] } },
    },
    {
      what: 'nothing frozen: the same value',
      attr: { list: { type: ['DT_FLOAT'] } },
      replace: new Map<number, string>(),
      expected: { list: { type: ['DT_FLOAT'] } },
    },
    { what: 'no list: unchanged', attr: { type: 'DT_FLOAT' }, replace: new Map([[0, 'DT_FLOAT']]), expected: { type: 'DT_FLOAT' } },
    { what: 'absent: unchanged', attr: undefined, replace: new Map([[0, 'DT_FLOAT']]), expected: undefined },
  ])('$what', ({ attr, replace, expected }) => {
    const before = structuredClone(attr);
    expect(retypeList(attr, replace)).toEqual(expected);
    expect(attr).toEqual(before);
  });
});

describe('argType', () => {
  it.each([
    { what: 'its own type', arg: { name: 'x', type: 'DT_FLOAT' }, frozen: undefined, expected: 'DT_FLOAT' },
    { what: 'a frozen resource: the variable dtype', arg: { name: 'v', type: 'DT_RESOURCE' }, frozen: 'DT_FLOAT', expected: 'DT_FLOAT' },
    { what: 'typed by an attribute: no dtype', arg: { name: 'y', typeAttr: 'T' }, frozen: undefined, expected: 'DT_INVALID' },
  ])('$what', ({ arg, frozen, expected }) => {
    expect(argType(arg, frozen)).toBe(expected);
  });
});
