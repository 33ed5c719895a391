import type { io } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { OPTIMIZE_MAX_ABS_DRIFT, optimizeChecked, type OptimizeEvaluate } from '../../../src/compress/optimize-check.js';
import { optimizeGraph, type OptimizePattern } from '../../../src/compress/optimize-graph.js';
import type { GraphNode } from '../../../src/compress/graph-def.js';
import { graphArtifacts, op } from '../../helpers/graph-artifacts.js';

/**
 * x → Identity → Minimum(6) → Maximum(0) → {Mul(0.2), Maximum}: three patterns apply — `identity` (the Identity
 * goes), `relu6` (the clip becomes `mx: Relu6`), `leaky-relu` (`y: LeakyRelu`) — and `dead-nodes` (the constants
 * they orphan).
 */
const threePatterns = (): io.ModelArtifacts =>
  graphArtifacts(
    [1, 4],
    [
      op('i', 'Identity', ['x']),
      op('mn', 'Minimum', ['i', 'six']),
      op('mx', 'Maximum', ['mn', 'zero']),
      op('ml', 'Mul', ['mx', 'a']),
      op('y', 'Maximum', ['mx', 'ml']),
    ],
    { six: { shape: [], values: [6] }, zero: { shape: [], values: [0] }, a: { shape: [], values: [0.2] } },
    ['y'],
  );

const opsOf = (a: io.ModelArtifacts): string[] =>
  (a.modelTopology as { node: GraphNode[] }).node.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder').map((n) => n.op);

/** An evaluator whose drift is a function of the candidate's ops; it records the ops of every candidate it saw. */
function recording(drift: (ops: readonly string[]) => number): { evaluate: OptimizeEvaluate; seen: string[][] } {
  const seen: string[][] = [];
  const evaluate: OptimizeEvaluate = (candidate) => {
    const ops = opsOf(candidate);
    seen.push(ops);
    return Promise.resolve({ maxAbsError: drift(ops) });
  };
  return { evaluate, seen };
}

const ORIGINAL = ['Identity', 'Minimum', 'Maximum', 'Mul', 'Maximum'];
const WHOLE = ['Relu6', 'LeakyRelu'];
/** The candidates of the per-pattern round, in pattern order: identity, relu6, leaky-relu, dead-nodes alone. */
const ALONE = [['Minimum', 'Maximum', 'Mul', 'Maximum'], ['Identity', 'Relu6', 'Mul', 'Maximum'], ['Identity', 'Minimum', 'Maximum', 'LeakyRelu'], ORIGINAL];
const warning = (what: string): string => `optimize: left out ${what}: the rewritten model's outputs moved by more than 0.00001 (max abs) from the original's`;

interface Case {
  readonly what: string;
  readonly drift: (ops: readonly string[]) => number;
  /** Ops of every candidate evaluated, in order. */
  readonly seen: readonly (readonly string[])[];
  readonly ops: readonly string[];
  readonly refused: readonly OptimizePattern[];
  readonly maxAbsDrift: number;
  readonly warnings: readonly string[];
  readonly rewrites: Partial<Record<OptimizePattern, number>>;
}

const CASES: readonly Case[] = [
  {
    what: 'drift of exactly the limit is within it: everything applies, measured once',
    drift: () => 1e-5,
    seen: [WHOLE],
    ops: WHOLE,
    refused: [],
    maxAbsDrift: 1e-5,
    warnings: [],
    rewrites: { identity: 1, relu6: 1, 'leaky-relu': 1, 'dead-nodes': 3 },
  },
  {
    what: 'one pattern over the limit on its own is left out; the rest apply and the drift is re-measured',
    drift: (ops) => (ops.includes('Relu6') ? 1 : ops.includes('Minimum') ? 3e-6 : 0),
    seen: [WHOLE, ...ALONE, ['Minimum', 'Maximum', 'LeakyRelu']],
    ops: ['Minimum', 'Maximum', 'LeakyRelu'],
    refused: ['relu6'],
    maxAbsDrift: 3e-6,
    warnings: [warning('relu6')],
    rewrites: { identity: 1, relu6: 0, 'leaky-relu': 1, 'dead-nodes': 1 },
  },
  {
    what: 'two patterns over the limit are both left out, named in pattern order',
    drift: (ops) => (ops.includes('Relu6') || ops.includes('LeakyRelu') ? 2e-5 : 0),
    seen: [WHOLE, ...ALONE, ['Minimum', 'Maximum', 'Mul', 'Maximum']],
    ops: ['Minimum', 'Maximum', 'Mul', 'Maximum'],
    refused: ['relu6', 'leaky-relu'],
    maxAbsDrift: 0,
    warnings: [warning('relu6, leaky-relu')],
    rewrites: { identity: 1, relu6: 0, 'leaky-relu': 0, 'dead-nodes': 0 },
  },
  {
    what: 'patterns within the limit alone but not together: the model is left as it is, every applied pattern named',
    drift: (ops) => (ops.includes('LeakyRelu') && !ops.includes('Identity') ? 1 : 0),
    seen: [WHOLE, ...ALONE, WHOLE],
    ops: ORIGINAL,
    refused: ['identity', 'relu6', 'leaky-relu', 'dead-nodes'],
    maxAbsDrift: 0,
    warnings: [warning('identity, relu6, leaky-relu, dead-nodes')],
    rewrites: { identity: 0, relu6: 0, 'leaky-relu': 0, 'dead-nodes': 0 },
  },
];

describe('optimizeChecked', () => {
  it('has a limit of 1e-5', () => {
    expect(OPTIMIZE_MAX_ABS_DRIFT).toBe(1e-5);
  });

  it.each(CASES)('$what', async (c) => {
    const artifacts = threePatterns();
    const { evaluate, seen } = recording(c.drift);
    const result = await optimizeChecked(artifacts, evaluate);
    expect(seen).toEqual(c.seen);
    expect(opsOf(result.artifacts)).toEqual(c.ops);
    expect(result.refused).toEqual(c.refused);
    expect(result.maxAbsDrift).toBe(c.maxAbsDrift);
    expect(result.warnings).toEqual(c.warnings);
    for (const [p, n] of Object.entries(c.rewrites)) expect(result.rewrites[p as OptimizePattern], p).toBe(n);
  });

  it('left with nothing that applies, returns the very same artifacts', async () => {
    const artifacts = threePatterns();
    const result = await optimizeChecked(artifacts, recording((ops) => (ops.includes('LeakyRelu') && !ops.includes('Identity') ? 1 : 0)).evaluate);
    expect(result.artifacts).toBe(artifacts);
    expect([result.nodesBefore, result.nodesAfter]).toEqual([9, 9]);
  });

  it('when every pattern passes alone and the combination passes on a second measurement, refuses nothing', async () => {
    const drifts = [1, 0, 0, 0, 0, 4e-6];
    const seen: string[][] = [];
    const evaluate: OptimizeEvaluate = (candidate) => {
      seen.push(opsOf(candidate));
      return Promise.resolve({ maxAbsError: drifts.shift() ?? Number.NaN });
    };
    const result = await optimizeChecked(threePatterns(), evaluate);
    expect(seen).toEqual([WHOLE, ...ALONE, WHOLE]);
    expect(opsOf(result.artifacts)).toEqual(WHOLE);
    expect(result.refused).toEqual([]);
    expect(result.maxAbsDrift).toBe(4e-6);
    expect(result.warnings).toEqual([]);
  });

  it('without an evaluator applies every pattern and measures nothing', async () => {
    const artifacts = threePatterns();
    const result = await optimizeChecked(artifacts);
    expect(opsOf(result.artifacts)).toEqual(WHOLE);
    expect(result.refused).toEqual([]);
    expect('maxAbsDrift' in result).toBe(false);
    expect(result.rewrites).toEqual(optimizeGraph(artifacts).rewrites);
  });

  it('with nothing to rewrite does not call the evaluator and returns the artifacts as they are', async () => {
    const artifacts = graphArtifacts([1, 4], [op('y', 'Neg', ['x'])], {}, ['y']);
    const { evaluate, seen } = recording(() => 1);
    const result = await optimizeChecked(artifacts, evaluate);
    expect(seen).toEqual([]);
    expect(result.artifacts).toBe(artifacts);
    expect(result.refused).toEqual([]);
    expect('maxAbsDrift' in result).toBe(false);
    expect(result.warnings).toEqual([]);
  });
});
