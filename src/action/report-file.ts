/** Where the Action writes report.json, in every mode and also when the check could not run. */
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { nodeFiles, type ActionFiles } from './ports.js';

/**
 * Writes `json` to the `report-json` input's path (relative to `workingDir`), else to
 * `$RUNNER_TEMP/model-budget-report.json`, and returns the path (the `report-json` output).
 */
export async function writeReportJson(
  json: unknown,
  options: {
    readonly reportJson: string;
    readonly workingDir: string;
    readonly env: Readonly<Record<string, string | undefined>>;
    /** Default: `nodeFiles`. */
    readonly files?: ActionFiles;
  },
): Promise<string> {
  const files = options.files ?? nodeFiles;
  const file = options.reportJson ? resolve(options.workingDir, options.reportJson) : join(options.env['RUNNER_TEMP'] ?? tmpdir(), 'model-budget-report.json');
  await files.mkdir(dirname(file));
  await files.writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}
