import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  consumersOf,
  inboundNames,
  layerName,
  outputLayerNames,
  readLayersGraph,
  rewire,
  rewireOutputs,
  type LayerJson,
  type Topology,
} from '../../../src/compress/topology.js';
import { CompressError } from '../../../src/errors.js';
import { layersModelArtifacts } from '../../helpers/layers-artifacts.js';

/** The error `run` throws, with its catalog code and message (fails the test when it throws nothing). */
function thrown(run: () => unknown): { error: unknown; code: unknown; message: string } {
  try {
    run();
  } catch (error) {
    return { error, code: (error as CompressError).code, message: (error as Error).message };
  }
  throw new Error('expected a throw');
}

function expectCompressError(run: () => unknown, code: string, message: string): void {
  const got = thrown(run);
  expect(got.error).toBeInstanceOf(CompressError);
  expect({ code: got.code, message: got.message }).toEqual({ code, message });
}

/** A functional layer that takes `from` (Keras 2 / TF.js inbound format). */
function fn(name: string, className: string, ...from: string[]): LayerJson {
  return { name, class_name: className, config: { name }, inbound_nodes: from.length === 0 ? [] : [from.map((f) => [f, 0, 0, {}])] };
}

/** A sequential layer (no inbound_nodes). */
function seq(name: string, className = 'Dense'): LayerJson {
  return { class_name: className, config: { name, units: 2 } };
}

/** x → a → {b, c} → s (an Add), as TF.js writes a functional model. */
const diamond: LayerJson[] = [fn('x', 'InputLayer'), fn('a', 'Dense', 'x'), fn('b', 'Dense', 'a'), fn('c', 'Dense', 'a'), fn('s', 'Add', 'b', 'c')];

function functionalTopology(layers: readonly LayerJson[] = diamond, className = 'Model'): Record<string, unknown> {
  return {
    class_name: className,
    config: { name: 'f', layers: [...layers], input_layers: [['x', 0, 0]], output_layers: [['s', 0, 0]] },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
}

/** The converter's form: the Keras model config under `model_config`, next to `keras_version` and `training_config`. */
function nestedTopology(modelConfig: Record<string, unknown>): Record<string, unknown> {
  return { keras_version: '2.15.0', backend: 'tensorflow', model_config: modelConfig, training_config: { loss: 'mse' } };
}

function layersArtifacts(modelTopology: unknown): tf.io.ModelArtifacts {
  return { modelTopology: modelTopology as Topology, format: 'layers-model' };
}

const entries = (m: Map<string, string[]>): [string, string[]][] => [...m.entries()];

describe('layerName', () => {
  it.each([
    { what: 'config.name', layer: { class_name: 'Dense', config: { name: 'd' } }, expected: 'd' },
    { what: 'config.name before the top-level name', layer: { class_name: 'Dense', name: 'top', config: { name: 'inner' } }, expected: 'inner' },
    { what: 'the top-level name when config has none', layer: { class_name: 'Dense', name: 'top', config: {} }, expected: 'top' },
    { what: 'no name at all', layer: { class_name: 'Dense', config: {} }, expected: '' },
    { what: 'a name that is not a string', layer: { class_name: 'Dense', config: { name: 7 } }, expected: '' },
  ])('$what', ({ layer, expected }) => {
    expect(layerName(layer)).toBe(expected);
  });
});

describe('readLayersGraph', () => {
  it('a TF.js Sequential topology (config { name, layers })', () => {
    const layers = [seq('d1'), seq('d2')];
    const topology: Topology = { class_name: 'Sequential', config: { name: 'q', layers }, keras_version: 'tfjs-layers 4.22.0' };
    const graph = readLayersGraph(layersArtifacts(topology), 'prune');
    expect(graph.sequential).toBe(true);
    expect(graph.layers).toEqual(layers);
    // Deep copies: editing them leaves the artifacts alone.
    (graph.layers[0] as { config: Record<string, unknown> }).config['units'] = 99;
    expect(layers[0]?.config['units']).toBe(2);
  });

  it('an old Keras Sequential topology (config is the layer list)', () => {
    const layers = [seq('d1'), seq('d2')];
    const graph = readLayersGraph(layersArtifacts(nestedTopology({ class_name: 'Sequential', config: layers })), 'prune');
    expect(graph.sequential).toBe(true);
    expect(graph.layers).toEqual(layers);
  });

  it.each(['Model', 'Functional'])('a functional topology of class %s', (className) => {
    const graph = readLayersGraph(layersArtifacts(functionalTopology(diamond, className)), 'fold');
    expect(graph.sequential).toBe(false);
    expect(graph.layers.map(layerName)).toEqual(['x', 'a', 'b', 'c', 's']);
  });

  it('a converter topology (model_config inside)', () => {
    const graph = readLayersGraph(layersArtifacts(nestedTopology({ class_name: 'Functional', config: { name: 'f', layers: diamond } })), 'fold');
    expect(graph.sequential).toBe(false);
    expect(graph.layers).toEqual(diamond);
  });

  it('a model saved by tfjs-layers', async () => {
    const input = tf.input({ shape: [3], name: 'x' });
    const a = tf.layers.dense({ units: 2, name: 'a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 2, name: 'b' }).apply(input) as tf.SymbolicTensor;
    const s = tf.layers.add({ name: 's' }).apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: s });
    const artifacts = await layersModelArtifacts(model);
    model.dispose();
    const graph = readLayersGraph(artifacts, 'fold');
    expect(graph.sequential).toBe(false);
    expect(entries(consumersOf(graph, 'fold'))).toEqual([
      ['x', ['a', 'b']],
      ['a', ['s']],
      ['b', ['s']],
      ['s', []],
    ]);
    expect(outputLayerNames(artifacts.modelTopology as Topology)).toEqual(['s']);
  });

  it('refuses a graph model', () => {
    const graph: tf.io.ModelArtifacts = { format: 'graph-model', modelTopology: { node: [] } };
    expectCompressError(() => readLayersGraph(graph, 'fold'), 'compress/layers-only', 'fold works on TF.js layers models only; this is a graph model');
  });

  it.each([
    { what: 'no topology', topology: undefined },
    { what: 'a null topology', topology: null },
    { what: 'an array', topology: [{ class_name: 'Sequential', config: [] }] },
    { what: 'a binary (GraphDef) topology', topology: new ArrayBuffer(8) },
  ])('refuses $what as not a layers model', ({ topology }) => {
    expectCompressError(
      () => readLayersGraph(layersArtifacts(topology), 'prune'),
      'compress/layers-only',
      'prune works on TF.js layers models only; this is a graph model',
    );
  });

  it.each(['Foo', 'Sequential2', 'model', undefined])('refuses a model of class %s', (className) => {
    const topology = { class_name: className, config: { layers: [] } };
    expectCompressError(
      () => readLayersGraph(layersArtifacts(topology), 'fold'),
      'compress/topology-class',
      `fold: cannot follow a "${String(className)}" model; only Sequential and functional models`,
    );
  });

  it.each([
    { what: 'a config without layers', config: { name: 'f' } },
    { what: 'layers that are not a list', config: { name: 'f', layers: { a: 1 } } },
  ])('refuses $what', ({ config }) => {
    expectCompressError(
      () => readLayersGraph(layersArtifacts({ class_name: 'Model', config }), 'fold'),
      'compress/topology-no-layers',
      'fold: the model topology has no layer list',
    );
  });

  describe('toTopology', () => {
    it('puts a new layer list into config.layers, the rest kept', () => {
      const before = functionalTopology();
      const snapshot = structuredClone(before);
      const graph = readLayersGraph(layersArtifacts(before), 'fold');
      const next = [diamond[0], diamond[1]] as LayerJson[];
      const after = graph.toTopology(next);
      expect(after).toEqual({ ...snapshot, config: { ...(snapshot['config'] as object), layers: next } });
      expect(before).toEqual(snapshot);
      // A fresh copy each time: editing one result touches neither the next nor the graph.
      (after as { keras_version: string }).keras_version = 'edited';
      expect(graph.toTopology(next)).toMatchObject({ keras_version: 'tfjs-layers 4.22.0' });
    });

    it('replaces the layer list of an old Keras Sequential config', () => {
      const layers = [seq('d1'), seq('d2'), seq('d3')];
      const before = nestedTopology({ class_name: 'Sequential', config: layers });
      const graph = readLayersGraph(layersArtifacts(before), 'prune');
      const after = graph.toTopology([layers[0] as LayerJson, layers[2] as LayerJson]);
      expect(after).toEqual(nestedTopology({ class_name: 'Sequential', config: [seq('d1'), seq('d3')] }));
      expect((before['model_config'] as { config: unknown[] }).config).toHaveLength(3);
    });

    it('keeps the converter wrapper of a functional model', () => {
      const before = nestedTopology({ class_name: 'Functional', config: { name: 'f', layers: diamond, output_layers: [['s', 0, 0]] } });
      const after = readLayersGraph(layersArtifacts(before), 'fold').toTopology([diamond[0] as LayerJson]);
      expect(after).toEqual(nestedTopology({ class_name: 'Functional', config: { name: 'f', layers: [diamond[0]], output_layers: [['s', 0, 0]] } }));
    });
  });
});

describe('inboundNames', () => {
  it.each([
    { what: 'a sequential layer (no inbound_nodes)', layer: seq('d'), expected: [] },
    { what: 'an input layer (no call)', layer: fn('x', 'InputLayer'), expected: [] },
    { what: 'one input', layer: fn('a', 'Dense', 'x'), expected: ['x'] },
    { what: 'two inputs, in order', layer: fn('s', 'Add', 'c', 'b'), expected: ['c', 'b'] },
    { what: 'a call with no inputs', layer: { class_name: 'Dense', config: { name: 'd' }, inbound_nodes: [[]] }, expected: [] },
  ])('$what', ({ layer, expected }) => {
    expect(inboundNames(layer, 'fold')).toEqual(expected);
  });

  it.each([
    { what: 'an object', nodes: { args: [] } },
    { what: 'a string', nodes: 'x' },
    { what: 'null', nodes: null },
  ])('refuses inbound_nodes that are $what', ({ nodes }) => {
    const layer: LayerJson = { class_name: 'Dense', config: { name: 'd' }, inbound_nodes: nodes };
    expectCompressError(() => inboundNames(layer, 'fold'), 'compress/topology-inbound-unreadable', 'fold: layer "d" has unreadable inbound_nodes');
  });

  it('refuses a shared layer (called twice)', () => {
    const layer: LayerJson = { class_name: 'Dense', config: { name: 'd' }, inbound_nodes: [[['x', 0, 0, {}]], [['y', 0, 0, {}]]] };
    expectCompressError(() => inboundNames(layer, 'prune'), 'compress/topology-shared-layer', 'prune: layer "d" is shared (called 2 times); not supported');
  });

  it.each([
    { what: 'a Keras 3 node (an object)', nodes: [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['x', 0, 0] } }], kwargs: {} }] },
    { what: 'a node that is a string', nodes: ['x'] },
    { what: 'an entry that is not a list', nodes: [['x']] },
    { what: 'an entry whose layer is not a string', nodes: [[[5, 0, 0, {}]]] },
    { what: 'an empty entry', nodes: [[[]]] },
    {
      what: 'a good entry next to a bad one',
      nodes: [
        [
          ['x', 0, 0, {}],
          [null, 0, 0, {}],
        ],
      ],
    },
  ])('refuses $what', ({ nodes }) => {
    const layer: LayerJson = { class_name: 'Dense', config: { name: 'd' }, inbound_nodes: nodes };
    expectCompressError(() => inboundNames(layer, 'fold'), 'compress/topology-inbound-format', 'fold: layer "d" uses an unsupported inbound_nodes format');
  });
});

describe('consumersOf', () => {
  it('sequential: each layer feeds the next', () => {
    const graph = readLayersGraph(layersArtifacts({ class_name: 'Sequential', config: { layers: [seq('d1'), seq('r', 'ReLU'), seq('d2')] } }), 'prune');
    expect(entries(consumersOf(graph, 'prune'))).toEqual([
      ['d1', ['r']],
      ['r', ['d2']],
      ['d2', []],
    ]);
  });

  it('a single-layer sequential model feeds nothing', () => {
    const graph = readLayersGraph(layersArtifacts({ class_name: 'Sequential', config: { layers: [seq('only')] } }), 'prune');
    expect(entries(consumersOf(graph, 'prune'))).toEqual([['only', []]]);
  });

  it('functional: from inbound_nodes, in layer order', () => {
    const graph = readLayersGraph(layersArtifacts(functionalTopology()), 'fold');
    expect(entries(consumersOf(graph, 'fold'))).toEqual([
      ['x', ['a']],
      ['a', ['b', 'c']],
      ['b', ['s']],
      ['c', ['s']],
      ['s', []],
    ]);
  });

  it('functional: a layer listed before its input still counts; a name that is no layer is skipped', () => {
    const layers = [fn('b', 'Dense', 'a'), fn('a', 'Dense', 'ghost'), fn('c', 'Add', 'a', 'b')];
    const graph = readLayersGraph(layersArtifacts(functionalTopology(layers)), 'fold');
    expect(entries(consumersOf(graph, 'fold'))).toEqual([
      ['b', ['c']],
      ['a', ['b', 'c']],
      ['c', []],
    ]);
  });

  it('passes inbound errors on', () => {
    const layers = [fn('x', 'InputLayer'), { class_name: 'Dense', config: { name: 'd' }, inbound_nodes: 'x' }];
    const graph = readLayersGraph(layersArtifacts(functionalTopology(layers)), 'fold');
    expectCompressError(() => consumersOf(graph, 'fold'), 'compress/topology-inbound-unreadable', 'fold: layer "d" has unreadable inbound_nodes');
  });
});

describe('rewire', () => {
  it('points every reference to `from` at `to`, keeping node/tensor indices and kwargs; other references stay', () => {
    // x → conv → bn → a, and s = x + bn: folding bn into conv sends bn's consumers to conv.
    const layers: LayerJson[] = [
      fn('x', 'InputLayer'),
      fn('conv', 'Conv2D', 'x'),
      fn('bn', 'BatchNormalization', 'conv'),
      { ...fn('a', 'Dense', 'bn'), inbound_nodes: [[['bn', 0, 1, { training: false }]]] },
      fn('s', 'Add', 'x', 'bn'),
    ];
    const snapshot = structuredClone(layers);
    const out = rewire(layers, 'bn', 'conv');
    expect(out).toEqual([
      fn('x', 'InputLayer'),
      fn('conv', 'Conv2D', 'x'),
      fn('bn', 'BatchNormalization', 'conv'),
      { ...fn('a', 'Dense', 'bn'), inbound_nodes: [[['conv', 0, 1, { training: false }]]] },
      fn('s', 'Add', 'x', 'conv'),
    ]);
    expect(layers).toEqual(snapshot);
  });

  it('leaves layers without inbound_nodes, and nodes or entries that are not lists, as they are', () => {
    const layers: LayerJson[] = [seq('d1'), { class_name: 'Dense', config: { name: 'd' }, inbound_nodes: [[null, 'bn', ['bn', 0, 0, {}]], 'bn'] }];
    expect(rewire(layers, 'bn', 'x')).toEqual([
      seq('d1'),
      { class_name: 'Dense', config: { name: 'd' }, inbound_nodes: [[null, 'bn', ['x', 0, 0, {}]], 'bn'] },
    ]);
  });
});

describe('rewireOutputs', () => {
  it('rewrites output_layers entries that name `from`', () => {
    const topology = functionalTopology();
    (topology['config'] as Record<string, unknown>)['output_layers'] = [
      ['s', 0, 0],
      ['c', 0, 1],
      ['s', 1, 0],
    ];
    rewireOutputs(topology, 's', 'b');
    expect((topology['config'] as Record<string, unknown>)['output_layers']).toEqual([
      ['b', 0, 0],
      ['c', 0, 1],
      ['b', 1, 0],
    ]);
    expect((topology['config'] as Record<string, unknown>)['input_layers']).toEqual([['x', 0, 0]]);
  });

  it('in a converter topology too', () => {
    const topology = nestedTopology({ class_name: 'Functional', config: { layers: diamond, output_layers: [['s', 0, 0]] } });
    rewireOutputs(topology, 's', 'c');
    expect(topology).toEqual(nestedTopology({ class_name: 'Functional', config: { layers: diamond, output_layers: [['c', 0, 0]] } }));
  });

  it('leaves entries that are not lists alone', () => {
    const topology: Topology = { class_name: 'Model', config: { layers: [], output_layers: [null, 's', ['s', 0, 0]] } };
    rewireOutputs(topology, 's', 'b');
    expect(topology).toEqual({ class_name: 'Model', config: { layers: [], output_layers: [null, 's', ['b', 0, 0]] } });
  });

  it.each([
    { what: 'a TF.js Sequential topology', topology: { class_name: 'Sequential', config: { layers: [seq('s')] } } },
    { what: 'an old Keras Sequential topology', topology: nestedTopology({ class_name: 'Sequential', config: [seq('s')] }) },
    { what: 'output_layers that are not a list', topology: { class_name: 'Model', config: { layers: [], output_layers: 's' } } },
    { what: 'an array', topology: [['s', 0, 0]] as unknown as Topology },
  ])('changes nothing in $what', ({ topology }) => {
    const snapshot = structuredClone(topology);
    rewireOutputs(topology, 's', 'b');
    expect(topology).toEqual(snapshot);
  });
});

describe('outputLayerNames', () => {
  it.each([
    { what: 'a functional topology', topology: functionalTopology(), expected: ['s'] },
    {
      what: 'several outputs, in order, skipping malformed entries',
      topology: { class_name: 'Model', config: { layers: [], output_layers: [['b', 0, 0], null, 'c', [7, 0, 0], ['a', 0, 0]] } },
      expected: ['b', 'a'],
    },
    {
      what: 'a converter topology',
      topology: nestedTopology({ class_name: 'Functional', config: { layers: [], output_layers: [['o', 0, 0]] } }),
      expected: ['o'],
    },
    { what: 'a TF.js Sequential topology', topology: { class_name: 'Sequential', config: { layers: [seq('s')] } }, expected: [] },
    { what: 'an old Keras Sequential topology', topology: nestedTopology({ class_name: 'Sequential', config: [seq('s')] }), expected: [] },
    { what: 'output_layers that are not a list', topology: { class_name: 'Model', config: { layers: [], output_layers: 's' } }, expected: [] },
    { what: 'an array', topology: [['s', 0, 0]] as unknown as Topology, expected: [] },
  ])('$what', ({ topology, expected }) => {
    expect(outputLayerNames(topology)).toEqual(expected);
  });
});
