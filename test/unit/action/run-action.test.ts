/**
 * `runAction` in process, every port a recording fake (test/fakes/): the GitHub client, `@actions/core`, the files
 * it writes, the clock, the engine and the base snapshot. Each test asserts the calls in the order they were made,
 * across ports: the one publish sequence (report.json, labels, annotations, summary, outputs, comment, verdict)
 * that check, fork-safe report and aggregate modes share.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../../../src/action/action-run.js';
import { ARTIFACT_REPORT_FILE, serializeArtifact } from '../../../src/action/artifact.js';
import type { ActionPorts, RunCheck } from '../../../src/action/ports.js';
import { commentMarker } from '../../../src/action/sticky-comment.js';
import { toReportJson } from '../../../src/report/json.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { ModelReport, Report } from '../../../src/report/types.js';
import { webhookExample, workflowRunPayload } from '../../e2e/harness.js';
import { recordingCore, type RecordingCore } from '../../fakes/action-core.js';
import { fixedClock } from '../../fakes/clock.js';
import { memoryFiles, type MemoryFiles } from '../../fakes/files.js';
import { fakeClient, type FakeClient } from '../../fakes/github-client.js';
import { makeOrigin } from '../../integration/trend/git-fixture.js';
import { appendRecords } from '../../../src/trend/store.js';
import { AGGREGATE_TREND_NOTE } from '../../../src/action/trend-hooks.js';
import { record as trendRecord } from '../trend/records.js';
import { Timeline } from '../../fakes/timeline.js';

const HEAD = 'c0ffee0000000000000000000000000000000001';
const BASE = 'ba5e000000000000000000000000000000000002';
const LABEL = 'model-budget:accept';

const model = (verdict: ModelReport['verdict'], name = 'gender'): ModelReport => ({
  name,
  path: `models/${name}/model.json`,
  format: 'layers',
  verdict,
  metrics: [
    {
      key: 'size',
      unit: 'bytes',
      value: 500_000,
      limit: 300_000,
      base: 400_000,
      direction: 'max',
      status: verdict === 'fail' ? 'fail' : 'pass',
      message: 'size over budget',
    },
  ],
  weights: [],
  notes: [],
});
const report = (verdict: Report['verdict'], extra: Partial<Report> = {}): Report => ({
  schemaVersion: 1,
  verdict,
  config: 'model-budget.yml',
  models: [model(verdict === 'error' ? 'error' : verdict)],
  tool: { name: 'model-budget', version: '0.1.0' },
  ...extra,
});
const artifactZip = (r: Report): Uint8Array => zipSync({ [ARTIFACT_REPORT_FILE]: strToU8(serializeArtifact({ report: r })) });

function pullPayload(labels: string[]): Record<string, unknown> {
  const payload = webhookExample('pull_request', 'synchronize');
  const pr = payload['pull_request'] as Record<string, unknown> & {
    head: Record<string, unknown>;
    base: Record<string, unknown>;
    labels: Record<string, unknown>[];
  };
  payload['number'] = 7;
  pr['number'] = 7;
  pr.head = { ...pr.head, sha: HEAD };
  pr.base = { ...pr.base, sha: BASE };
  const template = pr.labels[0] ?? { id: 1, node_id: 'x', url: 'u', color: 'fff', default: false, description: null };
  pr.labels = labels.map((name, i) => ({ ...template, id: 900 + i, name }));
  return payload;
}

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Job {
  readonly ports: ActionPorts;
  readonly timeline: Timeline;
  readonly core: RecordingCore;
  readonly files: MemoryFiles;
  readonly client: FakeClient;
  readonly dir: string;
}

/** One job of a workflow: the event written where GITHUB_EVENT_PATH points, and every port a recording fake. */
function job(options: {
  event: string;
  payload: Record<string, unknown>;
  inputs: Record<string, string>;
  client?: (timeline: Timeline) => FakeClient;
  engine?: RunCheck;
  /** The checkout the job runs in. Default: a folder that is no checkout. */
  workspace?: string;
}): Job {
  const dir = mkdtempSync(join(tmpdir(), 'mb-run-action-'));
  folders.push(dir);
  writeFileSync(join(dir, 'event.json'), JSON.stringify(options.payload));
  const timeline = new Timeline();
  const core = recordingCore(timeline);
  const files = memoryFiles(timeline, (path) => path.replace(dir, '<workspace>'));
  const client = options.client?.(timeline) ?? fakeClient({ timeline });
  const clock = fixedClock('2026-01-02T03:04:05.000Z');
  const ports: ActionPorts = {
    env: {
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_WORKSPACE: options.workspace ?? dir,
      RUNNER_TEMP: dir,
      GITHUB_RUN_ID: '99',
    },
    getInput: (name) => ({ 'github-token': 'bot-token', record: 'never', ...options.inputs })[name] ?? '',
    core: core.core,
    runCheck: (checkOptions, checkPorts) => {
      timeline.record('engine', 'runCheck', checkOptions.base ? `base ${checkOptions.base.ref.slice(0, 4)}` : 'no base');
      return (options.engine ?? (() => Promise.reject(new Error('this mode runs no check'))))(checkOptions, checkPorts);
    },
    renderMarkdown,
    toReportJson,
    createClient: (token, repo) => {
      timeline.record('github', 'createClient', `${repo.owner}/${repo.repo}`);
      expect(token).toBe('bot-token');
      return client;
    },
    materializeBase: (request) => {
      timeline.record('git', 'materializeBase', `${request.baseSha.slice(0, 4)}..${request.headSha.slice(0, 4)}`);
      return Promise.resolve({
        dir,
        ref: BASE,
        kind: 'merge-parent',
        lfsPointers: [],
        files: [],
        cleanup: () => Promise.resolve(void timeline.record('git', 'cleanup')),
      });
    },
    files,
    now: clock.now,
  };
  return { ports, timeline, core, files, client, dir };
}

/** The timeline without progress lines: the calls the publish sequence is made of. */
const calls = (j: Job): string[] => j.timeline.entries.filter((e) => !e.startsWith('core.info model-budget: comparing'));

describe('check mode on a pull request', () => {
  it('runs the engine against the base, then publishes: report.json, labels, annotations, summary, outputs, comment', async () => {
    const j = job({
      event: 'pull_request',
      payload: pullPayload([]),
      inputs: {},
      client: (timeline) => fakeClient({ timeline, pulls: [{ number: 7, headSha: HEAD, labels: [LABEL] }] }),
      engine: () => Promise.resolve({ report: report('fail') }),
    });
    expect(await runAction(j.ports)).toEqual({ exitCode: 0 });
    expect(calls(j)).toEqual([
      'core.setSecret',
      `git.materializeBase ${BASE.slice(0, 4)}..${HEAD.slice(0, 4)}`,
      `engine.runCheck base ${BASE.slice(0, 4)}`,
      'git.cleanup',
      'files.mkdir <workspace>',
      'files.writeFile <workspace>/model-budget-report.json',
      'core.setOutput report-json',
      // The label added after the push is read from the API: the failure is accepted.
      'github.createClient o/r',
      'github.getPullRequest',
      'core.annotate warning gender: size over budget (accepted by label)',
      'core.appendSummary',
      'core.setOutput verdict',
      'core.setOutput markdown',
      'core.setOutput artifact-name',
      'github.getAuthenticatedLogin',
      'github.listComments',
      'github.createComment',
      'core.info model-budget: PR #7 comment created',
      'core.setOutput comment-id',
    ]);
    expect(j.core.secrets).toEqual(['bot-token']);
    expect(j.core.outputs).toMatchObject({ verdict: 'warn', 'artifact-name': 'model-budget-report', 'comment-id': '100' });
    expect(JSON.parse(j.files.written.get(j.core.outputs['report-json'] ?? '') ?? '')).toMatchObject({ verdict: 'fail', models: [{ name: 'gender' }] });
    expect(j.core.summaries.join('')).toContain(`The label \`${LABEL}\` is set on this pull request`);
    expect(j.client.comments).toMatchObject([{ issue: 7 }]);
    expect(j.client.comments[0]?.body.startsWith(`${commentMarker('model-budget.yml')}\n`)).toBe(true);
  });

  it('a failure no label accepts fails the job; comment: never asks nothing to comment', async () => {
    const j = job({
      event: 'pull_request',
      payload: pullPayload([]),
      inputs: { comment: 'never' },
      client: (timeline) => fakeClient({ timeline, pulls: [{ number: 7, headSha: HEAD, labels: ['other'] }] }),
      engine: () => Promise.resolve({ report: report('fail') }),
    });
    expect(await runAction(j.ports)).toEqual({ exitCode: 1, failure: 'model-budget: a hard budget is broken (see the annotations and the job summary)' });
    expect(j.timeline.only('github.')).toEqual(['github.createClient o/r', 'github.getPullRequest']);
    expect(j.core.outputs['verdict']).toBe('fail');
    expect(j.core.annotations.map((a) => a.level)).toEqual(['error']);
  });

  it('a check that cannot run publishes the error through the same sequence, with no API call', async () => {
    const j = job({
      event: 'pull_request',
      payload: pullPayload([]),
      inputs: {},
      engine: () => Promise.reject(new Error('models/gender/model.json: no such file')),
    });
    expect(await runAction(j.ports)).toEqual({ exitCode: 1, failure: 'models/gender/model.json: no such file' });
    expect(j.timeline.entries).toContain('git.cleanup');
    expect(
      calls(j)
        .slice(3)
        .filter((e) => e !== 'git.cleanup'),
    ).toEqual([
      'files.mkdir <workspace>',
      'files.writeFile <workspace>/model-budget-report.json',
      'core.setOutput report-json',
      'core.annotate error model-budget: unexpected error',
      'core.appendSummary',
      'core.setOutput verdict',
      'core.setOutput markdown',
    ]);
    expect(j.client.calls).toEqual([]);
    expect(JSON.parse(j.files.written.get(j.core.outputs['report-json'] ?? '') ?? '')).toMatchObject({
      verdict: 'error',
      error: 'models/gender/model.json: no such file',
    });
  });
});

describe('the trend history the check is handed', () => {
  it('on a pull request the engine gets the data branch as its history: base-branch points only, no note without a point', async () => {
    let handed: Parameters<RunCheck>[0]['history'];
    const j = job({
      event: 'pull_request',
      payload: pullPayload([]),
      inputs: { comment: 'never' },
      engine: (checkOptions) => {
        handed = checkOptions.history;
        return Promise.resolve({ report: report('pass') });
      },
    });
    const ports: ActionPorts = { ...j.ports, env: { ...j.ports.env, GITHUB_BASE_REF: 'main' } };
    expect(await runAction(ports)).toEqual({ exitCode: 0 });
    expect(handed).toMatchObject({ ref: 'refs/heads/main', noHistory: 'skip' });
  });

  it('on a push the engine gets no history: trend budgets are judged on pull requests only', async () => {
    let handed: Parameters<RunCheck>[0]['history'] | 'not called' = 'not called';
    const j = job({
      event: 'push',
      payload: webhookExample('push'),
      inputs: { comment: 'never' },
      engine: (checkOptions) => {
        handed = checkOptions.history;
        return Promise.resolve({ report: report('pass') });
      },
    });
    expect(await runAction(j.ports)).toEqual({ exitCode: 0 });
    expect(handed).toBeUndefined();
  });
});

describe('the fork-safe pair: mode: measure on the pull request, mode: report on workflow_run', () => {
  it('measure writes the artifact and posts nothing; report posts it from the artifact without running the engine', async () => {
    const measure = job({
      event: 'pull_request',
      payload: pullPayload([]),
      inputs: { mode: 'measure', 'github-token': '' },
      engine: () => Promise.resolve({ report: report('pass') }),
    });
    expect(await runAction(measure.ports)).toEqual({ exitCode: 0 });
    expect(calls(measure).filter((e) => e.startsWith('files.') || e.startsWith('github.'))).toEqual([
      'files.mkdir <workspace>',
      'files.writeFile <workspace>/model-budget-report.json',
      'files.mkdir <workspace>/model-budget-report',
      'files.writeFile <workspace>/model-budget-report/report.json',
      'files.writeFile <workspace>/model-budget-report/comment.md',
      `files.writeFile <workspace>/model-budget-report/${ARTIFACT_REPORT_FILE}`,
    ]);
    const artifact = measure.files.written.get(join(measure.dir, 'model-budget-report', ARTIFACT_REPORT_FILE)) ?? '';

    // What actions/upload-artifact and the download hand over: the folder as a zip.
    const zip = zipSync({ [ARTIFACT_REPORT_FILE]: strToU8(artifact) });
    const post = job({
      event: 'workflow_run',
      payload: workflowRunPayload(HEAD, BASE),
      inputs: { mode: 'report' },
      client: (timeline) => fakeClient({ timeline, pulls: [{ number: 7, headSha: HEAD, labels: [] }], artifacts: { 'model-budget-report': zip } }),
    });
    expect(await runAction(post.ports)).toEqual({ exitCode: 0 });
    expect(calls(post)).toEqual([
      'core.setSecret',
      'github.createClient o/r',
      'github.downloadArtifact',
      'files.mkdir <workspace>',
      'files.writeFile <workspace>/model-budget-report.json',
      'core.setOutput report-json',
      'github.getPullRequest',
      'core.appendSummary',
      'core.setOutput verdict',
      'core.setOutput markdown',
      'github.getAuthenticatedLogin',
      'github.listComments',
      'github.createComment',
      'core.info model-budget: PR #7 comment created',
      'core.setOutput comment-id',
    ]);
    expect(post.core.outputs['verdict']).toBe('pass');
    // The comment the measure job rendered for upload is the one the report job posts.
    expect(post.client.comments[0]?.body).toBe(measure.files.written.get(join(measure.dir, 'model-budget-report', 'comment.md')));
  });

  it('a PR that has moved on gets no comment; report.json and the summary are still written, the job stays green', async () => {
    const post = job({
      event: 'workflow_run',
      payload: workflowRunPayload(HEAD, BASE),
      inputs: { mode: 'report' },
      client: (timeline) =>
        fakeClient({
          timeline,
          pulls: [{ number: 7, headSha: 'f'.repeat(40), labels: [] }],
          artifacts: { 'model-budget-report': artifactZip(report('fail')) },
        }),
    });
    expect(await runAction(post.ports)).toEqual({ exitCode: 0 });
    expect(post.timeline.only('github.')).toEqual(['github.createClient o/r', 'github.downloadArtifact', 'github.getPullRequest']);
    expect(post.core.infos.join('\n')).toContain('PR #7 has moved on');
    expect(post.core.outputs['verdict']).toBe('fail');
    expect(post.files.written.size).toBe(1);
  });
});

describe('aggregate mode on a pull request', () => {
  it('reads every leg, then publishes one comment through the same sequence; a broken budget fails the job', async () => {
    const j = job({
      event: 'pull_request',
      payload: pullPayload([]),
      inputs: { mode: 'aggregate', legs: 'linux-x64 macos-arm64 windows-x64' },
      client: (timeline) =>
        fakeClient({
          timeline,
          pulls: [{ number: 7, headSha: HEAD, labels: [] }],
          artifacts: {
            'model-budget-report-linux-x64': artifactZip(report('pass', { leg: 'linux-x64' })),
            'model-budget-report-macos-arm64': artifactZip(report('fail', { leg: 'macos-arm64' })),
          },
        }),
    });
    expect(await runAction(j.ports)).toEqual({
      exitCode: 1,
      failure: 'model-budget: some legs are missing, unreadable or could not check (see the job summary)',
    });
    expect(calls(j)).toEqual([
      'core.setSecret',
      'github.createClient o/r',
      'github.listArtifactNames',
      'github.downloadArtifact',
      'github.downloadArtifact',
      'files.mkdir <workspace>',
      'files.writeFile <workspace>/model-budget-report.json',
      'core.setOutput report-json',
      'core.appendSummary',
      'core.setOutput verdict',
      'core.setOutput markdown',
      'github.getAuthenticatedLogin',
      'github.listComments',
      'github.createComment',
      'core.info model-budget: PR #7 comment created',
      'core.setOutput comment-id',
    ]);
    expect(JSON.parse(j.files.written.get(j.core.outputs['report-json'] ?? '') ?? '')).toMatchObject({
      verdict: 'error',
      legs: [
        { leg: 'linux-x64', status: 'reported' },
        { leg: 'macos-arm64', status: 'reported' },
        { leg: 'windows-x64', status: 'missing' },
      ],
    });
    expect(j.client.comments).toHaveLength(1);
    expect(j.client.comments[0]?.body).toContain('| metric | `linux-x64` | `macos-arm64` | `windows-x64` |');
  });

  it('with every leg in, a failing leg reads the labels from the API, and the override label accepts it', async () => {
    const j = job({
      event: 'pull_request',
      payload: pullPayload([]),
      inputs: { mode: 'aggregate' },
      client: (timeline) =>
        fakeClient({
          timeline,
          pulls: [{ number: 7, headSha: HEAD, labels: [LABEL] }],
          artifacts: { 'model-budget-report-a': artifactZip(report('fail', { leg: 'a' })) },
        }),
    });
    expect(await runAction(j.ports)).toEqual({ exitCode: 0 });
    expect(j.timeline.only('github.').slice(0, 5)).toEqual([
      'github.createClient o/r',
      'github.listArtifactNames',
      'github.downloadArtifact',
      'github.getPullRequest',
      'github.getAuthenticatedLogin',
    ]);
    expect(j.core.outputs['verdict']).toBe('warn');
  });
});

describe('aggregate mode draws the trend per leg', () => {
  const legArtifacts = {
    'model-budget-report-a': artifactZip(report('pass', { leg: 'a' })),
    'model-budget-report-b': artifactZip(report('pass', { leg: 'b' })),
  };

  it('with a checkout, reads the data branch once and draws one line per leg, each ending at its artifact', async () => {
    const { root, clone } = makeOrigin();
    folders.push(root);
    const writer = clone('writer');
    const silent = { info: () => undefined, warning: (m: string) => expect.fail(m) };
    const history = ['aaaa1', 'bbbb2'].flatMap((sha, i) => [
      trendRecord({ sha, size: 101_000 + i * 1000, leg: 'a' }),
      trendRecord({ sha, size: 201_000 + i * 1000, leg: 'b' }),
    ]);
    expect((await appendRecords(history, { workspace: writer, branch: 'model-budget-data', maxEntries: 50, log: silent })).status).toBe('written');
    // The records are of refs/heads/main: the repository's default branch, as the event names it.
    const payload = pullPayload([]);
    payload['repository'] = { ...(payload['repository'] as Record<string, unknown>), default_branch: 'main' };
    const j = job({
      event: 'pull_request',
      payload,
      inputs: { mode: 'aggregate', record: 'auto' },
      workspace: clone('aggregate'),
      client: (timeline) => fakeClient({ timeline, pulls: [{ number: 7, headSha: HEAD, labels: [] }], artifacts: legArtifacts }),
    });
    expect(await runAction(j.ports)).toEqual({ exitCode: 0 });
    const body = j.client.comments[0]?.body ?? '';
    expect(body).toContain('Trend on the default branch, per leg');
    // Leg a: its two records, then its artifact's 500 KB; leg b likewise: never the other leg's numbers.
    expect([...body.matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => m[1])).toEqual(['101, 102, 500', '201, 202, 500']);
    expect(body).not.toContain(AGGREGATE_TREND_NOTE);
    expect(j.core.warnings).toEqual([]);
  });

  it('without a checkout, the comment says how to get the chart, and the job still passes', async () => {
    const j = job({
      event: 'pull_request',
      payload: pullPayload([]),
      inputs: { mode: 'aggregate', record: 'auto' },
      client: (timeline) => fakeClient({ timeline, pulls: [{ number: 7, headSha: HEAD, labels: [] }], artifacts: legArtifacts }),
    });
    expect(await runAction(j.ports)).toEqual({ exitCode: 0 });
    expect(j.client.comments[0]?.body).toContain(AGGREGATE_TREND_NOTE);
    expect(j.client.comments[0]?.body).not.toContain('```mermaid');
  });
});
