/**
 * `model-budget compare <baseline> <candidate>`: interleaved A/B latency of two models in one process, with the
 * ratio of medians, its bootstrap confidence interval and a verdict, each model's download size, and how closely
 * their outputs agree on the same inputs. The two may be of two formats (a TF.js model and its `.tflite`
 * conversion): each runs on its own runtime, which answers "should this model move to LiteRT" with numbers.
 * Exit 1 only for `slower`.
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parsePercent } from '../config/units.js';
import { problem, UsageError } from '../errors.js';
import { formatBytes, formatMs, formatPercent } from '../format.js';
import { compareModels, type ModelComparison } from '../measure/latency/benchmark.js';
import type { LatencySummary } from '../measure/stats.js';
import { RUNTIME_NAMES, selectRuntime, type RuntimeName } from '../runtimes/index.js';
import { formatOf, loadModel } from '../formats/index.js';
import { measureSizes, type SizeMeasurement } from '../measure/size.js';
import { parseCommandArgs, stringOption } from './args.js';
import { EXIT, type CommandIO } from './types.js';

const USAGE = `Usage: model-budget compare <baseline-model> <candidate-model>   (model.json, .h5/.keras, SavedModel folder, .tflite)
  [--runtime wasm|cpu|tensorflow|tensorflow-gpu|webgpu|auto] (default wasm; a .tflite model always runs on litert)
  [--max-increase 10%]   allowed slowdown; exit 1 only when the whole 95% interval is above it
  [--quantile 50]        percentile compared: 50 = ratio of medians; 25 resists a busy machine better
  [--seed N]             seed of the run order, bootstrap and inputs (default 1)
  [--runs N]             timed rounds at least (default 64)
  [--min-seconds S]      timed phase lasts at least S seconds (default 1)
  [--max-seconds S]      cap on the timed phase (default 30)
  [--json out.json]      write { schemaVersion, verdict, latency: { ratio, ci, verdict }, ... }
`;

function numberOption(raw: string | undefined, name: string, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(problem('cli/bad-number', { flag: name, expected: integer ? 'a whole number' : 'a number', value: raw }));
  }
  return value;
}

function thresholdOption(raw: string | undefined): number {
  if (raw === undefined) return 0.1;
  const parsed = parsePercent(/^\s*[\d.]+\s*$/.test(raw) ? Number(raw) : raw);
  if (!parsed.ok) throw new UsageError(problem('cli/bad-number', { flag: 'max-increase', expected: parsed.expected, value: raw }));
  return parsed.value;
}

function runtimeOption(raw: string | undefined): RuntimeName {
  if (raw === undefined) return 'wasm';
  if (raw === 'auto' || (RUNTIME_NAMES as readonly string[]).includes(raw)) return raw as RuntimeName;
  throw new UsageError(problem('cli/bad-flag-value', { flag: 'runtime', expected: `one of auto, ${RUNTIME_NAMES.join(', ')}`, value: raw }));
}

const quantileLabel = (q: number): string => (q === 50 ? 'medians' : `p${q}s`);
const pct = (ratio: number): string => `${ratio >= 1 ? '+' : ''}${formatPercent(ratio - 1)}`;

/** Download size of each side (raw and gzip -9), as `check` measures it. */
export interface ComparedSizes {
  readonly baseline: SizeMeasurement;
  readonly candidate: SizeMeasurement;
}

const runtimeLine = (r: ModelComparison['runtime']): string =>
  `${r.name} ${r.version}${r.name === 'litert' ? ` (${r.backend} build)` : ''}, ${r.threads} thread(s)`;

/** The A/B table and verdict as plain text. */
export function renderComparison(result: ModelComparison, names: { baseline: string; candidate: string }, sizes?: ComparedSizes): string {
  const { comparison: c, runtime, runtimes } = result;
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const rows: [string, (s: LatencySummary) => string][] = [
    ['p50', (s) => formatMs(s.p50)],
    ['p90', (s) => formatMs(s.p90)],
    ['p95', (s) => formatMs(s.p95)],
    ['min', (s) => formatMs(s.min)],
    ['mean ± std', (s) => `${formatMs(s.mean)} ± ${formatMs(s.std)}`],
    ['CV', (s) => formatPercent(s.cv)],
  ];
  const table = [
    `| | baseline | candidate |`,
    `|---|---:|---:|`,
    ...(sizes
      ? [
          `| size | ${formatBytes(sizes.baseline.bytes)} | ${formatBytes(sizes.candidate.bytes)} |`,
          `| gzip size | ${formatBytes(sizes.baseline.gzipBytes ?? 0)} | ${formatBytes(sizes.candidate.gzipBytes ?? 0)} |`,
        ]
      : []),
    ...(runtimes.baseline.name === runtimes.candidate.name ? [] : [`| runtime | ${runtimeLine(runtimes.baseline)} | ${runtimeLine(runtimes.candidate)} |`]),
    `| load | ${formatMs(result.loadMs.baseline)} | ${formatMs(result.loadMs.candidate)} |`,
    ...rows.map(([label, f]) => `| ${label} | ${f(result.baseline)} | ${f(result.candidate)} |`),
  ];
  const band = `${pct(1 / (1 + c.threshold))} … ${pct(1 + c.threshold)}`;
  return [
    `baseline:  ${names.baseline}`,
    `candidate: ${names.candidate}`,
    `${runtimes.baseline.name === runtimes.candidate.name ? `runtime ${runtimeLine(runtime)}` : 'runtimes in the table'}, ${cpu}, ${cpus().length} cores; ` +
      `${result.rounds} interleaved rounds, seed ${result.seed}` +
      (result.stoppedBy === 'max-seconds' ? ' (stopped by --max-seconds)' : ''),
    '',
    ...table,
    '',
    `ratio of ${quantileLabel(result.quantile)} ${c.ratio.toFixed(3)} (${pct(c.ratio)}), ${Math.round(c.confidence * 100)}% CI ` +
      `[${c.ci[0].toFixed(3)}, ${c.ci[1].toFixed(3)}]`,
    `verdict: ${c.verdict} (no-change band ${band})`,
    ...(c.verdict === 'inconclusive' ? ['the interval straddles the band edge: the runs cannot tell; run longer (--min-seconds) or on a quieter machine'] : []),
    ...agreementLines(result.agreement),
    ...result.warnings.map((w) => `warning: ${w}`),
    '',
  ].join('\n');
}

/** The outputs compared on the same inputs, one line per pair. */
function agreementLines(agreement: ModelComparison['agreement']): string[] {
  if (agreement === undefined) return [];
  if (typeof agreement === 'string') return ['', `outputs: not compared: ${agreement}`];
  return [
    '',
    'outputs on the same inputs (seeded synthetic):',
    ...agreement.pairs.map(
      (p) =>
        `  ${p.baseline} ↔ ${p.candidate} (${p.elements.toLocaleString('en-US')} values): max abs diff ${p.maxAbsDiff.toPrecision(3)}` +
        (p.cosine === undefined ? '' : `, cosine ${p.cosine.toFixed(6)}`),
    ),
    ...(agreement.unmatched.length > 0 ? [`  without a partner: ${agreement.unmatched.join(', ')}`] : []),
  ];
}

/** `model-budget compare`; returns 1 only when the candidate is `slower` beyond `--max-increase`. */
export async function compareCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    runtime: { type: 'string' },
    json: { type: 'string' },
    'max-increase': { type: 'string' },
    seed: { type: 'string' },
    quantile: { type: 'string' },
    runs: { type: 'string' },
    'min-seconds': { type: 'string' },
    'max-seconds': { type: 'string' },
  });
  if (parsed.values['help']) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const [baselinePath, candidatePath, ...extra] = parsed.positionals;
  if (baselinePath === undefined || candidatePath === undefined || extra.length > 0) {
    throw new UsageError(problem('cli/compare-arguments', { count: parsed.positionals.length, usage: USAGE }));
  }
  const threshold = thresholdOption(stringOption(parsed, 'max-increase'));
  const seed = numberOption(stringOption(parsed, 'seed'), 'seed', true) ?? 1;
  const minRuns = numberOption(stringOption(parsed, 'runs'), 'runs', true);
  const minSeconds = numberOption(stringOption(parsed, 'min-seconds'), 'min-seconds', false);
  const maxSeconds = numberOption(stringOption(parsed, 'max-seconds'), 'max-seconds', false);
  const quantile = numberOption(stringOption(parsed, 'quantile'), 'quantile', false);
  if (quantile !== undefined && !(quantile > 0 && quantile < 100)) {
    throw new UsageError(problem('cli/bad-percentile', { value: quantile }));
  }
  const runtime = runtimeOption(stringOption(parsed, 'runtime'));

  await selectRuntime(runtime, { cwd: io.cwd });
  const baseline = await loadModel(resolve(io.cwd, baselinePath));
  const candidate = await loadModel(resolve(io.cwd, candidatePath));
  io.stderr(`comparing on ${runtime}…\n`);
  const result = await compareModels(baseline, candidate, {
    seed,
    threshold,
    against: 'base',
    pinned: runtime !== 'auto',
    agreement: true,
    ...(minRuns === undefined ? {} : { minRuns }),
    ...(quantile === undefined ? {} : { quantile }),
    // The flags are in seconds, the options in milliseconds.
    ...(minSeconds === undefined ? {} : { minMs: minSeconds * 1000 }),
    ...(maxSeconds === undefined ? {} : { maxMs: maxSeconds * 1000 }),
  });
  const [baseSize, candSize] = await measureSizes(await Promise.all([baseline, candidate].map((m) => formatOf(m).served(m, true))), {
    needs: { gzip: true, brotli: false },
  });
  const sizes = baseSize && candSize ? { baseline: baseSize, candidate: candSize } : undefined;
  io.stdout(renderComparison(result, { baseline: baselinePath, candidate: candidatePath }, sizes));
  const json = stringOption(parsed, 'json');
  if (json !== undefined) {
    await writeFile(resolve(io.cwd, json), JSON.stringify(comparisonJson(result, baselinePath, candidatePath, sizes), null, 2) + '\n');
    io.stderr(`report written to ${json}\n`);
  }
  return result.comparison.verdict === 'slower' ? EXIT.overBudget : EXIT.ok;
}

/** report.json of `compare`. */
export function comparisonJson(result: ModelComparison, baseline: string, candidate: string, sizes?: ComparedSizes): Record<string, unknown> {
  const c = result.comparison;
  return {
    schemaVersion: 1,
    verdict: c.verdict,
    latency: { ratio: c.ratio, ci: c.ci, confidence: c.confidence, threshold: c.threshold, verdict: c.verdict },
    baseline: {
      path: baseline,
      loadMs: result.loadMs.baseline,
      ...sizeJson(sizes?.baseline),
      runtime: runtimeJson(result.runtimes.baseline),
      ...result.baseline,
    },
    candidate: {
      path: candidate,
      loadMs: result.loadMs.candidate,
      ...sizeJson(sizes?.candidate),
      runtime: runtimeJson(result.runtimes.candidate),
      ...result.candidate,
    },
    ...(result.agreement === undefined ? {} : { agreement: result.agreement }),
    rounds: result.rounds,
    quantile: result.quantile,
    seed: result.seed,
    runtime: runtimeJson(result.runtime),
    environment: { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, node: process.version },
  };
}

function runtimeJson(r: ModelComparison['runtime']): Record<string, unknown> {
  return { name: r.name, version: r.version, threads: r.threads, ...(r.name === 'litert' ? { build: r.backend } : {}) };
}

function sizeJson(s: SizeMeasurement | undefined): Record<string, unknown> {
  return s === undefined ? {} : { bytes: s.bytes, gzipBytes: s.gzipBytes };
}
