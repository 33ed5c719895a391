import * as tf from '@tensorflow/tfjs';
import { ModelLoadError, problem } from '../../errors.js';
import { type Json, isObject, layersOf, objectAt, stringAt } from './json.js';

/** Container classes whose `config.layers` hold more layers. */
const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

interface Placement {
  readonly className: string;
  readonly where: string;
}

/**
 * Refuses a model config tfjs-layers cannot rebuild, naming every offending layer at once: a subclassed model (its
 * architecture lives in Python code), `Lambda` layers (arbitrary Python, never executed, never dropped), and any class
 * neither tfjs-layers nor a `customLayers` module registered.
 */
export function checkLayerClasses(modelConfig: Json, file: string): void {
  const topClass = stringAt(modelConfig, 'class_name') ?? '(none)';
  if (!MODEL_CLASSES.has(topClass) && !isRegistered(topClass)) {
    throw new ModelLoadError(problem('keras/subclassed-model', { file, topClass, registered: registeredName(modelConfig) }), { file });
  }
  const found: Placement[] = [];
  walk(modelConfig, stringAt(objectAt(modelConfig, 'config'), 'name') ?? topClass, found);
  const lambdas = found.filter((p) => p.className === 'Lambda');
  const unknown = found.filter((p) => p.className !== 'Lambda');
  if (lambdas.length === 0 && unknown.length === 0) return;
  const lines: string[] = [];
  if (lambdas.length > 0) {
    lines.push(
      `Lambda layers hold Python code, which is never run or dropped: ${lambdas.map((p) => p.where).join(', ')}. ` +
        'Replace each with a built-in layer or a custom layer class registered through customLayers.',
    );
  }
  if (unknown.length > 0) {
    lines.push(
      `layer classes TF.js does not know: ${unknown.map((p) => `${p.className} (${p.where})`).join(', ')}. ` +
        'Replace them with supported layers (see docs/keras.md) or register them through customLayers.',
    );
  }
  throw new ModelLoadError(problem('keras/unsupported-layers', { file, lines: lines.join('\n') }), { file });
}

function registeredName(config: Json): string {
  const name = stringAt(config, 'registered_name');
  return name ? `, registered as "${name}"` : '';
}

function isRegistered(className: string): boolean {
  const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, unknown>;
  return Object.prototype.hasOwnProperty.call(map, className);
}

function walk(layer: Json, where: string, found: Placement[]): void {
  for (const child of layersOf(layer)) {
    const className = stringAt(child, 'class_name') ?? '(no class_name)';
    const name = stringAt(objectAt(child, 'config'), 'name') ?? stringAt(child, 'name') ?? '?';
    const path = `${where} > ${name}`;
    if (className === 'Lambda' || !isRegistered(className)) found.push({ className, where: `layer "${path}"` });
    else visitNested(child, path, found);
  }
}

/** Wrappers (Bidirectional, TimeDistributed), RNN cells and nested models carry layers of their own. */
function visitNested(layer: Json, path: string, found: Placement[]): void {
  const className = stringAt(layer, 'class_name') ?? '';
  if (MODEL_CLASSES.has(className)) {
    walk(layer, path, found);
    return;
  }
  const config = objectAt(layer, 'config');
  for (const key of ['layer', 'cell', 'forward_layer', 'backward_layer']) {
    const inner = config?.[key];
    const cells = Array.isArray(inner) ? inner : [inner];
    for (const cell of cells) {
      if (!isObject(cell)) continue;
      const innerClass = stringAt(cell, 'class_name') ?? '(no class_name)';
      const innerPath = `${path} > ${key}`;
      if (innerClass === 'Lambda' || !isRegistered(innerClass)) found.push({ className: innerClass, where: `layer "${innerPath}"` });
      else visitNested(cell, innerPath, found);
    }
  }
}
