import { main } from './cli.js';
import { guardConsole } from './console-guard.js';

guardConsole(console, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });

// Entry of the `model-budget` command (bundled to dist/cli.js).
process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
