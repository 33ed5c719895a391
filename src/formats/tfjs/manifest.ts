import type { io } from '@tensorflow/tfjs';
import { ModelLoadError, problem } from '../../errors.js';
import { parseLfsPointer } from '../../model/lfs.js';
import { bytesPerValue, isQuantizedDtype, QUANTIZED_DTYPES, WEIGHT_DTYPES } from '../../dtypes.js';
import type { TfjsFlavour } from '../../model/types.js';
import type { StoredWeight } from '../types.js';

/** Largest element count accepted for one tensor (2^28 float32 = 1 GiB); anything bigger is not a real model. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;
/** Largest rank accepted. */
const MAX_RANK = 12;

/** model.json, validated. */
export interface ModelJson {
  readonly modelTopology: object;
  readonly format: TfjsFlavour;
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly io.WeightsManifestEntry[] }[];
  /** Everything else model.json carries (signature, generatedBy, userDefinedMetadata, …), kept as is. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/**
 * Checks the structure of a parsed model.json before anything is allocated: topology kind, weight specs (names,
 * dtypes, shapes with bounded element counts) and shard paths that cannot leave the model's folder.
 */
export function validateModelJson(json: unknown, file: string): ModelJson {
  const fail = (message: string): never => {
    throw new ModelLoadError(problem('model/manifest-invalid', { file, message }), { file });
  };
  if (Array.isArray(json) && json.every((g) => g !== null && typeof g === 'object' && 'paths' in g && 'weights' in g)) {
    fail('is not a model, a weights manifest: it lists weight files but has no `modelTopology`. Point `path` at the model.json that references it');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('is not a TF.js model.json (expected a JSON object)');
  const obj = json as Record<string, unknown>;
  const { modelTopology, weightsManifest, format: _declared, ...extra } = obj;

  if (modelTopology === undefined || modelTopology === null) {
    if (Array.isArray(weightsManifest) || Array.isArray(obj['paths'])) {
      fail('is not a model, a weights manifest: it has weights but no `modelTopology`. Point `path` at the model.json that references it');
    }
    fail('has no `modelTopology`: not a TF.js model.json');
  }
  if (typeof modelTopology !== 'object' || Array.isArray(modelTopology)) fail('`modelTopology` must be an object');
  const format = detectFlavour(modelTopology as Record<string, unknown>, fail);

  const groups = weightsManifest === undefined ? [] : weightsManifest;
  if (!Array.isArray(groups)) fail('`weightsManifest` must be a list of { paths, weights } groups');
  const seenNames = new Set<string>();
  const manifest = (groups as unknown[]).map((group, g) => {
    if (group === null || typeof group !== 'object') fail(`weightsManifest[${g}] must be an object with paths and weights`);
    const { paths, weights } = group as Record<string, unknown>;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) fail(`weightsManifest[${g}].paths must be a list of file names`);
    if (!Array.isArray(weights)) fail(`weightsManifest[${g}].weights must be a list`);
    for (const p of paths as string[]) checkShardPath(p, fail);
    const specs = (weights as unknown[]).map((w, i) => checkSpec(w, `weightsManifest[${g}].weights[${i}]`, fail));
    for (const spec of specs) {
      if (seenNames.has(spec.name)) fail(`weight "${spec.name}" appears twice in the manifest`);
      seenNames.add(spec.name);
    }
    return { paths: paths as string[], weights: specs };
  });
  return { modelTopology: modelTopology as object, format, weightsManifest: manifest, extra };
}

function detectFlavour(topology: Record<string, unknown>, fail: (m: string) => never): TfjsFlavour {
  // Real files often carry no `format` (or a wrong one), so the topology decides: a GraphDef has `node`, a
  // layers model has a Keras model config.
  if (Array.isArray(topology['node'])) return 'graph';
  if ('model_config' in topology || ('class_name' in topology && 'config' in topology)) return 'layers';
  return fail('`modelTopology` is neither a Keras model config (layers model) nor a GraphDef with `node` (graph model)');
}

/** Shard paths are plain relative file names inside the model's folder: no `..`, no absolute path, no URL. */
export function checkShardPath(path: string, fail: (m: string) => never): void {
  const segments = path.split(/[\\/]/);
  if (path === '' || path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
    fail(`shard path "${path}" is absolute or a URL; shards must be relative paths inside the model's folder`);
  }
  if (segments.some((s) => s === '..')) fail(`shard path "${path}" leaves the model's folder ("..")`);
  if (path.includes('\0')) fail(`shard path ${JSON.stringify(path)} contains a NUL byte`);
}

function checkSpec(value: unknown, where: string, fail: (m: string) => never): io.WeightsManifestEntry {
  if (value === null || typeof value !== 'object') fail(`${where} must be an object with name, shape and dtype`);
  const spec = value as Record<string, unknown>;
  const name = spec['name'];
  if (typeof name !== 'string' || name === '') fail(`${where}.name must be a non-empty string`);
  const label = `weight "${String(name)}"`;
  const dtype = spec['dtype'];
  if (typeof dtype !== 'string' || !(WEIGHT_DTYPES as readonly string[]).includes(dtype)) {
    fail(`${label} has unknown dtype ${JSON.stringify(dtype)} (known: ${WEIGHT_DTYPES.join(', ')})`);
  }
  const shape = spec['shape'];
  if (!Array.isArray(shape) || shape.length > MAX_RANK) fail(`${label} has no valid shape (a list of at most ${MAX_RANK} sizes)`);
  let elements = 1;
  for (const dim of shape as unknown[]) {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0) {
      fail(`${label} has shape ${JSON.stringify(shape)}: every dimension must be a non-negative integer`);
    }
    elements *= dim;
    if (elements > MAX_TENSOR_ELEMENTS) fail(`${label} has shape ${JSON.stringify(shape)}: over ${MAX_TENSOR_ELEMENTS} elements, refused`);
  }
  const quantization = spec['quantization'];
  if (quantization !== undefined) {
    const q = quantization as Record<string, unknown> | null;
    const qd = q?.['dtype'];
    if (typeof qd !== 'string' || !isQuantizedDtype(qd)) {
      fail(`${label} has unknown quantization dtype ${JSON.stringify(qd)} (known: ${QUANTIZED_DTYPES.join(', ')})`);
    }
    if (qd !== 'float16' && (!Number.isFinite(q?.['scale']) || !Number.isFinite(q?.['min']))) {
      fail(`${label} is ${String(qd)}-quantized but its quantization has no finite min and scale`);
    }
    if (dtype !== 'float32' && dtype !== 'int32') fail(`${label}: only float32/int32 weights can be quantized, not ${String(dtype)}`);
  }
  return value as io.WeightsManifestEntry;
}

/** The manifest's weights with their storage dtype and bytes (strings count 0: their length is in the data). */
export function storedWeights(specs: readonly io.WeightsManifestEntry[]): StoredWeight[] {
  return specs.map((spec) => ({ name: spec.name, shape: [...spec.shape], dtype: spec.quantization?.dtype ?? spec.dtype, bytes: specBytes(spec) ?? 0 }));
}

/** Bytes a weight occupies in its shard, or `undefined` for strings (variable length). */
export function specBytes(spec: io.WeightsManifestEntry): number | undefined {
  if (spec.dtype === 'string') return undefined;
  const storage = spec.quantization?.dtype ?? spec.dtype;
  const size = bytesPerValue(storage) ?? 4;
  return spec.shape.reduce((a, b) => a * b, 1) * size;
}

/**
 * Bytes a group of weights occupies in `data` starting at `offset`, walking string tensors' length prefixes with
 * bounds checks. Returns `undefined` when the data is too short for what the manifest says.
 */
export function groupBytes(specs: readonly io.WeightsManifestEntry[], data: Uint8Array, offset = 0): number | undefined {
  let at = offset;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (const spec of specs) {
    const fixed = specBytes(spec);
    if (fixed !== undefined) {
      at += fixed;
      continue;
    }
    const count = spec.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < count; i++) {
      if (at + 4 > data.byteLength) return undefined;
      at += 4 + view.getUint32(at, true);
      // The string's bytes must be there too, not only its length prefix.
      if (at > data.byteLength) return undefined;
    }
  }
  return at - offset;
}

/**
 * The weight groups of model.json bytes as written, unvalidated (`[]` when there is no `weightsManifest` array), or
 * `undefined` when the bytes are a Git LFS pointer or not JSON. For the readers that only need the shard names
 * (a base commit's snapshot, LFS sizes) and must not refuse what the loader would report.
 */
export function weightGroupsOf(bytes: Uint8Array): readonly unknown[] | undefined {
  if (parseLfsPointer(bytes)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  const groups = isRecord(doc) ? doc['weightsManifest'] : undefined;
  return Array.isArray(groups) ? (groups as unknown[]) : [];
}

/** The `paths` a weight group lists, as written (`[]` for a group that is not an object or has no `paths` array). */
export function groupPathsOf(group: unknown): readonly unknown[] {
  const paths = isRecord(group) ? group['paths'] : undefined;
  return Array.isArray(paths) ? (paths as unknown[]) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
