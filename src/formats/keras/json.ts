/** A JSON value as parsed from a Keras config. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when it is an object. */
export function objectAt(value: Json | undefined, key: string): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const child = value[key];
  return isObject(child) ? child : undefined;
}

/** `value[key]` when it is a string. */
export function stringAt(value: Json | undefined, key: string): string | undefined {
  if (!isObject(value)) return undefined;
  const child = value[key];
  return typeof child === 'string' ? child : undefined;
}

/** `value[key]` when it is an array. */
export function arrayAt(value: Json | undefined, key: string): Json[] | undefined {
  if (!isObject(value)) return undefined;
  const child = value[key];
  return Array.isArray(child) ? child : undefined;
}

/** The layer list of a model config: `config.layers`, or `config` itself in the Keras ≤ 2.2 Sequential form. */
export function layersOf(model: Json | undefined): Json[] {
  if (!isObject(model)) return [];
  const config = model.config;
  if (Array.isArray(config)) return config;
  return arrayAt(config, 'layers') ?? [];
}
