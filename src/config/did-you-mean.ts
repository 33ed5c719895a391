import * as z from 'zod';

/** Keys the schema allows at `path` (an object, or any object inside a union there). */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  let candidates: z.ZodType[] = [root];
  for (const seg of path) {
    candidates = candidates.flatMap((schema) => objectsIn(schema)).flatMap((schema) => childOf(schema, seg));
  }
  const keys = new Set<string>();
  for (const schema of candidates.flatMap((s) => objectsIn(s))) {
    if (schema instanceof z.ZodObject) for (const key of Object.keys(schema.shape)) keys.add(key);
  }
  return [...keys];
}

/** The schemas a value at this node may be checked by, with wrappers and unions looked through. */
function objectsIn(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) {
    return objectsIn(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return objectsIn(schema.in as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap((o) => objectsIn(o));
  return [schema];
}

function childOf(schema: z.ZodType, seg: PropertyKey): z.ZodType[] {
  if (schema instanceof z.ZodObject && typeof seg === 'string') {
    const child = (schema.shape as Record<string, z.ZodType | undefined>)[seg];
    return child ? [child] : [];
  }
  if (schema instanceof z.ZodArray && typeof seg === 'number') return [schema.element as z.ZodType];
  if (schema instanceof z.ZodRecord) return [schema.valueType as z.ZodType];
  return [];
}

/** The closest known key within a small edit distance, if any. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
