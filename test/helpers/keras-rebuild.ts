/**
 * The Keras network of a Keras-exported SavedModel rebuilt as a TF.js layers model, with the checkpoint's variables:
 * a reference computed without the converter. The Keras config is read from the object graph's metadata (Keras
 * ≤ 2.4) or from `keras_metadata.pb` (Keras ≥ 2.5, a `SavedMetadata` message: nodes with `node_path` and `metadata`).
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import protobuf from 'protobufjs/light.js';
import { folderReader, openSavedModel } from '../../src/formats/savedmodel/load.js';

/** keras/protobuf/saved_metadata.proto, the fields read here. */
const SAVED_METADATA = protobuf.Root.fromJSON({
  nested: {
    SavedMetadata: { fields: { nodes: { rule: 'repeated', type: 'SavedObject', id: 1 } } },
    SavedObject: { fields: { nodePath: { type: 'string', id: 3 }, identifier: { type: 'string', id: 4 }, metadata: { type: 'string', id: 5 } } },
  },
}).lookupType('SavedMetadata');

/** Keras SavedModel metadata → a config tfjs layers reads: tuples as arrays, training-only regularizers dropped. */
function kerasConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(kerasConfig);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record['class_name'] === '__tuple__') return kerasConfig(record['items']);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, k.endsWith('_regularizer') ? null : kerasConfig(v)]));
  }
  return value;
}

async function rootMetadata(dir: string, objectGraphMetadata: string | undefined): Promise<string> {
  if (objectGraphMetadata !== undefined && objectGraphMetadata !== '') return objectGraphMetadata;
  const saved = SAVED_METADATA.toObject(SAVED_METADATA.decode(await readFile(join(dir, 'keras_metadata.pb')))) as {
    nodes: { nodePath: string; metadata: string }[];
  };
  const root = saved.nodes.find((n) => n.nodePath === 'root');
  if (root === undefined) throw new Error(`${dir}/keras_metadata.pb has no root node`);
  return root.metadata;
}

/**
 * Variable of the checkpoint for a TF.js layers weight: TF.js names an RNN cell's weights `<layer>/<weight>`, Keras
 * `<layer>/<cell>/<weight>`.
 */
function checkpointName(originalName: string, names: ReadonlySet<string>): string | undefined {
  if (names.has(originalName)) return originalName;
  const parts = originalName.split('/');
  const layer = parts[0] ?? '';
  const weight = parts.slice(1).join('/');
  return [...names].find((n) => n.startsWith(`${layer}/`) && n.endsWith(`/${weight}`) && n.split('/').length === parts.length + 1);
}

/** Every variable of the SavedModel folder `dir` by its Keras name (`dense/kernel`), as a float32 tensor. */
export async function checkpointVariables(dir: string): Promise<Map<string, tf.Tensor>> {
  const { metaGraph, bundle, checkpointKeys } = await openSavedModel(folderReader(dir), dir);
  const variables = new Map<string, tf.Tensor>();
  (metaGraph.objectGraphDef?.nodes ?? []).forEach((n, id) => {
    const key = checkpointKeys.get(id);
    if (n.variable?.name === undefined || key === undefined || bundle === undefined) return;
    const t = bundle.tensor(key);
    if (t.dtype === 'DT_FLOAT') variables.set(n.variable.name, tf.tensor(new Float32Array(t.bytes.slice().buffer), [...t.shape]));
  });
  return variables;
}

/** The Keras config of the SavedModel folder `dir` (the root object's metadata): class_name and config. */
export async function kerasModelConfig(
  dir: string,
): Promise<{ class_name: string; config: { layers?: { class_name: string; config: Record<string, unknown> }[] } }> {
  const { metaGraph } = await openSavedModel(folderReader(dir), dir);
  return JSON.parse(await rootMetadata(dir, metaGraph.objectGraphDef?.nodes[0]?.userObject?.metadata)) as {
    class_name: string;
    config: { layers?: { class_name: string; config: Record<string, unknown> }[] };
  };
}

/** The Keras network of the SavedModel folder `dir` as a TF.js layers model, with the checkpoint's variables. */
export async function kerasRebuild(dir: string): Promise<tf.LayersModel> {
  const metadata = await kerasModelConfig(dir);
  const model = await tf.models.modelFromJSON({ class_name: metadata.class_name, config: kerasConfig(metadata.config) } as unknown as Parameters<
    typeof tf.models.modelFromJSON
  >[0]);
  const variables = await checkpointVariables(dir);
  const names = new Set(variables.keys());
  model.setWeights(
    model.weights.map((w) => {
      const name = checkpointName(w.originalName, names);
      const value = name === undefined ? undefined : variables.get(name);
      if (value === undefined) throw new Error(`no checkpoint value for ${w.originalName}`);
      return value;
    }),
  );
  return model;
}

/**
 * The Keras Sequential GRU > Dense… network computed step by step with tfjs ops from the checkpoint's variables:
 * TF.js layers has no GRU with `reset_after` (Keras 2's default), so the formula is written out here (gates z, r, h;
 * recurrent bias applied before the reset gate).
 */
export async function gruSequential(dir: string, x: tf.Tensor3D): Promise<tf.Tensor> {
  const variables = await checkpointVariables(dir);
  const find = (layer: string, weight: string): tf.Tensor => {
    const entry = [...variables].find(([name]) => name.startsWith(`${layer}/`) && name.endsWith(`/${weight}`));
    if (entry === undefined) throw new Error(`no ${layer} ${weight}`);
    return entry[1];
  };
  let out: tf.Tensor = x;
  for (const layer of (await kerasModelConfig(dir)).config.layers ?? []) {
    const name = String(layer.config['name']);
    if (layer.class_name === 'GRU') {
      if (layer.config['reset_after'] !== true) throw new Error(`${name}: only reset_after GRUs are written out here`);
      const units = Number(layer.config['units']);
      const [kernel, recurrent, bias] = [find(name, 'kernel'), find(name, 'recurrent_kernel'), find(name, 'bias')];
      const [inputBias, recurrentBias] = tf.unstack(bias);
      let h: tf.Tensor = tf.zeros([x.shape[0], units]);
      for (const step of tf.unstack(x, 1)) {
        const [xz, xr, xh] = tf.split(tf.add(tf.matMul(step, kernel as tf.Tensor2D), inputBias as tf.Tensor), 3, 1);
        const [hz, hr, hh] = tf.split(tf.add(tf.matMul(h as tf.Tensor2D, recurrent as tf.Tensor2D), recurrentBias as tf.Tensor), 3, 1);
        const z = tf.sigmoid(tf.add(xz as tf.Tensor, hz as tf.Tensor));
        const r = tf.sigmoid(tf.add(xr as tf.Tensor, hr as tf.Tensor));
        const candidate = tf.tanh(tf.add(xh as tf.Tensor, tf.mul(r, hh as tf.Tensor)));
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
      }
      out = h;
    } else if (layer.class_name === 'Dense') {
      const y = tf.add(tf.matMul(out as tf.Tensor2D, find(name, 'kernel') as tf.Tensor2D), find(name, 'bias'));
      const activation = String(layer.config['activation']);
      if (activation !== 'relu' && activation !== 'linear') throw new Error(`activation ${activation}`);
      out = activation === 'relu' ? tf.relu(y) : y;
    } else if (layer.class_name !== 'InputLayer') throw new Error(`layer ${layer.class_name}`);
  }
  return out;
}
