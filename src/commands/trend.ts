/**
 * `model-budget trend [--history <dir|file>] [--model NAME] [--branch NAME] [--last N] [--html out.html]`:
 * prints the recorded history as a table, and optionally writes the offline HTML dashboard. Without
 * `--history` it reads the data branch of the `origin` of the current checkout (shallow, that branch only).
 */
import { formatValue } from '../format.js';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage, problem, UsageError } from '../errors.js';
import { renderDashboard } from '../trend/dashboard.js';
import { readHistoryPath } from '../trend/history-files.js';
import { normalizeLegId } from '../leg.js';
import { environmentLabel, recordsOfLeg } from '../trend/series.js';
import { readHistory } from '../trend/store.js';
import type { ModelHistory } from '../trend/types.js';
import { EXIT, type CommandIO } from './types.js';

const USAGE = `usage: model-budget trend [--history <dir|file>] [--model NAME] [--leg ID] [--branch NAME] [--last N] [--html out.html]

  --history PATH   a .jsonl history file or a directory of them (a checkout of the history branch);
                   default: the history branch of this repository's origin
  --branch NAME    the history branch to read when --history is not given (default model-budget-data)
  --model NAME     only this model (repeatable)
  --leg ID         only the records of this leg of a job matrix (each leg is its own series)
  --last N         rows per model in the table (default 20)
  --html FILE      also write a self-contained HTML dashboard (works offline)`;

const COLUMNS = ['size', 'gzip-size', 'brotli-size', 'latency.p50', 'latency.p90', 'memory', 'accuracy.cosine'];

export async function trendCommand(args: string[], io: CommandIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        history: { type: 'string' },
        branch: { type: 'string' },
        model: { type: 'string', multiple: true },
        leg: { type: 'string' },
        last: { type: 'string' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(problem('cli/bad-arguments-usage', { detail: errorMessage(error), usage: USAGE }), { cause: error });
  }
  if (values.help === true) {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  const last = values.last === undefined ? 20 : Number(values.last);
  if (!Number.isInteger(last) || last < 1) throw new UsageError(problem('cli/bad-last', { value: values.last ?? '', usage: USAGE }));

  let histories: ModelHistory[];
  if (values.history !== undefined) {
    histories = await readHistoryPath(resolve(io.cwd, values.history));
  } else {
    const log = { info: (m: string) => io.stderr(`${m}\n`), warning: (m: string) => io.stderr(`warning: ${m}\n`) };
    const read = await readHistory({ workspace: io.cwd, log, ...(values.branch === undefined ? {} : { branch: values.branch }) });
    histories = [...read.histories];
  }
  const wanted = values.model;
  if (wanted !== undefined) {
    histories = histories.filter((h) => wanted.includes(h.model));
    const missing = wanted.filter((m) => !histories.some((h) => h.model === m));
    if (missing.length > 0) io.stderr(`warning: no history for ${missing.map((m) => `"${m}"`).join(', ')}\n`);
  }

  if (values.leg !== undefined) {
    let leg: string;
    try {
      leg = normalizeLegId(values.leg);
    } catch (error) {
      throw new UsageError(problem('cli/bad-leg-usage', { detail: errorMessage(error), usage: USAGE }), { cause: error });
    }
    histories = histories.map((h) => ({ ...h, records: recordsOfLeg(h.records, leg) })).filter((h) => h.records.length > 0);
    if (histories.length === 0) io.stderr(`warning: no records of leg "${leg}"\n`);
  }

  io.stdout(histories.length === 0 ? 'No trend history recorded yet.\n' : `${histories.map((h) => historyTable(h, last)).join('\n')}\n`);
  if (values.html !== undefined) {
    const out = resolve(io.cwd, values.html);
    await writeFile(out, renderDashboard(histories, { generatedAt: new Date().toISOString() }));
    io.stderr(`wrote ${values.html}\n`);
  }
  return EXIT.ok;
}

/** A model's newest `last` records as an aligned plain-text table, newest first. */
export function historyTable(history: ModelHistory, last: number): string {
  const records = history.records.slice(-last).reverse();
  const keys = COLUMNS.filter((k) => records.some((r) => r.metrics[k] !== undefined));
  const withLegs = records.some((r) => r.leg !== undefined);
  const rows = records.map((r) => [
    r.date.slice(0, 10),
    `${r.sha.slice(0, 7)}${r.rerun ? ' (re-run)' : ''}`,
    ...keys.map((k) => {
      const m = r.metrics[k];
      return m === undefined ? '' : formatValue(m.unit, m.value);
    }),
    r.environment === undefined ? '' : environmentLabel(r.environment),
    ...(withLegs ? [r.leg ?? ''] : []),
  ]);
  const header = ['date', 'commit', ...keys, 'environment', ...(withLegs ? ['leg'] : [])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i >= 2 && i < 2 + keys.length ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const skipped = [
    history.corrupt > 0 ? `${history.corrupt} corrupt line(s) skipped` : '',
    history.newer > 0 ? `${history.newer} newer-schema record(s) skipped` : '',
    history.truncated ? 'older records not read (file larger than the read cap)' : '',
  ].filter(Boolean);
  const title = `${history.model} — ${history.records.length} record(s)${skipped.length > 0 ? `; ${skipped.join('; ')}` : ''}`;
  return [title, line(header), ...rows.map(line)].join('\n') + '\n';
}
