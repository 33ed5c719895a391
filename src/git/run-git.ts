/**
 * The one `git` runner: base snapshots, base commits and the trend history store all call git through here. Plain
 * child processes, no library, never a shell (arguments are passed as an array, so branch, path and model names
 * cannot inject anything), never a password prompt, and output bounded: a caller either keeps only the tail
 * (`maxStdoutBytes`), refuses output over a size (`gitBytes`), or streams it to a file (`gitToFile`).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  /** stdout as bytes, for blobs that must round-trip exactly (lines that are not UTF-8). */
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
  /** True when stdout was longer than `maxStdoutBytes` and only its tail was kept. */
  readonly truncated: boolean;
}

export interface GitOptions {
  readonly cwd: string;
  /** Written to git's stdin. */
  readonly input?: string | Uint8Array;
  readonly env?: Readonly<Record<string, string>>;
  /** Keep only the last this many bytes of stdout (bounded reads of large blobs). Default: keep all. */
  readonly maxStdoutBytes?: number;
}

/** Most bytes `gitBytes` reads into memory by default (a model.json or a config; shards are streamed). */
export const DEFAULT_MAX_GIT_BYTES = 256 * 1024 * 1024;

/** git failed (exit code other than 0, or more output than allowed); the message names the command and the repository. */
export class GitCommandError extends Error {
  readonly args: readonly string[];
  readonly cwd: string;
  /** git's exit code; -1 when git was stopped for writing too much. */
  readonly code: number;
  readonly stderr: string;

  constructor(args: readonly string[], cwd: string, code: number, why: string, options: { cause?: unknown } = {}) {
    super(`git ${args.join(' ')} (in ${cwd}): ${why}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GitCommandError';
    this.args = args;
    this.cwd = cwd;
    this.code = code;
    this.stderr = why;
  }
}

function startGit(args: readonly string[], options: Pick<GitOptions, 'cwd' | 'env'>): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn('git', [...args], {
    cwd: options.cwd,
    env: {
      ...process.env,
      // Never wait for a password prompt in CI; fail fast and let the caller warn.
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: 'echo',
      LC_ALL: 'C',
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs `git args…` in `cwd` and resolves with its exit code and output; rejects only when git cannot start. */
export function runGit(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = startGit(args, options);
    const cap = options.maxStdoutBytes ?? Number.POSITIVE_INFINITY;
    let chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      kept += chunk.length;
      if (kept > cap * 2) {
        // Keep memory bounded: fold the buffered chunks down to the tail we may still need.
        const joined = Buffer.concat(chunks);
        chunks = [joined.subarray(joined.length - cap)];
        kept = cap;
        truncated = true;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      let out = Buffer.concat(chunks);
      if (out.length > cap) {
        out = out.subarray(out.length - cap);
        truncated = true;
      }
      resolve({
        code: code ?? 1,
        stdout: out.toString('utf8'),
        stdoutBytes: out,
        stderr: Buffer.concat(stderr).toString('utf8'),
        truncated,
      });
    });
    child.stdin.on('error', () => {
      // git may exit before reading its stdin (e.g. a bad argument); the exit code tells the story.
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * git's whole stdout as bytes. Rejects with a GitCommandError when git exits with an error, and stops git and
 * rejects when it writes more than `maxBytes` (default `DEFAULT_MAX_GIT_BYTES`).
 */
export function gitBytes(cwd: string, args: readonly string[], maxBytes = DEFAULT_MAX_GIT_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = startGit(args, { cwd });
    const chunks: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let over = false;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        if (!over) child.kill();
        over = true;
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new GitCommandError(args, cwd, -1, `git could not start: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (over) reject(new GitCommandError(args, cwd, -1, `output is larger than ${maxBytes} bytes`));
      else if (code !== 0) reject(new GitCommandError(args, cwd, code ?? 1, firstLine(Buffer.concat(stderr).toString('utf8'), code ?? 1)));
      else resolve(Buffer.concat(chunks));
    });
    child.stdin.end();
  });
}

/**
 * Streams git's stdout into the file `target` (which it creates or truncates) and resolves with the first
 * `headBytes` of it. Rejects with a GitCommandError when git exits with an error.
 */
export async function gitToFile(cwd: string, args: readonly string[], target: string, headBytes: number): Promise<Buffer> {
  const child = startGit(args, { cwd });
  child.stdin.end();
  const head: Buffer[] = [];
  let seen = 0;
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    if (seen < headBytes) head.push(chunk);
    seen += chunk.length;
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exit = new Promise<number>((done, fail) => {
    child.on('error', (error) => fail(new GitCommandError(args, cwd, -1, `git could not start: ${error.message}`, { cause: error })));
    child.on('close', (code) => done(code ?? 1));
  });
  await Promise.all([pipeline(child.stdout, createWriteStream(target)), exit]);
  const code = await exit;
  if (code !== 0) throw new GitCommandError(args, cwd, code, firstLine(Buffer.concat(stderr).toString('utf8'), code));
  return Buffer.concat(head).subarray(0, headBytes);
}

/** The first line of git's stderr, for messages. */
export function gitError(result: GitResult): string {
  return firstLine(result.stderr, result.code);
}

function firstLine(stderr: string, code: number): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return line ?? `git exited with code ${code}`;
}
