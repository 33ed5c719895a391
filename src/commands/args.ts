import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { errorMessage, problem, UsageError } from '../errors.js';

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** node:util parseArgs with `--verbose` and `--help` added and its errors turned into UsageError. */
export function parseCommandArgs(args: readonly string[], options: ParseArgsOptionsConfig): ParsedArgs {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { ...options, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(problem('cli/bad-arguments', { detail: errorMessage(error) }), { cause: error });
  }
}

/** A string option's value, if given. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}
