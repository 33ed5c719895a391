import type { CatalogEntry } from '../../../src/errors.js';

type JsonSchema = { [key: string]: unknown };

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every key path the JSON Schema (generated from the zod schema) allows, as `models.budget.latency.p90`: list
 * indexes dropped, `*` for a map's own keys.
 */
export function schemaKeyPaths(schema: JsonSchema): Set<string> {
  const defs = isSchema(schema['$defs']) ? schema['$defs'] : {};
  const paths = new Set<string>();
  const walk = (node: unknown, path: string[], seen: ReadonlySet<unknown>): void => {
    if (!isSchema(node) || seen.has(node)) return;
    const next = new Set(seen).add(node);
    const ref = node['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#/$defs/')) walk(defs[ref.slice('#/$defs/'.length)], path, next);
    if (isSchema(node['properties'])) {
      for (const [key, child] of Object.entries(node['properties'])) {
        paths.add([...path, key].join('.'));
        walk(child, [...path, key], next);
      }
    }
    if (isSchema(node['additionalProperties'])) walk(node['additionalProperties'], [...path, '*'], next);
    if (isSchema(node['propertyNames']) || isSchema(node['patternProperties'])) paths.add([...path, '*'].join('.'));
    walk(node['items'], path, next);
    for (const list of ['anyOf', 'oneOf', 'allOf']) {
      const branches = node[list];
      if (Array.isArray(branches)) for (const branch of branches) walk(branch, path, next);
    }
  };
  walk(schema, [], new Set());
  return paths;
}

const FILE = /\.(json|bin|h5|hdf5|keras|pb|tflite|npy|jsonl|ya?ml|js|mjs|png|jpe?g|txt|md)$/i;
const KEY = /^[a-z][a-z0-9-]*(?:\[\d*\])?(?:\.[a-z0-9][a-z0-9-]*(?:\[\d*\])?)*$/;

/** `true` when `written` (`budget.size`, `models[0].output`) is a schema path or the end of one. */
function knownKey(written: string, keys: ReadonlySet<string>): boolean {
  const segments = written.replace(/\[\d*\]/g, '').split('.');
  for (const key of keys) {
    const have = key.split('.');
    if (have.length < segments.length) continue;
    const tail = have.slice(have.length - segments.length);
    if (tail.every((seg, i) => seg === segments[i] || (seg === '*' && i > 0))) return true;
  }
  return false;
}

/**
 * The keys a catalog entry names that the schema does not know. A key is a code span (`` `benchmark.timeout` `` or
 * `` `output: dist/net` ``) in the message or fix; a span followed by " input" or " (Action)" names an Action input
 * and must be one of `inputs`. File names (`model.json`) and commands are not keys. The example's keys are checked
 * by loading it.
 */
export function catalogKeyProblems(code: string, entry: CatalogEntry, keys: ReadonlySet<string>, inputs: readonly string[]): string[] {
  const problems: string[] = [];
  const roots = new Set(
    [...keys].map((key) => key.split('.')[0] ?? '').concat([...keys].filter((k) => k.startsWith('models.')).map((k) => k.split('.')[1] ?? '')),
  );
  for (const text of [entry.message, entry.fix ?? '']) {
    // Written without backticks, a dotted path that starts with a config key (`limits.model-size`) is one too.
    const prose = text.replace(/`[^`]*`/g, ' ');
    for (const match of prose.matchAll(/(?<![\w./-])([a-z][a-z0-9-]*)((?:\.[a-z][a-z0-9-]*)+)(?![\w/(])/g)) {
      const key = `${match[1] ?? ''}${match[2] ?? ''}`;
      if (roots.has(match[1] ?? '') && !FILE.test(key) && !knownKey(key, keys)) problems.push(`${code}: config key "${key}" does not exist`);
    }
    for (const match of text.matchAll(/`([^`]+)`/g)) {
      const span = match[1] ?? '';
      // Inputs of another tool's step (`actions/checkout` with `fetch-depth: 0`) are not ours.
      const start = match.index ?? 0;
      const clause = `${
        text
          .slice(0, start)
          .split(/[.;:]\s/)
          .at(-1) ?? ''
      }${text.slice(start + match[0].length).split(/[.;:]\s/)[0] ?? ''}`;
      if (/actions\/checkout/.test(clause) && !/actions\/checkout/.test(span)) continue;
      const key = (span.split(':')[0] ?? '').trim();
      if (!KEY.test(key) || FILE.test(key) || (!span.includes(':') && !key.includes('.') && !span.includes('['))) {
        // A lone word in backticks is a key only when it is written as one (`key: value`); a dotted path always is.
        if (!(KEY.test(key) && !FILE.test(key) && /^ (input|\(Action\))/.test(text.slice((match.index ?? 0) + match[0].length)))) continue;
      }
      const after = text.slice((match.index ?? 0) + match[0].length);
      if (/^ (input|\(Action\))/.test(after)) {
        if (!inputs.includes(key)) problems.push(`${code}: Action input "${key}" does not exist`);
      } else if (!knownKey(key, keys)) {
        problems.push(`${code}: config key "${key}" does not exist`);
      }
    }
  }
  return problems;
}
