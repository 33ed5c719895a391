import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as actionsCore from '@actions/core';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { main } from '../../../src/cli.js';
import { runAction } from '../../../src/action/action-run.js';
import type { Annotation } from '../../../src/report/annotations.js';
import { toReportJson } from '../../../src/report/json.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { renderComment } from '../../../src/report/comment.js';
import { commentMarker } from '../../../src/action/sticky-comment.js';
import { runCheck } from '../../../src/run.js';
import { markupProblems } from '../../helpers/rendered-markup.js';
import { workflowCommands } from '../../helpers/runner-commands.js';

const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'gender');

// Names a fork can write into model-budget.yml: each tries to forge an annotation, hide text, or stop the
// processing of the Action's own annotations that come later.
const HOSTILE_NAME = 'net\n::stop-commands::pwn\n::error title=Approved::LGTM ##[add-mask]budget';
const HOSTILE_PATH = 'missing\r  ::warning title=Forged::x\n\u0085::add-mask::size/model.json';
const CONFIG =
  'version: 1\nbenchmark: { runtime: cpu, runs: 8, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n' +
  `  - name: ${JSON.stringify(HOSTILE_NAME)}\n    path: models/gender/model.json\n    budget:\n      size: 1 KB\n` +
  `  - name: ${JSON.stringify(`${HOSTILE_NAME} 2`)}\n    path: ${JSON.stringify(HOSTILE_PATH)}\n    budget:\n      size: 1 KB\n`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-commands-'));
  await cp(example, join(dir, 'models', 'gender'), { recursive: true });
  await writeFile(join(dir, 'model-budget.yml'), CONFIG);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('a PR cannot send workflow commands through the log', () => {
  test('the Action (without the bundle): hostile names stay text, and its own budget annotations are still processed', async () => {
    let stdout = '';
    // @actions/core writes commands and log lines straight to process.stdout, as under the runner.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    });
    const inputs: Record<string, string> = { config: 'model-budget.yml', record: 'never' };
    const outcome = await runAction({
      env: { GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'push', GITHUB_WORKSPACE: dir },
      getInput: (name) => inputs[name] ?? '',
      core: {
        info: (message) => actionsCore.info(message),
        warning: (message) => actionsCore.warning(message),
        annotate: (a: Annotation) => {
          const where = { title: a.title, ...(a.file === undefined ? {} : { file: a.file }), ...(a.line === undefined ? {} : { startLine: a.line }) };
          if (a.level === 'error') actionsCore.error(a.message, where);
          else if (a.level === 'warning') actionsCore.warning(a.message, where);
          else actionsCore.notice(a.message, where);
        },
        setOutput: () => undefined,
        setSecret: () => undefined,
        appendSummary: () => Promise.resolve(),
      },
      runCheck,
      renderMarkdown,
      toReportJson,
      createClient: () => {
        throw new Error('no GitHub calls on push with record: never');
      },
    });
    vi.restoreAllMocks();
    expect(outcome.exitCode).toBe(1);
    // The hostile text did reach the log (progress lines), as text.
    expect(stdout).toContain('stop-commands::pwn');
    // Every command the runner acts on is one of the Action's own two annotations (whose data @actions/core escapes).
    const commands = workflowCommands(stdout);
    expect(commands.map((c) => c.command)).toEqual(['error', 'error']);
    const [budget, load] = commands;
    expect(budget?.properties).toMatch(/^title=net%0A.* size over budget,file=model-budget.yml,line=\d+$/);
    expect(budget?.data).toMatch(/over the 1 KB budget/);
    expect(load?.properties).toMatch(/^title=model-budget%3A net%0A.*,file=model-budget.yml$/);
    expect(load?.data).toMatch(/not found/);
  });

  test('the CLI: progress, warnings, errors and the report on stdout stay text', async () => {
    let out = '';
    const code = await main(['check'], { cwd: dir, env: {}, stdout: (t) => (out += t), stderr: (t) => (out += t) });
    expect(code).toBe(2);
    expect(out).toContain('stop-commands::pwn');
    expect(workflowCommands(out)).toEqual([]);
  });
});

test("a fork's config alone cannot put markup, mentions or references into the comment or the job summary", async () => {
  const name = '</code></summary><h2><a href="https://evil.example">Approved</a></h2> @org/team owner/repo#1';
  await writeFile(
    join(dir, 'model-budget.yml'),
    'version: 1\nmodels:\n' +
      `  - name: ${JSON.stringify(name)}\n    path: models/gender/model.json\n    budget:\n      size: 1 KB\n` +
      `  - name: ${JSON.stringify(`${name} 2`)}\n    path: ${JSON.stringify('<img src=x onerror=alert(1)>\u202e.json')}\n    budget:\n      size: 1 KB\n`,
  );
  const { report } = await runCheck({ configPath: 'model-budget.yml', cwd: dir }, { progress: () => undefined, warn: () => undefined });
  expect(report.models.map((m) => m.verdict)).toEqual(['fail', 'error']);
  expect(markupProblems(renderComment(report, { marker: commentMarker('model-budget.yml') }))).toEqual([]);
  expect(markupProblems(renderMarkdown(report))).toEqual([]);
});
