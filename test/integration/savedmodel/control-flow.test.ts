/**
 * Functional control flow: Keras LSTM / GRU SavedModels (a StatelessWhile over TensorLists) convert into a graph
 * model whose While node calls cond / body functions from model.json's library, run through stock tfjs
 * `executeAsync`, and equal the same network rebuilt as a TF.js layers model. If and While with a variable passed
 * into the functions are checked on variants of the times-three fixture against the values their semantics give.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { convertSavedModel, convertSavedModelDir } from '../../../src/formats/savedmodel/load.js';
import { gruSequential, kerasRebuild } from '../../helpers/keras-rebuild.js';
import { editProto, fixtureFiles, memoryReader } from '../../helpers/savedmodel-files.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'savedmodel');

interface GraphNode {
  readonly name: string;
  readonly op: string;
  readonly input: readonly string[];
  readonly attr: Record<string, { func?: { name: string }; list?: { type?: string[] } }>;
}
interface LibraryFunction {
  readonly signature: { name: string; inputArg: { name: string; type: string }[]; outputArg: { name: string; type: string }[] };
  readonly nodeDef: GraphNode[];
  readonly ret: Record<string, string>;
}
const topologyOf = (artifacts: tf.io.ModelArtifacts): { node: GraphNode[]; library: { function?: LibraryFunction[] } } =>
  artifacts.modelTopology as { node: GraphNode[]; library: { function?: LibraryFunction[] } };

const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Number.NaN;

describe('Keras RNN SavedModels (StatelessWhile)', () => {
  it.each([
    {
      fixture: 'rnn-lstm',
      reference: 'the TF.js layers LSTM rebuilt from its Keras config',
      compute: async (dir: string, x: tf.Tensor3D) => (await kerasRebuild(dir)).predict(x) as tf.Tensor,
    },
    { fixture: 'rnn-gru', reference: 'the GRU formula on its variables', compute: gruSequential },
  ])('$fixture: runs through executeAsync and equals $reference (1e-5)', async ({ fixture, compute }) => {
    const dir = join(FIXTURES, fixture);
    const converted = await convertSavedModelDir(dir);
    const { node, library } = topologyOf(converted.artifacts);
    const loops = node.filter((n) => n.op === 'StatelessWhile');
    expect(loops).toHaveLength(1);
    const functions = new Map((library.function ?? []).map((f) => [f.signature.name, f]));
    const loop = loops[0];
    if (loop === undefined) throw new Error('no loop');
    const cond = loop.attr['cond']?.func?.name ?? '';
    const body = loop.attr['body']?.func?.name ?? '';
    expect([...functions.keys()].sort()).toEqual([body, cond].sort());
    expect(functions.get(body)?.nodeDef.map((n) => n.op)).toEqual(expect.arrayContaining(['TensorListGetItem', 'TensorListSetItem', 'MatMul']));
    expect(converted.notes[0]).toContain('2 control-flow function(s) kept for executeAsync');
    // Every input of a function body names one of its own nodes or arguments; every weight is a Const somewhere.
    const consts = new Set(node.filter((n) => n.op === 'Const').map((n) => n.name));
    for (const fn of functions.values()) {
      const names = new Set([...fn.nodeDef.map((n) => n.name), ...fn.signature.inputArg.map((a) => a.name)]);
      for (const n of fn.nodeDef) for (const input of n.input) expect(names, `${fn.signature.name}: ${n.name} ← ${input}`).toContain(input.split(':')[0]);
      for (const ref of Object.values(fn.ret)) expect(names).toContain(ref.split(':')[0]);
      for (const n of fn.nodeDef) if (n.op === 'Const') consts.add(n.name);
    }
    for (const spec of converted.artifacts.weightSpecs ?? []) expect(consts).toContain(spec.name);

    const graph = await tf.loadGraphModel(tf.io.fromMemory(converted.artifacts));
    // The fixture's own kind of input: windows of 5 min-max-scaled prices.
    const x = tf.randomUniform<tf.Rank.R3>([8, 5, 1], 0, 1, 'float32', 11);
    expect(() => graph.execute(x)).toThrow(/executeAsync/);
    const got = (await graph.executeAsync(x)) as tf.Tensor;
    const want = await compute(dir, x);
    expect(got.shape).toEqual([8, 1]);
    expect(maxAbs(got, want)).toBeLessThan(1e-5);
    // The rebuild is a real reference: the loop runs over the sequence, so the outputs depend on every step.
    const earlier = tf.concat([x.slice([0, 0, 0], [8, 4, 1]), tf.zeros([8, 1, 1])], 1);
    expect(maxAbs((await graph.executeAsync(earlier)) as tf.Tensor, got)).toBeGreaterThan(1e-3);
  });
});

/** The times-three fixture with `__inference___call___15` (x · v) rewritten by `edit`, and functions added. */
function timesThreeWith(edit: (nodes: Record<string, unknown>[]) => Record<string, unknown>[], added: Record<string, unknown>[]): Map<string, Uint8Array> {
  const files = fixtureFiles(join(FIXTURES, 'times-three-float'));
  const pb = files.get('saved_model.pb');
  if (pb === undefined) throw new Error('no saved_model.pb');
  files.set(
    'saved_model.pb',
    editProto('SavedModel', pb, (sm) => {
      const library = (sm['metaGraphs'] as { graphDef: { library: { function: { signature: { name: string }; nodeDef: Record<string, unknown>[] }[] } } }[])[0]
        ?.graphDef.library;
      const call = library?.function.find((f) => f.signature.name === '__inference___call___15');
      if (library === undefined || call === undefined) throw new Error('no __call__ function');
      call.nodeDef = edit(call.nodeDef);
      library.function.push(...(added as never[]));
    }),
  );
  return files;
}

const type = (t: string): { type: string } => ({ type: t });
const types = (...t: string[]): { list: { type: string[] } } => ({ list: { type: t } });
const func = (name: string): { func: { name: string } } => ({ func: { name } });
const scalar = (dtype: 'DT_FLOAT' | 'DT_INT32', value: number): Record<string, unknown> => ({
  value: { tensor: { dtype, tensorShape: {}, ...(dtype === 'DT_FLOAT' ? { floatVal: [value] } : { intVal: [value] }) } },
  dtype: type(dtype),
});
const fn = (name: string, inputArg: [string, string][], outputArg: [string, string][], nodeDef: Record<string, unknown>[], ret: Record<string, string>) => ({
  signature: { name, inputArg: inputArg.map(([n, t]) => ({ name: n, type: t })), outputArg: outputArg.map(([n, t]) => ({ name: n, type: t })) },
  nodeDef,
  ret,
});

/** x > 0 ? x · v : −x, with the variable v passed into the branches as a resource. */
const ifVariant = (): Map<string, Uint8Array> =>
  timesThreeWith(
    () => [
      { name: 'zero', op: 'Const', attr: scalar('DT_FLOAT', 0) },
      { name: 'positive', op: 'Greater', input: ['x', 'zero:output:0'], attr: { T: type('DT_FLOAT') } },
      {
        name: 'cond',
        op: 'If',
        input: ['positive:z:0', 'x', 'mul_readvariableop_resource'],
        attr: {
          Tcond: type('DT_BOOL'),
          Tin: types('DT_FLOAT', 'DT_RESOURCE'),
          Tout: types('DT_FLOAT'),
          then_branch: func('then_times_v'),
          else_branch: func('else_negate'),
        },
      },
      { name: 'Identity', op: 'Identity', input: ['cond:output:0'], attr: { T: type('DT_FLOAT') } },
    ],
    [
      fn(
        'then_times_v',
        [
          ['x', 'DT_FLOAT'],
          ['v', 'DT_RESOURCE'],
        ],
        [['identity', 'DT_FLOAT']],
        [
          { name: 'read', op: 'ReadVariableOp', input: ['v'], attr: { dtype: type('DT_FLOAT') } },
          { name: 'mul', op: 'Mul', input: ['x', 'read:value:0'], attr: { T: type('DT_FLOAT') } },
          { name: 'Identity', op: 'Identity', input: ['mul:z:0'], attr: { T: type('DT_FLOAT') } },
        ],
        { identity: 'Identity:output:0' },
      ),
      fn(
        'else_negate',
        [
          ['x', 'DT_FLOAT'],
          ['v', 'DT_RESOURCE'],
        ],
        [['identity', 'DT_FLOAT']],
        [
          { name: 'minus_one', op: 'Const', attr: scalar('DT_FLOAT', -1) },
          { name: 'mul', op: 'Mul', input: ['x', 'minus_one:output:0'], attr: { T: type('DT_FLOAT') } },
        ],
        { identity: 'mul:z:0' },
      ),
    ],
  );

/** cond i < 3 and body (i + 1, acc · v, v) of the three-step loop, the variable v a loop variable. */
const loopFunctions = (): Record<string, unknown>[] => [
  fn(
    'below_three',
    [
      ['i', 'DT_INT32'],
      ['acc', 'DT_FLOAT'],
      ['v', 'DT_RESOURCE'],
    ],
    [['identity', 'DT_BOOL']],
    [
      { name: 'three', op: 'Const', attr: scalar('DT_INT32', 3) },
      { name: 'less', op: 'Less', input: ['i', 'three:output:0'], attr: { T: type('DT_INT32') } },
    ],
    { identity: 'less:z:0' },
  ),
  fn(
    'times_v',
    [
      ['i', 'DT_INT32'],
      ['acc', 'DT_FLOAT'],
      ['v', 'DT_RESOURCE'],
    ],
    [
      ['identity', 'DT_INT32'],
      ['identity_1', 'DT_FLOAT'],
      ['identity_2', 'DT_RESOURCE'],
    ],
    [
      { name: 'one', op: 'Const', attr: scalar('DT_INT32', 1) },
      { name: 'next', op: 'AddV2', input: ['i', 'one:output:0'], attr: { T: type('DT_INT32') } },
      { name: 'read', op: 'ReadVariableOp', input: ['v'], attr: { dtype: type('DT_FLOAT') } },
      { name: 'mul', op: 'Mul', input: ['acc', 'read:value:0'], attr: { T: type('DT_FLOAT') } },
    ],
    { identity: 'next:z:0', identity_1: 'mul:z:0', identity_2: 'v' },
  ),
];

/** A While node of the three-step loop over (start, acc, v), as the node `name` of a function body. */
const loopNode = (name: string, acc: string, v: string): Record<string, unknown> => ({
  name,
  op: 'While',
  input: ['start:output:0', acc, v],
  attr: { T: types('DT_INT32', 'DT_FLOAT', 'DT_RESOURCE'), cond: func('below_three'), body: func('times_v'), parallel_iterations: { i: '10' } },
});

/** acc = x; three times acc = acc · v: x · 27, with the variable a loop variable the body passes through. */
const whileVariant = (): Map<string, Uint8Array> =>
  timesThreeWith(
    () => [
      { name: 'start', op: 'Const', attr: scalar('DT_INT32', 0) },
      loopNode('loop', 'x', 'mul_readvariableop_resource'),
      { name: 'Identity', op: 'Identity', input: ['loop:output:1'], attr: { T: type('DT_FLOAT') } },
    ],
    [...loopFunctions()],
  );

/**
 * x > 0 ? 27·x : −x: the then-branch runs the three-step loop on the variable it was passed (control flow inside
 * control flow), and returns two of the loop's outputs (acc and the counter: two results of one node).
 */
const nestedVariant = (): Map<string, Uint8Array> =>
  timesThreeWith(
    () => [
      { name: 'zero', op: 'Const', attr: scalar('DT_FLOAT', 0) },
      { name: 'positive', op: 'Greater', input: ['x', 'zero:output:0'], attr: { T: type('DT_FLOAT') } },
      {
        name: 'cond',
        op: 'If',
        input: ['positive:z:0', 'x', 'mul_readvariableop_resource'],
        attr: {
          Tcond: type('DT_BOOL'),
          Tin: types('DT_FLOAT', 'DT_RESOURCE'),
          Tout: types('DT_FLOAT', 'DT_INT32'),
          then_branch: func('then_loop'),
          else_branch: func('else_negate_twice'),
        },
      },
      { name: 'Identity', op: 'Identity', input: ['cond:output:0'], attr: { T: type('DT_FLOAT') } },
    ],
    [
      ...loopFunctions(),
      fn(
        'then_loop',
        [
          ['x', 'DT_FLOAT'],
          ['v', 'DT_RESOURCE'],
        ],
        [
          ['identity', 'DT_FLOAT'],
          ['identity_1', 'DT_INT32'],
        ],
        [{ name: 'start', op: 'Const', attr: scalar('DT_INT32', 0) }, loopNode('loop', 'x', 'v')],
        { identity: 'loop:output:1', identity_1: 'loop:output:0' },
      ),
      fn(
        'else_negate_twice',
        [
          ['x', 'DT_FLOAT'],
          ['v', 'DT_RESOURCE'],
        ],
        [
          ['identity', 'DT_FLOAT'],
          ['identity_1', 'DT_INT32'],
        ],
        [
          { name: 'neg', op: 'Neg', input: ['x'], attr: { T: type('DT_FLOAT') } },
          { name: 'three', op: 'Const', attr: scalar('DT_INT32', 3) },
        ],
        { identity: 'neg:y:0', identity_1: 'three:output:0' },
      ),
    ],
  );

async function run(files: Map<string, Uint8Array>, x: number): Promise<number> {
  const converted = await convertSavedModel(memoryReader(files), 'model');
  const model = await tf.loadGraphModel(tf.io.fromMemory(converted.artifacts));
  const y = (await model.executeAsync(tf.scalar(x))) as tf.Tensor;
  return y.dataSync()[0] ?? Number.NaN;
}

describe('If and While with a variable passed into their functions', () => {
  it('If: x > 0 ? 3·x : −x, the variable frozen at the call and the branches reading its value', async () => {
    const files = ifVariant();
    for (const x of [2.5, -4, 0, 7]) expect(await run(files, x)).toBe(x > 0 ? Math.fround(x * 3) : -x);
    const { node, library } = topologyOf((await convertSavedModel(memoryReader(files), 'model')).artifacts);
    const call = node.find((n) => n.op === 'If');
    expect(call?.attr['Tin']?.list?.type).toEqual(['DT_FLOAT', 'DT_FLOAT']);
    const then = library.function?.find((f) => f.signature.name === 'then_times_v');
    expect(then?.signature.inputArg.map((a) => a.type)).toEqual(['DT_FLOAT', 'DT_FLOAT']);
    expect(then?.nodeDef.map((n) => n.op)).toEqual(['Mul']);
  });

  it('While: the body passes the variable through and multiplies by it three times (27·x)', async () => {
    const files = whileVariant();
    for (const x of [1, -2, 0.5]) expect(await run(files, x)).toBe(Math.fround(Math.fround(Math.fround(x * 3) * 3) * 3));
    const { node, library } = topologyOf((await convertSavedModel(memoryReader(files), 'model')).artifacts);
    expect(node.find((n) => n.op === 'While')?.attr['T']?.list?.type).toEqual(['DT_INT32', 'DT_FLOAT', 'DT_FLOAT']);
    const body = library.function?.find((f) => f.signature.name === 'times_v');
    expect(body?.signature.outputArg.map((a) => a.type)).toEqual(['DT_INT32', 'DT_FLOAT', 'DT_FLOAT']);
  });

  it('While inside an If branch, the variable passed on, two results of one node: x > 0 ? 27·x : −x', async () => {
    const files = nestedVariant();
    for (const x of [1, -2, 0.5]) expect(await run(files, x)).toBe(x > 0 ? Math.fround(Math.fround(Math.fround(x * 3) * 3) * 3) : -x);
    const { library } = topologyOf((await convertSavedModel(memoryReader(files), 'model')).artifacts);
    expect(library.function?.map((f) => f.signature.name).sort()).toEqual(['below_three', 'else_negate_twice', 'then_loop', 'times_v']);
    const then = library.function?.find((f) => f.signature.name === 'then_loop');
    // The loop inside the branch gets the branch's frozen variable: float32 all the way down.
    expect(then?.nodeDef.find((n) => n.op === 'While')?.attr['T']?.list?.type).toEqual(['DT_INT32', 'DT_FLOAT', 'DT_FLOAT']);
    // Two results of one node: the second is an Identity of its own (tfjs takes one output per result node).
    expect(Object.values(then?.ret ?? {})).toEqual(['then_loop/loop:1', 'then_loop/return/identity_1']);
  });

  it('a branch function missing from the library is named', async () => {
    const files = timesThreeWith(
      (nodes) => [
        ...nodes.filter((n) => n['name'] !== 'Identity'),
        {
          name: 'cond',
          op: 'StatelessIf',
          input: ['x', 'x'],
          attr: { Tin: types('DT_FLOAT'), Tout: types('DT_FLOAT'), then_branch: func('nowhere'), else_branch: func('nowhere') },
        },
        { name: 'Identity', op: 'Identity', input: ['cond:output:0'], attr: { T: type('DT_FLOAT') } },
      ],
      [],
    );
    const error = await convertSavedModel(memoryReader(files), 'model').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toMatch(/node "cond" \(StatelessIf\): calls function "nowhere", which is not in the graph's library/);
  });
});
