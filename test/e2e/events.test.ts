/**
 * The bundled Action on the events it must treat with care: pull_request_target (refused), a label set after the
 * push (read from the API), a config error (report.json still written), and report mode when the PR lookup fails.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from './fake-github.js';
import { actionEntry, makeRepo, pullRequestPayload, runAction, startPrism, utf8SafeZip, webhookExample, type Prism, type TempRepo } from './harness.js';

const config = (size: string): string => `version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    budget:\n      size: ${size}\n`;
const fake = new FakeGitHub();
let prism: Prism;
let entry: string;
let over: TempRepo;
const dirs: string[] = [];

beforeAll(async () => {
  entry = actionEntry();
  prism = await startPrism(await fake.start());
  // The head is over its 100 KB budget (the model is 232 KB).
  over = makeRepo({ 'models/gender': '@gender', 'model-budget.yml': config('300 KB') }, { 'model-budget.yml': config('100 KB') });
  dirs.push(over.dir);
});
afterAll(async () => {
  await prism.stop();
  await fake.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const requestsFor = (path: string) => fake.requests.filter((r) => r.path.startsWith(path));

describe('the bundled Action on delicate events', () => {
  it('pull_request_target: refused before any model is loaded or any API call', async () => {
    const before = fake.requests.length;
    const result = await runAction({
      entry,
      workspace: over.dir,
      eventName: 'pull_request_target',
      payload: pullRequestPayload('synchronize', over, 40),
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', record: 'never' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::mode: check does not run on pull_request_target/);
    expect(result.stdout).toContain('Fork-safe workflow');
    expect(result.outputs['verdict']).toBe('error');
    expect(fake.requests.length).toBe(before);
  });

  it('labeled: the override label set on the PR (not in the payload) accepts the failure', async () => {
    fake.pulls.push({ number: 41, headSha: over.headSha, headRef: 'feature', headOwner: 'o', labels: ['model-budget:accept'] });
    const payload = { ...pullRequestPayload('synchronize', over, 41), action: 'labeled' };
    const result = await runAction({
      entry,
      workspace: over.dir,
      eventName: 'pull_request',
      payload,
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', record: 'never' },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs['verdict']).toBe('warn');
    expect(requestsFor('/repos/o/r/pulls/41').map((r) => r.status)).toEqual([200]);
    expect(result.summary).toContain('model-budget:accept');
  });

  it.each([
    { what: 'unlabeled', action: 'unlabeled', number: 44 },
    { what: 're-run of a run whose payload had the label', action: 'synchronize', number: 45 },
  ])('$what: a label the payload still carries but the PR no longer has does not accept the failure', async ({ action, number }) => {
    fake.pulls.push({ number, headSha: over.headSha, headRef: 'feature', headOwner: 'o', labels: [] });
    const payload = { ...pullRequestPayload('synchronize', over, number, ['model-budget:accept']), action };
    const result = await runAction({
      entry,
      workspace: over.dir,
      eventName: 'pull_request',
      payload,
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', record: 'never' },
    });
    expect(result.code, result.stdout).toBe(1);
    expect(result.outputs['verdict']).toBe('fail');
    expect(requestsFor(`/repos/o/r/pulls/${number}`).map((r) => r.status)).toEqual([200]);
  });

  it('a config error still writes report.json with verdict error and names it in the output', async () => {
    const broken = makeRepo(
      { 'model-budget.yml': 'version: 1\nmodels: []\n' },
      { 'model-budget.yml': 'version: 1\nmodels:\n  - name: x\n    path: nowhere.json\n    budget: { size: big }\n' },
    );
    dirs.push(broken.dir);
    const result = await runAction({
      entry,
      workspace: broken.dir,
      eventName: 'pull_request',
      payload: pullRequestPayload('opened', broken, 42),
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', record: 'never' },
    });
    expect(result.code).toBe(1);
    const file = result.outputs['report-json'] ?? '';
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ verdict: 'error', models: [] });
  });

  it('report mode: GET /pulls/N 404 is a warning; the summary and report-json are still written, the job is green', async () => {
    const report = { schemaVersion: 1, verdict: 'pass', config: 'model-budget.yml', models: [], tool: { name: 'model-budget', version: '0.1.0' } };
    fake.artifacts.push({
      id: 777,
      runId: 4343,
      name: 'model-budget-report',
      zip: utf8SafeZip('model-budget-report.json', JSON.stringify({ report, commentKey: 'model-budget.yml' })),
    });
    const payload = webhookExample('workflow_run', 'completed');
    Object.assign(payload['workflow_run'] as object, { id: 4343, head_sha: over.headSha, pull_requests: [{ number: 43, head: { sha: over.headSha } }] });
    const workspace = mkdtempSync(join(tmpdir(), 'mb-e2e-report-'));
    dirs.push(workspace);
    const result = await runAction({
      entry,
      workspace,
      eventName: 'workflow_run',
      payload,
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', mode: 'report' },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/::warning::model-budget: could not read the pull request of run 4343 .*404/);
    expect(result.summary).toContain('model-budget');
    expect(existsSync(result.outputs['report-json'] ?? '')).toBe(true);
    expect(fake.comments.filter((c) => c.issue === 43)).toEqual([]);
  });
});
