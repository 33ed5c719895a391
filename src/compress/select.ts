/**
 * Which weights get which quantized dtype, the way tensorflowjs_converter's `--quantize_{uint8,uint16,float16}`
 * flags choose: glob patterns (fnmatch: `*` crosses `/`) per dtype, one dtype may take every weight the others do
 * not name (the fallthrough, written `"*"`), and two dtypes naming one weight is an error.
 */
import { QUANTIZED_DTYPES, type QuantizedDtype } from '../dtypes.js';
import { CompressError, problem } from '../errors.js';

/** What a weight is stored as after quantization; `float32` means left as the source stored it. */
export type WeightTarget = QuantizedDtype | 'float32';

/**
 * The `quantize` setting: one dtype for every float32 weight (`"uint8"`), or patterns per dtype
 * (`{ uint8: "*", float16: ["conv1/*"] }`, where `"*"` or `true` marks the one fallthrough dtype).
 */
export type QuantizeSelection = QuantizedDtype | { readonly [D in QuantizedDtype]?: string | true | readonly string[] };

/** The resolved choice: weight name → target, plus warnings (patterns that matched nothing). */
export interface Selection {
  readonly targets: ReadonlyMap<string, QuantizedDtype>;
  readonly warnings: readonly string[];
}

/** fnmatch-style glob → RegExp: `*` any run, `?` one character, `[abc]` / `[!abc]` a class. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      // As Python's fnmatch: a leading `!` negates, a `]` first in the class is a member, a `^` is literal.
      let first = i + 1;
      if (pattern.charAt(first) === '!') first += 1;
      if (pattern.charAt(first) === ']') first += 1;
      const end = pattern.indexOf(']', first);
      if (end === -1) out += '\\[';
      else {
        const body = pattern.slice(i + 1, end);
        const negated = body.startsWith('!');
        const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
        out += `[${negated ? '^' : ''}${members}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

function isFallthrough(value: string | true | readonly string[]): boolean {
  if (value === true || value === '*') return true;
  return Array.isArray(value) && value.length === 1 && value[0] === '*';
}

/**
 * Resolves `selection` over the candidate weight names (float32 weights, in manifest order).
 * @throws CompressError when two dtypes are the fallthrough or two patterns of different dtypes match one weight.
 */
export function selectWeights(names: readonly string[], selection: QuantizeSelection): Selection {
  if (typeof selection === 'string') return { targets: new Map(names.map((n) => [n, selection])), warnings: [] };
  const targets = new Map<string, QuantizedDtype>();
  const matchedBy = new Map<string, string>();
  const warnings: string[] = [];
  let fallthrough: QuantizedDtype | undefined;
  for (const dtype of QUANTIZED_DTYPES) {
    const value = selection[dtype];
    if (value === undefined) continue;
    if (isFallthrough(value)) {
      if (fallthrough !== undefined) {
        throw new CompressError(problem('compress/quantize-two-fallthroughs', { fallthrough, dtype }));
      }
      fallthrough = dtype;
      continue;
    }
    const patterns = typeof value === 'string' ? [value] : value === true ? [] : value;
    for (const pattern of patterns) {
      const re = globToRegExp(pattern);
      let hits = 0;
      for (const name of names) {
        if (!re.test(name)) continue;
        hits++;
        const earlier = targets.get(name);
        if (earlier !== undefined && earlier !== dtype) {
          throw new CompressError(problem('compress/quantize-patterns-overlap', { name, earlier, earlierPattern: matchedBy.get(name) ?? '', dtype, pattern }));
        }
        targets.set(name, dtype);
        matchedBy.set(name, pattern);
      }
      if (hits === 0) warnings.push(`quantize: ${dtype} pattern "${pattern}" matches no float32 weight`);
    }
  }
  if (fallthrough !== undefined) {
    for (const name of names) if (!targets.has(name)) targets.set(name, fallthrough);
  }
  return { targets, warnings };
}
