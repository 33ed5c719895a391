/**
 * Every GitHub workflow shown in README.md and docs/ (a ```yaml block with `on:` and `jobs:`), and every workflow
 * of this repository, parsed and converted by GitHub's own parser (@actions/workflow-parser), plus the rules the
 * docs promise: no write token for pull-request code, no `npx model-budget` (that name is not published).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DOCS = [
  'README.md',
  'SECURITY.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Snippet {
  readonly where: string;
  readonly text: string;
}

function yamlBlocks(file: string): Snippet[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i] ?? '')) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    blocks.push({ where: `${file}:${start}`, text: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

type Workflow = {
  on?: unknown;
  jobs?: Record<string, { if?: string; permissions?: unknown; steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>;
  permissions?: unknown;
};
const isWorkflow = (doc: unknown): doc is Workflow => typeof doc === 'object' && doc !== null && 'on' in doc && 'jobs' in doc;

const snippets = DOCS.flatMap(yamlBlocks).filter((s) => isWorkflow(parse(s.text)));
const ownWorkflows = readdirSync(join(ROOT, '.github', 'workflows')).map((f) => ({
  where: `.github/workflows/${f}`,
  text: readFileSync(join(ROOT, '.github', 'workflows', f), 'utf8'),
}));

function events(workflow: Workflow): string[] {
  const on = workflow.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return typeof on === 'object' && on !== null ? Object.keys(on) : [];
}

function grantsWrite(permissions: unknown, scope: string): boolean {
  if (permissions === 'write-all') return true;
  return typeof permissions === 'object' && permissions !== null && (permissions as Record<string, unknown>)[scope] === 'write';
}

describe('workflow snippets in the docs', () => {
  it('there are snippets to check (README, github-action.md, trend.md, SECURITY.md)', () => {
    const files = new Set(snippets.map((s) => s.where.split(':')[0]));
    expect([...files].sort()).toEqual(expect.arrayContaining(['README.md', 'docs/github-action.md', 'docs/trend.md']));
  });

  it.each([...snippets, ...ownWorkflows])("$where parses with GitHub's workflow parser", async ({ where, text }) => {
    const parsed = parseWorkflow({ name: where, content: text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(parsed.value).toBeDefined();
    const template = await convertWorkflowTemplate(parsed.context, parsed.value ?? never());
    expect((template.errors ?? []).map((e) => e.Message)).toEqual([]);
  });

  it.each(snippets)('$where: no job that runs on pull_request gets contents: write; no pull_request_target', ({ text }) => {
    const workflow = parse(text) as Workflow;
    expect(events(workflow)).not.toContain('pull_request_target');
    if (!events(workflow).includes('pull_request')) return;
    expect(grantsWrite(workflow.permissions, 'contents')).toBe(false);
    const prJobs = Object.values(workflow.jobs ?? {}).filter((job) => !/github\.event_name\s*==\s*'push'/.test(job.if ?? ''));
    expect(prJobs.length).toBeGreaterThan(0);
    for (const job of prJobs) expect(grantsWrite(job.permissions, 'contents')).toBe(false);
  });

  it.each(snippets)('$where: the CLI is never run as `npx model-budget` (not a published package)', ({ text }) => {
    const runs = Object.values((parse(text) as Workflow).jobs ?? {}).flatMap((job) => (job.steps ?? []).map((s) => s.run ?? ''));
    expect(runs.filter((run) => /\bnpx\b[^\n]*\bmodel-budget\b/.test(run))).toEqual([]);
  });
});

describe('the docs do not suggest `npx model-budget` anywhere', () => {
  it.each(DOCS)('%s', (file) => {
    expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(/npx (--yes )?model-budget/);
  });
});

function never(): never {
  throw new Error('no parsed workflow');
}
