/**
 * A job matrix as the docs' workflow runs it: three legs (told apart by the runner's own RUNNER_OS / RUNNER_ARCH)
 * run the bundle with `mode: measure` and upload their folder under the `artifact-name` output, then one job runs
 * `mode: aggregate` against the fake GitHub behind Prism, which checks every request against GitHub's OpenAPI
 * description.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appendRecords } from '../../src/trend/store.js';
import { record as trendRecord } from '../unit/trend/records.js';
import { FakeGitHub } from './fake-github.js';
import {
  ROOT,
  actionEntry,
  makeRepo,
  pullRequestEnv,
  pullRequestPayload,
  runAction,
  startPrism,
  utf8SafeZip,
  webhookExample,
  type Prism,
  type TempRepo,
} from './harness.js';

// x64 legs: 400 KB; arm64 legs: a per-leg warning level below the model's size, so they warn.
const CONFIG = `version: 1
models:
  - name: gender
    path: models/gender/model.json
    benchmark: { runtime: cpu, runs: 3, warmup: 1, warmup-seconds: 10 ms, min-seconds: 10 ms, max-seconds: 200 ms }
    budget:
      size: 400 KB
      per-leg:
        "*-arm64-*":
          size: { max: 400 KB, warn: 1 KB }
`;
const LEGS = [
  { os: 'Linux', arch: 'X64' },
  { os: 'Linux', arch: 'ARM64' },
  { os: 'macOS', arch: 'ARM64' },
] as const;
const RUN_ID = 4242;

const fake = new FakeGitHub();
let prism: Prism;
let entry: string;
let repo: TempRepo;
const dirs: string[] = [];
/** Leg id and artifact name each leg reported, in LEGS order. */
const measured: { leg: string; artifact: string; verdict: string }[] = [];

beforeAll(async () => {
  entry = actionEntry();
  prism = await startPrism(await fake.start());
  repo = makeRepo({ 'models/gender': '@gender', 'model-budget.yml': CONFIG }, {});
  dirs.push(repo.workspace, dirname(repo.origin));
});
afterAll(async () => {
  await prism.stop();
  await fake.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const emptyDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-e2e-aggregate-'));
  dirs.push(dir);
  return dir;
};
const aggregate = (
  inputs: Record<string, string>,
  event: { name: string; payload: Record<string, unknown> } = { name: 'pull_request', payload: pullRequestPayload('synchronize', repo, 7) },
) =>
  runAction({
    entry,
    workspace: emptyDir(),
    eventName: event.name,
    payload: event.payload,
    apiUrl: prism.url,
    inputs: { 'github-token': 'bot-token', mode: 'aggregate', ...inputs },
    env: { GITHUB_RUN_ID: String(RUN_ID) },
  });
interface DocsStep {
  readonly id?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}
interface DocsWorkflow {
  readonly jobs: {
    readonly measure: { readonly strategy: { readonly matrix: { readonly include: { leg: string; config?: string }[] } }; readonly steps: DocsStep[] };
    readonly aggregate: { readonly needs: string; readonly steps: DocsStep[] };
  };
}
/** The matrix workflow of docs/github-action.md, as a user copies it. */
function docsMatrixWorkflow(): DocsWorkflow {
  const markdown = readFileSync(join(ROOT, 'docs', 'github-action.md'), 'utf8');
  const block = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((text) => text.includes('mode: aggregate'));
  if (!block) throw new Error('docs/github-action.md has no matrix workflow');
  return parse(block) as DocsWorkflow;
}
const writes = (issue: number) =>
  fake.requests.filter((r) => r.method !== 'GET' && r.path.includes(`/issues/`) && (r.method === 'PATCH' || r.path.includes(`/issues/${issue}/`)));

describe('a job matrix: measure in every leg, aggregate in one job', () => {
  it('each leg measures with its own id, artifact name and per-leg budgets, and posts nothing', async () => {
    for (const [i, runner] of LEGS.entries()) {
      const before = fake.requests.length;
      const result = await runAction({
        entry,
        workspace: repo.workspace,
        eventName: 'pull_request',
        payload: pullRequestPayload('synchronize', repo, 7),
        apiUrl: prism.url,
        inputs: { 'github-token': 'readonly-token', mode: 'measure' },
        env: { ...pullRequestEnv(repo, 7), RUNNER_OS: runner.os, RUNNER_ARCH: runner.arch },
      });
      expect(result.code, result.stdout).toBe(0);
      expect(fake.requests.length).toBe(before);
      const leg = result.outputs['leg'] ?? '';
      expect(leg.startsWith(`${runner.os.toLowerCase()}-${runner.arch.toLowerCase()}-`), leg).toBe(true);
      expect(leg.endsWith('-cpu'), leg).toBe(true);
      expect(result.outputs['artifact-name']).toBe(`model-budget-report-${leg}`);
      const file = readFileSync(join(repo.workspace, 'model-budget-report', 'model-budget-report.json'), 'utf8');
      expect((JSON.parse(file) as { report: { leg: string } }).report.leg).toBe(leg);
      fake.artifacts.push({ id: 900 + i, runId: RUN_ID, name: result.outputs['artifact-name'] ?? '', zip: utf8SafeZip('model-budget-report.json', file) });
      measured.push({ leg, artifact: result.outputs['artifact-name'] ?? '', verdict: result.outputs['verdict'] ?? '' });
    }
    expect(new Set(measured.map((m) => m.leg)).size).toBe(3);
    expect(measured.map((m) => m.verdict)).toEqual(['pass', 'warn', 'warn']);
  });

  it('aggregate posts exactly one comment with every leg, and reports a leg that sent nothing as missing', async () => {
    const before = writes(7).length;
    const result = await aggregate({ legs: [...measured.map((m) => m.leg), 'windows-x64'].join(', ') });
    // A missing leg is never a pass: the job fails for it.
    expect(result.code, result.stdout).toBe(1);
    expect(result.outputs['verdict']).toBe('error');
    const posted = writes(7).slice(before);
    expect(posted.map((r) => r.method)).toEqual(['POST']);
    const comments = fake.comments.filter((c) => c.issue === 7);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body.startsWith('<!-- model-budget:model-budget.yml -->\n')).toBe(true);
    for (const { leg } of measured) expect(body).toContain(`\`${leg}\``);
    expect(body).toMatch(/`windows-x64` \| ❔ missing/);
    expect(body).toContain('1 of 4 legs missing');
    // Every leg's size, and the arm64 legs judged on their own (per-leg) warning level.
    const sizeRow = body.split('\n').find((line) => line.startsWith('| `size` |')) ?? '';
    expect(sizeRow.match(/KB \(≤ 400 KB\) (✅|⚠️)/g)).toEqual(['KB (≤ 400 KB) ✅', 'KB (≤ 400 KB) ⚠️', 'KB (≤ 400 KB) ⚠️']);
    expect(result.summary).toContain('windows-x64');
  });

  it('a re-run updates that comment in place (one PATCH, no POST)', async () => {
    const before = writes(7).length;
    const result = await aggregate({ legs: measured.map((m) => m.leg).join('\n') });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs['verdict']).toBe('warn');
    expect(
      writes(7)
        .slice(before)
        .map((r) => r.method),
    ).toEqual(['PATCH']);
    const comments = fake.comments.filter((c) => c.issue === 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).not.toContain('missing');
  });

  it('from workflow_run (fork-safe), a tampered leg is unreadable, not a pass, and never picks the comment', async () => {
    fake.artifacts.push({
      id: 950,
      runId: 5151,
      name: `model-budget-report-${measured[0]?.leg ?? ''}`,
      zip: utf8SafeZip('model-budget-report.json', '{"report":{"schemaVersion":1,"verdict":"pass"}}'),
    });
    const payload = webhookExample('workflow_run', 'completed');
    Object.assign(payload['workflow_run'] as object, { id: 5151, head_sha: repo.headSha, pull_requests: [{ number: 8, head: { sha: repo.headSha } }] });
    fake.pulls.push({ number: 8, headSha: repo.headSha, headRef: 'feature', headOwner: 'o', labels: [] });
    const result = await aggregate({}, { name: 'workflow_run', payload });
    expect(result.code, result.stdout).toBe(1);
    const comments = fake.comments.filter((c) => c.issue === 8);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/unreadable: model-budget-report\.json does not match the report schema/);
  });

  it("the docs' matrix workflow, step by step: its inputs, its artifact names, its legs", async () => {
    const workflow = docsMatrixWorkflow();
    const steps = workflow.jobs.measure.steps;
    const measure = steps.find((s) => s.with?.['mode'] === 'measure');
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    const aggregateStep = workflow.jobs.aggregate.steps.find((s) => s.with?.['mode'] === 'aggregate');
    expect(workflow.jobs.aggregate.needs).toBe('measure');
    expect(upload?.with?.['name']).toBe(`\${{ steps.${measure?.id ?? ''}.outputs.artifact-name }}`);
    const include = workflow.jobs.measure.strategy.matrix.include;
    const runners: Record<string, { os: string; arch: string }> = {
      'linux-x64': { os: 'Linux', arch: 'X64' },
      'linux-arm64': { os: 'Linux', arch: 'ARM64' },
      'macos-arm64': { os: 'macOS', arch: 'ARM64' },
    };
    // The hosted legs run here; the Windows and GPU legs do not, so the aggregate job must call them missing.
    for (const [i, row] of include.filter((e) => runners[e.leg]).entries()) {
      const inputs = Object.fromEntries(
        Object.entries(measure?.with ?? {}).map(([k, v]) => [
          k,
          String(v)
            .replace('${{ matrix.leg }}', row.leg)
            .replace("${{ matrix.config || 'model-budget.yml' }}", row.config ?? 'model-budget.yml'),
        ]),
      );
      const result = await runAction({
        entry,
        workspace: repo.workspace,
        eventName: 'pull_request',
        payload: pullRequestPayload('synchronize', repo, 9),
        apiUrl: prism.url,
        inputs: { 'github-token': 'readonly-token', ...inputs },
        env: { ...pullRequestEnv(repo, 9), RUNNER_OS: runners[row.leg]?.os ?? '', RUNNER_ARCH: runners[row.leg]?.arch ?? '' },
      });
      expect(result.code, result.stdout).toBe(0);
      expect(result.outputs['artifact-name']).toBe(`model-budget-report-${row.leg}`);
      const file = readFileSync(
        join(repo.workspace, typeof upload?.with?.['path'] === 'string' ? upload.with['path'] : '', 'model-budget-report.json'),
        'utf8',
      );
      fake.artifacts.push({ id: 960 + i, runId: 6161, name: result.outputs['artifact-name'] ?? '', zip: utf8SafeZip('model-budget-report.json', file) });
    }
    const result = await runAction({
      entry,
      workspace: emptyDir(),
      eventName: 'pull_request',
      payload: pullRequestPayload('synchronize', repo, 9),
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', ...Object.fromEntries(Object.entries(aggregateStep?.with ?? {}).map(([k, v]) => [k, String(v)])) },
      env: { GITHUB_RUN_ID: '6161' },
    });
    expect(result.code).toBe(1);
    const body = fake.comments.find((c) => c.issue === 9)?.body ?? '';
    expect(body).toContain('2 of 5 legs missing');
    expect(body).toMatch(/`windows-x64` \| ❔ missing/);
    expect(body).toMatch(/`linux-x64-gpu` \| ❔ missing/);
    expect(body).toMatch(/\| `size` \|( [\d.]+ KB \(≤ 400 KB\) (✅|⚠️) \|){3}/);
  });

  it('in a checkout with a data branch, the bundle draws one trend line per leg, each from its own records', async () => {
    const legs = measured.slice(0, 2).map((m) => m.leg);
    // Two default-branch commits per leg; leg 2's sizes are twice leg 1's, so a mixed line would show.
    const history = ['aaaa1', 'bbbb2'].flatMap((sha, i) => legs.map((leg, j) => trendRecord({ sha, size: (j + 1) * 100_000 + i * 1000, leg })));
    const silent = { info: () => undefined, warning: (m: string) => expect.fail(m) };
    expect((await appendRecords(history, { workspace: repo.dir, branch: 'model-budget-data', maxEntries: 50, log: silent })).status).toBe('written');
    const result = await runAction({
      entry,
      workspace: repo.workspace,
      eventName: 'pull_request',
      payload: pullRequestPayload('synchronize', repo, 7),
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', mode: 'aggregate', legs: legs.join(', ') },
      env: { GITHUB_RUN_ID: String(RUN_ID), GITHUB_BASE_REF: 'main' },
    });
    expect(result.code, result.stdout).toBe(0);
    const body = fake.comments.find((c) => c.issue === 7)?.body ?? '';
    const lines = [...body.matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => (m[1] ?? '').split(', ').slice(0, 2));
    expect(lines).toEqual([
      ['100', '101'],
      ['200', '201'],
    ]);
  });

  it("Prism found no request that breaks GitHub's OpenAPI description", () => {
    const problems = prism
      .log()
      .split('\n')
      .filter((line) => /violation|✖ *error|Request terminated with error/i.test(line));
    expect(problems).toEqual([]);
  });
});
