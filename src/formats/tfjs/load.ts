import type { io } from '@tensorflow/tfjs';
import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { errorMessage, ModelLoadError, problem } from '../../errors.js';
import { DEFAULT_MAX_MODEL_BYTES } from '../../limits.js';
import { BUILD_SLACK_PARAMS, modelConfigOf, modelParams } from './declared-params.js';
import { lfsPointerError, refuseLfsPointer } from '../../model/lfs-pointer.js';
import { groupBytes, specBytes, validateModelJson, type ModelJson } from './manifest.js';
import { notReadable, readRegularFile } from '../../model/read-file.js';
import type { TfjsLoadedModel, ModelFile } from '../../model/types.js';

/** model.json files larger than this are refused before parsing (the largest real graph JSON we know is ~1 MB). */
const MAX_MODEL_JSON_BYTES = 256 * 1024 * 1024;

/** Loads a TF.js layers or graph model (model.json + shards), reading at most `maxBytes` in all. */
export async function loadTfjsModel(path: string, maxBytes: number = DEFAULT_MAX_MODEL_BYTES): Promise<TfjsLoadedModel> {
  const refuse = (reason: string, cause?: unknown): ModelLoadError =>
    new ModelLoadError(problem('model/unreadable', { path, reason }), { file: path, ...(cause === undefined ? {} : { cause }) });
  const bytes = await readRegularFile(path, Math.min(MAX_MODEL_JSON_BYTES, maxBytes), refuse);
  const info = { size: bytes.byteLength };
  const pointer = lfsPointerError(bytes, path);
  if (pointer) throw pointer;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    // V8's message quotes the text; a hostile path (a secret file) must not be echoed, so only the position is kept.
    const position = /position (\d+)/.exec(errorMessage(error))?.[1];
    throw new ModelLoadError(problem('model/not-json', { path, at: position === undefined ? '' : ` (at byte ${position})` }), {
      file: path,
    });
  }
  const model = validateModelJson(json, path);
  if (model.format === 'layers') checkDeclaredParams(model, path, maxBytes);
  const { weightData, shards } = await readShards(model, path, maxBytes, info.size);
  const artifacts: io.ModelArtifacts = {
    ...(model.extra as Partial<io.ModelArtifacts>),
    modelTopology: model.modelTopology,
    format: model.format === 'graph' ? 'graph-model' : 'layers-model',
    weightSpecs: model.weightsManifest.flatMap((g) => g.weights),
    weightData,
  };
  return { format: model.format, artifacts, path, sourceKind: 'tfjs', files: [{ path, bytes: info.size, role: 'manifest' }, ...shards] };
}

/**
 * Refuses a layers model whose config declares more parameters than its manifest holds, or than `maxBytes` allows
 * as float32, before anything builds it: tfjs allocates every variable of a layer when it builds it.
 */
function checkDeclaredParams(model: ModelJson, path: string, maxBytes: number): void {
  const declared = modelParams(modelConfigOf(model.modelTopology));
  const held = model.weightsManifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  if (declared <= held + BUILD_SLACK_PARAMS && declared * 4 <= maxBytes) return;
  throw new ModelLoadError(
    declared > held + BUILD_SLACK_PARAMS
      ? problem('model/params-disagree', { path, declared: Math.round(declared).toLocaleString('en-US'), held: held.toLocaleString('en-US') })
      : problem('model/params-over-limit', {
          path,
          declared: Math.round(declared).toLocaleString('en-US'),
          bytes: Math.round(declared * 4).toLocaleString('en-US'),
          limit: maxBytes.toLocaleString('en-US'),
        }),
    { file: path },
  );
}

async function readShards(model: ModelJson, path: string, maxBytes: number, jsonBytes: number): Promise<{ weightData: ArrayBuffer; shards: ModelFile[] }> {
  const dir = dirname(path);
  const realDir = await realpath(dir);
  const shards: ModelFile[] = [];
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const [g, group] of model.weightsManifest.entries()) {
    const files: { path: string; bytes: number; name: string }[] = [];
    for (const name of group.paths) {
      const file = join(dir, name);
      const shard = await checkShardFile(file, name, realDir, path);
      await refuseLfsPointer(shard.path, shard.bytes, path);
      files.push({ ...shard, name });
    }
    const groupTotal = files.reduce((a, f) => a + f.bytes, 0);
    total += groupTotal;
    if (jsonBytes + total > maxBytes) {
      throw new ModelLoadError(
        problem('model/over-size-limit', { path, bytes: (jsonBytes + total).toLocaleString('en-US'), limit: maxBytes.toLocaleString('en-US') }),
        { file: path },
      );
    }
    // Fixed-size weights can be checked before reading; string tensors need the bytes.
    const fixed = group.weights.every((w) => specBytes(w) !== undefined) ? group.weights.reduce((a, w) => a + (specBytes(w) ?? 0), 0) : undefined;
    if (fixed !== undefined && fixed !== groupTotal) throw shardSizeError(path, g, files, groupTotal, fixed);
    const data = new Uint8Array(groupTotal);
    let at = 0;
    for (const f of files) {
      const bytes = await readRegularFile(
        f.path,
        f.bytes,
        (reason) => new ModelLoadError(problem('model/shard-unreadable', { name: f.name, path, reason }), { file: path }),
      );
      data.set(bytes, at);
      at += bytes.byteLength;
    }
    if (fixed === undefined) {
      const needed = groupBytes(group.weights, data);
      if (needed === undefined || needed !== groupTotal) throw shardSizeError(path, g, files, groupTotal, needed);
    }
    parts.push(data);
    shards.push(...files.map((f) => ({ path: f.path, bytes: f.bytes, role: 'weights' as const })));
  }
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    weightData.set(part, at);
    at += part.byteLength;
  }
  return { weightData: weightData.buffer, shards };
}

async function checkShardFile(file: string, name: string, realDir: string, modelPath: string): Promise<{ path: string; bytes: number }> {
  let real: string;
  try {
    await lstat(file);
    real = await realpath(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ModelLoadError(problem('model/shard-listed-missing', { name, modelPath, file }), {
        file: modelPath,
        cause: error,
      });
    }
    throw notReadable(file, error);
  }
  const rel = relative(realDir, real);
  if (rel.startsWith('..') || rel.startsWith(sep) || rel === '') {
    throw new ModelLoadError(problem('model/shard-resolves-outside', { name, modelPath, real }), {
      file: modelPath,
    });
  }
  const info = await stat(real);
  if (!info.isFile()) throw new ModelLoadError(problem('model/shard-not-file', { name, modelPath }), { file: modelPath });
  return { path: file, bytes: info.size };
}

function shardSizeError(
  path: string,
  group: number,
  files: readonly { name: string; bytes: number }[],
  have: number,
  need: number | undefined,
): ModelLoadError {
  const names = files.map((f) => `"${f.name}" (${f.bytes.toLocaleString('en-US')} bytes)`).join(', ');
  const detail =
    need === undefined
      ? 'too short for the string weights the manifest lists'
      : have < need
        ? `${(need - have).toLocaleString('en-US')} bytes short: the manifest needs ${need.toLocaleString('en-US')}`
        : `${(have - need).toLocaleString('en-US')} bytes too long: the manifest needs ${need.toLocaleString('en-US')}`;
  return new ModelLoadError(problem('model/weight-group-size', { path, group: group + 1, bytes: have.toLocaleString('en-US'), names, detail }), { file: path });
}
