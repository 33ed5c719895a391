import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from './fake-github.js';
import {
  actionEntry,
  git,
  utf8SafeZip,
  makeRepo,
  pullRequestEnv,
  pullRequestPayload,
  runAction,
  startPrism,
  webhookExample,
  type Prism,
  type RepoFiles,
  type TempRepo,
} from './harness.js';
import type { CheckoutOptions } from '../helpers/pull-request-origin.js';
import type { ReportJson } from '../../src/report/json.js';
import { record } from '../unit/trend/records.js';

// The PR runs below name their leg; a check-mode comment's key is the config path and the leg.
const LEG = 'linux-x64';
const MARKER = `<!-- model-budget:model-budget.yml@${LEG} -->`;
const config = (size: string, extra = ''): string =>
  `version: 1\nmodels:\n  - name: gender\n    path: models/gender/model.json\n    budget:\n      size: ${size}\n${extra}`;

const fake = new FakeGitHub();
let prism: Prism;
let entry: string;
let repo: TempRepo;
const repos: string[] = [];

beforeAll(async () => {
  entry = actionEntry();
  prism = await startPrism(await fake.start());
  // Base: the model with a 300 KB budget; head: the same model, budget raised to 400 KB.
  repo = pullRequest({ 'models/gender': '@gender', 'model-budget.yml': config('300 KB') }, { 'model-budget.yml': config('400 KB') });
});
afterAll(async () => {
  await prism.stop();
  await fake.stop();
  for (const dir of repos) rmSync(dir, { recursive: true, force: true });
});

/** A PR on its own origin, checked out as actions/checkout does (test merge, fetch-depth 1 unless `checkout` says otherwise). */
const pullRequest = (base: RepoFiles, head: RepoFiles, options: { baseLater?: RepoFiles; checkout?: CheckoutOptions } = {}): TempRepo => {
  const made = makeRepo(base, head, options);
  repos.push(made.workspace, dirname(made.origin));
  return made;
};
const pr = (number: number, options: { token?: string; labels?: string[]; inputs?: Record<string, string>; on?: TempRepo } = {}) => {
  const on = options.on ?? repo;
  return runAction({
    entry,
    workspace: on.workspace,
    eventName: 'pull_request',
    payload: pullRequestPayload('synchronize', on, number, options.labels ?? []),
    apiUrl: prism.url,
    inputs: { 'github-token': options.token ?? 'bot-token', leg: LEG, ...options.inputs },
    env: pullRequestEnv(on, number),
  });
};
const emptyDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-e2e-nocheckout-'));
  repos.push(dir);
  return dir;
};
const commentsOn = (issue: number) => fake.comments.filter((c) => c.issue === issue);

describe('the Action on pull_request', () => {
  it('first run creates the comment, compared with the base branch tip fetched into the shallow clone; the token is never printed', async () => {
    const result = await pr(1);
    // The runner masks what ::add-mask:: names; nothing else may print the token.
    expect(result.stdout.replace(/^::add-mask::.*$/m, '')).not.toContain('bot-token');
    expect(result.code, result.stdout).toBe(0);
    const [comment, ...more] = commentsOn(1);
    expect(more).toEqual([]);
    expect(comment?.login).toBe('github-actions[bot]');
    expect(comment?.body.startsWith(MARKER)).toBe(true);
    // The default checkout (fetch-depth 1) holds only the test merge: the base tip was fetched by sha.
    expect(comment?.body).toContain(`compared with the base branch tip \`${repo.baseSha.slice(0, 12)}\``);
    expect(comment?.body).toContain('`size` budget raised 300 KB → 400 KB in this PR');
    expect(result.outputs['verdict']).toBe('pass');
    expect(result.outputs['comment-id']).toBe(String(comment?.id));
    expect(result.summary).toContain('model-budget');
    expect(JSON.parse(readFileSync(result.outputs['report-json'] ?? '', 'utf8'))).toMatchObject({ schemaVersion: 1, verdict: 'pass' });
  });

  it('second run updates the same comment in place', async () => {
    const first = commentsOn(1)[0];
    if (first) first.body = `${MARKER}\nan old report`;
    const result = await pr(1);
    expect(result.code).toBe(0);
    expect(commentsOn(1)).toHaveLength(1);
    expect(commentsOn(1)[0]?.body).toContain('model-budget: the model is within budget');
    expect(fake.requests.some((r) => r.method === 'PATCH' && r.path === `/repos/o/r/issues/comments/${first?.id}`)).toBe(true);
  });

  it("finds our comment on page 2 and leaves another author's copy of the marker alone", async () => {
    for (let i = 0; i < 130; i++) {
      if (i === 10) fake.addComment(2, `${MARKER}\nquoted by a human`, 'mallory');
      if (i === 120) fake.addComment(2, `${MARKER}\nold`, 'github-actions[bot]');
      else fake.addComment(2, `chatter ${i}`, 'someone');
    }
    const ours = commentsOn(2).find((c) => c.login === 'github-actions[bot]');
    const result = await pr(2);
    expect(result.code).toBe(0);
    expect(commentsOn(2)).toHaveLength(131);
    expect(ours?.body).toContain('within budget');
    expect(commentsOn(2).find((c) => c.login === 'mallory')?.body).toBe(`${MARKER}\nquoted by a human`);
    expect(fake.requests.some((r) => r.path.includes('/issues/2/comments') && r.path.includes('page=2'))).toBe(true);
  });

  it("another author's marker alone does not stop us from creating ours", async () => {
    fake.addComment(3, `${MARKER}\nnot ours`, 'mallory');
    expect((await pr(3)).code).toBe(0);
    expect(commentsOn(3).map((c) => c.login)).toEqual(['mallory', 'github-actions[bot]']);
  });

  it('a personal token finds its login through GET /user', async () => {
    fake.addComment(4, `${MARKER}\nold`, 'octo-dev');
    expect((await pr(4, { token: 'user-token' })).code).toBe(0);
    expect(commentsOn(4)).toHaveLength(1);
    expect(commentsOn(4)[0]?.body).toContain('within budget');
  });

  it("a fork's read-only token (403) warns and keeps the right verdict and the summary", async () => {
    const result = await pr(5, { token: 'readonly-token' });
    expect(result.code).toBe(0);
    expect(result.outputs['verdict']).toBe('pass');
    expect(result.stdout).toMatch(/::warning::could not write the PR comment.*forks/);
    expect(result.summary).toContain('gender');
    expect(commentsOn(5)).toEqual([]);
  });

  it("over budget: exit 1 and an error annotation on the budget's line", async () => {
    const over = pullRequest({ 'models/gender': '@gender', 'model-budget.yml': config('300 KB') }, { 'model-budget.yml': config('100 KB') });
    const result = await pr(6, { on: over });
    expect(result.code).toBe(1);
    expect(result.outputs['verdict']).toBe('fail');
    expect(result.stdout).toMatch(/::error title=gender%3A size over budget,file=model-budget\.yml,line=6,col=\d+::/);
    expect(commentsOn(6)[0]?.body).toContain('❌');

    const accepted = await pr(7, { on: over, labels: ['model-budget:accept'] });
    expect(accepted.code).toBe(0);
    expect(accepted.outputs['verdict']).toBe('warn');
    expect(accepted.stdout).toMatch(/::warning title=gender%3A size over budget \(accepted by label\),file=model-budget\.yml,line=6,/);
    expect(commentsOn(7)[0]?.body).toContain('accepted by label');
  });

  it('a model new in the PR is "new", never a regression', async () => {
    const fresh = pullRequest({ 'README.md': 'hi\n' }, { 'models/gender': '@gender', 'model-budget.yml': config('300 KB') });
    const result = await pr(8, { on: fresh });
    expect(result.code).toBe(0);
    expect(commentsOn(8)[0]?.body).toContain('new model in this pull request');
  });

  it('a .tflite model: measured on LiteRT, compressed the way the PR says, compared with the base branch in the comment', async () => {
    const tflite = (extra: string): string =>
      `version: 1\nbenchmark: { runs: 4, min-seconds: 0 s, warmup: 1, warmup-seconds: 0 s }\nmodels:\n  - name: face\n    path: models/face/face_detection_short_range.tflite\n${extra}    budget:\n      size: 300 KB\n`;
    const made = pullRequest(
      { 'models/face': '@face-short', 'model-budget.yml': tflite('') },
      { 'model-budget.yml': tflite('    compress: { quantize: float32 }\n') },
    );
    const result = await pr(12, { on: made });
    // float32 doubles the float16 weights: 425 KB against the 300 KB budget, the base (as shipped) was 229 KB.
    expect(result.code).toBe(1);
    const body = commentsOn(12)[0]?.body ?? '';
    expect(body).toContain('### ❌ `face`');
    expect(body).toContain('litert 2.5.3, 1 thread');
    expect(body).toMatch(/\| `size` \| 229 KB \| 425\.2 KB \| 🔺 \+196\.1 KB \(\+85\.6%\) \| ≤ 300 KB \| ❌/);
    expect(body).toContain('quantize: 74 float16 constant(s) widened to float32');
    // The same weights, now float32: each keeps its name in the table of changes.
    expect(body).toContain('| `conv2d_16/Kernel_dequantize` | 18.4 KB float16 | 36.9 KB float32 | +18.4 KB |');
    expect(result.stdout).toMatch(/::error title=face%3A size over budget,file=model-budget\.yml,line=\d+,/);
  });

  it('a body over 65,536 characters is trimmed and points at the job summary', async () => {
    // 300 models with 100-character names: far over the limit even without details. The tiny pixelator model
    // (no weights) and one timed run each (every model is timed) keep this quick.
    const models = Array.from(
      { length: 300 },
      (_, i) => `  - name: ${`m${i}-`.padEnd(100, 'x')}\n    path: models/pixelator/model.json\n    budget:\n      size: 300 KB\n`,
    ).join('');
    const big = pullRequest(
      { 'README.md': 'hi\n' },
      {
        'models/pixelator': '@pixelator',
        'model-budget.yml': `version: 1\nbenchmark: { runs: 1, min-seconds: 0 s, warmup: 0, warmup-seconds: 0 s }\nmodels:\n${models}`,
      },
    );
    const result = await pr(9, { on: big });
    expect(result.code, result.stdout).toBe(0);
    const body = commentsOn(9)[0]?.body ?? '';
    expect(body.length).toBeLessThan(65_536);
    expect(body).toMatch(/shortened to fit GitHub's limit \(\d+ models not shown\): the full report is in the \[job summary\]/);
  });
});

const netConfig = (size: string): string =>
  `version: 1\nmodels:\n  - name: net\n    path: models/net/model.json\n    budget:\n      size: ${size}\n      size-increase: 10%\n`;
const reportJson = (result: {
  outputs: Record<string, string>;
}): { models: { base?: unknown; metrics: Record<string, { value: number | null; base?: number; status: string }> }[] } =>
  JSON.parse(readFileSync(result.outputs['report-json'] ?? '', 'utf8')) as never;

describe('the base a checkout is compared with', () => {
  // main swapped the model (a tiny one → the 230 KB gender model) after the PR branched; the PR only raised the
  // size budget. GitHub's test merge holds main's new model, so the PR changed no model at all.
  const base = { 'models/net': '@pixelator', 'model-budget.yml': netConfig('400 KB') };
  const head = { 'model-budget.yml': netConfig('500 KB') };
  const baseLater = { 'models/net': '@gender' };

  it.each([{ fetchDepth: 1 }, { fetchDepth: 0 }])(
    "a PR that only edited a budget is not blamed for main's model change (fetch-depth $fetchDepth)",
    async ({ fetchDepth }) => {
      const moved = pullRequest(base, head, { baseLater, checkout: { fetchDepth } });
      const number = 20 + fetchDepth;
      const result = await pr(number, { on: moved });
      expect(result.code, result.stdout).toBe(0);
      expect(result.outputs['verdict']).toBe('pass');
      const [net] = reportJson(result).models;
      expect(net?.base).toEqual({ status: 'compared', ref: moved.baseSha, kind: 'merge-parent' });
      expect(net?.metrics['size']?.base).toBe(net?.metrics['size']?.value);
      expect(net?.metrics['size-increase.size']?.status).toBe('pass');
      const body = commentsOn(number)[0]?.body ?? '';
      expect(body).toContain(`compared with the base branch tip \`${moved.baseSha.slice(0, 12)}\``);
      expect(body).toContain('`size` budget raised 400 KB → 500 KB in this PR');
    },
  );

  it('a PR head checkout (ref: head.sha, fetch-depth 1) is compared with its merge base, deepened as needed', async () => {
    const headOut = pullRequest(base, head, { baseLater, checkout: { ref: 'head' } });
    const result = await pr(22, { on: headOut });
    expect(result.code, result.stdout).toBe(0);
    // The head tree still has the tiny model: against the fork point nothing changed either.
    expect(reportJson(result).models[0]?.base).toEqual({ status: 'compared', ref: headOut.forkPoint, kind: 'merge-base' });
    expect(commentsOn(22)[0]?.body).toContain(`compared with the merge base \`${headOut.forkPoint.slice(0, 12)}\``);
  });

  it('origin unreachable (a private repository with persist-credentials: false): the notice, and the check still runs', async () => {
    const offline = pullRequest(base, head, { baseLater, checkout: { persistCredentials: false } });
    git(offline.dir, 'remote', 'set-url', 'origin', join(offline.workspace, 'gone.git'));
    const result = await pr(23, { on: offline });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(
      /::notice title=model-budget%3A base branch not compared::commit [0-9a-f]{12} is not in the checkout and fetching it from origin failed/,
    );
    expect(reportJson(result).models[0]?.base).toMatchObject({ status: 'unavailable' });
  });

  it.each([
    { number: 24, inputs: { 'working-directory': 'app' } },
    { number: 25, inputs: { config: 'app/model-budget.yml' } },
  ])('checkout with path: git runs in that folder; annotations name repository paths ($inputs)', async ({ number, inputs }) => {
    const nested = pullRequest(
      { 'models/gender': '@gender', 'model-budget.yml': config('300 KB') },
      { 'model-budget.yml': config('100 KB') },
      { checkout: { path: 'app' } },
    );
    expect(nested.dir).toBe(join(nested.workspace, 'app'));
    const result = await pr(number, { on: nested, inputs });
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/::error title=gender%3A size over budget,file=model-budget\.yml,line=6,col=\d+::/);
    expect(result.stdout).not.toMatch(/fetch-depth/);
    expect(reportJson(result).models[0]?.base).toEqual({ status: 'compared', ref: nested.baseSha, kind: 'merge-parent' });
    expect(commentsOn(number)[0]?.body).toContain('`size` budget lowered 300 KB → 100 KB in this PR');
  });

  it("checkout with path: a push to main records the trend on that repository's origin", async () => {
    const nested = pullRequest({ 'models/gender': '@gender', 'model-budget.yml': config('300 KB') }, {}, { checkout: { path: 'app', ref: 'main' } });
    const payload = webhookExample('push');
    (payload['repository'] as Record<string, unknown>)['default_branch'] = 'main';
    const result = await runAction({
      entry,
      workspace: nested.workspace,
      eventName: 'push',
      payload,
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', 'working-directory': 'app' },
      sha: nested.baseSha,
      env: { GITHUB_REF: 'refs/heads/main' },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('model-budget: trend written to model-budget-data');
    const history = git(nested.origin, 'show', 'model-budget-data:gender.jsonl');
    expect(history).toContain(nested.baseSha);
  });
});

describe('trend budgets on a pull request', () => {
  const reportJsonOf = (result: { outputs: Record<string, string> }): ReportJson =>
    JSON.parse(readFileSync(result.outputs['report-json'] ?? '', 'utf8')) as ReportJson;
  it("the data branch's history is judged by the check: a PR past its trend budget fails, with the metric in the comment", async () => {
    const trended = pullRequest(
      { 'models/gender': '@gender', 'model-budget.yml': config('1 MB', '      trend: { size: 5% }\n') },
      { 'model-budget.yml': config('1 MB', '      trend: { size: 5% }\n') },
    );
    // Five default-branch points of 200 KB on the data branch: the example's 231.8 KB is +15.9%.
    const data = mkdtempSync(join(tmpdir(), 'mb-e2e-data-'));
    repos.push(data);
    git(data, 'init', '-q', '-b', 'model-budget-data', data);
    const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify(record({ sha: `${i}`.repeat(40), size: 200_000 })));
    writeFileSync(join(data, 'gender.jsonl'), `${lines.join('\n')}\n`);
    git(data, 'add', '-A');
    git(data, 'commit', '-q', '-m', 'history');
    git(data, 'push', '-q', trended.origin, 'model-budget-data');

    const number = 41;
    const result = await pr(number, { on: trended });
    expect(result.code, result.stdout).toBe(1);
    const trend = reportJsonOf(result).models[0]?.metrics['trend.size'];
    expect(trend?.status).toBe('fail');
    expect(trend?.message).toContain('which is more than the 5% trend budget');
    expect(commentsOn(number)[0]?.body).toContain('trend budget');
    expect(commentsOn(number)[0]?.body).toContain('Trend on the default branch');
  });
});

describe('the Action on other events', () => {
  it('push: job summary only, no API call', async () => {
    const before = fake.requests.length;
    const push = webhookExample('push');
    const result = await runAction({
      entry,
      workspace: repo.dir,
      eventName: 'push',
      payload: push,
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token' },
      sha: repo.headSha,
    });
    expect(result.code).toBe(0);
    expect(result.summary).toContain('gender');
    expect(fake.requests.length).toBe(before);
  });

  it('fork-safe pair: measure writes the artifact and posts nothing; report (workflow_run) posts it on the PR', async () => {
    const before = fake.requests.length;
    const measured = await pr(10, { token: 'readonly-token', inputs: { mode: 'measure' } });
    expect(measured.code, measured.stdout).toBe(0);
    expect(fake.requests.length).toBe(before);
    const folder = join(repo.dir, 'model-budget-report');
    // Report mode reads only model-budget-report.json (report.json and comment.md are for people).
    fake.artifacts.push({
      id: 555,
      runId: 31337,
      name: 'model-budget-report',
      zip: utf8SafeZip('model-budget-report.json', readFileSync(join(folder, 'model-budget-report.json'), 'utf8')),
    });
    expect(readFileSync(join(folder, 'comment.md'), 'utf8')).toContain(MARKER);
    // A fork run lists no pull requests: the PR is found by the fork's owner and branch from the event.
    fake.pulls.push({ number: 10, headSha: repo.headSha, headRef: 'feature', headOwner: 'forker', labels: [] });
    const payload = webhookExample('workflow_run', 'completed');
    const run = payload['workflow_run'] as Record<string, unknown>;
    Object.assign(run, { id: 31337, head_sha: repo.headSha, head_branch: 'feature', pull_requests: [] });
    run['head_repository'] = {
      ...(run['head_repository'] as object),
      owner: { ...(run['head_repository'] as Record<string, object>)['owner'], login: 'forker' },
    };

    const reported = await runAction({
      entry,
      workspace: emptyDir(),
      eventName: 'workflow_run',
      payload,
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', mode: 'report' },
    });
    expect(reported.stdout.replace(/^::add-mask::.*$/m, '')).not.toContain('bot-token');
    expect(reported.code, reported.stdout).toBe(0);
    expect(reported.outputs['verdict']).toBe('pass');
    expect(commentsOn(10)).toHaveLength(1);
    expect(commentsOn(10)[0]?.body).toContain('`size` budget raised 300 KB → 400 KB in this PR');
  });

  it('report mode refuses a tampered artifact', async () => {
    fake.artifacts.push({
      id: 556,
      runId: 31338,
      name: 'model-budget-report',
      zip: utf8SafeZip('model-budget-report.json', '{"report":{"schemaVersion":1,"verdict":"pwned"},"commentKey":"x"}'),
    });
    const payload = webhookExample('workflow_run', 'completed');
    Object.assign(payload['workflow_run'] as object, { id: 31338, head_sha: repo.headSha, pull_requests: [{ number: 11, head: { sha: repo.headSha } }] });
    const result = await runAction({
      entry,
      workspace: emptyDir(),
      eventName: 'workflow_run',
      payload,
      apiUrl: prism.url,
      inputs: { 'github-token': 'bot-token', mode: 'report' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/not a valid report.*verdict/);
    expect(commentsOn(11)).toEqual([]);
  });
});

describe('Prism', () => {
  it("saw every request and found no violation of GitHub's OpenAPI description", () => {
    const log = prism.log();
    expect(log).toMatch(/Forwarding \\?"post\\?" request/);
    expect(log).toMatch(/Forwarding \\?"patch\\?" request/);
    const problems = log.split('\n').filter((line) => /violation|✖ *error|Request terminated with error/i.test(line));
    expect(problems).toEqual([]);
  });
});
