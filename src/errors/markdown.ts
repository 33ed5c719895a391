import { CATALOG, type ErrorCode } from '../errors.js';
import type { CatalogEntry } from './entry.js';

/** What each code prefix is about, in the order docs/errors.md lists them. */
const AREAS: Readonly<Record<string, string>> = {
  cli: 'Command line',
  config: 'model-budget.yml',
  model: 'TF.js models (model.json and shards)',
  keras: 'Keras models (.h5, .keras)',
  savedmodel: 'TensorFlow SavedModel',
  tflite: 'TFLite',
  compress: 'Compression',
  output: 'Writing the compressed model (`output:`)',
  runtime: 'Runtimes',
  measure: 'Measuring',
  check: 'Checking a model',
  github: 'GitHub (the Action)',
  trend: 'Trend history',
};

/**
 * docs/errors.md: every catalog entry, grouped by area, with its placeholders as written (`{file}`). Generated; a
 * test keeps the committed file equal to it (`UPDATE_ERRORS=1 npx vitest run test/unit/errors`).
 */
export function errorCatalogMarkdown(): string {
  const lines = [
    '# Error messages',
    '',
    '<!-- Generated from src/errors/*.ts by `UPDATE_ERRORS=1 npx vitest run test/unit/errors`; do not edit. -->',
    '',
    'Every problem model-budget reports has a code. The message names the file (or flag, or key) and what is wrong;',
    'the fix, printed after it, says what to do; where a config change is the fix, the CLI and the job summary also',
    'print an example `model-budget.yml`. `{name}` stands for a value filled in when the error happens. Config',
    'problems are printed as `model-budget.yml:line:column key: message`. Run again with `--verbose` (CLI) or',
    '`verbose: true` (Action) for the stack trace.',
    '',
  ];
  const codes = Object.keys(CATALOG) as ErrorCode[];
  for (const [area, title] of Object.entries(AREAS)) {
    const inArea = codes.filter((code) => code.startsWith(`${area}/`));
    if (inArea.length === 0) continue;
    lines.push(`## ${title}`, '');
    for (const code of inArea) lines.push(...entryLines(code, CATALOG[code]));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function entryLines(code: string, entry: CatalogEntry): string[] {
  const out = [`### \`${code}\``, '', ...entry.message.split('\n').map((line) => `> ${line}`.trimEnd()), ''];
  if (entry.fix !== undefined) out.push(`**Fix:** ${entry.fix}`, '');
  if (entry.example !== undefined) out.push('**Example:**', '', '```yaml', entry.example.trimEnd(), '```', '');
  return out;
}
