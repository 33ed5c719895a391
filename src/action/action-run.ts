/**
 * What the Action does, with the world injected (ports.ts), so it runs the same under the runner and in tests.
 * `check` and `measure` modes run the engine (check-mode.ts); `report` and `aggregate` modes only render and post
 * reports other jobs produced (report-mode.ts, aggregate-mode.ts). Every mode ends in the same publish sequence
 * (publish.ts). The only failure exits are a broken hard budget not accepted by the override label, and a check
 * that could not run.
 */
import { neutralizeLogText } from '../report/escape.js';
import { aggregateMode } from './aggregate-mode.js';
import { checkMode } from './check-mode.js';
import { readActionContext } from './context.js';
import { readInputs } from './inputs.js';
import type { ActionOutcome, ActionPorts } from './ports.js';
import { reportMode } from './report-mode.js';
import { capSummary } from './summary-cap.js';
import { readTrendInputs } from './trend-hooks.js';
import { refuseUntrustedEvent } from './trusted-event.js';

export type { ActionCore, ActionFiles, ActionOutcome, ActionPorts, RunCheck } from './ports.js';

/** Runs the Action once. Throws only for problems with the Action's own setup (inputs, environment). */
export async function runAction(rawPorts: ActionPorts): Promise<ActionOutcome> {
  // Log lines carry names from the PR's files: none of them may be read as a workflow command (`::error`,
  // `::stop-commands::`). Warnings and annotations are safe already: @actions/core escapes a command's data.
  // GitHub refuses a step summary over 1 MiB: every summary this Action writes goes through the cap.
  const ports: ActionPorts = {
    ...rawPorts,
    core: {
      ...rawPorts.core,
      info: (message) => rawPorts.core.info(neutralizeLogText(message)),
      appendSummary: (md) => rawPorts.core.appendSummary(capSummary(md)),
    },
  };
  const inputs = readInputs(ports.getInput);
  const trendInputs = readTrendInputs(ports.getInput);
  if (inputs.token) ports.core.setSecret(inputs.token);
  const context = readActionContext(ports.env);
  refuseUntrustedEvent(inputs.mode, context.eventName);
  if (inputs.mode === 'report') return reportMode(inputs, context, ports);
  if (inputs.mode === 'aggregate') return aggregateMode(inputs, trendInputs, context, ports);
  return checkMode(inputs, trendInputs, context, ports);
}
