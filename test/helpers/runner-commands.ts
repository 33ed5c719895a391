/**
 * The workflow commands the GitHub Actions runner would act on in a step's output, read the way the runner reads
 * them (actions/runner ActionCommandManager): each line, trimmed at the start, that begins with `::name …::data`;
 * any line holding `##[name …]data` for a known command (the old syntax); and nothing but the resume token while
 * `::stop-commands::<token>` is in force.
 */
export interface WorkflowCommand {
  readonly command: string;
  readonly properties: string;
  readonly data: string;
}

const V1_COMMANDS = new Set([
  'error',
  'warning',
  'notice',
  'debug',
  'add-mask',
  'stop-commands',
  'group',
  'endgroup',
  'set-output',
  'save-state',
  'add-matcher',
  'remove-matcher',
  'echo',
]);

export function workflowCommands(output: string): WorkflowCommand[] {
  const processed: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\r|\n/)) {
    const command = parseV2(line) ?? parseV1(line);
    if (!command) continue;
    if (stopToken !== undefined) {
      if (command.command === stopToken) stopToken = undefined;
      continue;
    }
    if (command.command === 'stop-commands') stopToken = command.data;
    processed.push(command);
  }
  return processed;
}

function parseV2(line: string): WorkflowCommand | undefined {
  // .NET's TrimStart: white space includes U+0085.
  const text = line.replace(/^[\s\u0085]+/, '');
  if (!text.startsWith('::')) return undefined;
  const end = text.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = text.slice(2, end);
  const space = info.indexOf(' ');
  return { command: space < 0 ? info : info.slice(0, space), properties: space < 0 ? '' : info.slice(space + 1), data: unescape(text.slice(end + 2)) };
}

function parseV1(line: string): WorkflowCommand | undefined {
  const start = line.indexOf('##[');
  if (start < 0) return undefined;
  const close = line.indexOf(']', start);
  if (close < 0) return undefined;
  const info = line.slice(start + 3, close);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!V1_COMMANDS.has(command)) return undefined;
  return { command, properties: space < 0 ? '' : info.slice(space + 1), data: line.slice(close + 1) };
}

function unescape(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
