import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCommandArgs, stringOption } from './commands/args.js';
import { DEFAULT_CONFIG_PATH } from './config/defaults.js';
import { EXIT, type CommandIO } from './commands/types.js';
import { errorMessage, ModelBudgetError, problem, UsageError } from './errors.js';
import { normalizeLegId } from './leg.js';
import { materializeLocalBase } from './git/base-snapshot.js';
import { neutralizeLogText } from './report/escape.js';
import { toReportJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import type { TrendHistory } from './judge/trend-budgets.js';
import type { ModelHistory } from './trend/types.js';
import { runCheck } from './run.js';
import { VERSION } from './version.js';

const HELP = `model-budget ${VERSION}: keep ML models inside their size, latency and accuracy budgets.

Usage:
  model-budget check [--config model-budget.yml] [--base <git ref>] [--history <dir or file>] [--json report.json]
                     [--leg ID] [--verbose]
  model-budget compare <baseline-model.json> <candidate-model.json> [--runtime wasm|cpu|tensorflow|auto]
                       [--max-increase 10%] [--json out.json]
  model-budget convert <in.h5|in.keras|model.json|saved_model_dir> <out-dir> [--signature NAME]
                       [--quantize float16|uint8|uint16] [--shard-size 4MB]
  model-budget trend [--history <dir or file>] [--model NAME] [--leg ID] [--html out.html]
  model-budget --help | --version

Exit codes: 0 within budget (warnings allowed), 1 a hard budget is broken, 2 usage, config or model error.
`;

type Command = (args: string[], io: CommandIO) => Promise<number>;

/** Sub-commands other than `check`, loaded on demand so `check` does not pay for them. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  check: () => Promise.resolve(checkCommand),
  compare: async () => (await import('./commands/compare.js')).compareCommand,
  convert: async () => (await import('./commands/convert.js')).convertCommand,
  trend: async () => (await import('./commands/trend.js')).trendCommand,
};

/** Runs the CLI; returns the exit code. The only place errors become exit codes for the CLI. */
export async function main(argv: readonly string[], rawIo: CommandIO): Promise<number> {
  // What the CLI prints carries names from model files; run in a workflow step, none of it may become a command.
  const io: CommandIO = { ...rawIo, stdout: (text) => rawIo.stdout(neutralizeLogText(text)), stderr: (text) => rawIo.stderr(neutralizeLogText(text)) };
  const [name, ...rest] = argv;
  const verbose = argv.includes('--verbose');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(HELP);
    return name === undefined ? EXIT.inputError : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  try {
    const load = COMMANDS[name];
    if (!load) throw new UsageError(problem('cli/unknown-command', { name }));
    const command = await load();
    return await command(rest, io);
  } catch (error) {
    if (error instanceof ModelBudgetError) {
      io.stderr(`model-budget: ${error.message}\n`);
      if (error.example !== undefined) io.stderr(`For example, in model-budget.yml:\n${error.example.replace(/^(?=.)/gm, '  ')}`);
      if (verbose && error.stack) io.stderr(`${error.stack}\n`);
      return EXIT.inputError;
    }
    io.stderr(`model-budget: unexpected error: ${errorMessage(error)}\n`);
    io.stderr(verbose && error instanceof Error && error.stack ? `${error.stack}\n` : 'Run again with --verbose for the stack trace.\n');
    return EXIT.inputError;
  }
}

async function checkCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    config: { type: 'string', short: 'c' },
    json: { type: 'string' },
    base: { type: 'string' },
    history: { type: 'string' },
    leg: { type: 'string' },
  });
  const { values, positionals } = parsed;
  if (values['help']) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(problem('cli/check-positional', { args: positionals.join(' ') }));
  const configPath = stringOption(parsed, 'config') ?? DEFAULT_CONFIG_PATH;
  const json = stringOption(parsed, 'json');
  const baseRef = stringOption(parsed, 'base');
  const legWritten = stringOption(parsed, 'leg');
  const leg = legWritten === undefined ? undefined : normalizeLegOption(legWritten);
  // --base: compare with the merge base of that ref and HEAD, as the Action does for a PR head checkout.
  const snapshot =
    baseRef === undefined ? undefined : await materializeLocalBase({ workingDir: io.cwd, configPath: resolve(io.cwd, configPath), ref: baseRef });
  let report;
  try {
    ({ report } = await runCheck(
      {
        configPath,
        cwd: io.cwd,
        ...(snapshot ? { base: { dir: snapshot.dir, ref: snapshot.ref, kind: snapshot.kind } } : {}),
        ...(leg === undefined ? {} : { leg }),
        history: historyOf(stringOption(parsed, 'history'), io),
      },
      {
        progress: (line) => io.stderr(`${line}\n`),
        warn: (message) => io.stderr(`warning: ${message}\n`),
        ...(values['verbose'] === true ? { debug: (line: string) => io.stderr(`${line}\n`) } : {}),
      },
    ));
  } finally {
    await snapshot?.cleanup();
  }
  io.stdout(renderMarkdown(report));
  if (json !== undefined) {
    await writeFile(resolve(io.cwd, json), JSON.stringify(toReportJson(report), null, 2) + '\n');
    io.stderr(`report written to ${json}\n`);
  }
  if (report.verdict === 'error') {
    for (const m of report.models) if (m.error) io.stderr(`model-budget: ${m.name}: ${m.error}\n`);
    return EXIT.inputError;
  }
  return report.verdict === 'fail' ? EXIT.overBudget : EXIT.ok;
}

/**
 * The history `trend:` budgets are judged against, as the Action judges them: `--history` (a .jsonl file or a
 * checkout of the history branch), else the history branch of this checkout's origin. Read only when a model has a
 * trend budget. No history: a warning and a note, never a failure.
 */
function historyOf(path: string | undefined, io: CommandIO): TrendHistory {
  const read = async (models: readonly string[]): Promise<readonly ModelHistory[]> => {
    if (path !== undefined) {
      const { readHistoryPath } = await import('./trend/history-files.js');
      return readHistoryPath(resolve(io.cwd, path));
    }
    const { readHistory } = await import('./trend/store.js');
    const log = { info: (m: string) => io.stderr(`${m}\n`), warning: (m: string) => io.stderr(`warning: ${m}\n`) };
    const result = await readHistory({ workspace: io.cwd, log, models });
    if (result.status !== 'ok') io.stderr('warning: trend budgets skipped: no history read; pass --history <file or dir>\n');
    return result.histories;
  };
  return { read, noHistory: 'note' };
}

function normalizeLegOption(written: string): string {
  try {
    return normalizeLegId(written);
  } catch (error) {
    throw new UsageError(problem('cli/bad-leg', { detail: errorMessage(error) }), { cause: error });
  }
}
