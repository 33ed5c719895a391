/**
 * Libraries log through `console` with text from model files in it (tfjs-layers' "Layer <name> was passed …"), and
 * the runner reads workflow commands from every line of a step's output. Each entry routes the console through
 * here once, so those lines are neutralised like our own (see `neutralizeLogText`).
 */
import { format } from 'node:util';
import { neutralizeLogText } from './report/escape.js';

export type GuardedConsole = Pick<Console, 'log' | 'info' | 'debug' | 'warn' | 'error' | 'trace'>;

/** Replaces the console's printing methods with ones that write neutralised lines to `stdout` / `stderr`. */
export function guardConsole(target: GuardedConsole, write: { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void }): void {
  const to =
    (sink: (text: string) => void) =>
    (...args: unknown[]): void =>
      sink(`${neutralizeLogText(format(...args))}\n`);
  target.log = to(write.stdout);
  target.info = to(write.stdout);
  target.debug = to(write.stdout);
  target.warn = to(write.stderr);
  target.error = to(write.stderr);
  target.trace = to(write.stderr);
}
