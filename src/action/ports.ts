/**
 * The world the Action runs in, as ports: inputs, environment, `@actions/core`, the engine, the GitHub client, the
 * file system and the clock. `src/action.ts` builds them from the real things; tests hand in recording fakes
 * (test/fakes/), so the same flow runs under the runner and in process.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { BaseSnapshot, BaseSnapshotRequest } from '../git/base-snapshot.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import type { TrendHistory } from '../judge/trend-budgets.js';
import type { Annotation } from '../report/annotations.js';
import type { BaseKind, Report } from '../report/types.js';

/** The slice of `@actions/core` the Action uses. */
export interface ActionCore {
  readonly info: (message: string) => void;
  readonly warning: (message: string) => void;
  readonly annotate: (annotation: Annotation) => void;
  readonly setOutput: (name: string, value: string) => void;
  /** Masks a value in the log. */
  readonly setSecret: (value: string) => void;
  readonly appendSummary: (markdown: string) => Promise<void>;
}

/** The engine entry (src/run.ts `runCheck`), reduced to what the Action passes and reads. */
export type RunCheck = (
  options: {
    readonly configPath: string;
    readonly cwd?: string;
    readonly base?: { readonly dir: string; readonly ref: string; readonly kind?: BaseKind };
    readonly leg?: string;
    readonly runner?: { readonly os?: string; readonly arch?: string; readonly gpu?: string };
    /** The history the `trend:` budgets are judged against (a pull request's data branch). */
    readonly history?: TrendHistory;
  },
  ports: { readonly progress: (line: string) => void; readonly warn: (message: string) => void; readonly debug?: (line: string) => void },
) => Promise<{
  readonly report: Report;
  readonly config?: { readonly models: readonly { readonly name: string; readonly trend: Readonly<Record<string, number>> }[] };
}>;

/** The files the Action writes (report.json, the measure-mode artifact). Paths are absolute. */
export interface ActionFiles {
  /** Creates `dir` and its parents; no error when it exists. */
  readonly mkdir: (dir: string) => Promise<void>;
  /** Creates or replaces `file` with `text` (UTF-8). */
  readonly writeFile: (file: string, text: string) => Promise<void>;
}

/** `ActionFiles` on the real file system. */
export const nodeFiles: ActionFiles = {
  mkdir: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  writeFile: (file, text) => writeFile(file, text),
};

export interface ActionPorts {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly getInput: (name: string) => string;
  readonly core: ActionCore;
  readonly runCheck: RunCheck;
  readonly renderMarkdown: (report: Report) => string;
  readonly toReportJson: (report: Report) => unknown;
  readonly createClient: (token: string, repo: RepoRef) => GitHubClient;
  /** Default: `materializeBase` (git in the repository holding the config). */
  readonly materializeBase?: (request: BaseSnapshotRequest) => Promise<BaseSnapshot>;
  /** Default: `nodeFiles`. */
  readonly files?: ActionFiles;
  /** The time trend records are stamped with. Default: the system clock. */
  readonly now?: () => Date;
}

export interface ActionOutcome {
  readonly exitCode: 0 | 1;
  /** Message for `setFailed` when `exitCode` is 1. */
  readonly failure?: string;
}
