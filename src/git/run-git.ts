/**
 * A tiny `git` runner for the history store: plain child processes, no library, never a shell (arguments are
 * passed as an array, so branch and model names cannot inject anything).
 */
import { spawn } from 'node:child_process';

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

/** Runs `git args…` in `cwd` and resolves with its exit code and output; rejects only when git cannot start. */
export function runGit(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], {
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

/** The first line of git's stderr, for messages. */
export function gitError(result: GitResult): string {
  const line = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return line ?? `git exited with code ${result.code}`;
}
