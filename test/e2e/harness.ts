/**
 * Runs the bundled Action the way the runner does: a child `node dist/index.js` with INPUT_* (hyphens kept),
 * GITHUB_* variables, a real webhook payload in GITHUB_EVENT_PATH, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files
 * that exist before the run. The API is our fake GitHub behind Prism, which validates every request and response
 * against GitHub's OpenAPI description.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { crc32 } from 'node:zlib';
import { corpusModel } from '../helpers/corpus.js';
import { checkoutPullRequest, git, makePullRequestOrigin, type CheckoutOptions, type Files, type PullRequestOrigin } from '../helpers/pull-request-origin.js';
import { actionCommand } from '../helpers/node-binary.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strToU8, zipSync } from 'fflate';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const SPEC = join(ROOT, 'test', 'fixtures', 'openapi', 'github-subset.json');

/**
 * The bundle to run: `dist/index.js` (what action.yml names). Without it (or with MODEL_BUDGET_E2E_FROM_SOURCE set),
 * the tests build the bundle themselves into a temporary folder (`scripts/build.mjs --out`, a few seconds).
 */
export function actionEntry(): string {
  const dist = join(ROOT, 'dist', 'index.js');
  // MODEL_BUDGET_E2E_FROM_SOURCE=1: test the working tree even when a (possibly older) dist/ exists.
  if (existsSync(dist) && !process.env['MODEL_BUDGET_E2E_FROM_SOURCE']) return dist;
  const out = join(mkdtempSync(join(tmpdir(), 'mb-e2e-bundle-')), 'dist');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--out', out], { cwd: ROOT, stdio: 'pipe' });
  return join(out, 'index.js');
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface Prism {
  readonly url: string;
  readonly log: () => string;
  readonly stop: () => Promise<void>;
}

/** Starts `prism proxy <subset spec> <upstream> --errors` and waits until it listens. */
export async function startPrism(upstream: string): Promise<Prism> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(ROOT, 'node_modules', '.bin', 'prism'),
    ['proxy', SPEC, upstream, '--errors', '--port', String(port), '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const started = Date.now();
  while (!/Prism is listening/.test(log)) {
    if (child.exitCode !== null) throw new Error(`prism exited: ${log}`);
    if (Date.now() - started > 60_000) throw new Error(`prism did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

export { git };

/** A pull request's origin and the checkout a job made of it. */
export interface TempRepo extends PullRequestOrigin {
  /** The git work tree the job checked out (`GITHUB_WORKSPACE`, or inside it with `path:`). */
  readonly dir: string;
  /** `GITHUB_WORKSPACE`. */
  readonly workspace: string;
}

/**
 * Contents for `makeRepo`: text, `@gender` (the example model folder examples/gender), `@pixelator` or
 * `@face-short` (corpus models: a TF.js graph, MediaPipe's short-range face detector `.tflite`), or null (deleted).
 */
export type RepoFiles = Readonly<Record<string, string | null>>;

/**
 * A pull request on a real origin, checked out the way actions/checkout does it: `base` on main, `head` on the PR
 * branch, then optionally `baseLater` on main (the base branch moved on after the PR branched), GitHub's
 * `refs/pull/N/merge` test merge, and a checkout of it at `fetch-depth: 1` unless `checkout` says otherwise. The
 * folders under `/tmp` are the caller's to remove (`workspace` and `dirname(origin)`).
 */
export function makeRepo(base: RepoFiles, head: RepoFiles, options: { readonly baseLater?: RepoFiles; readonly checkout?: CheckoutOptions } = {}): TempRepo {
  const files = (given: RepoFiles): Files =>
    Object.fromEntries(
      Object.entries(given).map(([path, content]) => [
        path,
        content === '@gender'
          ? { copy: join(ROOT, 'examples', 'gender') }
          : content === '@pixelator'
            ? { copy: corpusModel('pixelator').dir }
            : content === '@face-short'
              ? { copy: corpusModel('mediapipe-face-short').dir }
              : content,
      ]),
    );
  const origin = makePullRequestOrigin({ base: files(base), head: files(head), ...(options.baseLater ? { baseLater: files(options.baseLater) } : {}) });
  const checkout = checkoutPullRequest(origin, options.checkout);
  return { ...origin, dir: checkout.repoDir, workspace: checkout.workspace };
}

/** The variables the runner sets for a `pull_request` run of `repo`: GITHUB_SHA is the test merge. */
export function pullRequestEnv(repo: TempRepo, number: number): Record<string, string> {
  return { GITHUB_SHA: repo.mergeSha, GITHUB_REF: `refs/pull/${number}/merge`, GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'feature' };
}

interface WebhookExample {
  readonly name: string;
  readonly examples: readonly Record<string, unknown>[];
}
const EXAMPLES = JSON.parse(
  readFileSync(join(ROOT, 'node_modules', '@octokit', 'webhooks-examples', 'api.github.com', 'index.json'), 'utf8'),
) as WebhookExample[];

/** A real webhook payload from @octokit/webhooks-examples (by event name and action), deep-copied. */
export function webhookExample(event: string, action?: string): Record<string, unknown> & { [key: string]: unknown } {
  const found = EXAMPLES.find((e) => e.name === event)?.examples.find((x) => action === undefined || x['action'] === action);
  if (!found) throw new Error(`no ${event}.${action ?? ''} example`);
  return structuredClone(found);
}

/** A workflow_run (completed) payload for run `id` of one pull request #7: its head and base shas as given. */
export function workflowRunPayload(head: string, base: string, id = 555): Record<string, unknown> {
  const payload = webhookExample('workflow_run', 'completed');
  const run = payload['workflow_run'] as Record<string, unknown>;
  run['id'] = id;
  run['head_sha'] = head;
  run['pull_requests'] = [
    {
      id: 1,
      number: 7,
      url: 'u',
      head: { ref: 'feature', sha: head, repo: { id: 1, url: 'u', name: 'r' } },
      base: { ref: 'main', sha: base, repo: { id: 1, url: 'u', name: 'r' } },
    },
  ];
  return payload;
}

/** A pull_request payload whose number, shas and labels match the temp repo (`base.sha`: the base branch tip). */
export function pullRequestPayload(action: 'opened' | 'synchronize', repo: TempRepo, number: number, labels: string[] = []): Record<string, unknown> {
  const payload = webhookExample('pull_request', action);
  const pr = payload['pull_request'] as Record<string, Record<string, unknown>>;
  const label = (pr['labels'] as unknown as Record<string, unknown>[] | undefined)?.[0] ?? {
    id: 1,
    node_id: 'x',
    url: 'u',
    color: 'fff',
    default: false,
    description: null,
  };
  payload['number'] = number;
  pr['number'] = number as never;
  pr['base'] = { ...pr['base'], sha: repo.baseSha, ref: 'main' };
  pr['head'] = { ...pr['head'], sha: repo.headSha, ref: 'feature' };
  pr['labels'] = labels.map((name, i) => ({ ...label, id: 900 + i, name })) as never;
  return payload;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

export interface RunOptions {
  readonly entry: string;
  readonly workspace: string;
  readonly eventName: string;
  readonly payload: Record<string, unknown>;
  readonly apiUrl: string;
  readonly inputs: Record<string, string>;
  readonly sha?: string;
  /** More runner variables (GITHUB_REF, GITHUB_BASE_REF, …); they win over the defaults. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs the Action once as a child process. */
export async function runAction(options: RunOptions): Promise<RunResult> {
  const tmp = mkdtempSync(join(tmpdir(), 'mb-e2e-run-'));
  const files = { event: join(tmp, 'event.json'), output: join(tmp, 'output'), summary: join(tmp, 'summary.md') };
  writeFileSync(files.event, JSON.stringify(options.payload));
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const inputs = Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? tmp,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_SHA: options.sha ?? '',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.apiUrl,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: tmp,
    ...options.env,
    ...inputs,
  };
  const command = actionCommand(options.entry);
  const child = spawn(command.file, [...command.args], { cwd: options.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  return { code, stdout, outputs: parseOutputs(readFileSync(files.output, 'utf8')), summary: readFileSync(files.summary, 'utf8') };
}

/** GITHUB_OUTPUT's `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, name = '', delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    out[name] = value.join('\n');
  }
  return out;
}

/**
 * A one-file zip archive that survives a UTF-8 round trip. Prism's proxy passes response bodies through as UTF-8
 * text, which would mangle a binary zip; a stored (uncompressed) text file, padded with trailing spaces until the
 * archive's CRC, sizes and offsets are all bytes below 0x80, survives that and is still a valid zip.
 */
export function utf8SafeZip(name: string, text: string): Uint8Array {
  const low = (n: number): boolean => [0, 8, 16, 24].every((shift) => ((n >>> shift) & 0xff) < 0x80);
  let padded = text;
  // The CRC, the size and the central directory's offset (after the one local header) must be bytes below 0x80.
  const ok = (): boolean => {
    const size = Buffer.byteLength(padded);
    return low(crc32(Buffer.from(padded))) && low(size) && low(30 + name.length + size);
  };
  while (!ok()) padded += ' ';
  const zip = zipSync({ [name]: [strToU8(padded), { level: 0, mtime: new Date(1980, 0, 1) }] });
  if (!Buffer.from(new TextDecoder().decode(zip)).equals(zip)) throw new Error('could not make a UTF-8-safe zip');
  return zip;
}
