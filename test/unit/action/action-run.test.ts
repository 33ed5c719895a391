/**
 * The Action's flow (src/action/action-run.ts, report-mode.ts) with the world injected: real webhook payloads from
 * @octokit/webhooks-examples on disk, a recording GitHub client, the real renderers, and a stand-in engine.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CATALOG, ConfigError, OutputError, problem } from '../../../src/errors.js';
import { runAction, type ActionPorts, type RunCheck } from '../../../src/action/action-run.js';
import { ARTIFACT_REPORT_FILE, serializeArtifact } from '../../../src/action/artifact.js';
import { GitHubApiError } from '../../../src/github/client.js';
import { STEP_SUMMARY_LIMIT_BYTES } from '../../../src/action/summary-cap.js';
import { toReportJson } from '../../../src/report/json.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { ModelReport, Report } from '../../../src/report/types.js';
import { fakeClient, type FakeClient } from '../../fakes/github-client.js';
import { webhookExample, workflowRunPayload } from '../../e2e/harness.js';

const HEAD = 'c0ffee0000000000000000000000000000000001';
const LABEL = 'model-budget:accept';

const model = (verdict: ModelReport['verdict'], name = 'gender'): ModelReport => ({
  name,
  path: `models/${name}/model.json`,
  format: 'layers',
  verdict,
  metrics: [{ key: 'size', unit: 'bytes', value: 500_000, limit: 300_000, direction: 'max', status: verdict === 'fail' ? 'fail' : 'pass', message: 'size' }],
  weights: [],
  notes: [],
});
const report = (verdict: Report['verdict'], models: ModelReport[] = [model(verdict === 'error' ? 'error' : verdict)]): Report => ({
  schemaVersion: 1,
  verdict,
  config: 'model-budget.yml',
  models,
  tool: { name: 'model-budget', version: '0.1.0' },
});

interface World {
  readonly ports: ActionPorts;
  readonly client: FakeClient;
  readonly warnings: string[];
  readonly outputs: Record<string, string>;
  readonly summaries: string[];
  readonly checks: unknown[];
  readonly clients: number;
}

/** A pull_request-shaped payload (real example) with the given labels. */
function pullPayload(action: string, labels: string[]): Record<string, unknown> {
  const payload = webhookExample('pull_request', action);
  const pr = payload['pull_request'] as Record<string, unknown> & { head: Record<string, unknown>; labels: Record<string, unknown>[] };
  payload['number'] = 7;
  pr['number'] = 7;
  pr.head = { ...pr.head, sha: HEAD };
  const template = pr.labels[0] ?? { id: 1, node_id: 'x', url: 'u', color: 'fff', default: false, description: null };
  pr.labels = labels.map((name, i) => ({ ...template, id: 900 + i, name }));
  return payload;
}

function world(options: { event: string; payload: Record<string, unknown>; inputs?: Record<string, string>; runCheck?: RunCheck; client?: FakeClient }): World {
  const dir = mkdtempSync(join(tmpdir(), 'mb-action-run-'));
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.payload));
  const client = options.client ?? fakeClient();
  const state = { warnings: [] as string[], outputs: {} as Record<string, string>, summaries: [] as string[], checks: [] as unknown[], clients: 0 };
  const inputs: Record<string, string> = { 'github-token': 'bot-token', record: 'never', ...options.inputs };
  const ports: ActionPorts = {
    env: {
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: dir,
      GITHUB_RUN_ID: '99',
    },
    getInput: (name) => inputs[name] ?? '',
    core: {
      info: () => undefined,
      warning: (m) => state.warnings.push(m),
      annotate: () => undefined,
      setOutput: (name, value) => (state.outputs[name] = value),
      setSecret: () => undefined,
      appendSummary: (md) => Promise.resolve(void state.summaries.push(md)),
    },
    runCheck: (checkOptions, checkPorts) => {
      state.checks.push(checkOptions);
      return (options.runCheck ?? (() => Promise.resolve({ report: report('pass') })))(checkOptions, checkPorts);
    },
    renderMarkdown,
    toReportJson,
    createClient: () => {
      state.clients++;
      return client;
    },
    materializeBase: () => Promise.resolve({ dir, ref: 'b'.repeat(40), kind: 'merge-base', lfsPointers: [], files: [], cleanup: () => Promise.resolve() }),
  };
  return {
    ports,
    client,
    get warnings() {
      return state.warnings;
    },
    get outputs() {
      return state.outputs;
    },
    get summaries() {
      return state.summaries;
    },
    get checks() {
      return state.checks;
    },
    get clients() {
      return state.clients;
    },
  };
}

const readJson = (path: string | undefined): Record<string, unknown> => JSON.parse(readFileSync(path ?? '', 'utf8')) as Record<string, unknown>;

describe('pull_request_target', () => {
  it.each(['check', 'measure'])('mode: %s is refused before anything runs, pointing at the two-workflow setup', async (mode) => {
    const w = world({ event: 'pull_request_target', payload: pullPayload('opened', []), inputs: { mode } });
    await expect(runAction(w.ports)).rejects.toThrow(/does not run on pull_request_target.*mode: measure.*workflow_run.*mode: report/s);
    expect(w.checks).toEqual([]);
    expect(w.clients).toBe(0);
  });

  it('mode: report is refused there too (it runs on workflow_run)', async () => {
    const w = world({ event: 'pull_request_target', payload: pullPayload('opened', []), inputs: { mode: 'report' } });
    await expect(runAction(w.ports)).rejects.toThrow(/workflow_run/);
    expect(w.checks).toEqual([]);
  });
});

describe('the override label is read as it is now', () => {
  const failing = (): Promise<{ report: Report }> => Promise.resolve({ report: report('fail') });

  it.each([
    { what: 'added after the push (not in the payload, on the PR)', payload: [], current: [LABEL], verdict: 'warn', exitCode: 0 },
    { what: 'removed since (in the replayed payload, gone from the PR)', payload: [LABEL], current: [], verdict: 'fail', exitCode: 1 },
    { what: 'neither', payload: [], current: ['other'], verdict: 'fail', exitCode: 1 },
  ])('$what', async ({ payload, current, verdict, exitCode }) => {
    const client = fakeClient({ pulls: [{ number: 7, headSha: HEAD, labels: current }] });
    const w = world({ event: 'pull_request', payload: pullPayload('labeled', payload), runCheck: failing, client });
    expect((await runAction(w.ports)).exitCode).toBe(exitCode);
    expect(w.outputs['verdict']).toBe(verdict);
    expect(client.calls).toContain('getPullRequest');
  });

  it('falls back to the payload, with a warning, when the API cannot tell', async () => {
    const client = fakeClient();
    client.failures.push({ call: 'getPullRequest', error: new GitHubApiError('could not read pull request: HTTP 502: Bad Gateway', 502) });
    const w = world({ event: 'pull_request', payload: pullPayload('labeled', [LABEL]), runCheck: failing, client });
    expect((await runAction(w.ports)).exitCode).toBe(0);
    expect(w.outputs['verdict']).toBe('warn');
    expect(w.warnings.join('\n')).toMatch(/could not read the current labels of PR #7.*502.*labels of the event/s);
  });

  it('report.json is written before the label call (an API that hangs cannot delay it)', async () => {
    const client = fakeClient({ pulls: [{ number: 7, headSha: HEAD, labels: [] }] });
    let reportJsonAtCall: string | undefined;
    const w = world({ event: 'pull_request', payload: pullPayload('synchronize', []), runCheck: failing, client });
    const getPullRequest = client.getPullRequest.bind(client);
    client.getPullRequest = (n) => {
      reportJsonAtCall = w.outputs['report-json'];
      return getPullRequest(n);
    };
    await runAction(w.ports);
    expect(readJson(reportJsonAtCall)).toMatchObject({ verdict: 'fail' });
  });

  it('a passing check asks nothing', async () => {
    const w = world({ event: 'pull_request', payload: pullPayload('synchronize', []) });
    await runAction(w.ports);
    expect(w.client.calls).not.toContain('getPullRequest');
  });

  it('check and report modes agree on the same PR state', async () => {
    const state = { number: 7, headSha: HEAD, labels: [LABEL] };
    const check = world({ event: 'pull_request', payload: pullPayload('synchronize', []), runCheck: failing, client: fakeClient({ pulls: [state] }) });
    await runAction(check.ports);
    const zip = zipSync({ [ARTIFACT_REPORT_FILE]: strToU8(serializeArtifact({ report: report('fail') })) });
    const run = workflowRunPayload(HEAD, 'b'.repeat(40));
    const reportWorld = world({
      event: 'workflow_run',
      payload: run,
      inputs: { mode: 'report' },
      client: fakeClient({ pulls: [state], artifacts: { 'model-budget-report': zip } }),
    });
    await runAction(reportWorld.ports);
    expect(reportWorld.outputs['verdict']).toBe('warn');
    expect(check.outputs['verdict']).toBe(reportWorld.outputs['verdict']);
  });
});

describe('report-json and the summary', () => {
  it('a config error still writes report.json (verdict error, the message) and names it in the output', async () => {
    const error = new ConfigError([
      { file: 'model-budget.yml', line: 3, column: 5, path: 'models[0].budget.size', message: 'expected a size like "5 MB", got "big"' },
    ]);
    const w = world({ event: 'pull_request', payload: pullPayload('opened', []), runCheck: () => Promise.reject(error) });
    expect((await runAction(w.ports)).exitCode).toBe(1);
    const json = readJson(w.outputs['report-json']);
    expect(json).toMatchObject({ schemaVersion: 1, verdict: 'error', models: [] });
    expect(String(json['error'])).toContain('models[0].budget.size: expected a size');
    expect(w.summaries.join('')).toContain('the check could not run');
  });

  it("an error whose fix is a config change shows the catalog's example config in the summary", async () => {
    const error = new OutputError(problem('output/symlink', { dir: 'dist/net' }));
    const w = world({ event: 'pull_request', payload: pullPayload('opened', []), runCheck: () => Promise.reject(error) });
    expect((await runAction(w.ports)).exitCode).toBe(1);
    expect(w.summaries.join('')).toContain(`For example, in model-budget.yml:\n\n\`\`\`\n${CATALOG['output/symlink'].example}\`\`\`\n`);
  });

  it('a summary over 1 MiB is cut with a note; the markdown output keeps it all', async () => {
    const many = Array.from({ length: 4000 }, (_, i) => ({ ...model('pass', `model-${i}`), notes: ['n'.repeat(400)] }));
    const w = world({ event: 'pull_request', payload: pullPayload('opened', []), runCheck: () => Promise.resolve({ report: report('pass', many) }) });
    await runAction(w.ports);
    const summary = w.summaries.join('');
    expect(Buffer.byteLength(w.outputs['markdown'] ?? '')).toBeGreaterThan(STEP_SUMMARY_LIMIT_BYTES);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
    expect(summary).toContain('GitHub refuses a job summary over 1 MiB');
  });
});

describe('mode: report', () => {
  const zip = zipSync({ [ARTIFACT_REPORT_FILE]: strToU8(serializeArtifact({ report: report('pass') })) });
  const reportWorld = (client: FakeClient): World =>
    world({ event: 'workflow_run', payload: workflowRunPayload(HEAD, 'b'.repeat(40)), inputs: { mode: 'report' }, client });

  it('never runs the engine (so never loads a model or custom-layers code); writes report.json and comments', async () => {
    const w = reportWorld(fakeClient({ pulls: [{ number: 7, headSha: HEAD, labels: [] }], artifacts: { 'model-budget-report': zip } }));
    expect((await runAction(w.ports)).exitCode).toBe(0);
    expect(w.checks).toEqual([]);
    expect(readJson(w.outputs['report-json'])).toMatchObject({ verdict: 'pass' });
    expect(w.client.comments).toHaveLength(1);
  });

  it('an artifact 403 is a warning naming actions: read, a summary line, and a green job', async () => {
    const client = fakeClient();
    client.failures.push({
      call: 'downloadArtifact',
      error: new GitHubApiError(
        'could not download artifact: HTTP 403: Resource not accessible by integration (the token lacks `permissions: actions: read` for this job)',
        403,
      ),
    });
    const w = reportWorld(client);
    expect(await runAction(w.ports)).toEqual({ exitCode: 0 });
    expect(w.warnings.join('\n')).toContain('actions: read');
    expect(w.summaries.join('')).toMatch(/no report to post[\s\S]*403/);
  });

  it.each([
    { what: 'GET /pulls/7 is 404', status: 404 },
    { what: 'GET /pulls/7 is 502', status: 502 },
  ])('$what: the summary, outputs and report.json are still written, the job stays green', async ({ status }) => {
    const client = fakeClient({ artifacts: { 'model-budget-report': zip } });
    client.failures.push({ call: 'getPullRequest', error: new GitHubApiError(`could not read pull request: HTTP ${status}`, status) });
    const w = reportWorld(client);
    expect(await runAction(w.ports)).toEqual({ exitCode: 0 });
    expect(w.summaries.join('')).toContain('model-budget');
    expect(w.outputs['verdict']).toBe('pass');
    expect(readJson(w.outputs['report-json'])).toMatchObject({ verdict: 'pass' });
    expect(client.comments).toEqual([]);
    expect(w.warnings.join('\n')).toContain(`HTTP ${status}`);
  });
});

describe('mode: aggregate', () => {
  const legZip = (leg: string, verdict: Report['verdict'] = 'pass') =>
    zipSync({ [ARTIFACT_REPORT_FILE]: strToU8(serializeArtifact({ report: { ...report(verdict), leg } })) });
  const aggregateWorld = (client: FakeClient, inputs: Record<string, string> = {}, event = 'pull_request'): World =>
    world({
      event,
      payload: event === 'workflow_run' ? workflowRunPayload(HEAD, 'b'.repeat(40)) : pullPayload('synchronize', []),
      inputs: { mode: 'aggregate', ...inputs },
      client,
    });

  it('never runs the engine; one comment for all legs; artifacts of other names are not legs', async () => {
    const client = fakeClient({
      artifacts: {
        'model-budget-report-linux-x64': legZip('linux-x64'),
        'model-budget-report-macos-arm64': legZip('macos-arm64', 'warn'),
        coverage: legZip('x'),
      },
    });
    const w = aggregateWorld(client);
    expect(await runAction(w.ports)).toEqual({ exitCode: 0 });
    expect(w.checks).toEqual([]);
    expect(w.outputs['verdict']).toBe('warn');
    expect(client.comments).toHaveLength(1);
    expect(client.comments[0]?.body).toContain('| metric | `linux-x64` | `macos-arm64` |');
    expect(readJson(w.outputs['report-json'])).toMatchObject({
      verdict: 'warn',
      legs: [
        { leg: 'linux-x64', status: 'reported' },
        { leg: 'macos-arm64', status: 'reported' },
      ],
    });
  });

  it('a listing the token may not read is a warning, and every expected leg is missing: the job fails', async () => {
    const client = fakeClient();
    client.failures.push({
      call: 'listArtifactNames',
      error: new GitHubApiError('could not list artifacts: HTTP 403 (the token lacks `permissions: actions: read` for this job)', 403),
    });
    const w = aggregateWorld(client, { legs: 'linux-x64, linux-arm64' });
    expect((await runAction(w.ports)).exitCode).toBe(1);
    expect(w.warnings.join('\n')).toContain('actions: read');
    expect(w.outputs['verdict']).toBe('error');
    expect(client.comments[0]?.body).toContain('2 of 2 legs missing');
  });

  it('a report claiming another leg than its artifact name is unreadable, not a pass', async () => {
    const client = fakeClient({ pulls: [{ number: 7, headSha: HEAD, labels: [] }], artifacts: { 'model-budget-report-linux-x64': legZip('windows-x64') } });
    const w = aggregateWorld(client, {}, 'workflow_run');
    expect((await runAction(w.ports)).exitCode).toBe(1);
    expect(client.comments[0]?.body).toMatch(/unreadable: the report is of leg &quot;windows-x64&quot;|unreadable: the report is of leg "windows-x64"/);
  });

  it('runs on pull_request_target too (it runs no PR code), and needs a token', async () => {
    const client = fakeClient({ artifacts: { 'model-budget-report-a': legZip('a') } });
    expect((await runAction(aggregateWorld(client, {}, 'pull_request_target').ports)).exitCode).toBe(0);
    await expect(runAction(aggregateWorld(client, { 'github-token': '' }).ports)).rejects.toThrow(/needs the github-token input/);
  });
});
