/**
 * A small stateful fake of the GitHub REST calls model-budget makes. Response bodies start from the examples in
 * GitHub's own OpenAPI description (the committed subset), so Prism, in front of it, can validate them. Tokens:
 * `user-token` (a user, GET /user works), `bot-token` (like GITHUB_TOKEN: /user is 403, comments by
 * github-actions[bot]), `readonly-token` (a fork PR's token: every write is 403).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

const SPEC = JSON.parse(readFileSync(new URL('../fixtures/openapi/github-subset.json', import.meta.url), 'utf8')) as {
  components: { examples: Record<string, { value: unknown }> };
};
function example<T>(name: string): T {
  const found = SPEC.components.examples[name];
  if (!found) throw new Error(`no example ${name}`);
  return structuredClone(found.value) as T;
}
type Json = Record<string, unknown>;
const USER_TEMPLATE = (example<Json>('issue-comment')['user'] ?? {}) as Json;

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  login: string;
}
export interface FakePull {
  number: number;
  headSha: string;
  headRef: string;
  headOwner: string;
  labels: string[];
}
export interface FakeArtifact {
  id: number;
  runId: number;
  name: string;
  zip: Uint8Array;
}
export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  authorization?: string;
}

const TOKENS: Record<string, { login: string; user: boolean; readOnly: boolean }> = {
  'user-token': { login: 'octo-dev', user: true, readOnly: false },
  'bot-token': { login: 'github-actions[bot]', user: false, readOnly: false },
  'readonly-token': { login: 'github-actions[bot]', user: false, readOnly: true },
};

export class FakeGitHub {
  readonly comments: FakeComment[] = [];
  readonly pulls: FakePull[] = [];
  readonly artifacts: FakeArtifact[] = [];
  readonly requests: RecordedRequest[] = [];
  /**
   * Status codes to answer the next matching requests with, e.g. `{ match: 'POST /repos', status: 502 }`.
   * `landsAnyway`: a comment POST is carried out before the failure is answered (a lost success).
   */
  readonly failures: { match: string; status: number; retryAfter?: number; landsAnyway?: boolean }[] = [];
  /** Requests (`METHOD /path` prefixes) that get no answer at all, once per entry. */
  readonly hangs: string[] = [];
  /** Largest per_page honoured (GitHub: 100). */
  maxPerPage = 100;
  private nextId = 1000;
  private server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  addComment(issue: number, body: string, login: string): FakeComment {
    const comment = { id: this.nextId++, issue, body, login };
    this.comments.push(comment);
    return comment;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const auth = req.headers.authorization;
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ method, path: url.pathname + url.search, status, ...(auth ? { authorization: auth } : {}) });
      if (body instanceof Uint8Array) {
        res.writeHead(status, { 'content-type': 'application/zip', ...headers }).end(body);
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const error = (status: number, message: string): void =>
      send(status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) });

    const blob = /^\/_blob\/(\d+)$/.exec(url.pathname);
    if (blob) {
      const artifact = this.artifacts.find((a) => a.id === Number(blob[1]));
      return artifact ? send(200, artifact.zip) : error(404, 'Not Found');
    }
    const hang = this.hangs.findIndex((h) => `${method} ${url.pathname}`.startsWith(h));
    if (hang >= 0) {
      this.hangs.splice(hang, 1);
      this.requests.push({ method, path: url.pathname + url.search, status: 0 });
      return;
    }
    const failure = this.failures.findIndex((f) => `${method} ${url.pathname}`.startsWith(f.match));
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      const landed = f?.landsAnyway ? /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname) : null;
      if (f && landed && method === 'POST') this.addComment(Number(landed[1]), String(parseBody(raw)['body']), 'github-actions[bot]');
      if (f) {
        const headers: Record<string, string> = f.retryAfter === undefined ? {} : { 'retry-after': String(f.retryAfter) };
        return send(
          f.status,
          { message: f.status === 429 ? 'You have exceeded a secondary rate limit' : 'Server Error', documentation_url: 'https://docs.github.com/rest' },
          headers,
        );
      }
    }
    const token = TOKENS[(auth ?? '').replace(/^(token|bearer) /i, '')];
    if (!token) return error(401, 'Bad credentials');

    if (method === 'GET' && url.pathname === '/user') {
      if (!token.user) return error(403, 'Resource not accessible by integration');
      const u = example<Json>('private-user-response-with-public-and-private-profile-information');
      return send(200, { ...u, login: token.login });
    }
    const repo = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!repo) return error(404, 'Not Found');
    const [, owner = '', name = '', rest = ''] = repo;
    const base = `${this.url}/repos/${owner}/${name}`;

    let m = /^\/issues\/(\d+)\/comments$/.exec(rest);
    if (m && method === 'GET') {
      const issue = Number(m[1]);
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), this.maxPerPage);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = this.comments.filter((c) => c.issue === issue);
      const pages = Math.max(1, Math.ceil(all.length / perPage));
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const link = (p: number, rel: string): string => `<${base}/issues/${issue}/comments?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links = [...(page < pages ? [link(page + 1, 'next'), link(pages, 'last')] : []), ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])];
      return send(
        200,
        slice.map((c) => this.toJson(c, base)),
        links.length > 0 ? { link: links.join(', ') } : {},
      );
    }
    if (m && method === 'POST') {
      if (token.readOnly) return error(403, 'Resource not accessible by integration');
      const body = parseBody(raw)['body'];
      if (typeof body !== 'string') return error(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
      const comment = this.addComment(Number(m[1]), body, token.login);
      return send(201, this.toJson(comment, base), { location: `${base}/issues/comments/${comment.id}` });
    }
    m = /^\/issues\/comments\/(\d+)$/.exec(rest);
    if (m && method === 'PATCH') {
      if (token.readOnly) return error(403, 'Resource not accessible by integration');
      const comment = this.comments.find((c) => c.id === Number(m?.[1]));
      if (!comment) return error(404, 'Not Found');
      const body = parseBody(raw)['body'];
      if (typeof body !== 'string') return error(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
      if (comment.login !== token.login) return error(403, 'You cannot edit this comment');
      comment.body = body;
      return send(200, this.toJson(comment, base));
    }
    m = /^\/pulls\/(\d+)$/.exec(rest);
    if (m && method === 'GET') {
      const pull = this.pulls.find((p) => p.number === Number(m?.[1]));
      return pull ? send(200, this.pullJson(pull, base)) : error(404, 'Not Found');
    }
    if (rest === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head');
      const list = this.pulls.filter((p) => !head || `${p.headOwner}:${p.headRef}` === head);
      return send(
        200,
        list.map((p) => this.pullJson(p, base, 'simple')),
      );
    }
    m = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(rest);
    if (m && method === 'GET') {
      const wanted = url.searchParams.get('name');
      const list = this.artifacts.filter((a) => a.runId === Number(m?.[1]) && (!wanted || a.name === wanted));
      const template = example<{ artifacts: Json[] }>('artifact-paginated').artifacts[0] ?? {};
      return send(200, {
        total_count: list.length,
        artifacts: list.map((a) => ({
          ...template,
          id: a.id,
          name: a.name,
          size_in_bytes: a.zip.byteLength,
          url: `${base}/actions/artifacts/${a.id}`,
          archive_download_url: `${base}/actions/artifacts/${a.id}/zip`,
          expired: false,
        })),
      });
    }
    m = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(rest);
    if (m && method === 'GET') {
      if (!this.artifacts.some((a) => a.id === Number(m?.[1]))) return error(410, 'Gone');
      // Real GitHub redirects to blob storage on another host; ours is this server, not through Prism.
      return send(302, undefined, { location: `${this.url}/_blob/${m[1]}` });
    }
    return error(404, 'Not Found');
  }

  private toJson(c: FakeComment, base: string): Json {
    return {
      ...example<Json>('issue-comment'),
      id: c.id,
      body: c.body,
      url: `${base}/issues/comments/${c.id}`,
      html_url: `https://github.com/o/r/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${base}/issues/${c.issue}`,
      user: { ...USER_TEMPLATE, login: c.login, type: c.login.endsWith('[bot]') ? 'Bot' : 'User' },
    };
  }

  private pullJson(p: FakePull, _base: string, kind: 'full' | 'simple' = 'full'): Json {
    const pull =
      kind === 'full'
        ? example<Json & { head: Json; labels: Json[] }>('pull-request')
        : (example<(Json & { head: Json; labels: Json[] })[]>('pull-request-simple-items')[0] ?? { head: {}, labels: [] });
    const label = pull.labels[0] ?? {};
    const headRepo = (pull.head['repo'] ?? {}) as Json;
    const headOwner = (headRepo['owner'] ?? {}) as Json;
    return {
      ...pull,
      // GitHub's own example lists a team without the now-required "type"; nobody is requested here anyway.
      requested_teams: [],
      number: p.number,
      head: {
        ...pull.head,
        sha: p.headSha,
        ref: p.headRef,
        label: `${p.headOwner}:${p.headRef}`,
        repo: { ...headRepo, owner: { ...headOwner, login: p.headOwner } },
      },
      labels: p.labels.map((name, i) => ({ ...label, id: 100 + i, name })),
    };
  }
}

function parseBody(raw: string): Json {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Json) : {};
  } catch {
    return {};
  }
}
