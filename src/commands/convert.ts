/**
 * `model-budget convert <in.h5|in.keras|model.json|saved_model_dir> <out-dir>`: writes a TF.js layers model (Keras
 * input) or graph model (SavedModel input) as model.json + `group1-shardNofM.bin`, optionally quantized — a
 * TypeScript replacement for `tensorflowjs_converter`'s Keras and SavedModel paths.
 */
import { resolve } from 'node:path';
import { quantizeWeights } from '../compress/quantize.js';
import { isQuantizedDtype, QUANTIZED_DTYPES, type QuantizedDtype } from '../dtypes.js';
import { parseSize } from '../config/units.js';
import { formatBytes } from '../format.js';
import { problem, UsageError } from '../errors.js';
import { detectFormat } from '../formats/index.js';
import { DEFAULT_SHARD_BYTES, saveModel } from '../formats/tfjs/save.js';
import { plainNote } from '../note.js';
import { parseCommandArgs, stringOption } from './args.js';
import { EXIT, type CommandIO } from './types.js';

const USAGE = `Usage: model-budget convert <in.h5|in.keras|model.json|saved_model_dir> <out-dir>
  [--signature NAME]                SavedModel signature to convert (default serving_default)
  [--quantize float16|uint8|uint16]  store every float32 weight in this dtype (as the converter's --quantize_*)
  [--shard-size 4MiB]               bytes per weight file (default 4 MiB, the converter's default; MB = 1000²)
  [--custom-layers module.js]       ES module that registers custom layer classes (tf.serialization.registerClass)
`;

function quantizeOption(raw: string | undefined): QuantizedDtype | undefined {
  if (raw === undefined) return undefined;
  if (isQuantizedDtype(raw)) return raw;
  throw new UsageError(problem('cli/bad-flag-value', { flag: 'quantize', expected: `one of ${QUANTIZED_DTYPES.join(', ')}`, value: raw }));
}

function shardOption(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_SHARD_BYTES;
  const parsed = parseSize(/^\s*\d+\s*$/.test(raw) ? Number(raw) : raw);
  if (!parsed.ok || parsed.value < 1) {
    throw new UsageError(problem('cli/bad-number', { flag: 'shard-size', expected: parsed.ok ? 'at least 1 byte' : parsed.expected, value: raw }));
  }
  return parsed.value;
}

/** Runs `convert`; returns 0, or throws a ModelBudgetError (the CLI maps it to exit 2). */
export async function convertCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    quantize: { type: 'string' },
    'shard-size': { type: 'string' },
    'custom-layers': { type: 'string' },
    signature: { type: 'string' },
  });
  if (parsed.values.help === true) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const [input, outDir, ...extra] = parsed.positionals;
  if (input === undefined || outDir === undefined || extra.length > 0) {
    throw new UsageError(problem('cli/convert-arguments', { usage: USAGE }));
  }
  const dtype = quantizeOption(stringOption(parsed, 'quantize'));
  const shardBytes = shardOption(stringOption(parsed, 'shard-size'));
  const customLayers = stringOption(parsed, 'custom-layers');
  const signature = stringOption(parsed, 'signature');
  const inputPath = resolve(io.cwd, input);
  const format = await detectFormat(inputPath);
  if (signature !== undefined && format.hasSignatures !== true) throw new UsageError(problem('cli/signature-not-savedmodel', { input }));
  const model = await format.load(inputPath, {
    ...(customLayers === undefined ? {} : { customLayers: resolve(io.cwd, customLayers) }),
    ...(signature === undefined ? {} : { signature }),
  });
  for (const note of model.notes ?? []) io.stderr(`note: ${plainNote(note)}\n`);
  if (model.format === 'tflite') throw new UsageError(problem('cli/convert-tflite', { input }));
  let artifacts = model.artifacts;
  if (dtype !== undefined) {
    const result = quantizeWeights(artifacts, { dtypes: dtype });
    for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
    artifacts = result.artifacts;
  }
  const files = await saveModel({ artifacts, format: model.format }, resolve(io.cwd, outDir), { shardBytes });
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  io.stdout(
    `converted ${input} (${model.sourceKind}) → ${outDir}: ${files.length} file(s), ${formatBytes(total)}` +
      `${dtype === undefined ? '' : `, weights ${dtype}`}\n` +
      files.map((f) => `  ${f.path} ${formatBytes(f.bytes)}\n`).join(''),
  );
  return EXIT.ok;
}
